#include "presenter/presenter_panel.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace pitchreel {
namespace {

cv::Rect half(cv::Rect r) { return {r.x / 2, r.y / 2, r.width / 2, r.height / 2}; }

}  // namespace

FramedPortrait frame_portrait(const cv::Mat& portrait, const FaceLandmarks& face, cv::Size panel) {
  const cv::Point2f left_eye = (face.points[36] + face.points[39]) / 2;
  const cv::Point2f right_eye = (face.points[42] + face.points[45]) / 2;
  const cv::Point2f eyes = (left_eye + right_eye) / 2;
  const double face_width = cv::norm(face.points[16] - face.points[0]);
  const double target = 0.36 * std::min<double>(panel.width, panel.height * 0.9);
  const double cover = std::max(static_cast<double>(panel.width) / portrait.cols,
                                static_cast<double>(panel.height) / portrait.rows);
  const double s = std::max(cover, target / std::max(1.0, face_width));
  // Eyes at 40% of the height, face centred, but never uncovering the panel.
  double ox = panel.width / 2.0 - (face.points[27].x) * s;
  double oy = panel.height * 0.40 - eyes.y * s;
  ox = std::clamp(ox, panel.width - portrait.cols * s, 0.0);
  oy = std::clamp(oy, panel.height - portrait.rows * s, 0.0);
  FramedPortrait out;
  if (s < 0.5) {  // warpAffine does not filter when shrinking much: resize first instead
    cv::Mat smaller;
    cv::resize(portrait, smaller, cv::Size(), s, s, cv::INTER_AREA);
    const cv::Matx23d shift(1, 0, ox, 0, 1, oy);
    cv::warpAffine(smaller, out.picture, shift, panel, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  } else {
    const cv::Matx23d m(s, 0, ox, 0, s, oy);
    cv::warpAffine(portrait, out.picture, m, panel, s < 1 ? cv::INTER_AREA : cv::INTER_CUBIC,
                   cv::BORDER_REPLICATE);
  }
  out.face.face =
      cv::Rect2f(static_cast<float>(face.face.x * s + ox), static_cast<float>(face.face.y * s + oy),
                 static_cast<float>(face.face.width * s), static_cast<float>(face.face.height * s));
  for (std::size_t i = 0; i < out.face.points.size(); ++i) {
    out.face.points[i] = cv::Point2f(static_cast<float>(face.points[i].x * s + ox),
                                     static_cast<float>(face.points[i].y * s + oy));
  }
  return out;
}

PresenterPanel::PresenterPanel(TalkingHead head, cv::Rect panel, cv::Mat mask, cv::Mat half_mask)
    : head_(std::move(head)),
      panel_(panel),
      mask_(std::move(mask)),
      half_mask_(std::move(half_mask)) {}

Result<PresenterPanel> PresenterPanel::create(const cv::Mat& portrait, const FaceLandmarks& face,
                                              cv::Rect panel, int radius) {
  if (panel.width < 64 || panel.height < 64 || panel.x % 2 || panel.y % 2 || panel.width % 2 ||
      panel.height % 2) {
    return fail(
        Error::internal("presenter_panel", "The presenter's panel is too small or odd-aligned."));
  }
  const FramedPortrait framed = frame_portrait(portrait, face, panel.size());
  auto head = TalkingHead::create(framed.picture, framed.face, radius);
  if (!head) return fail(head.error());
  cv::Mat mask, half_mask;
  if (radius > 0) {
    // Rounded corners, antialiased at half resolution too.
    mask = cv::Mat::zeros(panel.size(), CV_8UC1);
    const int r = radius;
    cv::rectangle(mask, cv::Rect(r, 0, panel.width - 2 * r, panel.height), cv::Scalar(255),
                  cv::FILLED);
    cv::rectangle(mask, cv::Rect(0, r, panel.width, panel.height - 2 * r), cv::Scalar(255),
                  cv::FILLED);
    for (const cv::Point c :
         {cv::Point(r, r), cv::Point(panel.width - r - 1, r), cv::Point(r, panel.height - r - 1),
          cv::Point(panel.width - r - 1, panel.height - r - 1)}) {
      cv::circle(mask, c, r, cv::Scalar(255), cv::FILLED, cv::LINE_AA);
    }
    cv::resize(mask, half_mask, panel.size() / 2, 0, 0, cv::INTER_AREA);
    cv::threshold(mask, mask, 127, 255, cv::THRESH_BINARY);
    cv::threshold(half_mask, half_mask, 127, 255, cv::THRESH_BINARY);
  }
  return PresenterPanel(std::move(*head), panel, std::move(mask), std::move(half_mask));
}

cv::Rect PresenterPanel::mouth_area() const {
  const cv::Rect2f reach = head_.rig().mouth_reach();
  const cv::Point origin = panel_.tl() + head_.region().tl();
  return cv::Rect(static_cast<int>(std::floor(reach.x)) + origin.x,
                  static_cast<int>(std::floor(reach.y)) + origin.y,
                  static_cast<int>(std::ceil(reach.width)),
                  static_cast<int>(std::ceil(reach.height)));
}

void PresenterPanel::draw(const FacePose& pose, Yuv420& frame) {
  const Yuv420& still = head_.still();
  cv::Mat y = frame.y(panel_), u = frame.u(half(panel_)), v = frame.v(half(panel_));
  if (mask_.empty()) {
    still.y.copyTo(y);
    still.u.copyTo(u);
    still.v.copyTo(v);
  } else {
    still.y.copyTo(y, mask_);
    still.u.copyTo(u, half_mask_);
    still.v.copyTo(v, half_mask_);
  }
  head_.draw(pose, frame, panel_.tl());
}

}  // namespace pitchreel

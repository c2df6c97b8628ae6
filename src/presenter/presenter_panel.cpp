#include "presenter/presenter_panel.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace pitchreel {

PortraitFraming frame_face(cv::Size picture, const FaceLandmarks& face, cv::Size panel) {
  const cv::Point2f left_eye = (face.points[36] + face.points[39]) / 2;
  const cv::Point2f right_eye = (face.points[42] + face.points[45]) / 2;
  const cv::Point2f eyes = (left_eye + right_eye) / 2;
  const double face_width = cv::norm(face.points[16] - face.points[0]);
  const double target = 0.36 * std::min<double>(panel.width, panel.height * 0.9);
  const double cover = std::max(static_cast<double>(panel.width) / picture.width,
                                static_cast<double>(panel.height) / picture.height);
  PortraitFraming out;
  out.scale = std::max(cover, target / std::max(1.0, face_width));
  const double s = out.scale;
  // Eyes at 40% of the height, face centred, but never uncovering the panel.
  const double ox = panel.width / 2.0 - (face.points[27].x) * s;
  const double oy = panel.height * 0.40 - eyes.y * s;
  out.offset.x = std::clamp(ox, panel.width - picture.width * s, 0.0);
  out.offset.y = std::clamp(oy, panel.height - picture.height * s, 0.0);
  return out;
}

void PortraitFraming::apply(const cv::Mat& picture, cv::Size panel, cv::Mat& out) const {
  const double s = scale;
  if (s < 0.5) {  // warpAffine does not filter when shrinking much: resize first instead
    cv::Mat smaller;
    cv::resize(picture, smaller, cv::Size(), s, s, cv::INTER_AREA);
    const cv::Matx23d shift(1, 0, offset.x, 0, 1, offset.y);
    cv::warpAffine(smaller, out, shift, panel, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  } else {
    const cv::Matx23d m(s, 0, offset.x, 0, s, offset.y);
    cv::warpAffine(picture, out, m, panel, s < 1 ? cv::INTER_AREA : cv::INTER_CUBIC,
                   cv::BORDER_REPLICATE);
  }
}

FaceLandmarks PortraitFraming::map(const FaceLandmarks& face) const {
  return transformed(face, {scale, scale}, offset);
}

FramedPortrait frame_portrait(const cv::Mat& portrait, const FaceLandmarks& face, cv::Size panel) {
  const PortraitFraming framing = frame_face(portrait.size(), face, panel);
  FramedPortrait out;
  framing.apply(portrait, panel, out.picture);
  out.face = framing.map(face);
  return out;
}

Status check_panel(cv::Rect panel) {
  if (panel.width < 64 || panel.height < 64 || panel.x % 2 || panel.y % 2 || panel.width % 2 ||
      panel.height % 2) {
    return fail(
        Error::internal("presenter_panel", "The presenter's panel is too small or odd-aligned."));
  }
  return {};
}

PresenterPanel::PresenterPanel(TalkingHead head, cv::Rect panel, PanelMask mask)
    : head_(std::move(head)), panel_(panel), mask_(std::move(mask)) {}

Result<PresenterPanel> PresenterPanel::create(const cv::Mat& portrait, const FaceLandmarks& face,
                                              cv::Rect panel, int radius) {
  if (auto s = check_panel(panel); !s) return fail(s.error());
  const FramedPortrait framed = frame_portrait(portrait, face, panel.size());
  auto head = TalkingHead::create(framed.picture, framed.face, radius);
  if (!head) return fail(head.error());
  return PresenterPanel(std::move(*head), panel, PanelMask::rounded(panel.size(), radius));
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
  // The head region is left out: the head's warp writes every pixel of it.
  mask_.copy(head_.still(), frame, panel_.tl(), head_.region());
  head_.draw(pose, frame, panel_.tl());
}

}  // namespace pitchreel

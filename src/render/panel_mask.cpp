#include "render/panel_mask.h"

#include <opencv2/imgproc.hpp>

namespace pitchreel {

PanelMask PanelMask::rounded(cv::Size panel, int radius) {
  PanelMask out;
  if (radius <= 0) return out;
  // Antialiased circles, thresholded so that the copy is a plain masked copy.
  const int r = radius;
  out.full_ = cv::Mat::zeros(panel, CV_8UC1);
  cv::rectangle(out.full_, cv::Rect(r, 0, panel.width - 2 * r, panel.height), cv::Scalar(255),
                cv::FILLED);
  cv::rectangle(out.full_, cv::Rect(0, r, panel.width, panel.height - 2 * r), cv::Scalar(255),
                cv::FILLED);
  for (const cv::Point c :
       {cv::Point(r, r), cv::Point(panel.width - r - 1, r), cv::Point(r, panel.height - r - 1),
        cv::Point(panel.width - r - 1, panel.height - r - 1)}) {
    cv::circle(out.full_, c, r, cv::Scalar(255), cv::FILLED, cv::LINE_AA);
  }
  cv::resize(out.full_, out.half_, panel / 2, 0, 0, cv::INTER_AREA);
  cv::threshold(out.full_, out.full_, 127, 255, cv::THRESH_BINARY);
  cv::threshold(out.half_, out.half_, 127, 255, cv::THRESH_BINARY);
  return out;
}

void PanelMask::copy(const Yuv420& picture, Yuv420& frame, cv::Point origin) const {
  const cv::Rect full(origin, picture.size());
  const cv::Rect half(origin / 2, picture.size() / 2);
  cv::Mat y = frame.y(full), u = frame.u(half), v = frame.v(half);
  if (full_.empty()) {
    picture.y.copyTo(y);
    picture.u.copyTo(u);
    picture.v.copyTo(v);
  } else {
    picture.y.copyTo(y, full_);
    picture.u.copyTo(u, half_);
    picture.v.copyTo(v, half_);
  }
}

}  // namespace pitchreel

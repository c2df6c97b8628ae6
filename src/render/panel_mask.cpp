#include "render/panel_mask.h"

#include <array>

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

void PanelMask::copy(const Yuv420& picture, Yuv420& frame, cv::Point origin, cv::Rect skip) const {
  const cv::Rect panel({}, picture.size());
  skip &= panel;
  // The panel around `skip`: the rows above and below it, and beside it left and right
  // (nothing skipped: the whole panel).
  using Bands = std::array<cv::Rect, 4>;
  const Bands bands =
      skip.empty() ? Bands{panel}
                   : Bands{cv::Rect(0, 0, panel.width, skip.y),
                           cv::Rect(0, skip.br().y, panel.width, panel.height - skip.br().y),
                           cv::Rect(0, skip.y, skip.x, skip.height),
                           cv::Rect(skip.br().x, skip.y, panel.width - skip.br().x, skip.height)};
  for (const cv::Rect& band : bands) {
    if (band.empty()) continue;
    const cv::Rect half(band.x / 2, band.y / 2, band.width / 2, band.height / 2);
    cv::Mat y = frame.y(band + origin), u = frame.u(half + origin / 2),
            v = frame.v(half + origin / 2);
    // An empty mask (square corners) is a plain copy.
    picture.y(band).copyTo(y, full_.empty() ? cv::Mat() : full_(band));
    picture.u(half).copyTo(u, half_.empty() ? cv::Mat() : half_(half));
    picture.v(half).copyTo(v, half_.empty() ? cv::Mat() : half_(half));
  }
}

}  // namespace pitchreel

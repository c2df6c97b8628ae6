#include "render/drop_shadow.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace pitchreel {
namespace {

// The shadow's extent [begin, end) within [0, length), blurred along one axis the way
// cv::GaussianBlur blurs a CV_8U picture: the kernel size it picks for `sigma`, and the
// edges of [0, length) reflected (BORDER_REFLECT_101).
cv::Mat blurred_extent(int length, int begin, int end, double sigma) {
  cv::Mat extent = cv::Mat::zeros(1, length, CV_32F);
  extent.colRange(std::clamp(begin, 0, length), std::clamp(end, 0, length)).setTo(1);
  const int taps = cvRound(sigma * 3 * 2 + 1) | 1;
  const cv::Mat kernel = cv::getGaussianKernel(taps, sigma, CV_32F).t();
  cv::Mat blurred;
  cv::filter2D(extent, blurred, CV_32F, kernel, cv::Point(-1, -1), 0, cv::BORDER_REFLECT_101);
  return blurred;
}

}  // namespace

void drop_shadow(cv::Mat& canvas, cv::Rect box) {
  CV_Assert(canvas.type() == CV_8UC3);
  const int blur = std::max(4, std::min(box.width, box.height) / 20);
  const cv::Rect shadow = box + cv::Point(blur / 3, blur / 2);
  const cv::Rect roi = (shadow + cv::Size(6 * blur, 6 * blur) - cv::Point(3 * blur, 3 * blur)) &
                       cv::Rect({}, canvas.size());
  if (roi.empty()) return;
  const cv::Mat across = blurred_extent(roi.width, shadow.x - roi.x, shadow.br().x - roi.x, blur);
  const cv::Mat down = blurred_extent(roi.height, shadow.y - roi.y, shadow.br().y - roi.y, blur);
  // Row by row: the shadow's darkness there is the row's share times each column's, 140
  // where the shadow is whole (55% darker at most); each colour is then scaled by
  // (255 - darkness) / 255, rounded as cv::multiply rounds.
  std::vector<std::uint8_t> keep(static_cast<std::size_t>(roi.width));
  for (int y = 0; y < roi.height; ++y) {
    const float row_share = 140 * down.at<float>(y);
    for (int x = 0; x < roi.width; ++x) {
      keep[x] = static_cast<std::uint8_t>(255 - cvRound(row_share * across.at<float>(x)));
    }
    std::uint8_t* pixel = canvas.ptr<std::uint8_t>(roi.y + y) + 3 * roi.x;
    for (int x = 0; x < roi.width; ++x, pixel += 3) {
      for (int c = 0; c < 3; ++c) {
        const unsigned product = pixel[c] * unsigned{keep[x]} + 128;  // round(p * k / 255)
        pixel[c] = static_cast<std::uint8_t>((product + (product >> 8)) >> 8);
      }
    }
  }
}

}  // namespace pitchreel

#include "render/ken_burns_scene.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "render/timeline.h"

namespace pitchreel {
namespace {

cv::Size scaled(cv::Size s, double f) {
  return {std::max(1, static_cast<int>(std::lround(s.width * f))),
          std::max(1, static_cast<int>(std::lround(s.height * f)))};
}

// The photo scaled to cover `size`, blurred and darkened: a backdrop in the photo's own
// colours. Blurring happens at 1/8 scale, where it is cheap and the result is the same.
cv::Mat blurred_fill(const cv::Mat& photo, cv::Size size) {
  const cv::Size small = scaled(size, 1.0 / 8);
  const double cover = std::max(static_cast<double>(small.width) / photo.cols,
                                static_cast<double>(small.height) / photo.rows);
  cv::Mat covered;
  cv::resize(photo, covered, scaled(photo.size(), cover), 0, 0, cv::INTER_AREA);
  const cv::Rect crop((covered.cols - small.width) / 2, (covered.rows - small.height) / 2,
                      small.width, small.height);
  cv::Mat fill;
  cv::GaussianBlur(covered(crop), fill, cv::Size(0, 0), std::max(2.0, small.width / 40.0));
  fill.convertTo(fill, -1, 0.45);  // darker, so the product and captions stand out
  cv::Mat full;
  cv::resize(fill, full, size, 0, 0, cv::INTER_LINEAR);
  return full;
}

// Darkens the backdrop under a soft, slightly offset copy of `box`: a drop shadow that
// lifts the product off its background.
void drop_shadow(cv::Mat& canvas, cv::Rect box) {
  const int blur = std::max(4, std::min(box.width, box.height) / 20);
  cv::Mat mask = cv::Mat::zeros(canvas.size(), CV_32F);
  cv::rectangle(mask, box + cv::Point(blur / 3, blur / 2), cv::Scalar(0.55), cv::FILLED);
  cv::GaussianBlur(mask, mask, cv::Size(0, 0), blur);
  cv::Mat keep;
  cv::subtract(cv::Scalar(1.0), mask, keep);
  cv::Mat keep3;
  cv::merge(std::vector<cv::Mat>{keep, keep, keep}, keep3);
  cv::Mat as_float;
  canvas.convertTo(as_float, CV_32FC3);
  cv::multiply(as_float, keep3, as_float);
  as_float.convertTo(canvas, CV_8UC3);
}

}  // namespace

KenBurnsScene::KenBurnsScene(const cv::Mat& photo, cv::Size frame, const FrameLayout& layout)
    : frame_(frame) {
  const cv::Size still_size = scaled(frame, kOverscan);
  still_ = blurred_fill(photo, still_size);

  // The product box in still coordinates: at the end of the move the camera shows the
  // still at native scale, so the product then fills layout.product exactly.
  const double fit = std::min(static_cast<double>(layout.product.width) / photo.cols,
                              static_cast<double>(layout.product.height) / photo.rows);
  const cv::Size product_size = scaled(photo.size(), fit);
  const cv::Point2d area_center((layout.product.x + layout.product.width / 2.0) * kOverscan,
                                (layout.product.y + layout.product.height / 2.0) * kOverscan);
  const cv::Rect box(static_cast<int>(std::lround(area_center.x - product_size.width / 2.0)),
                     static_cast<int>(std::lround(area_center.y - product_size.height / 2.0)),
                     product_size.width, product_size.height);
  drop_shadow(still_, box);
  cv::Mat product;
  cv::resize(photo, product, product_size, 0, 0, fit < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
  product.copyTo(still_(box & cv::Rect({}, still_.size())));
  // A slight pre-filter: the camera resamples the still at 0.91x to 1x, where bilinear
  // sampling alone lets hard edges shimmer by a fraction of a pixel as they move.
  cv::GaussianBlur(still_, still_, cv::Size(0, 0), 0.6);

  // Start on the whole still; end zoomed in on the product, centred where the layout
  // wants it, so the product never leaves the frame.
  start_center_ = {still_.cols / 2.0, still_.rows / 2.0};
  const cv::Point2d frame_area_center(layout.product.x + layout.product.width / 2.0,
                                      layout.product.y + layout.product.height / 2.0);
  end_center_ = area_center - (frame_area_center - cv::Point2d(frame.width / 2.0, frame.height / 2.0));
}

void KenBurnsScene::render(double p, cv::Mat& out) const {
  const double e = ease_in_out(p);
  const double zoom = 1.0 + (kOverscan - 1.0) * e;  // 1: whole still visible
  const double scale = zoom / kOverscan;             // still pixels -> frame pixels
  const cv::Point2d center = start_center_ + (end_center_ - start_center_) * e;
  const cv::Matx23d m(scale, 0, frame_.width / 2.0 - center.x * scale,  //
                      0, scale, frame_.height / 2.0 - center.y * scale);
  out.create(frame_, CV_8UC3);
  cv::warpAffine(still_, out, m, frame_, cv::INTER_LINEAR, cv::BORDER_REFLECT);
}

}  // namespace pitchreel

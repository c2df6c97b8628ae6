#include "render/ken_burns_scene.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "media/color_convert.h"
#include "render/drop_shadow.h"
#include "render/scale_translate.h"
#include "render/timeline.h"

namespace pitchreel {
namespace {

cv::Size scaled(cv::Size s, double f) {
  return {std::max(1, static_cast<int>(std::lround(s.width * f))),
          std::max(1, static_cast<int>(std::lround(s.height * f)))};
}

cv::Size even(cv::Size s) { return {s.width + s.width % 2, s.height + s.height % 2}; }

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

}  // namespace

Result<KenBurnsScene> KenBurnsScene::create(const cv::Mat& photo, cv::Size frame,
                                            const FrameLayout& layout) {
  KenBurnsScene scene;
  scene.frame_ = frame;
  const cv::Size still_size = even(scaled(frame, kOverscan));
  cv::Mat still = blurred_fill(photo, still_size);
  const double overscan_x = static_cast<double>(still_size.width) / frame.width;
  const double overscan_y = static_cast<double>(still_size.height) / frame.height;

  // The product box in still coordinates: at the end of the move the camera shows the
  // still at native scale, so the product then fills layout.product exactly.
  const double fit = product_scale_for(photo.size(), layout);
  const cv::Size product_size = scaled(photo.size(), fit);
  const cv::Point2d area_center((layout.product.x + layout.product.width / 2.0) * overscan_x,
                                (layout.product.y + layout.product.height / 2.0) * overscan_y);
  const cv::Rect box(static_cast<int>(std::lround(area_center.x - product_size.width / 2.0)),
                     static_cast<int>(std::lround(area_center.y - product_size.height / 2.0)),
                     product_size.width, product_size.height);
  drop_shadow(still, box);
  cv::Mat product;
  cv::resize(photo, product, product_size, 0, 0, fit < 1 ? cv::INTER_AREA : cv::INTER_LANCZOS4);
  const cv::Rect visible = box & cv::Rect({}, still.size());
  product(visible - box.tl()).copyTo(still(visible));
  // A slight pre-filter: the camera resamples the still at 0.91x to 1x, where bilinear
  // sampling alone lets hard edges shimmer by a fraction of a pixel as they move. Only the
  // product and its outline have such edges: the backdrop around it (an enlarged blur under
  // a soft shadow) is left as it is, which saves filtering up to 2 Mpx before the first
  // frame. The filter reads the neighbours outside the area, so inside it the result is
  // the whole still's filter (to within one level: OpenCV rounds a whole picture and a
  // part of one a little differently).
  constexpr int kFilterReach = 3;  // more than the 5-tap kernel's radius
  const cv::Rect edges = (box + cv::Size(2 * kFilterReach, 2 * kFilterReach) -
                          cv::Point(kFilterReach, kFilterReach)) &
                         cv::Rect({}, still.size());
  cv::Mat filtered;
  cv::GaussianBlur(still(edges), filtered, cv::Size(0, 0), 0.6);
  filtered.copyTo(still(edges));
  auto yuv = bgr_to_yuv420(still);
  if (!yuv) return fail(yuv.error());
  scene.still_ = std::move(*yuv);

  // Start on the whole still; end zoomed in on the product, centred where the layout
  // wants it, so the product never leaves the frame.
  scene.start_center_ = {still_size.width / 2.0, still_size.height / 2.0};
  const cv::Point2d frame_area_center(layout.product.x + layout.product.width / 2.0,
                                      layout.product.y + layout.product.height / 2.0);
  scene.end_center_ =
      area_center - (frame_area_center - cv::Point2d(frame.width / 2.0, frame.height / 2.0));
  return scene;
}

double KenBurnsScene::product_scale_for(cv::Size photo, const FrameLayout& layout) {
  return std::min({static_cast<double>(layout.product.width) / photo.width,
                   static_cast<double>(layout.product.height) / photo.height, kMaxUpscale});
}

void KenBurnsScene::render(double p, Yuv420& out) const { render(p, out, cv::Rect({}, frame_)); }

void KenBurnsScene::render(double p, Yuv420& out, cv::Rect area) const {
  const double e = ease_in_out(p);
  const double zoom = 1.0 + (kOverscan - 1.0) * e;  // 1: whole still visible
  const double scale = zoom / kOverscan;            // still pixels -> frame pixels
  const cv::Point2d center = start_center_ + (end_center_ - start_center_) * e;
  // The area's own origin moves the offsets: dst_area(x, y) = frame(x + ax, y + ay).
  const double tx = frame_.width / 2.0 - center.x * scale - area.x;
  const double ty = frame_.height / 2.0 - center.y * scale - area.y;
  if (out.size() != frame_) out = Yuv420::allocate(frame_);
  cv::Mat y = out.y(area);
  resample_scale_translate(still_.y, y, scale, tx, ty);
  // Chroma samples sit at luma (2i, 2j + 0.5) (left siting), which shifts the offsets.
  const double chroma_ty = (ty + 0.5 * scale - 0.5) / 2;
  const cv::Rect half(area.x / 2, area.y / 2, area.width / 2, area.height / 2);
  cv::Mat u = out.u(half), v = out.v(half);
  resample_scale_translate(still_.u, u, scale, tx / 2, chroma_ty);
  resample_scale_translate(still_.v, v, scale, tx / 2, chroma_ty);
}

}  // namespace pitchreel

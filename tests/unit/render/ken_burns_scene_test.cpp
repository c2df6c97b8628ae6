#include "render/ken_burns_scene.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <future>
#include <thread>

#include "render/ken_burns_layer.h"

namespace pitchreel {
namespace {

// A bright product on a dark-ish photo background, so it can be found in the frame.
cv::Mat product_photo() {
  cv::Mat img(400, 300, CV_8UC3, cv::Scalar(40, 40, 40));
  cv::rectangle(img, cv::Rect(0, 0, 300, 400), cv::Scalar(250, 250, 250), cv::FILLED);
  return img;
}

// Centroid and bounding box of the bright pixels (the product).
struct Found {
  cv::Point2d centroid;
  cv::Rect box;
};
// The centroid is weighted by luma above the backdrop's (white * 0.45: Y ~113), so it is exact to
// the sub-pixel (a thresholded mask would itself move in whole-pixel steps).
Found find_product(const Yuv420& frame) {
  const cv::Mat& gray = frame.y;
  cv::Mat mask, weight;
  cv::threshold(gray, mask, 200, 255, cv::THRESH_BINARY);
  gray.convertTo(weight, CV_32F);
  cv::threshold(weight - 115.0, weight, 0, 0, cv::THRESH_TOZERO);
  const cv::Moments m = cv::moments(weight, false);
  return {{m.m10 / m.m00, m.m01 / m.m00}, cv::boundingRect(mask)};
}

TEST(KenBurnsScene, ProductStaysWholeInsideItsBoxInEveryShape) {
  for (const cv::Size frame : {cv::Size(1280, 720), cv::Size(720, 1280), cv::Size(720, 720)}) {
    const FrameLayout layout = showcase_layout(frame, true, true);
    auto scene = KenBurnsScene::create(product_photo(), frame, layout);
    ASSERT_TRUE(scene);
    Yuv420 out;
    for (double p : {0.0, 0.25, 0.5, 0.75, 1.0}) {
      scene->render(p, out);
      ASSERT_EQ(out.size(), frame);
      const Found f = find_product(out);
      const cv::Rect grown(layout.product.x - 2, layout.product.y - 2, layout.product.width + 4,
                           layout.product.height + 4);
      EXPECT_EQ(f.box & grown, f.box) << frame << " p=" << p;
      EXPECT_TRUE(f.box.width > 0);
    }
  }
}

TEST(KenBurnsScene, BackgroundIsFilledNotBlack) {
  const cv::Size frame(1280, 720);
  auto scene = KenBurnsScene::create(product_photo(), frame, showcase_layout(frame, false, true));
  ASSERT_TRUE(scene);
  Yuv420 out;
  scene->render(0.3, out);
  // Corners show the blurred, darkened fill of the photo, not black bars (Y 16).
  for (const cv::Point corner : {cv::Point(2, 2), cv::Point(1277, 717)}) {
    EXPECT_GT(out.y.at<std::uint8_t>(corner), 60) << corner;
  }
}

// The camera moves smoothly: the product's centroid and size change by small, steady
// sub-pixel steps from frame to frame, without the whole-pixel stair-steps of zoompan.
TEST(KenBurnsScene, MotionIsSmoothToTheSubPixel) {
  const cv::Size frame(1280, 720);
  auto scene = KenBurnsScene::create(product_photo(), frame, showcase_layout(frame, false, true));
  ASSERT_TRUE(scene);
  Yuv420 out;
  std::vector<double> widths;
  std::vector<cv::Point2d> centers;
  const int frames = 150;
  for (int i = 0; i < frames; ++i) {
    scene->render(static_cast<double>(i) / (frames - 1), out);
    const Found f = find_product(out);
    centers.push_back(f.centroid);
    widths.push_back(cv::sum(out.y.row(f.box.y + f.box.height / 2) > 200)[0] / 255.0);
  }
  EXPECT_GT(widths.back(), widths.front());  // it zooms in
  double max_jump = 0, max_accel = 0;
  for (int i = 2; i < frames; ++i) {
    const double v1 = cv::norm(centers[i] - centers[i - 1]);
    const double v0 = cv::norm(centers[i - 1] - centers[i - 2]);
    max_jump = std::max(max_jump, v1);
    max_accel = std::max(max_accel, std::abs(v1 - v0));
  }
  EXPECT_LT(max_jump, 1.0);    // never a whole-pixel jump per frame at this length
  EXPECT_LT(max_accel, 0.15);  // and no stair-steps: speed changes gradually
}

// The layer made from a scene still being made draws what the scene draws, once it is
// there, and a scene that could not be made ends the video with its error.
TEST(KenBurnsLayer, AScenePromisedIsDrawnAsTheSceneAndItsErrorIsTheFirstFrames) {
  const cv::Size frame(1280, 720);
  const FrameLayout layout = showcase_layout(frame, false, true);
  const Timeline timeline = make_timeline(2.0, 25);
  const cv::Rect area({}, frame);
  auto scene = KenBurnsScene::create(product_photo(), frame, layout);
  ASSERT_TRUE(scene);
  std::promise<Result<KenBurnsScene>> promise;
  KenBurnsLayer promised(promise.get_future(), timeline, area);
  std::thread maker(
      [&] { promise.set_value(KenBurnsScene::create(product_photo(), frame, layout)); });
  for (std::int64_t i : {0, 1, 2, 30}) {
    Yuv420 a = Yuv420::allocate(frame), b = Yuv420::allocate(frame);
    ASSERT_TRUE(promised.draw(i, a));
    scene->render(timeline.progress(i), b, area);
    EXPECT_EQ(cv::norm(a.y, b.y, cv::NORM_INF), 0) << i;
    EXPECT_EQ(cv::norm(a.u, b.u, cv::NORM_INF), 0) << i;
  }
  maker.join();

  std::promise<Result<KenBurnsScene>> broken;
  broken.set_value(fail(Error::internal("encode_failed", "Out of memory for a frame.")));
  KenBurnsLayer failing(broken.get_future(), timeline, area);
  Yuv420 out = Yuv420::allocate(frame);
  const Status s = failing.draw(0, out);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, "encode_failed");
}

}  // namespace
}  // namespace pitchreel

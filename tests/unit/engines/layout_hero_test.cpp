// Every layout in every shape, measured on composed frames (the CPU presenter, a title and
// karaoke captions, exactly as the cpu engine draws them):
// - the product's linear size on screen (sqrt of its visible area over the frame's short
//   side) is at least 0.65 in showcase and 0.45 in presenter, split and pip, from the
//   first frame (the camera's widest) on, and the product is whole (no caption over it);
// - no band of more than 15% of the frame's height shows only backdrop;
// - in 9:16 the title and captions stay in the apps' safe zone (rows 14% to 80%);
// - frame 0 is the picture (no fade from black), and nothing of the words covers the
//   presenter's mouth.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstdio>

#include <fmt/format.h>

#include "engines/video_composer.h"
#include "unit/engines/cpu_composition.h"
#include "media/color_convert.h"
#include "media/image.h"
#include "presenter/animated_presenter.h"
#include "support/synthetic_speech.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

// A saturated green product with texture: nothing else in the frame (the backdrop is its
// blurred copy at 45% brightness, the words are white and yellow) is this green.
cv::Mat green_product(cv::Size size) {
  cv::Mat img(size, CV_8UC3);
  cv::RNG rng(7);
  for (int r = 0; r < img.rows; ++r) {
    for (int c = 0; c < img.cols; ++c) {
      img.at<cv::Vec3b>(r, c) = cv::Vec3b(static_cast<uchar>(30 + rng.uniform(0, 30)),
                                          static_cast<uchar>(215 + rng.uniform(0, 40)),
                                          static_cast<uchar>(30 + rng.uniform(0, 30)));
    }
  }
  return img;
}

cv::Mat bgr(const Yuv420& frame) {
  auto out = yuv420_to_bgr(frame);
  return out ? *out : cv::Mat();
}

cv::Mat product_mask(const cv::Mat& frame, cv::Rect presenter) {
  cv::Mat mask;
  cv::inRange(frame, cv::Scalar(0, 165, 0), cv::Scalar(120, 255, 120), mask);
  if (!presenter.empty()) mask(presenter).setTo(0);
  return mask;
}

Speech test_speech() {
  return testing::synthetic_speech(
      {"Meet", "the", "new", "slicer.", "It", "cuts", "in", "one", "clean", "move."}, 3.2);
}

struct Case {
  Layout layout;
  Aspect aspect;
  friend void PrintTo(const Case& c, std::ostream* os) {
    *os << layout_name(c.layout) << " " << static_cast<int>(c.aspect);
  }
};

class LayoutHeroTest : public ::testing::TestWithParam<Case> {};

TEST_P(LayoutHeroTest, ProductIsTheHeroAndNoBandIsLeftToTheBackdrop) {
  PITCHREEL_REQUIRE_TESTDATA(path, "portraits/painted-girl.jpg");
  const Case c = GetParam();
  auto portrait = load_image(path);
  ASSERT_TRUE(portrait.has_value());
  auto face = detect_face(*portrait);
  ASSERT_TRUE(face.has_value());
  const Speech speech = test_speech();

  RenderJob job;
  job.product = green_product({640, 640});
  if (c.layout != Layout::kShowcase) job.presenter = PresenterInput{*portrait, *face};
  job.layout = c.layout;
  job.title = "Apple Slicer Pro";
  job.speech = &speech;
  job.format.aspect = c.aspect;
  job.format.height = 720;
  job.captions = true;
  auto made = testing::compose_as_cpu_engine(job, *portrait, *face);
  ASSERT_TRUE(made.has_value()) << made.error().message;
  const LayoutScene& scene = made->scene;
  FrameComposer& composer = made->composer;
  const FrameLayout& layout = composer.layout();
  const Timeline& timeline = scene.composition.timeline;
  const cv::Size size(job.format.width_px(), job.format.height_px());
  const double short_side = std::min(size.width, size.height);
  const double wanted = c.layout == Layout::kShowcase ? 0.65 : 0.45;

  // Frame 0, the poster, a frame mid-speech (captions up), the last frame.
  const std::int64_t mid = static_cast<std::int64_t>((timeline.lead_in + 1.0) * timeline.fps);
  for (const std::int64_t i : {std::int64_t{0}, timeline.poster_frame(), mid}) {
    Yuv420 out = Yuv420::allocate(size);
    Yuv420 picture = Yuv420::allocate(size);  // the backdrop and presenter alone
    ASSERT_TRUE(scene.composition.backdrop->draw(i, picture));
    if (scene.presenter) {
      ASSERT_TRUE(scene.presenter->draw(i, picture));
    }
    ASSERT_TRUE(composer.draw(i, out));
    const cv::Mat frame = bgr(out);

    // The product: big enough, and whole (a square photo fills its bounding box).
    const cv::Mat mask = product_mask(frame, layout.presenter);
    const cv::Rect box = cv::boundingRect(mask);
    const double linear = std::sqrt(cv::countNonZero(mask)) / short_side;
    EXPECT_GE(linear, wanted) << "frame " << i;
    ASSERT_FALSE(box.empty());
    EXPECT_GE(cv::countNonZero(mask(box)), 0.97 * box.area()) << "something covers the product";
    EXPECT_EQ(box & cv::Rect({}, size), box);

    // Words: where the composed frame differs from the picture alone.
    cv::Mat diff;
    cv::absdiff(out.y, picture.y, diff);
    cv::Mat words = diff > 12;
    EXPECT_EQ(cv::countNonZero(words & mask), 0) << "words over the product, frame " << i;
    const cv::Rect text = cv::boundingRect(words);
    if (scene.presenter) {
      const cv::Rect mouth = scene.presenter->mouth_area() & cv::Rect({}, size);
      EXPECT_EQ(cv::countNonZero(words(mouth)), 0) << "words over the mouth, frame " << i;
    }
    if (c.aspect == Aspect::kPortrait && !text.empty()) {
      EXPECT_GE(text.y, 0.14 * size.height) << "words above the safe zone";
      EXPECT_LE(text.br().y, 0.80 * size.height) << "words below the safe zone";
    }

    // Rows of backdrop only: no product, no presenter, no words.
    int run = 0, longest = 0;
    for (int r = 0; r < size.height; ++r) {
      const bool presenter_row = r >= layout.presenter.y && r < layout.presenter.br().y;
      const bool backdrop_only = !presenter_row && cv::countNonZero(mask.row(r)) == 0 &&
                                 cv::countNonZero(words.row(r)) == 0;
      run = backdrop_only ? run + 1 : 0;
      longest = std::max(longest, run);
    }
    EXPECT_LE(longest, 0.15 * size.height) << "a band of backdrop only, frame " << i;
    RecordProperty(fmt::format("frame{}_product_linear", i), fmt::format("{:.3f}", linear));
    RecordProperty(fmt::format("frame{}_backdrop_band", i),
                   fmt::format("{:.3f}", static_cast<double>(longest) / size.height));
    std::printf("%s %dx%d frame %lld: product %.3f, backdrop band %.3f\n",
                layout_name(c.layout).c_str(), size.width, size.height, static_cast<long long>(i),
                linear, static_cast<double>(longest) / size.height);
    if (i == 0) {
      EXPECT_GT(cv::mean(out.y)[0], 40) << "frame 0 shows the picture, not black";
    }
  }
}

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (Layout l : {Layout::kShowcase, Layout::kPresenter, Layout::kSplit, Layout::kPip}) {
    for (Aspect a : {Aspect::kLandscape, Aspect::kSquare, Aspect::kPortrait}) cases.push_back({l, a});
  }
  return cases;
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  const char* shape = info.param.aspect == Aspect::kLandscape ? "16x9"
                      : info.param.aspect == Aspect::kSquare  ? "1x1"
                                                              : "9x16";
  return layout_name(info.param.layout) + "_" + shape;
}

INSTANTIATE_TEST_SUITE_P(EveryLayoutAndShape, LayoutHeroTest, ::testing::ValuesIn(all_cases()),
                         case_name);

}  // namespace
}  // namespace pitchreel

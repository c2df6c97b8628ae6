// The composed frames stay what they were: each frame listed below, drawn by the compositor
// exactly as the cpu engine draws it (the Ken Burns camera between whole pixels, the title,
// karaoke captions, the CPU presenter's warp and mouth, the fade out), is compared with the
// frame the same composition gave when its golden file was written, and must stay within
// 45 dB PSNR (Y, U and V together). A speed-up that changes pictures beyond rounding fails
// here; identical pictures read "inf".
//
// The golden frames are tests/golden/composition/<case>-<frame>.png: Y, U and V in the
// blue, green and red channels (U and V repeated over their 2x2 blocks), so the YUV frame
// comes back exactly. A change meant to alter the pictures (a design change, not an
// optimisation) rewrites them with
//   PITCHREEL_UPDATE_GOLDEN=1 build/test_engines --gtest_filter='*CompositionGolden*'
// and the new PNGs are committed with that change.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>

#include <fmt/format.h>

#include "engines/video_composer.h"
#include "unit/engines/cpu_composition.h"
#include "media/image.h"
#include "media/png_writer.h"
#include "presenter/animated_presenter.h"
#include "support/synthetic_speech.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

const std::filesystem::path kGoldenDir =
    std::filesystem::path(PITCHREEL_SOURCE_DIR) / "tests/golden/composition";

// A product drawn from shapes (deterministic everywhere): a soft gradient, a disc, a
// label, and fine stripes that show any change in how the camera resamples.
cv::Mat drawn_product() {
  cv::Mat img(600, 800, CV_8UC3);
  for (int r = 0; r < img.rows; ++r) {
    for (int c = 0; c < img.cols; ++c) {
      img.at<cv::Vec3b>(r, c) = cv::Vec3b(static_cast<uchar>(200 + c * 40 / img.cols),
                                          static_cast<uchar>(210 + r * 30 / img.rows), 235);
    }
  }
  cv::circle(img, {400, 300}, 190, cv::Scalar(40, 90, 200), cv::FILLED, cv::LINE_AA);
  cv::circle(img, {340, 240}, 60, cv::Scalar(180, 210, 250), cv::FILLED, cv::LINE_AA);
  for (int x = 250; x < 550; x += 6) {
    cv::line(img, {x, 420}, {x + 3, 470}, cv::Scalar(20, 40, 90), 2, cv::LINE_AA);
  }
  cv::putText(img, "AURORA", {255, 330}, cv::FONT_HERSHEY_DUPLEX, 2.2, cv::Scalar(250, 250, 250),
              3, cv::LINE_AA);
  return img;
}

Speech golden_speech() {
  return testing::synthetic_speech(
      {"Meet", "the", "Aurora", "bottle.", "It", "keeps", "drinks", "cold", "all", "day."}, 3.0);
}

// Y, U, V into one BGR picture (U and V repeated over their 2x2 blocks), and back.
cv::Mat pack(const Yuv420& f) {
  cv::Mat u, v, out;
  cv::resize(f.u, u, f.y.size(), 0, 0, cv::INTER_NEAREST);
  cv::resize(f.v, v, f.y.size(), 0, 0, cv::INTER_NEAREST);
  cv::merge(std::vector<cv::Mat>{f.y, u, v}, out);
  return out;
}

Yuv420 unpack(const cv::Mat& packed) {
  std::vector<cv::Mat> planes;
  cv::split(packed, planes);
  Yuv420 f = Yuv420::allocate(packed.size());
  planes[0].copyTo(f.y);
  for (int r = 0; r < f.u.rows; ++r) {
    for (int c = 0; c < f.u.cols; ++c) {
      f.u.at<uchar>(r, c) = planes[1].at<uchar>(2 * r, 2 * c);
      f.v.at<uchar>(r, c) = planes[2].at<uchar>(2 * r, 2 * c);
    }
  }
  return f;
}

// The frame moved right by half a pixel (bilinear), planes alike.
Yuv420 half_pixel_shift(const Yuv420& f) {
  Yuv420 out = Yuv420::allocate(f.y.size());
  const auto shift = [](const cv::Mat& from, cv::Mat& to, double dx) {
    const cv::Matx23d m(1, 0, dx, 0, 1, 0);
    cv::warpAffine(from, to, m, from.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  };
  shift(f.y, out.y, 0.5);
  shift(f.u, out.u, 0.25);
  shift(f.v, out.v, 0.25);
  return out;
}

// PSNR over the Y, U and V samples together; infinity when identical.
double psnr(const Yuv420& a, const Yuv420& b) {
  double squared = 0;
  double count = 0;
  for (auto [x, y] : {std::pair{&a.y, &b.y}, {&a.u, &b.u}, {&a.v, &b.v}}) {
    squared += std::pow(cv::norm(*x, *y, cv::NORM_L2), 2);
    count += static_cast<double>(x->total());
  }
  if (squared == 0) return std::numeric_limits<double>::infinity();
  return 10 * std::log10(255.0 * 255.0 / (squared / count));
}

struct Case {
  std::string name;
  Layout layout;
  Aspect aspect;
};

class CompositionGolden : public ::testing::TestWithParam<Case> {};

TEST_P(CompositionGolden, FramesStayWithin45DbOfTheGoldenFrames) {
  PITCHREEL_REQUIRE_TESTDATA(path, "portraits/painted-girl.jpg");
  const Case c = GetParam();
  const Speech speech = golden_speech();
  auto portrait = load_image(path);
  ASSERT_TRUE(portrait.has_value());
  auto face = detect_face(*portrait);
  ASSERT_TRUE(face.has_value());

  RenderJob job;
  job.product = drawn_product();
  if (c.layout != Layout::kShowcase) job.presenter = PresenterInput{*portrait, *face};
  job.layout = c.layout;
  job.title = "Aurora Bottle";
  job.speech = &speech;
  job.format.aspect = c.aspect;
  job.format.height = 720;
  job.captions = true;
  auto made = testing::compose_as_cpu_engine(job, *portrait, *face);
  ASSERT_TRUE(made.has_value()) << made.error().message;
  const LayoutScene& scene = made->scene;
  FrameComposer& composer = made->composer;
  const Timeline& timeline = scene.composition.timeline;
  const cv::Size size(job.format.width_px(), job.format.height_px());

  // Per case, frames mid-speech (the camera between whole pixels, a caption word lit, the
  // title, the mouth moving) and, for showcase, one in the fade out.
  const auto at = [&](double seconds) {
    return static_cast<std::int64_t>(std::lround(seconds * timeline.fps));
  };
  std::vector<std::int64_t> checked = {at(timeline.lead_in + 0.7)};
  if (c.layout == Layout::kShowcase) checked.push_back(timeline.frame_count - 5);
  const bool update = std::getenv("PITCHREEL_UPDATE_GOLDEN") != nullptr;
  Yuv420 out = Yuv420::allocate(size);
  std::size_t next = 0;
  for (std::int64_t i = 0; i < timeline.frame_count && next < checked.size(); ++i) {
    ASSERT_TRUE(composer.draw(i, out));  // every frame in turn: layers read forward
    if (i != checked[next]) continue;
    ++next;
    const auto golden = kGoldenDir / fmt::format("{}-{}.png", c.name, i);
    if (update) {
      auto png = encode_png(pack(out));
      ASSERT_TRUE(png.has_value()) << png.error().message;
      std::filesystem::create_directories(kGoldenDir);
      std::ofstream(golden, std::ios::binary)
          .write(reinterpret_cast<const char*>(png->data()), static_cast<std::streamsize>(png->size()));
      std::printf("wrote %s\n", golden.c_str());
      continue;
    }
    ASSERT_TRUE(std::filesystem::exists(golden))
        << golden << " is missing; write it with PITCHREEL_UPDATE_GOLDEN=1 (see this file)";
    auto expected = load_image(golden);
    ASSERT_TRUE(expected.has_value()) << expected.error().message;
    ASSERT_EQ(expected->size(), size);
    const double db = psnr(out, unpack(*expected));
    // The bar sees a camera half a pixel off: mid-speech, the same frame shifted by half a
    // pixel is under it (in the fade out, the darkened frame hides more).
    const double shifted_db = psnr(half_pixel_shift(out), unpack(*expected));
    RecordProperty(fmt::format("frame{}_psnr_db", i), fmt::format("{:.2f}", db));
    std::printf("%s frame %lld: %.2f dB (shifted half a pixel: %.2f dB)\n", c.name.c_str(),
                static_cast<long long>(i), db, shifted_db);
    EXPECT_GE(db, 45.0) << c.name << " frame " << i << " differs from " << golden;
    if (i == checked.front()) {
      EXPECT_LT(shifted_db, 45.0) << "the comparison cannot see a half-pixel error";
    }
  }
  EXPECT_EQ(next, checked.size());
}

std::string case_name(const ::testing::TestParamInfo<Case>& param) {
  std::string name = param.param.name;
  for (char& ch : name) {
    if (ch == '-') ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(
    Layouts, CompositionGolden,
    ::testing::Values(Case{"showcase-16x9", Layout::kShowcase, Aspect::kLandscape},
                      Case{"pip-1x1", Layout::kPip, Aspect::kSquare}),
    case_name);

}  // namespace
}  // namespace pitchreel

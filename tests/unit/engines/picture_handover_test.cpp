// RenderJob::release_pictures: called once the render's layers hold what they need of the
// product photo and the portrait, before the first frame; from then on the render itself
// holds no reference to either (the caller's release frees them), and the video is the
// one made without it. Unset, the job's pictures are left as they were.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <fstream>
#include <iterator>
#include <string>

#include "core/progress.h"
#include "engines/cpu_engine.h"
#include "media/image.h"
#include "presenter/face_detector.h"
#include "support/synthetic_speech.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

int references(const cv::Mat& m) { return m.u ? m.u->refcount : 0; }

// Counts, at the first frame's progress, the references to two pictures beside the test's
// own.
class CountingProgress final : public ProgressSink {
 public:
  CountingProgress(const cv::Mat& photo, const cv::Mat& portrait)
      : photo_(photo), portrait_(portrait) {}
  void update(std::string_view stage, double fraction) override {
    if (stage != "render" || fraction <= 0 || seen_) return;
    seen_ = true;
    photo_refs = references(photo_);
    portrait_refs = references(portrait_);
  }
  int photo_refs = -1, portrait_refs = -1;

 private:
  const cv::Mat& photo_;
  const cv::Mat& portrait_;
  bool seen_ = false;
};

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(PictureHandover, ReleasedPicturesAreHeldByNothingDuringTheFramesAndMakeTheSameVideo) {
  PITCHREEL_REQUIRE_TESTDATA(path, "portraits/painted-girl.jpg");
  auto portrait = load_image(path);
  ASSERT_TRUE(portrait.has_value()) << portrait.error().message;
  auto face = detect_face(*portrait);
  ASSERT_TRUE(face.has_value()) << face.error().message;
  cv::Mat photo(480, 640, CV_8UC3, cv::Scalar(40, 120, 200));
  cv::rectangle(photo, cv::Rect(200, 120, 240, 240), cv::Scalar(20, 200, 60), cv::FILLED);
  const Speech speech = testing::synthetic_speech({"Meet", "the", "new", "bottle."}, 1.5);
  testing::TempDir dir;

  const auto render = [&](const std::string& name, bool release) {
    RenderJob job;
    job.product = photo;
    job.presenter = PresenterInput{*portrait, *face};
    job.layout = Layout::kPresenter;
    job.speech = &speech;
    job.format.height = 720;
    job.preset = "ultrafast";
    job.video_path = dir / (name + ".mp4");
    job.poster_path = dir / (name + ".jpg");
    int released = 0;
    if (release) {
      job.release_pictures = [&] {
        ++released;
        job.product.release();
        job.presenter->portrait.release();
      };
    }
    CountingProgress progress(photo, *portrait);
    CpuEngine engine;
    auto out = engine.render(job, progress);
    EXPECT_TRUE(out.has_value()) << (out ? "" : out.error().message);
    EXPECT_EQ(released, release ? 1 : 0);
    if (release) {
      EXPECT_EQ(progress.photo_refs, 1) << "the photo is referenced beside the test's own copy";
      EXPECT_EQ(progress.portrait_refs, 1) << "the portrait is referenced beside the test's own";
      EXPECT_TRUE(job.product.empty());
    } else {
      EXPECT_GE(progress.photo_refs, 2) << "the job's own reference";
      EXPECT_EQ(job.product.data, photo.data) << "release_pictures unset: the job keeps its photo";
    }
    return read_all(job.video_path);
  };
  const std::string kept = render("kept", false);
  const std::string released = render("released", true);
  ASSERT_FALSE(kept.empty());
  EXPECT_TRUE(kept == released) << "the same MP4 either way";
}

}  // namespace
}  // namespace pitchreel

// The product's still is composed on a thread of its own while the rest of the video is set
// up (make_layout_scene); what goes wrong there reaches the caller as an error, never as an
// exception on the render thread, which would end the process.
#include <gtest/gtest.h>

#include "core/progress.h"
#include "engines/cpu_engine.h"
#include "support/synthetic_speech.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

TEST(ProductStill, AStillThatCannotBeMadeFailsTheRenderWithAnError) {
  testing::TempDir dir;
  Speech speech = testing::synthetic_speech({"Meet", "the", "new", "bottle."}, 1.0);
  RenderJob job;
  // One channel where a BGR photo belongs (the loader never hands one over): OpenCV
  // refuses it with an exception inside KenBurnsScene::create.
  job.product = cv::Mat(360, 480, CV_8UC1, cv::Scalar(120));
  job.speech = &speech;
  job.format.height = 720;
  job.preset = "ultrafast";
  job.video_path = dir.path() / "out.mp4";
  job.poster_path = dir.path() / "out.jpg";
  NullProgress progress;
  CpuEngine engine;
  const auto out = engine.render(job, progress);
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, "internal_error");
  EXPECT_EQ(out.error().message.find("cv::"), std::string::npos) << "no OpenCV text for users";
  EXPECT_FALSE(std::filesystem::exists(job.poster_path));
}

}  // namespace
}  // namespace pitchreel

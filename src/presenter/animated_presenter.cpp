#include "presenter/animated_presenter.h"

#include <utility>
#include <vector>

#include "presenter/mouth_track.h"
#include "presenter/performance.h"
#include "presenter/presenter_panel.h"
#include "presenter/speech_features.h"

namespace pitchreel {
namespace {

class AnimatedPresenter final : public PresenterLayer {
 public:
  AnimatedPresenter(PresenterPanel panel, std::vector<FacePose> poses)
      : panel_(std::move(panel)), poses_(std::move(poses)) {}

  cv::Rect mouth_area() const override { return panel_.mouth_area(); }

  Status draw(std::int64_t frame, Yuv420& out) override {
    panel_.draw(poses_[static_cast<std::size_t>(frame)], out);
    return {};
  }

 private:
  PresenterPanel panel_;
  std::vector<FacePose> poses_;  // one per frame of the timeline
};

}  // namespace

Result<std::unique_ptr<PresenterLayer>> animate_presenter(const cv::Mat& portrait,
                                                          const FaceLandmarks& face,
                                                          const Speech& speech,
                                                          const Timeline& timeline, cv::Rect panel,
                                                          int radius) {
  auto framed = PresenterPanel::create(portrait, face, panel, radius);
  if (!framed) return fail(framed.error());
  const auto features = analyse_speech(speech.samples, speech.sample_rate, timeline.fps,
                                       timeline.lead_in, timeline.frame_count);
  const auto mouth =
      speech.phonemes.empty()
          ? mouth_track_from_audio(features)
          : mouth_track_from_phonemes(speech.phonemes, features, timeline.fps, timeline.lead_in);
  return std::unique_ptr<PresenterLayer>(std::make_unique<AnimatedPresenter>(
      std::move(*framed), perform(mouth, features, timeline.fps)));
}

}  // namespace pitchreel

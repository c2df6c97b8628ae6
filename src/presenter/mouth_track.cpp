#include "presenter/mouth_track.h"

#include <algorithm>
#include <cmath>

#include "presenter/viseme.h"

namespace pitchreel {
namespace {

// The mouth forms this long before the sound it makes (coarticulation).
constexpr double kAnticipation = 0.035;
constexpr std::size_t kMinHold = 2;  // frames

struct Target {
  MouthPose pose;
  bool closed = false;  // a closure (M/B/P or silence) that must be seen
};

// Runs shorter than kMinHold frames take their longer neighbour's target, except
// closures, which take a frame from the neighbour instead: "mama" must show the lips meet.
void hold_at_least_two_frames(std::vector<Target>& targets) {
  std::size_t i = 0;
  while (i < targets.size()) {
    std::size_t j = i;
    while (j < targets.size() && targets[j].closed == targets[i].closed &&
           targets[j].pose.jaw == targets[i].pose.jaw &&
           targets[j].pose.spread == targets[i].pose.spread) {
      ++j;
    }
    if (j - i < kMinHold) {
      if (targets[i].closed) {
        if (j < targets.size())
          targets[j] = targets[i];
        else if (i > 0)
          targets[i - 1] = targets[i];
        j = std::min(targets.size(), j + 1);
      } else if (i > 0) {
        for (std::size_t k = i; k < j; ++k) targets[k] = targets[i - 1];
      } else if (j < targets.size()) {
        for (std::size_t k = i; k < j; ++k) targets[k] = targets[j];
      }
    }
    i = j;
  }
}

// Eased transitions: a symmetric (zero-lag) smoothing over three frames, then closures
// pressed shut again so the smoothing does not leave them half open.
std::vector<MouthPose> ease(const std::vector<Target>& targets) {
  std::vector<MouthPose> out(targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const MouthPose& prev = targets[i > 0 ? i - 1 : i].pose;
    const MouthPose& next = targets[i + 1 < targets.size() ? i + 1 : i].pose;
    out[i] = prev * 0.25f + targets[i].pose * 0.5f + next * 0.25f;
    if (targets[i].closed) out[i] = out[i] * 0.15f;
  }
  return out;
}

float loudness_gain(const FrameFeatures& f) { return 0.45f + 0.75f * f.loudness; }

}  // namespace

std::vector<MouthPose> mouth_track_from_phonemes(const std::vector<PhonemeTiming>& phonemes,
                                                 const std::vector<FrameFeatures>& features,
                                                 int fps, double audio_start) {
  std::vector<Target> targets(features.size());
  std::size_t p = 0;
  for (std::size_t f = 0; f < features.size(); ++f) {
    const double t = static_cast<double>(f) / fps - audio_start + kAnticipation;
    while (p < phonemes.size() && phonemes[p].end <= t) ++p;
    if (p >= phonemes.size() || phonemes[p].start > t || features[f].silent) {
      targets[f] = {{}, true};
      continue;
    }
    const Viseme v = viseme_for_phoneme(phonemes[p].phoneme);
    MouthPose pose = pose_for(v);
    pose.jaw *= loudness_gain(features[f]);
    pose.lips *= loudness_gain(features[f]);
    targets[f] = {pose, v == Viseme::kClosed || v == Viseme::kRest};
  }
  hold_at_least_two_frames(targets);
  return ease(targets);
}

std::vector<MouthPose> mouth_track_from_audio(const std::vector<FrameFeatures>& features) {
  std::vector<Target> targets(features.size());
  for (std::size_t f = 0; f < features.size(); ++f) {
    const FrameFeatures& ff = features[f];
    if (ff.silent) {
      targets[f] = {{}, true};
      continue;
    }
    MouthPose pose;
    const float open = 0.15f + 0.85f * std::pow(ff.loudness, 0.8f);
    pose.jaw = open * (1.0f - 0.55f * ff.noisiness);
    pose.lips = 0.25f + 0.35f * ff.noisiness;
    // Most vowel energy sits low; "oo"/"oh" are the most low-heavy, "ee" the least.
    pose.spread = std::clamp((0.82f - ff.low_share) * 4.0f, -1.0f, 1.0f);
    // Quantised, so that small spectral wobbles do not make the lips shiver.
    pose.jaw = std::round(pose.jaw * 10) / 10;
    pose.spread = std::round(pose.spread * 4) / 4;
    pose.lips = std::round(pose.lips * 10) / 10;
    targets[f] = {pose, false};
  }
  hold_at_least_two_frames(targets);
  return ease(targets);
}

}  // namespace pitchreel

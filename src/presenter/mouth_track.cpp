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
  int shape = 0;        // which mouth shape (a viseme, or a quantised spectral shape)
  bool closed = false;  // a closure (M/B/P or silence) that must be seen
};

// Every shape is held at least kMinHold frames: a shape seen for one frame only takes its
// neighbour's shape (keeping its own opening, which follows the loudness); a closure seen
// for one frame takes the next frame too ("mama" must show the lips meet). Decided on the
// original runs, so one change never cascades into the next.
void hold_at_least_two_frames(std::vector<Target>& targets) {
  const std::vector<Target> original = targets;
  const auto same = [](const Target& a, const Target& b) {
    return a.closed == b.closed && a.shape == b.shape;
  };
  std::size_t i = 0;
  while (i < original.size()) {
    std::size_t j = i;
    while (j < original.size() && same(original[j], original[i])) ++j;
    if (j - i < kMinHold) {
      if (original[i].closed) {
        if (j < original.size())
          targets[j] = original[i];
        else if (i > 0)
          targets[i - 1] = original[i];
      } else {
        const Target* neighbour =
            i > 0 ? &original[i - 1] : (j < original.size() ? &original[j] : nullptr);
        if (neighbour && !neighbour->closed) {
          const float jaw = targets[i].pose.jaw;
          targets[i].pose = neighbour->pose;
          targets[i].pose.jaw = jaw;
          targets[i].shape = neighbour->shape;
        }
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
      targets[f] = {{}, 0, true};
      continue;
    }
    const Viseme v = viseme_for_phoneme(phonemes[p].phoneme);
    MouthPose pose = pose_for(v);
    pose.jaw *= loudness_gain(features[f]);
    pose.lips *= loudness_gain(features[f]);
    targets[f] = {pose, static_cast<int>(v), v == Viseme::kClosed || v == Viseme::kRest};
  }
  hold_at_least_two_frames(targets);
  return ease(targets);
}

std::vector<MouthPose> mouth_track_from_audio(const std::vector<FrameFeatures>& features) {
  std::vector<Target> targets(features.size());
  for (std::size_t f = 0; f < features.size(); ++f) {
    const FrameFeatures& ff = features[f];
    if (ff.silent) {
      targets[f] = {{}, 0, true};
      continue;
    }
    MouthPose pose;
    const float open = 0.1f + 0.9f * std::pow(ff.loudness, 0.7f);
    pose.jaw = open * (1.0f - 0.55f * ff.noisiness);
    pose.lips = 0.25f + 0.35f * ff.noisiness;
    // Most vowel energy sits low; "oo"/"oh" are the most low-heavy, "ee" the least.
    pose.spread = std::clamp((0.82f - ff.low_share) * 4.0f, -1.0f, 1.0f);
    // The shape is quantised, so that small spectral wobbles do not make the lips shiver.
    pose.spread = std::round(pose.spread * 4) / 4;
    pose.lips = std::round(pose.lips * 5) / 5;
    targets[f] = {pose, static_cast<int>(pose.spread * 4) * 10 + static_cast<int>(pose.lips * 5),
                  false};
  }
  hold_at_least_two_frames(targets);
  return ease(targets);
}

}  // namespace pitchreel

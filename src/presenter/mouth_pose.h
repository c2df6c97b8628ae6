// MouthPose: how far the mouth is open and how it is shaped, in units the face rig turns
// into landmark movements (fractions of the mouth's width), so one pose means the same on
// every portrait. All zero is the portrait's own mouth: lips at rest, closed.
#pragma once

namespace pitchreel {

struct MouthPose {
  float jaw = 0;     // 0..1: chin and lower lip drop (1 = a wide "ah")
  float lips = 0;    // 0..1: lips part beyond what the jaw gives (shows the teeth)
  float spread = 0;  // -1..1: -1 round and pushed forward ("oo"), +1 wide ("ee")
  float tuck = 0;    // 0..1: lower lip pulled up under the upper teeth ("f", "v")

  MouthPose operator+(const MouthPose& o) const {
    return {jaw + o.jaw, lips + o.lips, spread + o.spread, tuck + o.tuck};
  }
  MouthPose operator*(float k) const { return {jaw * k, lips * k, spread * k, tuck * k}; }
  // How open the mouth looks: what the lip-sync measurement compares with the audio.
  float opening() const { return jaw + 0.5f * lips; }
};

inline MouthPose mix(const MouthPose& a, const MouthPose& b, float t) {
  return a * (1 - t) + b * t;
}

}  // namespace pitchreel

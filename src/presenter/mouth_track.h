// MouthTrack: one mouth pose per video frame, from the TTS phoneme timings or, when the
// audio comes without them (a recorded narration, a remote TTS), from the audio itself.
//
// Both follow the same rules, as an animator would: shapes anticipate the sound slightly
// (the mouth forms before the sound starts), every shape is held for at least two frames
// (no flicker), transitions are eased, the lips are closed in silence, and the opening
// grows with loudness.
#pragma once

#include <cstdint>
#include <vector>

#include "presenter/mouth_pose.h"
#include "presenter/speech_features.h"
#include "tts/speech.h"

namespace pitchreel {

// `phonemes` are on the audio's clock, which starts `audio_start` seconds into the video;
// `features` come from analyse_speech over the same frames (they scale the opening with
// loudness and close the mouth where the audio is silent).
std::vector<MouthPose> mouth_track_from_phonemes(const std::vector<PhonemeTiming>& phonemes,
                                                 const std::vector<FrameFeatures>& features,
                                                 int fps, double audio_start);

// For audio without phonemes: loudness opens the jaw, a low-heavy spectrum rounds the
// lips, a noisy one (fricatives) narrows the jaw and shows the teeth.
std::vector<MouthPose> mouth_track_from_audio(const std::vector<FrameFeatures>& features);

}  // namespace pitchreel

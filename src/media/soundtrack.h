// The video's soundtrack: the narration normalised to the platforms' loudness (-14 LUFS,
// true peak under -1 dBTP; loudness.h), placed after the lead-in, over optional
// background music that is looped or trimmed to the video's length, ducked under the
// speech and faded out at the end. Only the part of the music that plays is decoded (and
// its loudness measured on that part): a song of minutes under a video of seconds costs
// the video's length of samples, not the song's.
//
// Thread-safe (no shared state). Errors: the music's decode errors ("audio_not_found",
// "audio_unreadable", "audio_empty", named after the music file), "loudness_meter".
#pragma once

#include <filesystem>
#include <span>
#include <vector>

#include "core/status.h"
#include "media/loudness.h"

namespace pitchreel {

struct SoundtrackOptions {
  double delay = 0;     // seconds of picture before the narration starts
  double duration = 0;  // seconds: the video's length
  int sample_rate = 0;  // the track's rate; 0: the narration's (else it is resampled to it)
  std::filesystem::path music;  // empty: no music
  LoudnessTarget narration_loudness;
  double music_lufs = -26;      // the music's level where nobody speaks
  double duck_db = 15;          // how far it drops under speech (at least 12 dB)
  double fade_out = 1.5;        // seconds of music fade at the end
};

struct Soundtrack {
  std::vector<float> samples;  // mono, from the video's first frame
  int sample_rate = 0;
  LoudnessReport narration;
};

// `narration` (at `narration_rate`) is copied into its place in the track and freed (its
// pages returned to the system) before the loudness passes, which work in place: a long
// narration is held twice only for that copy. Pass it with std::move when the caller is
// done with it. The track is at options.sample_rate when set (the narration resampled to
// it, the music decoded at it), else at the narration's rate.
Result<Soundtrack> make_soundtrack(std::vector<float> narration, int narration_rate,
                                   const SoundtrackOptions& options);

// Per-sample music gain (linear, 1 = no ducking) for a narration starting at `delay`
// samples in a track of `length`: `duck` where anyone speaks (50 ms windows over a
// threshold, held 250 ms), with 80 ms ramps down and 300 ms back up.
std::vector<float> ducking_gain(std::span<const float> narration, int sample_rate,
                                std::size_t delay, std::size_t length, float duck);

}  // namespace pitchreel

// Encoder: streams Yuv420 frames and a mono PCM track into an MP4 (H.264 via libx264,
// yuv420p, BT.709 tags, constant frame rate; AAC-LC audio; moov before mdat).
//
// Contract:
// - Frames are pushed in order with add_frame(); audio is handed over once at open()
//   and interleaved by the encoder as the video advances, so memory stays flat
//   whatever the length. The caller keeps `audio` alive until finish() returns.
// - The audio is padded with silence or cut so that its duration equals the video's
//   (frame_count / fps) to within one AAC frame.
// - finish() must be called for a playable file; destroying an unfinished encoder
//   leaves a broken file that the caller removes.
// - One thread at a time (with DeferredAudio the encoder runs a thread of its own, joined
//   by finish() or the destructor).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/status.h"
#include "media/yuv420.h"

namespace pitchreel {

struct EncoderSettings {
  cv::Size size;  // even width and height
  int fps = 30;
  std::string preset = "veryfast";  // any x264 preset
  int crf = 23;                     // 0..51, lower = better quality, larger file
  // The AAC track's rate; the input is resampled to it. 0: the input's own rate when it is
  // one of AAC's from 22.05 to 48 kHz (nothing to resample, and the track carries no more
  // bandwidth than its source has), else 48 kHz. See aac_sample_rate.
  int audio_sample_rate = 0;
  int audio_bitrate = 128000;
  std::string comment;  // the MP4's "comment" tag when not empty (e.g. the render's warnings)
  // x264's own threading at every size instead of the lean one above 720p (see
  // x264_threading): faster at 1080p, ~35 MB more (PITCHREEL_X264_THREADING=full).
  bool full_x264_threading = false;
};

struct AudioTrack {
  std::span<const float> samples;  // mono, [-1, 1]
  int sample_rate = 0;
  double delay = 0;  // seconds of silence before the first sample (the video's lead-in)
};

// Audio still being made when the video starts (the narration's loudness pass):
// `produce` runs once, on the encoder's own audio thread, which then resamples and encodes
// what it returned while the caller pushes frames, so neither waits for the other and the
// samples are freed as soon as they are encoded. The samples must not be longer than the
// video; an error from `produce` is returned by finish().
struct DeferredAudio {
  int sample_rate = 0;                                   // of the samples produce() returns
  std::function<Result<std::vector<float>>()> produce;  // mono, [-1, 1]
};

class Encoder {
 public:
  virtual ~Encoder() = default;
  virtual Status add_frame(const Yuv420& frame) = 0;  // of settings.size
  virtual Status finish() = 0;
  virtual std::int64_t frames_written() const = 0;

  static Result<std::unique_ptr<Encoder>> open(const std::filesystem::path& path,
                                               const EncoderSettings& settings,
                                               const AudioTrack& audio);
  static Result<std::unique_ptr<Encoder>> open(const std::filesystem::path& path,
                                               const EncoderSettings& settings,
                                               DeferredAudio audio);
};

// The AAC rate a track of `input_rate` is encoded at when `requested` is 0 (see
// EncoderSettings::audio_sample_rate); `requested` itself otherwise.
int aac_sample_rate(int requested, int input_rate);

// How x264 spreads its work over `cores` cores for frames of `size`. x264's frame threads
// wait on each other's rows, and its lookahead thread may run only `sync_lookahead` frames
// ahead of them: more of both keeps the cores busy, and each costs a frame's memory.
// - Up to 720p (1280x720 pixels or fewer), or everywhere when `full`: x264's own defaults,
//   1.5 frame threads per core and its own buffer (b-frames + 1).
// - Above, lean (`full` false): one frame thread per core and 3 frames of buffer; at 1080p
//   each more frame thread costs ~24 MB and each more buffered frame ~6 MB, and a 30 s
//   1080p video may take 300 MB on 2 cores. The buffer is what x264's speed hangs on more
//   than the third thread: x264 alone on a presenter's 1080p frames took 1.15x its own
//   threading's time with 2 frames, 1.05x with 3, 1.01x with 4 (docs/benchmarks.md,
//   twelfth session: SYNC="2 3 4" tests/bench/x264_threads.sh). 3 frames put a
//   picture-in-picture render at 300.3-300.8 MB then; since the fourteenth session's
//   memory changes (a render's transients no longer land on x264's peak) every 1080p case
//   measured stays under 300 MB with them, the presenter closest (294-298 MB; with 2
//   frames 288). x264's own threading at 1080p is a few per cent faster still and peaks at
//   321-339 MB (eleventh session).
// The bitstream does not depend on sync_lookahead.
struct X264Threading {
  int frame_threads = 1;
  int sync_lookahead = -1;  // -1: x264's own
};
X264Threading x264_threading(cv::Size size, unsigned cores, bool full = false);

// Checks a preset name and CRF value; "invalid_encoder_settings" otherwise.
Status validate_encoder_settings(const std::string& preset, int crf);

}  // namespace pitchreel

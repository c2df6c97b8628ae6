// Karaoke captions: word timings -> cues of at most two lines -> pixels (libass),
// plus the WebVTT and SRT files written beside the video.
//
// Contract:
// - Word timings are on the video's clock (callers shift TTS timings by the lead-in).
// - layout_captions() is pure and deterministic: it groups consecutive words into cues
//   whose text fits `max_line_chars`-ish widths (code points) on at most two lines,
//   ending a cue at a sentence end and preferring breaks after , ; : . Cues are in order,
//   never overlap, and each spans from its first word's start to its last word's end,
//   stretched to at least 0.7 s and across gaps under 0.3 s when that overlaps nothing.
//   Words are cleaned (valid UTF-8, no control characters); every word belongs to exactly
//   one cue, empty ones included.
// - CaptionRenderer draws the cue active at time t with the word being spoken in the
//   highlight colour, inside `area` (the safe area), with fonts found through
//   fontconfig: DejaVu Sans for Latin, Greek and Cyrillic, and fontconfig's fallback for
//   every other script (Noto from fonts-noto-core and fonts-noto-cjk). Each event is
//   shaped (HarfBuzz) and ordered (FriBidi) as a whole, with the base direction taken from
//   the text, so right-to-left lines read in visual order and the highlight moves right to
//   left. User text is escaped: ASS override tags in a script are shown, never run.
// - Nothing is drawn outside `area`: a line too wide for it is shrunk, not wrapped.
// - A CaptionRenderer is used by one thread at a time; separate renderers are independent.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/status.h"
#include "media/yuv420.h"
#include "tts/speech.h"

namespace pitchreel {

struct CaptionCue {
  double start = 0;
  double end = 0;
  std::size_t first_word = 0;  // index into the word list
  std::size_t word_count = 0;
  std::vector<std::string> lines;  // 1 or 2 lines of text
};

struct CaptionLayout {
  int max_line_chars = 32;  // soft limit per line; a single longer word gets a line of its own
  int max_lines = 2;
};

std::vector<CaptionCue> layout_captions(const std::vector<WordTiming>& words,
                                        const CaptionLayout& layout);

// Words as captions need them: a "word" holding a run of CJK text (a voice that times a
// whole Chinese or Japanese sentence as one word) is cut after each sentence or clause
// mark (。！？；，、) and into pieces of at most `max_piece_chars` characters, its time
// shared out by characters. Other words pass unchanged. Lines join CJK pieces without a
// visible space.
std::vector<WordTiming> split_caption_words(const std::vector<WordTiming>& words,
                                            int max_piece_chars);

std::string to_webvtt(const std::vector<CaptionCue>& cues);
std::string to_srt(const std::vector<CaptionCue>& cues);

struct CaptionStyle {
  cv::Rect area;     // where captions may be drawn (frame coordinates); bottom-aligned
  int font_px = 48;  // text height in pixels
  std::string font_family = "DejaVu Sans";
  cv::Scalar text_bgr{255, 255, 255};
  cv::Scalar highlight_bgr{0, 215, 255};  // the word being spoken
  cv::Scalar outline_bgr{0, 0, 0};
  bool align_top = false;  // top-aligned in `area` (a title) instead of bottom-aligned
  bool plate = false;      // a translucent dark card behind `area` for the whole video
};

class CaptionRenderer {
 public:
  virtual ~CaptionRenderer() = default;
  // Alpha-blends the captions visible at `t` seconds onto a CV_8UC3 BGR frame of the
  // size given at creation.
  virtual void draw(cv::Mat& frame_bgr, double t) = 0;
  // The same onto a Yuv420 frame (the video engine's frames).
  virtual void draw(Yuv420& frame, double t) = 0;

  static Result<std::unique_ptr<CaptionRenderer>> create(cv::Size frame,
                                                         const std::vector<WordTiming>& words,
                                                         const std::vector<CaptionCue>& cues,
                                                         const CaptionStyle& style);
};

// Chooses a CaptionLayout (characters per line) from the area width and font size,
// capped at 42 characters for readability.
CaptionLayout caption_layout_for(const CaptionStyle& style);

}  // namespace pitchreel

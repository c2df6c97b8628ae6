// VideoCursor: a video read forward on a clock of its own, for showing it inside another
// video whose frame rate differs (a Hallo3 GPU server's 25 fps MP4 in a 30 fps render).
//
// Contract:
// - at(t) is the frame on screen at `t` seconds: the last frame whose time is at or before
//   t; the first frame before the video starts, the last one after it ends.
// - t must not decrease from one call to the next: the file is decoded once, in order.
// - index() counts the frames decoded so far; it changes exactly when at() returns a
//   different frame, so callers can keep work done on the previous one.
// - A decoding error is the reader's ("video_unreadable"). One thread at a time.
#pragma once

#include <cstdint>
#include <memory>

#include "core/status.h"
#include "media/video_reader.h"

namespace pitchreel {

class VideoCursor {
 public:
  explicit VideoCursor(std::unique_ptr<VideoReader> reader);

  // The frame stays valid until the next call. "video_unreadable" when the video has no
  // frame at all.
  Result<const VideoFrame*> at(double t);
  std::int64_t index() const { return index_; }

 private:
  std::unique_ptr<VideoReader> reader_;
  VideoFrame current_, upcoming_;
  bool have_upcoming_ = false;
  bool done_ = false;
  std::int64_t index_ = -1;
};

}  // namespace pitchreel

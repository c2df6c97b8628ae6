#include "media/video_cursor.h"

#include <utility>

namespace pitchreel {

VideoCursor::VideoCursor(std::unique_ptr<VideoReader> reader) : reader_(std::move(reader)) {}

Result<const VideoFrame*> VideoCursor::at(double t) {
  constexpr double kSlack = 1e-6;  // a frame due exactly at t is shown at t
  for (;;) {
    if (!have_upcoming_ && !done_) {
      auto got = reader_->next(upcoming_);
      if (!got) return fail(got.error());
      have_upcoming_ = *got;
      done_ = !*got;
    }
    if (have_upcoming_ && (index_ < 0 || upcoming_.time <= t + kSlack)) {
      std::swap(current_, upcoming_);
      have_upcoming_ = false;
      ++index_;
      continue;
    }
    break;
  }
  if (index_ < 0) {
    return fail(Error::invalid("video_unreadable", "The video has no frame to show."));
  }
  return &current_;
}

}  // namespace pitchreel

// VideoReader: the frames of a video file in order, as BGR pictures with their times, for
// composing captions and layouts onto a video made elsewhere (a Hallo3 GPU server's MP4).
//
// Contract:
// - open() fails with "video_unreadable" (invalid input) when the file has no decodable
//   video stream; next() returns false at the end, or an Error when decoding breaks.
// - Frames come out as CV_8UC3 BGR at the stream's size; `time` is seconds from the first.
// - One thread at a time.
#pragma once

#include <filesystem>
#include <memory>

#include <opencv2/core.hpp>

#include "core/status.h"

namespace pitchreel {

struct VideoFrame {
  cv::Mat bgr;
  double time = 0;
};

class VideoReader {
 public:
  virtual ~VideoReader() = default;
  virtual Result<bool> next(VideoFrame& frame) = 0;
  virtual cv::Size size() const = 0;

  static Result<std::unique_ptr<VideoReader>> open(const std::filesystem::path& path);
};

}  // namespace pitchreel

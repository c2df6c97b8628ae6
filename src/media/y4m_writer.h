// Y4mWriter: writes Yuv420 frames to a YUV4MPEG2 file (the raw format x264 and ffmpeg
// read), exactly as they are handed to the encoder. The benchmark uses it to time x264
// alone on the very frames a render produced (the "x264 floor", docs/benchmarks.md); it
// is switched on by PITCHREEL_DUMP_Y4M=FILE and costs nothing otherwise.
//
// Contract: frames of the size given at open(), in order; one thread at a time; the file
// is closed when the writer is destroyed. Errors are values ("frame_dump_failed").
#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>

#include <opencv2/core.hpp>

#include "core/status.h"
#include "media/yuv420.h"

namespace pitchreel {

class Y4mWriter {
 public:
  static Result<Y4mWriter> open(const std::filesystem::path& path, cv::Size size, int fps);
  Status write(const Yuv420& frame);

 private:
  struct FileClose {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, FileClose> file_;
  cv::Size size_;
};

}  // namespace pitchreel

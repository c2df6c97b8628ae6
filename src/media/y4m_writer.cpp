#include "media/y4m_writer.h"

#include <fmt/format.h>

namespace pitchreel {
namespace {

Error dump_error(const std::string& what) {
  return Error::internal("frame_dump_failed", "Could not dump the frames: " + what + ".");
}

}  // namespace

Result<Y4mWriter> Y4mWriter::open(const std::filesystem::path& path, cv::Size size, int fps) {
  Y4mWriter writer;
  writer.size_ = size;
  writer.file_.reset(std::fopen(path.c_str(), "wb"));
  if (!writer.file_) return fail(dump_error("cannot create " + path.string()));
  // C420jpeg would say centred chroma; ours is left-sited (mpeg2), as the encoder tags it.
  const std::string header = fmt::format("YUV4MPEG2 W{} H{} F{}:1 Ip A1:1 C420mpeg2 XCOLORRANGE=LIMITED\n",
                                         size.width, size.height, fps);
  if (std::fwrite(header.data(), 1, header.size(), writer.file_.get()) != header.size())
    return fail(dump_error("cannot write " + path.string()));
  return writer;
}

Status Y4mWriter::write(const Yuv420& frame) {
  if (frame.size() != size_) return fail(dump_error("a frame of another size"));
  std::FILE* f = file_.get();
  bool ok = std::fwrite("FRAME\n", 1, 6, f) == 6;
  for (const cv::Mat* plane : {&frame.y, &frame.u, &frame.v}) {
    for (int r = 0; ok && r < plane->rows; ++r) {
      const auto cols = static_cast<std::size_t>(plane->cols);
      ok = std::fwrite(plane->ptr(r), 1, cols, f) == cols;
    }
  }
  if (!ok) return fail(dump_error("the disk refused a write"));
  return {};
}

}  // namespace pitchreel

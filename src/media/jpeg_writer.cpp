#include "media/jpeg_writer.h"

#include <spdlog/spdlog.h>

#include <fstream>

#include <opencv2/imgproc.hpp>

#include "media/image_vips.h"

namespace pitchreel {

Status write_jpeg(const cv::Mat& bgr, const std::filesystem::path& path, int quality) {
  auto failed = [&](const std::string& why) {
    spdlog::error("jpeg write failed path={} reason=\"{}\"", path.string(), why);
    return fail(Error::internal("poster_write_failed", "Could not write the poster image " +
                                                           path.filename().string() + "."));
  };
  if (!vips::started()) return failed("libvips did not start");
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  vips::ImagePtr image(vips_image_new_from_memory(rgb.data, rgb.total() * rgb.elemSize(), rgb.cols,
                                                  rgb.rows, 3, VIPS_FORMAT_UCHAR));
  if (!image) return failed(vips::take_error());
  // Written to memory first: vips_jpegsave picks the format from the file name, and
  // callers write to temporary names.
  void* data = nullptr;
  size_t size = 0;
  if (vips_jpegsave_buffer(image.get(), &data, &size, "Q", quality, "optimize_coding", TRUE,
                           nullptr) != 0) {
    return failed(vips::take_error());
  }
  vips::BufferPtr owned(data);
  std::ofstream out(path, std::ios::binary);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) return failed("cannot write the file");
  return {};
}

}  // namespace pitchreel

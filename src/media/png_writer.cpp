#include "media/png_writer.h"

#include <spdlog/spdlog.h>

#include <opencv2/imgproc.hpp>

#include "media/image_vips.h"

namespace pitchreel {

Result<std::vector<std::uint8_t>> encode_png(const cv::Mat& bgr) {
  const auto failed = [](const std::string& why) {
    spdlog::error("png encode failed reason=\"{}\"", why);
    return fail(Error::internal("png_encode_failed", "Could not encode a picture as PNG."));
  };
  if (!vips::started()) return failed("libvips did not start");
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  vips::ImagePtr image(vips_image_new_from_memory(rgb.data, rgb.total() * rgb.elemSize(), rgb.cols,
                                                  rgb.rows, 3, VIPS_FORMAT_UCHAR));
  if (!image) return failed(vips::take_error());
  void* data = nullptr;
  size_t size = 0;
  if (vips_pngsave_buffer(image.get(), &data, &size, "compression", 3, nullptr) != 0) {
    return failed(vips::take_error());
  }
  vips::BufferPtr owned(data);
  const auto* bytes = static_cast<const std::uint8_t*>(data);
  return std::vector<std::uint8_t>(bytes, bytes + size);
}

}  // namespace pitchreel

#include "media/jpeg_writer.h"

#include <spdlog/spdlog.h>

#include <fstream>

#include "media/image_vips.h"

namespace pitchreel {

Status write_jpeg(const cv::Mat& bgr, const std::filesystem::path& path, int quality) {
  auto failed = [&](const std::string& why) {
    spdlog::error("jpeg write failed path={} reason=\"{}\"", path.string(), why);
    return fail(Error::internal("poster_write_failed", "Could not write the poster image " +
                                                           path.filename().string() + "."));
  };
  if (!vips::started()) return failed("libvips did not start");
  // libvips reads the picture where it is and puts red before blue strip by strip, as the
  // encoder asks for them (a converted copy cost ~10 ms at 1080p, most of it fresh pages).
  const cv::Mat pixels = bgr.isContinuous() ? bgr : bgr.clone();
  vips::ImagePtr in_bgr(vips_image_new_from_memory(pixels.data, pixels.total() * pixels.elemSize(),
                                                   pixels.cols, pixels.rows, 3, VIPS_FORMAT_UCHAR));
  if (!in_bgr) return failed(vips::take_error());
  VipsImage* rgb[3] = {};  // red, green, blue: bands 2, 1, 0 of the picture
  vips::ImagePtr owned_bands[3];
  for (int i = 0; i < 3; ++i) {
    if (vips_extract_band(in_bgr.get(), &rgb[i], 2 - i, nullptr) != 0) {
      return failed(vips::take_error());
    }
    owned_bands[i].reset(rgb[i]);
  }
  VipsImage* joined = nullptr;
  if (vips_bandjoin(rgb, &joined, 3, nullptr) != 0) return failed(vips::take_error());
  vips::ImagePtr image(joined);
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

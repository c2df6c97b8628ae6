#include "media/jpeg_writer.h"

#include <spdlog/spdlog.h>

#include <array>
#include <fstream>

#include "media/image_vips.h"

namespace pitchreel {
namespace {

Status failed(const std::filesystem::path& path, const std::string& why) {
  spdlog::error("jpeg write failed path={} reason=\"{}\"", path.string(), why);
  return fail(Error::internal(
      "poster_write_failed", "Could not write the poster image " + path.filename().string() + "."));
}

// Takes a libvips result: the image it made (read only after the call, hence the
// reference: `take(vips_op(..., &out), out, ...)`), or the error it left.
Status take(int result, VipsImage*& made, vips::ImagePtr& into, const std::filesystem::path& path) {
  if (result != 0) return failed(path, vips::take_error());
  into.reset(made);
  made = nullptr;
  return {};
}

// Encodes `image` (3-band uchar sRGB) and writes it to `path`.
Status save(VipsImage* image, const std::filesystem::path& path, int quality) {
  // Written to memory first: vips_jpegsave picks the format from the file name, and
  // callers write to temporary names.
  void* data = nullptr;
  size_t size = 0;
  if (vips_jpegsave_buffer(image, &data, &size, "Q", quality, "optimize_coding", TRUE, nullptr) !=
      0) {
    return failed(path, vips::take_error());
  }
  vips::BufferPtr owned(data);
  std::ofstream out(path, std::ios::binary);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) return failed(path, "cannot write the file");
  return {};
}

// A plane as a one-band libvips image that reads it where it is (`plane` must outlive it).
Status wrap(const cv::Mat& plane, vips::ImagePtr& into, const std::filesystem::path& path) {
  into.reset(vips_image_new_from_memory(plane.data, plane.total(), plane.cols, plane.rows, 1,
                                        VIPS_FORMAT_UCHAR));
  if (!into) return failed(path, vips::take_error());
  return {};
}

}  // namespace

Status write_jpeg(const cv::Mat& bgr, const std::filesystem::path& path, int quality) {
  if (!vips::started()) return failed(path, "libvips did not start");
  // libvips reads the picture where it is and puts red before blue strip by strip, as the
  // encoder asks for them (a converted copy cost ~10 ms at 1080p, most of it fresh pages).
  const cv::Mat pixels = bgr.isContinuous() ? bgr : bgr.clone();
  vips::ImagePtr in_bgr(vips_image_new_from_memory(pixels.data, pixels.total() * pixels.elemSize(),
                                                   pixels.cols, pixels.rows, 3, VIPS_FORMAT_UCHAR));
  if (!in_bgr) return failed(path, vips::take_error());
  VipsImage* rgb[3] = {};  // red, green, blue: bands 2, 1, 0 of the picture
  vips::ImagePtr owned_bands[3];
  for (int i = 0; i < 3; ++i) {
    if (vips_extract_band(in_bgr.get(), &rgb[i], 2 - i, nullptr) != 0) {
      return failed(path, vips::take_error());
    }
    owned_bands[i].reset(rgb[i]);
  }
  VipsImage* joined = nullptr;
  vips::ImagePtr image;
  if (auto s = take(vips_bandjoin(rgb, &joined, 3, nullptr), joined, image, path); !s) return s;
  return save(image.get(), path, quality);
}

Status write_jpeg(const Yuv420& frame, const std::filesystem::path& path, int quality) {
  if (!vips::started()) return failed(path, "libvips did not start");
  const Yuv420 planes{frame.y.isContinuous() ? frame.y : frame.y.clone(),
                      frame.u.isContinuous() ? frame.u : frame.u.clone(),
                      frame.v.isContinuous() ? frame.v : frame.v.clone()};
  vips::ImagePtr y, u, v, wide_u, wide_v, ycbcr, mixed, offset, rgb, tagged;
  for (auto [plane, into] : {std::pair{&planes.y, &y}, {&planes.u, &u}, {&planes.v, &v}}) {
    if (auto s = wrap(*plane, *into, path); !s) return s;
  }
  VipsImage* out = nullptr;
  if (auto s = take(vips_zoom(u.get(), &out, 2, 2, nullptr), out, wide_u, path); !s) return s;
  if (auto s = take(vips_zoom(v.get(), &out, 2, 2, nullptr), out, wide_v, path); !s) return s;
  VipsImage* bands[3] = {y.get(), wide_u.get(), wide_v.get()};
  if (auto s = take(vips_bandjoin(bands, &out, 3, nullptr), out, ycbcr, path); !s) return s;
  // RGB = M (Y - 16, Cb - 128, Cr - 128): M from BT.709's coefficients and the limited
  // range's scales; the offsets and the rounding (cast truncates) in one linear step.
  using namespace bt709;
  const double l = 1.0 / kLumaScale, c = 1.0 / kChromaScale;
  const double m[3][3] = {{l, 0, 2 * (1 - kKr) * c},  // red
                          {l, -2 * kKb * (1 - kKb) / kKg * c, -2 * kKr * (1 - kKr) / kKg * c},
                          {l, 2 * (1 - kKb) * c, 0}};  // blue
  vips::ImagePtr matrix(vips_image_new_matrix_from_array(3, 3, &m[0][0], 9));
  if (!matrix) return failed(path, vips::take_error());
  if (auto s = take(vips_recomb(ycbcr.get(), &out, matrix.get(), nullptr), out, mixed, path); !s) {
    return s;
  }
  std::array<double, 3> ones{1, 1, 1}, shift{};
  for (int r = 0; r < 3; ++r) {
    shift[r] = 0.5 - (m[r][0] * 16 + m[r][1] * 128 + m[r][2] * 128);
  }
  if (auto s = take(vips_linear(mixed.get(), &out, ones.data(), shift.data(), 3, nullptr), out,
                    offset, path);
      !s) {
    return s;
  }
  if (auto s = take(vips_cast(offset.get(), &out, VIPS_FORMAT_UCHAR, nullptr), out, rgb, path);
      !s) {
    return s;
  }
  if (auto s = take(vips_copy(rgb.get(), &out, "interpretation", VIPS_INTERPRETATION_sRGB, nullptr),
                    out, tagged, path);
      !s) {
    return s;
  }
  return save(tagged.get(), path, quality);
}

}  // namespace pitchreel

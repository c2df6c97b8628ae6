#include "media/color_convert.h"

#include "media/av_handles.h"

namespace pitchreel {
namespace {

enum class Direction { kToYuv, kToBgr };

Result<av::SwsPtr> context(cv::Size size, Direction direction) {
  const bool to_yuv = direction == Direction::kToYuv;
  const AVPixelFormat src = to_yuv ? AV_PIX_FMT_BGR24 : AV_PIX_FMT_YUV420P;
  const AVPixelFormat dst = to_yuv ? AV_PIX_FMT_YUV420P : AV_PIX_FMT_BGR24;
  av::SwsPtr sws(sws_getContext(size.width, size.height, src, size.width, size.height, dst,
                                SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, nullptr,
                                nullptr, nullptr));
  if (!sws)
    return fail(Error::internal("color_convert_failed", "Could not set up colour conversion."));
  // RGB is full range, YUV limited range, both BT.709 (matching the encoder's tags).
  const int* bt709 = sws_getCoefficients(SWS_CS_ITU709);
  sws_setColorspaceDetails(sws.get(), bt709, to_yuv ? 1 : 0, bt709, to_yuv ? 0 : 1, 0, 1 << 16,
                           1 << 16);
  return sws;
}

bool even(cv::Size s) { return s.width % 2 == 0 && s.height % 2 == 0 && s.area() > 0; }

}  // namespace

Result<Yuv420> bgr_to_yuv420(const cv::Mat& bgr) {
  if (bgr.type() != CV_8UC3 || !even(bgr.size())) {
    return fail(Error::internal("color_convert_failed", "Expected an even-sized BGR picture."));
  }
  auto sws = context(bgr.size(), Direction::kToYuv);
  if (!sws) return fail(sws.error());
  Yuv420 out = Yuv420::allocate(bgr.size());
  const uint8_t* src[1] = {bgr.data};
  const int src_stride[1] = {static_cast<int>(bgr.step[0])};
  uint8_t* dst[3] = {out.y.data, out.u.data, out.v.data};
  const int dst_stride[3] = {static_cast<int>(out.y.step[0]), static_cast<int>(out.u.step[0]),
                             static_cast<int>(out.v.step[0])};
  sws_scale(sws->get(), src, src_stride, 0, bgr.rows, dst, dst_stride);
  return out;
}

Result<cv::Mat> yuv420_to_bgr(const Yuv420& yuv) {
  if (!even(yuv.size())) {
    return fail(Error::internal("color_convert_failed", "Expected an even-sized YUV picture."));
  }
  auto sws = context(yuv.size(), Direction::kToBgr);
  if (!sws) return fail(sws.error());
  cv::Mat out(yuv.size(), CV_8UC3);
  const uint8_t* src[3] = {yuv.y.data, yuv.u.data, yuv.v.data};
  const int src_stride[3] = {static_cast<int>(yuv.y.step[0]), static_cast<int>(yuv.u.step[0]),
                             static_cast<int>(yuv.v.step[0])};
  uint8_t* dst[1] = {out.data};
  const int dst_stride[1] = {static_cast<int>(out.step[0])};
  sws_scale(sws->get(), src, src_stride, 0, yuv.y.rows, dst, dst_stride);
  return out;
}

}  // namespace pitchreel

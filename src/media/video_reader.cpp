#include "media/video_reader.h"

#include "media/av_handles.h"

namespace pitchreel {
namespace {

Error unreadable(const std::filesystem::path& path, const std::string& why) {
  return Error::invalid(
      "video_unreadable",
      path.filename().string() + " has no video pitchreel can decode (" + why + ").");
}

class LibavVideoReader final : public VideoReader {
 public:
  Status open(const std::filesystem::path& path);
  Result<bool> next(VideoFrame& frame) override;
  cv::Size size() const override { return {codec_->width, codec_->height}; }

 private:
  Result<bool> receive(VideoFrame& out);

  std::filesystem::path path_;
  av::InputFormatPtr format_;
  av::CodecContextPtr codec_;
  av::FramePtr frame_;
  av::PacketPtr packet_;
  av::SwsPtr sws_;
  int stream_ = -1;
  std::int64_t first_pts_ = AV_NOPTS_VALUE;
  bool flushed_ = false;
};

Status LibavVideoReader::open(const std::filesystem::path& path) {
  path_ = path;
  AVFormatContext* raw = nullptr;
  int err = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (err < 0) return fail(unreadable(path, av::error_string(err)));
  format_.reset(raw);
  if ((err = avformat_find_stream_info(raw, nullptr)) < 0) {
    return fail(unreadable(path, av::error_string(err)));
  }
  const AVCodec* codec = nullptr;
  stream_ = av_find_best_stream(raw, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (stream_ < 0 || !codec) return fail(unreadable(path, "no video stream"));
  codec_.reset(avcodec_alloc_context3(codec));
  if (!codec_ || avcodec_parameters_to_context(codec_.get(), raw->streams[stream_]->codecpar) < 0 ||
      avcodec_open2(codec_.get(), codec, nullptr) < 0 || codec_->width <= 0 ||
      codec_->height <= 0) {
    return fail(unreadable(path, "cannot open the decoder"));
  }
  frame_.reset(av_frame_alloc());
  packet_.reset(av_packet_alloc());
  return {};
}

Result<bool> LibavVideoReader::receive(VideoFrame& out) {
  const int err = avcodec_receive_frame(codec_.get(), frame_.get());
  if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return false;
  if (err < 0) return fail(unreadable(path_, av::error_string(err)));
  const AVFrame* f = frame_.get();
  sws_.reset(sws_getCachedContext(sws_.release(), f->width, f->height,
                                  static_cast<AVPixelFormat>(f->format), f->width, f->height,
                                  AV_PIX_FMT_BGR24, SWS_BILINEAR, nullptr, nullptr, nullptr));
  if (!sws_) return fail(unreadable(path_, "unsupported pixel format"));
  // swscale's SIMD code may write a few bytes past the end of each row whose width is not a
  // multiple of 16 pixels; a spare row under the picture takes them on the last one.
  const bool spare_row =
      out.bgr.datalimit - out.bgr.dataend >= static_cast<std::ptrdiff_t>(out.bgr.step);
  if (out.bgr.rows != f->height || out.bgr.cols != f->width || out.bgr.type() != CV_8UC3 ||
      !spare_row) {
    out.bgr = cv::Mat(f->height + 1, f->width, CV_8UC3).rowRange(0, f->height);
  }
  std::uint8_t* dst[1] = {out.bgr.data};
  const int dst_stride[1] = {static_cast<int>(out.bgr.step)};
  sws_scale(sws_.get(), f->data, f->linesize, 0, f->height, dst, dst_stride);
  std::int64_t pts = f->best_effort_timestamp;
  if (pts == AV_NOPTS_VALUE) pts = 0;
  if (first_pts_ == AV_NOPTS_VALUE) first_pts_ = pts;
  out.time = static_cast<double>(pts - first_pts_) * av_q2d(format_->streams[stream_]->time_base);
  av_frame_unref(frame_.get());
  return true;
}

Result<bool> LibavVideoReader::next(VideoFrame& out) {
  for (;;) {
    auto got = receive(out);
    if (!got || *got) return got;
    if (flushed_) return false;
    const int err = av_read_frame(format_.get(), packet_.get());
    if (err < 0) {
      avcodec_send_packet(codec_.get(), nullptr);
      flushed_ = true;
      continue;
    }
    if (packet_->stream_index == stream_) {
      const int sent = avcodec_send_packet(codec_.get(), packet_.get());
      if (sent < 0 && sent != AVERROR(EAGAIN)) {
        av_packet_unref(packet_.get());
        return fail(unreadable(path_, av::error_string(sent)));
      }
    }
    av_packet_unref(packet_.get());
  }
}

}  // namespace

Result<std::unique_ptr<VideoReader>> VideoReader::open(const std::filesystem::path& path) {
  av_log_set_level(AV_LOG_ERROR);
  auto reader = std::make_unique<LibavVideoReader>();
  if (auto s = reader->open(path); !s) return fail(s.error());
  return std::unique_ptr<VideoReader>(std::move(reader));
}

}  // namespace pitchreel

#include "support/audio_encode.h"

#include <vector>

#include "media/av_handles.h"

extern "C" {
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
}

namespace pitchreel::testing {
namespace {

struct Spec {
  const char* codec;
  const char* muxer;
  AVSampleFormat sample_format;
  int rate;  // 0 = keep the input's
};

Spec spec_for(AudioFormat format) {
  switch (format) {
    case AudioFormat::kMp3:
      return {"libmp3lame", "mp3", AV_SAMPLE_FMT_FLTP, 0};
    case AudioFormat::kOpus:
      return {"libopus", "ogg", AV_SAMPLE_FMT_FLT, 48000};
    case AudioFormat::kAac:
      return {"aac", "adts", AV_SAMPLE_FMT_FLTP, 0};
  }
  return {};
}

// A dynamic AVIO buffer's bytes, freed with the container.
std::vector<std::uint8_t> close_dynamic(AVFormatContext* format) {
  std::uint8_t* data = nullptr;
  const int size = avio_close_dyn_buf(format->pb, &data);
  format->pb = nullptr;
  std::vector<std::uint8_t> out(data, data + (size > 0 ? size : 0));
  av_free(data);
  return out;
}

}  // namespace

std::vector<std::uint8_t> encode_audio(std::span<const float> samples, int sample_rate,
                                       AudioFormat format) {
  const Spec spec = spec_for(format);
  const int out_rate = spec.rate > 0 ? spec.rate : sample_rate;
  const AVCodec* codec = avcodec_find_encoder_by_name(spec.codec);
  if (!codec) return {};
  AVFormatContext* raw = nullptr;
  if (avformat_alloc_output_context2(&raw, nullptr, spec.muxer, nullptr) < 0) return {};
  struct FreeFormat {
    void operator()(AVFormatContext* f) const {
      if (f->pb) close_dynamic(f);
      avformat_free_context(f);
    }
  };
  std::unique_ptr<AVFormatContext, FreeFormat> muxer(raw);
  av::CodecContextPtr ctx(avcodec_alloc_context3(codec));
  ctx->sample_fmt = spec.sample_format;
  ctx->sample_rate = out_rate;
  ctx->bit_rate = 64000;
  av_channel_layout_default(&ctx->ch_layout, 1);
  ctx->time_base = AVRational{1, out_rate};
  if (muxer->oformat->flags & AVFMT_GLOBALHEADER) ctx->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (avcodec_open2(ctx.get(), codec, nullptr) < 0) return {};
  AVStream* stream = avformat_new_stream(muxer.get(), nullptr);
  stream->time_base = ctx->time_base;
  avcodec_parameters_from_context(stream->codecpar, ctx.get());
  if (avio_open_dyn_buf(&muxer->pb) < 0) return {};
  if (avformat_write_header(muxer.get(), nullptr) < 0) return {};

  // Resample the whole input at once; speech clips in tests are short.
  SwrContext* swr_raw = nullptr;
  AVChannelLayout mono;
  av_channel_layout_default(&mono, 1);
  swr_alloc_set_opts2(&swr_raw, &mono, spec.sample_format, out_rate, &mono, AV_SAMPLE_FMT_FLT,
                      sample_rate, 0, nullptr);
  av::SwrPtr swr(swr_raw);
  if (swr_init(swr.get()) < 0) return {};
  std::vector<float> resampled(static_cast<std::size_t>(
      swr_get_out_samples(swr.get(), static_cast<int>(samples.size())) + 1024));
  auto* dst = reinterpret_cast<std::uint8_t*>(resampled.data());
  const auto* src = reinterpret_cast<const std::uint8_t*>(samples.data());
  int n = swr_convert(swr.get(), &dst, static_cast<int>(resampled.size()), &src,
                      static_cast<int>(samples.size()));
  if (n < 0) return {};
  auto* tail = reinterpret_cast<std::uint8_t*>(resampled.data() + n);
  const int flushed =
      swr_convert(swr.get(), &tail, static_cast<int>(resampled.size()) - n, nullptr, 0);
  resampled.resize(static_cast<std::size_t>(n + std::max(flushed, 0)));

  av::PacketPtr packet(av_packet_alloc());
  av::FramePtr frame(av_frame_alloc());
  const int frame_size = ctx->frame_size > 0 ? ctx->frame_size : 1024;
  const auto drain = [&] {
    while (avcodec_receive_packet(ctx.get(), packet.get()) >= 0) {
      av_packet_rescale_ts(packet.get(), ctx->time_base, stream->time_base);
      packet->stream_index = stream->index;
      av_interleaved_write_frame(muxer.get(), packet.get());
    }
  };
  for (std::size_t pos = 0; pos < resampled.size(); pos += static_cast<std::size_t>(frame_size)) {
    frame->format = ctx->sample_fmt;
    frame->sample_rate = out_rate;
    av_channel_layout_copy(&frame->ch_layout, &ctx->ch_layout);
    frame->nb_samples = frame_size;
    if (av_frame_get_buffer(frame.get(), 0) < 0) return {};
    auto* data = reinterpret_cast<float*>(frame->data[0]);
    for (int i = 0; i < frame_size; ++i) {
      const std::size_t at = pos + static_cast<std::size_t>(i);
      data[i] = at < resampled.size() ? resampled[at] : 0.0f;
    }
    frame->pts = static_cast<std::int64_t>(pos);
    if (avcodec_send_frame(ctx.get(), frame.get()) < 0) return {};
    drain();
    av_frame_unref(frame.get());
  }
  avcodec_send_frame(ctx.get(), nullptr);
  drain();
  av_write_trailer(muxer.get());
  return close_dynamic(muxer.get());
}

}  // namespace pitchreel::testing

#include "media/audio_decode.h"

#include <algorithm>

#include <fmt/format.h>

#include "media/av_handles.h"

namespace pitchreel {
namespace {

Error unreadable(const std::filesystem::path& path, const std::string& why) {
  return Error::invalid("audio_unreadable",
                        fmt::format("{} is not an audio file pitchreel can read ({}). Use WAV, "
                                    "MP3, AAC, FLAC or Ogg.",
                                    path.filename().string(), why));
}

}  // namespace

Result<DecodedAudio> decode_audio_file(const std::filesystem::path& path, int target_rate,
                                       double max_seconds) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return fail(Error::invalid("audio_not_found",
                               fmt::format("The audio file {} does not exist.", path.string())));
  }
  AVFormatContext* raw = nullptr;
  int err = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (err < 0) return fail(unreadable(path, av::error_string(err)));
  av::InputFormatPtr format(raw);
  if ((err = avformat_find_stream_info(raw, nullptr)) < 0) {
    return fail(unreadable(path, av::error_string(err)));
  }
  const AVCodec* codec = nullptr;
  const int stream = av_find_best_stream(raw, AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
  if (stream < 0 || codec == nullptr) return fail(unreadable(path, "it has no audio track"));
  av::CodecContextPtr decoder(avcodec_alloc_context3(codec));
  if (!decoder) return fail(Error::internal("audio_decode_failed", "Out of memory."));
  avcodec_parameters_to_context(decoder.get(), raw->streams[stream]->codecpar);
  if ((err = avcodec_open2(decoder.get(), codec, nullptr)) < 0) {
    return fail(unreadable(path, av::error_string(err)));
  }

  AVChannelLayout mono;
  av_channel_layout_default(&mono, 1);
  SwrContext* swr_raw = nullptr;
  err = swr_alloc_set_opts2(&swr_raw, &mono, AV_SAMPLE_FMT_FLT, target_rate, &decoder->ch_layout,
                            decoder->sample_fmt, decoder->sample_rate, 0, nullptr);
  av::SwrPtr swr(swr_raw);
  if (err < 0 || (err = swr_init(swr_raw)) < 0) {
    return fail(unreadable(path, "unsupported sample format or channel layout"));
  }

  DecodedAudio out;
  out.sample_rate = target_rate;
  const auto max_samples = static_cast<std::size_t>(max_seconds * target_rate);
  av::PacketPtr packet(av_packet_alloc());
  av::FramePtr frame(av_frame_alloc());
  const auto convert = [&](const AVFrame* in) -> Status {
    const int capacity = swr_get_out_samples(swr_raw, in ? in->nb_samples : 0);
    if (capacity <= 0) return {};
    const std::size_t at = out.samples.size();
    out.samples.resize(at + static_cast<std::size_t>(capacity));
    auto* dst = reinterpret_cast<std::uint8_t*>(out.samples.data() + at);
    const int got = swr_convert(swr_raw, &dst, capacity,
                                in ? const_cast<const std::uint8_t**>(in->extended_data) : nullptr,
                                in ? in->nb_samples : 0);
    out.samples.resize(at + static_cast<std::size_t>(std::max(0, got)));
    if (out.samples.size() > max_samples) {
      return fail(
          Error::invalid("audio_too_long",
                         fmt::format("{} is longer than {:.0f} seconds. Use a shorter narration.",
                                     path.filename().string(), max_seconds)));
    }
    return {};
  };
  const auto drain = [&]() -> Status {
    while ((err = avcodec_receive_frame(decoder.get(), frame.get())) >= 0) {
      auto s = convert(frame.get());
      av_frame_unref(frame.get());
      if (!s) return s;
    }
    return {};
  };
  while (av_read_frame(raw, packet.get()) >= 0) {
    if (packet->stream_index == stream) {
      err = avcodec_send_packet(decoder.get(), packet.get());
      av_packet_unref(packet.get());
      if (err < 0 && err != AVERROR(EAGAIN)) continue;  // a damaged packet: skip it
      if (auto s = drain(); !s) return fail(s.error());
    } else {
      av_packet_unref(packet.get());
    }
  }
  avcodec_send_packet(decoder.get(), nullptr);
  if (auto s = drain(); !s) return fail(s.error());
  if (auto s = convert(nullptr); !s) return fail(s.error());
  if (out.samples.empty()) {
    return fail(Error::invalid(
        "audio_empty", fmt::format("{} holds no audio samples.", path.filename().string())));
  }
  for (float& s : out.samples) s = std::clamp(s, -1.0f, 1.0f);
  return out;
}

}  // namespace pitchreel

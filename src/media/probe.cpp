#include "media/probe.h"

#include <array>
#include <fstream>

#include "media/av_handles.h"

extern "C" {
#include <libavutil/pixdesc.h>
}

namespace pitchreel {
namespace {

// Walks the top-level MP4 boxes and reports whether "moov" comes before "mdat".
bool moov_first(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::uint64_t offset = 0;
  std::array<unsigned char, 16> header{};
  while (in.read(reinterpret_cast<char*>(header.data()), 8)) {
    std::uint64_t size =
        (std::uint64_t{header[0]} << 24) | (header[1] << 16) | (header[2] << 8) | header[3];
    const std::string type(reinterpret_cast<const char*>(header.data()) + 4, 4);
    if (type == "moov") return true;
    if (type == "mdat") return false;
    if (size == 1) {  // 64-bit size follows
      if (!in.read(reinterpret_cast<char*>(header.data()) + 8, 8)) return false;
      size = 0;
      for (int i = 8; i < 16; ++i) size = (size << 8) | header[static_cast<std::size_t>(i)];
    }
    if (size < 8) return false;
    offset += size;
    in.seekg(static_cast<std::streamoff>(offset));
  }
  return false;
}

std::string or_empty(const char* s) { return s ? s : ""; }

double seconds(std::int64_t ts, AVRational tb) { return static_cast<double>(ts) * av_q2d(tb); }

}  // namespace

Result<ProbeInfo> probe(const std::filesystem::path& path) {
  AVFormatContext* raw = nullptr;
  int err = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (err < 0) {
    return fail(Error::invalid("probe_failed", path.filename().string() +
                                                   " is not a readable media file (" +
                                                   av::error_string(err) + ")."));
  }
  av::InputFormatPtr format(raw);
  if ((err = avformat_find_stream_info(raw, nullptr)) < 0) {
    return fail(Error::invalid("probe_failed", path.filename().string() +
                                                   ": cannot read stream information (" +
                                                   av::error_string(err) + ")."));
  }
  ProbeInfo info;
  info.container = or_empty(raw->iformat->name);
  const int v = av_find_best_stream(raw, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  const int a = av_find_best_stream(raw, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (v >= 0) {
    const AVStream* s = raw->streams[v];
    const AVCodecParameters* p = s->codecpar;
    info.has_video = true;
    info.video_codec = avcodec_get_name(p->codec_id);
    info.pixel_format = or_empty(av_get_pix_fmt_name(static_cast<AVPixelFormat>(p->format)));
    info.color_space = or_empty(av_color_space_name(p->color_space));
    info.color_primaries = or_empty(av_color_primaries_name(p->color_primaries));
    info.color_transfer = or_empty(av_color_transfer_name(p->color_trc));
    info.width = p->width;
    info.height = p->height;
    info.fps = av_q2d(s->avg_frame_rate);
    if (s->duration != AV_NOPTS_VALUE) info.video_duration = seconds(s->duration, s->time_base);
  }
  if (a >= 0) {
    const AVStream* s = raw->streams[a];
    const AVCodecParameters* p = s->codecpar;
    info.has_audio = true;
    info.audio_codec = avcodec_get_name(p->codec_id);
    info.audio_profile = or_empty(avcodec_profile_name(p->codec_id, p->profile));
    info.audio_sample_rate = p->sample_rate;
    info.audio_channels = p->ch_layout.nb_channels;
    if (s->duration != AV_NOPTS_VALUE) info.audio_duration = seconds(s->duration, s->time_base);
  }
  // Count video packets: for our constant-rate H.264 each packet is one frame.
  av::PacketPtr packet(av_packet_alloc());
  while (av_read_frame(raw, packet.get()) >= 0) {
    if (packet->stream_index == v) ++info.video_frames;
    av_packet_unref(packet.get());
  }
  info.moov_before_mdat = moov_first(path);
  return info;
}

}  // namespace pitchreel

#include "media/audio_decode.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>

#include <fmt/format.h>

#include "media/av_handles.h"
#include "media/image_sniff.h"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/mem.h>
}

namespace pitchreel {
namespace {

// libavformat reads through this cursor over the caller's bytes.
struct MemoryReader {
  std::span<const std::uint8_t> bytes;
  std::size_t position = 0;

  static int read(void* opaque, std::uint8_t* buffer, int size) {
    auto* self = static_cast<MemoryReader*>(opaque);
    const std::size_t left = self->bytes.size() - self->position;
    if (left == 0) return AVERROR_EOF;
    const std::size_t n = std::min<std::size_t>(left, static_cast<std::size_t>(size));
    std::memcpy(buffer, self->bytes.data() + self->position, n);
    self->position += n;
    return static_cast<int>(n);
  }

  static std::int64_t seek(void* opaque, std::int64_t offset, int whence) {
    auto* self = static_cast<MemoryReader*>(opaque);
    const auto size = static_cast<std::int64_t>(self->bytes.size());
    if (whence & AVSEEK_SIZE) return size;
    std::int64_t target = 0;
    switch (whence & ~AVSEEK_FORCE) {
      case SEEK_SET:
        target = offset;
        break;
      case SEEK_CUR:
        target = static_cast<std::int64_t>(self->position) + offset;
        break;
      case SEEK_END:
        target = size + offset;
        break;
      default:
        return AVERROR(EINVAL);
    }
    if (target < 0 || target > size) return AVERROR(EINVAL);
    self->position = static_cast<std::size_t>(target);
    return target;
  }
};

// An AVIOContext with its buffer; libav may replace the buffer, so it is freed through the context.
struct IoContextDeleter {
  void operator()(AVIOContext* io) const {
    if (!io) return;
    av_freep(&io->buffer);
    avio_context_free(&io);
  }
};
using IoContextPtr = std::unique_ptr<AVIOContext, IoContextDeleter>;

Error unreadable(std::string_view name, std::span<const std::uint8_t> bytes) {
  const Lookalike like = sniff_non_image(bytes);
  std::string what = like.what.empty() ? "" : fmt::format(" (it looks like {})", like.what);
  return Error::invalid("audio_unreadable",
                        fmt::format("{} is not audio pitchreel can decode{}. Send MP3, WAV, Opus "
                                    "or AAC.",
                                    name, what));
}

class Decoder {
 public:
  Decoder(std::span<const std::uint8_t> bytes, std::string_view name,
          const AudioDecodeOptions& options)
      : reader_{bytes}, name_(name), options_(options) {}

  Result<DecodedAudio> run();

 private:
  Status open();
  Status convert(AVFrame* frame);
  Status receive_frames();

  MemoryReader reader_;
  std::string_view name_;
  AudioDecodeOptions options_;
  IoContextPtr io_;
  av::InputFormatPtr format_;
  av::CodecContextPtr codec_;
  av::SwrPtr swr_;
  av::FramePtr frame_;
  int stream_ = -1;
  DecodedAudio out_;
  std::size_t max_samples_ = 0;
};

Status Decoder::open() {
  constexpr int kBufferSize = 32 * 1024;
  auto* buffer = static_cast<unsigned char*>(av_malloc(kBufferSize));
  if (!buffer) return fail(Error::internal("audio_decode_failed", "Out of memory."));
  io_.reset(avio_alloc_context(buffer, kBufferSize, 0, &reader_, &MemoryReader::read, nullptr,
                               &MemoryReader::seek));
  if (!io_) {
    av_free(buffer);
    return fail(Error::internal("audio_decode_failed", "Out of memory."));
  }
  AVFormatContext* raw = avformat_alloc_context();
  if (!raw) return fail(Error::internal("audio_decode_failed", "Out of memory."));
  raw->pb = io_.get();
  raw->flags |= AVFMT_FLAG_CUSTOM_IO;
  if (avformat_open_input(&raw, nullptr, nullptr, nullptr) < 0) {
    return fail(unreadable(name_, reader_.bytes));  // raw was freed by avformat_open_input
  }
  format_.reset(raw);
  if (avformat_find_stream_info(raw, nullptr) < 0) return fail(unreadable(name_, reader_.bytes));
  const AVCodec* codec = nullptr;
  stream_ = av_find_best_stream(raw, AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
  if (stream_ < 0 || !codec) return fail(unreadable(name_, reader_.bytes));
  codec_.reset(avcodec_alloc_context3(codec));
  if (!codec_) return fail(Error::internal("audio_decode_failed", "Out of memory."));
  if (avcodec_parameters_to_context(codec_.get(), raw->streams[stream_]->codecpar) < 0 ||
      avcodec_open2(codec_.get(), codec, nullptr) < 0) {
    return fail(unreadable(name_, reader_.bytes));
  }
  out_.codec = codec->name;
  frame_.reset(av_frame_alloc());
  return {};
}

// The resampler is made for the first frame's format, rate and layout (what the stream
// really holds, which the container may have misreported).
Status Decoder::convert(AVFrame* frame) {
  if (!swr_) {
    const int rate = options_.target_rate > 0 ? options_.target_rate : frame->sample_rate;
    if (rate <= 0) return fail(unreadable(name_, reader_.bytes));
    AVChannelLayout mono;
    av_channel_layout_default(&mono, 1);
    SwrContext* swr = nullptr;
    int err = swr_alloc_set_opts2(&swr, &mono, AV_SAMPLE_FMT_FLT, rate, &frame->ch_layout,
                                  static_cast<AVSampleFormat>(frame->format), frame->sample_rate, 0,
                                  nullptr);
    swr_.reset(swr);
    if (err < 0 || swr_init(swr) < 0) return fail(unreadable(name_, reader_.bytes));
    out_.sample_rate = rate;
    max_samples_ = static_cast<std::size_t>(options_.max_seconds * rate);
  }
  const int capacity = swr_get_out_samples(swr_.get(), frame ? frame->nb_samples : 0);
  if (capacity <= 0) return {};
  const std::size_t old_size = out_.samples.size();
  out_.samples.resize(old_size + static_cast<std::size_t>(capacity));
  auto* dst = reinterpret_cast<std::uint8_t*>(out_.samples.data() + old_size);
  const int produced =
      swr_convert(swr_.get(), &dst, capacity,
                  frame ? const_cast<const std::uint8_t**>(frame->extended_data) : nullptr,
                  frame ? frame->nb_samples : 0);
  if (produced < 0) return fail(unreadable(name_, reader_.bytes));
  out_.samples.resize(old_size + static_cast<std::size_t>(produced));
  if (out_.samples.size() > max_samples_) {
    return fail(Error::invalid(
        "audio_too_long", fmt::format("{} holds more than {:.0f} seconds of audio; a narration "
                                      "should be well under a minute.",
                                      name_, options_.max_seconds)));
  }
  return {};
}

Status Decoder::receive_frames() {
  for (;;) {
    const int err = avcodec_receive_frame(codec_.get(), frame_.get());
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return {};
    if (err < 0) return {};  // a damaged frame: keep what decoded (MP3 streams often end mid-frame)
    auto s = convert(frame_.get());
    av_frame_unref(frame_.get());
    if (!s) return s;
  }
}

Result<DecodedAudio> Decoder::run() {
  if (reader_.bytes.empty()) {
    return fail(
        Error::invalid("audio_empty", fmt::format("{} is empty: no audio was sent.", name_)));
  }
  if (auto s = open(); !s) return fail(s.error());
  av::PacketPtr packet(av_packet_alloc());
  while (av_read_frame(format_.get(), packet.get()) >= 0) {
    if (packet->stream_index == stream_) {
      // A packet the decoder refuses is skipped, as players do; nothing decoded at all is an error
      // below.
      avcodec_send_packet(codec_.get(), packet.get());
      if (auto s = receive_frames(); !s) return fail(s.error());
    }
    av_packet_unref(packet.get());
  }
  avcodec_send_packet(codec_.get(), nullptr);
  if (auto s = receive_frames(); !s) return fail(s.error());
  if (swr_) {
    if (auto s = convert(nullptr); !s) return fail(s.error());
  }
  if (out_.samples.empty()) {
    return fail(Error::invalid("audio_empty",
                               fmt::format("{} holds no audio samples. Send MP3, WAV, Opus or AAC "
                                           "with speech in it.",
                                           name_)));
  }
  for (float& s : out_.samples) s = std::clamp(s, -1.0f, 1.0f);
  return std::move(out_);
}

}  // namespace

Result<DecodedAudio> decode_audio(std::span<const std::uint8_t> bytes, std::string_view source_name,
                                  const AudioDecodeOptions& options) {
  av_log_set_level(AV_LOG_ERROR);  // as the encoder does: libav's chatter is not our log
  Decoder decoder(bytes, source_name, options);
  return decoder.run();
}

Result<DecodedAudio> decode_audio_file(const std::filesystem::path& path, int target_rate,
                                       double max_seconds) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(Error::invalid(
        "audio_not_found", "Cannot read the audio file " + path.string() + ". Check the path."));
  }
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                        std::istreambuf_iterator<char>());
  AudioDecodeOptions options;
  options.target_rate = target_rate;
  options.max_seconds = max_seconds;
  return decode_audio(bytes, path.filename().string(), options);
}

}  // namespace pitchreel

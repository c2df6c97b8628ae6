#include "media/audio_decode.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
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

// libavformat reads a file through this one: the file is never held whole (a music bed
// of an hour is hundreds of megabytes as WAV). `head` keeps its first bytes, for saying
// what a file that is not audio looks like.
class FileReader {
 public:
  explicit FileReader(const std::filesystem::path& path) : file_(std::fopen(path.c_str(), "rb")) {
    if (!file_) return;
    head_.resize(kHead);
    head_.resize(std::fread(head_.data(), 1, head_.size(), file_.get()));
    std::rewind(file_.get());
  }

  bool is_open() const { return file_ != nullptr; }
  std::span<const std::uint8_t> head() const { return head_; }

  static int read(void* opaque, std::uint8_t* buffer, int size) {
    auto* self = static_cast<FileReader*>(opaque);
    const std::size_t n = std::fread(buffer, 1, static_cast<std::size_t>(size), self->file_.get());
    if (n > 0) return static_cast<int>(n);
    return std::ferror(self->file_.get()) ? AVERROR(EIO) : AVERROR_EOF;
  }

  static std::int64_t seek(void* opaque, std::int64_t offset, int whence) {
    auto* self = static_cast<FileReader*>(opaque);
    std::FILE* f = self->file_.get();
    if (whence & AVSEEK_SIZE) {
      const long here = std::ftell(f);
      if (std::fseek(f, 0, SEEK_END) != 0) return AVERROR(EIO);
      const long size = std::ftell(f);
      std::fseek(f, here, SEEK_SET);
      return size;
    }
    if (std::fseek(f, static_cast<long>(offset), whence & ~AVSEEK_FORCE) != 0) {
      return AVERROR(EINVAL);
    }
    return std::ftell(f);
  }

 private:
  static constexpr std::size_t kHead = 4096;  // what sniff_non_image looks at
  struct Close {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Close> file_;
  std::vector<std::uint8_t> head_;
};

// What the decoder reads: libavformat's two callbacks over `opaque`, and the input's first
// bytes (for the error that says what it looks like).
struct Input {
  void* opaque;
  int (*read)(void*, std::uint8_t*, int);
  std::int64_t (*seek)(void*, std::int64_t, int);
  std::span<const std::uint8_t> head;
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
  Decoder(Input input, std::string_view name, const AudioDecodeOptions& options)
      : input_(input), name_(name), options_(options) {}

  Result<DecodedAudio> run();

 private:
  Status open();
  Status convert(AVFrame* frame);
  Status receive_frames();
  bool kept_all() const { return keep_samples_ > 0 && out_.samples.size() >= keep_samples_; }

  Input input_;
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
  std::size_t keep_samples_ = 0;  // 0: all
};

Status Decoder::open() {
  constexpr int kBufferSize = 32 * 1024;
  auto* buffer = static_cast<unsigned char*>(av_malloc(kBufferSize));
  if (!buffer) return fail(Error::internal("audio_decode_failed", "Out of memory."));
  io_.reset(
      avio_alloc_context(buffer, kBufferSize, 0, input_.opaque, input_.read, nullptr, input_.seek));
  if (!io_) {
    av_free(buffer);
    return fail(Error::internal("audio_decode_failed", "Out of memory."));
  }
  AVFormatContext* raw = avformat_alloc_context();
  if (!raw) return fail(Error::internal("audio_decode_failed", "Out of memory."));
  raw->pb = io_.get();
  raw->flags |= AVFMT_FLAG_CUSTOM_IO;
  if (avformat_open_input(&raw, nullptr, nullptr, nullptr) < 0) {
    return fail(unreadable(name_, input_.head));  // raw was freed by avformat_open_input
  }
  format_.reset(raw);
  if (avformat_find_stream_info(raw, nullptr) < 0) return fail(unreadable(name_, input_.head));
  const AVCodec* codec = nullptr;
  stream_ = av_find_best_stream(raw, AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
  if (stream_ < 0 || !codec) return fail(unreadable(name_, input_.head));
  codec_.reset(avcodec_alloc_context3(codec));
  if (!codec_) return fail(Error::internal("audio_decode_failed", "Out of memory."));
  if (avcodec_parameters_to_context(codec_.get(), raw->streams[stream_]->codecpar) < 0 ||
      avcodec_open2(codec_.get(), codec, nullptr) < 0) {
    return fail(unreadable(name_, input_.head));
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
    if (rate <= 0) return fail(unreadable(name_, input_.head));
    AVChannelLayout mono;
    av_channel_layout_default(&mono, 1);
    SwrContext* swr = nullptr;
    int err = swr_alloc_set_opts2(&swr, &mono, AV_SAMPLE_FMT_FLT, rate, &frame->ch_layout,
                                  static_cast<AVSampleFormat>(frame->format), frame->sample_rate, 0,
                                  nullptr);
    swr_.reset(swr);
    if (err < 0 || swr_init(swr) < 0) return fail(unreadable(name_, input_.head));
    out_.sample_rate = rate;
    max_samples_ = static_cast<std::size_t>(options_.max_seconds * rate);
    keep_samples_ = static_cast<std::size_t>(std::max(0.0, options_.keep_seconds) * rate);
    // Room for what the container says the stream holds, so the samples are not copied
    // as they grow (at most what is kept, or the limit).
    const AVStream* stream = format_->streams[stream_];
    if (stream->duration > 0 && stream->time_base.den > 0) {
      std::size_t expected = static_cast<std::size_t>(
          static_cast<double>(stream->duration) * av_q2d(stream->time_base) * rate + rate / 10);
      expected = std::min(expected, max_samples_ + 1);
      if (keep_samples_ > 0) expected = std::min(expected, keep_samples_);
      out_.samples.reserve(expected);
    }
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
  if (produced < 0) return fail(unreadable(name_, input_.head));
  out_.samples.resize(old_size + static_cast<std::size_t>(produced));
  if (kept_all()) {
    out_.samples.resize(keep_samples_);
    return {};
  }
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
    auto s = kept_all() ? Status{} : convert(frame_.get());
    av_frame_unref(frame_.get());
    if (!s) return s;
  }
}

Result<DecodedAudio> Decoder::run() {
  av_log_set_level(AV_LOG_ERROR);  // as the encoder does: libav's chatter is not our log
  if (input_.head.empty()) {
    return fail(
        Error::invalid("audio_empty", fmt::format("{} is empty: no audio was sent.", name_)));
  }
  if (auto s = open(); !s) return fail(s.error());
  av::PacketPtr packet(av_packet_alloc());
  while (!kept_all() && av_read_frame(format_.get(), packet.get()) >= 0) {
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
  if (swr_ && !kept_all()) {
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
  MemoryReader reader{bytes};
  Decoder decoder({&reader, &MemoryReader::read, &MemoryReader::seek, bytes}, source_name, options);
  return decoder.run();
}

Result<DecodedAudio> decode_audio_file(const std::filesystem::path& path,
                                       const AudioDecodeOptions& options) {
  FileReader reader(path);
  if (!reader.is_open()) {
    return fail(Error::invalid(
        "audio_not_found", "Cannot read the audio file " + path.string() + ". Check the path."));
  }
  const std::string name = path.filename().string();
  Decoder decoder({&reader, &FileReader::read, &FileReader::seek, reader.head()}, name, options);
  return decoder.run();
}

}  // namespace pitchreel

#include "media/encoder.h"

#include <spdlog/spdlog.h>

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/cpu_account.h"
#include "core/thread_priority.h"
#include "media/av_handles.h"
#include "media/y4m_writer.h"

extern "C" {
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
}

namespace pitchreel {
namespace {

constexpr std::array<const char*, 10> kPresets = {"ultrafast", "superfast", "veryfast", "faster",
                                                  "fast",      "medium",    "slow",     "slower",
                                                  "veryslow",  "placebo"};

struct AudioFifoDeleter {
  void operator()(AVAudioFifo* f) const { av_audio_fifo_free(f); }
};
using AudioFifoPtr = std::unique_ptr<AVAudioFifo, AudioFifoDeleter>;

Error encode_error(const std::string& what, int err) {
  return Error::internal("encode_failed", "Could not " + what + ": " + av::error_string(err) + ".");
}

class LibavEncoder final : public Encoder {
 public:
  LibavEncoder(EncoderSettings settings, AudioTrack audio)
      : settings_(std::move(settings)), audio_(audio) {}
  LibavEncoder(EncoderSettings settings, DeferredAudio audio)
      : settings_(std::move(settings)),
        audio_{{}, audio.sample_rate, 0},
        produce_audio_(std::move(audio.produce)) {}

  // x264's threads end when the codec is freed (a member): charge them first.
  ~LibavEncoder() override { charge_codec_threads(); }
  LibavEncoder(const LibavEncoder&) = delete;
  LibavEncoder& operator=(const LibavEncoder&) = delete;

  Status open(const std::filesystem::path& path);
  Status add_frame(const Yuv420& frame) override;
  Status finish() override;
  std::int64_t frames_written() const override { return frames_; }

 private:
  Status open_video();
  Status open_audio();
  // Adds the CPU time of x264's threads to the account of the thread that opened the encoder
  // (core/cpu_account.h), once.
  void charge_codec_threads();
  // Drains every packet the codec has ready into the muxer.
  Status drain(AVCodecContext* codec, AVStream* stream);
  // Resamples input audio up to `input_end` samples and encodes every full AAC frame;
  // with `final`, flushes the resampler and pads with silence to `total_out` samples.
  Status pump_audio(std::size_t input_end, bool final);
  Status encode_audio_frames(bool final);
  // The audio thread of DeferredAudio: produces the samples, encodes them whole.
  Status run_deferred_audio();
  // Writes the packets the audio thread has made so far that start before `end` (in
  // samples of the output rate, the audio stream's time base); the others stay queued.
  Status write_ready_audio(std::int64_t end = INT64_MAX);

  EncoderSettings settings_;
  AudioTrack audio_;
  av::OutputFormatPtr format_;
  av::CodecContextPtr video_;
  av::CodecContextPtr audio_codec_;
  AVStream* video_stream_ = nullptr;
  AVStream* audio_stream_ = nullptr;
  av::SwrPtr swr_;
  AudioFifoPtr fifo_;
  av::FramePtr yuv_;
  av::FramePtr pcm_;
  av::PacketPtr packet_;
  av::PacketPtr audio_packet_;
  std::optional<Y4mWriter> dump_;  // PITCHREEL_DUMP_Y4M: the frames as encoded, for the benchmark
  std::int64_t frames_ = 0;
  std::size_t audio_in_pos_ = 0;      // input samples handed to the resampler
  std::int64_t audio_out_pts_ = 0;    // output samples encoded
  std::int64_t audio_out_total_ = 0;  // output samples the finished file must hold
  bool finished_ = false;
  // DeferredAudio: while the thread runs, it alone touches the audio codec, resampler and
  // FIFO; its packets wait in audio_ready_ for the caller's thread, which owns the muxer.
  std::function<Result<std::vector<float>>()> produce_audio_;
  std::vector<float> produced_;
  std::mutex audio_mutex_;
  std::vector<av::PacketPtr> audio_ready_;  // guarded by audio_mutex_
  bool queue_audio_ = false;                // true while the audio thread may run
  Status audio_status_;                     // the thread's result, read after join
  std::atomic<bool> audio_failed_ = false;  // set by the thread: stop the video early
  // The render's CPU account (null: none) and x264's threads, found at open by the name they
  // inherit from the thread that opened the codec.
  CpuAccount* account_ = nullptr;
  std::vector<pid_t> codec_threads_;
  std::jthread audio_thread_;               // last: joined before anything above is freed
};

Status LibavEncoder::open(const std::filesystem::path& path) {
  AVFormatContext* raw = nullptr;
  // The container is named explicitly: callers write to temporary names without ".mp4".
  int err = avformat_alloc_output_context2(&raw, nullptr, "mp4", path.c_str());
  if (err < 0) return fail(encode_error("create the MP4 container", err));
  format_.reset(raw);

  if (auto s = open_video(); !s) return s;
  if (auto s = open_audio(); !s) return s;

  err = avio_open(&format_->pb, path.c_str(), AVIO_FLAG_WRITE);
  if (err < 0) {
    return fail(Error::invalid("output_not_writable",
                               "Cannot write " + path.string() + " (" + av::error_string(err) +
                                   "). Check the folder exists and is writable."));
  }
  // moov first ("faststart"): playback starts before the download ends.
  av::Dictionary options;
  av_dict_set(options.out(), "movflags", "+faststart", 0);
  if (!settings_.comment.empty()) {
    av_dict_set(&format_->metadata, "comment", settings_.comment.c_str(), 0);
  }
  err = avformat_write_header(format_.get(), options.out());
  if (err < 0) return fail(encode_error("write the MP4 header", err));
  packet_.reset(av_packet_alloc());
  audio_packet_.reset(av_packet_alloc());
  if (const char* dump = std::getenv("PITCHREEL_DUMP_Y4M"); dump && *dump) {
    auto writer = Y4mWriter::open(dump, settings_.size, settings_.fps);
    if (!writer) return fail(writer.error());
    dump_.emplace(std::move(*writer));
  }
  if (produce_audio_) {
    queue_audio_ = true;
    audio_thread_ = std::jthread([this] {
      ThreadCharge charge(account_);
      audio_status_ = run_deferred_audio();
      if (!audio_status_) audio_failed_ = true;
    });
  }
  return {};
}

namespace {

// Gives the whole pages strictly inside [begin, end) of a heap buffer back to the system
// (MADV_DONTNEED: they read as zeros if touched again). For a buffer whose start will never
// be read again before it is freed. The first page is kept, since the allocator keeps its
// free-list links at the start of a freed block; the allocator never reads the rest.
void release_pages(const float* begin, const float* end) {
  static const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto from = (reinterpret_cast<std::uintptr_t>(begin) + 2 * page - 1) / page * page;
  const auto to = reinterpret_cast<std::uintptr_t>(end) / page * page;
  if (to > from) madvise(reinterpret_cast<void*>(from), to - from, MADV_DONTNEED);
}

}  // namespace

Status LibavEncoder::run_deferred_audio() {
  auto samples = produce_audio_();
  if (!samples) return fail(samples.error());
  produced_ = std::move(*samples);
  audio_.samples = produced_;
  // A second at a time: the resampler's output and the FIFO stay small, whatever the
  // narration's length (all at once, they held two more copies of it).
  const auto step = static_cast<std::size_t>(audio_.sample_rate);
  for (std::size_t end = 0; end < produced_.size();) {
    end = std::min(produced_.size(), end + step);
    if (auto s = pump_audio(end, false); !s) return s;
    // The samples before `end` are never read again: their pages go back to the system now
    // rather than when the whole soundtrack is encoded (120 s at 48 kHz are 23 MB, held
    // while x264 reaches its own peak).
    release_pages(produced_.data(), produced_.data() + end);
  }
  // Every input sample is in the resampler or the FIFO now: the narration can go.
  audio_.samples = {};
  audio_in_pos_ = 0;
  std::vector<float>().swap(produced_);
  return {};
}

Status LibavEncoder::write_ready_audio(std::int64_t end) {
  std::vector<av::PacketPtr> ready;
  {
    std::lock_guard lock(audio_mutex_);
    // In pts order: the ones before `end` go now, the rest wait for the video to get there.
    const auto first_later = std::find_if(audio_ready_.begin(), audio_ready_.end(),
                                          [&](const av::PacketPtr& p) { return p->pts >= end; });
    std::move(audio_ready_.begin(), first_later, std::back_inserter(ready));
    audio_ready_.erase(audio_ready_.begin(), first_later);
  }
  for (auto& packet : ready) {
    int err = av_interleaved_write_frame(format_.get(), packet.get());
    if (err < 0) return fail(encode_error("write to the MP4 file", err));
  }
  return {};
}

Status LibavEncoder::open_video() {
  const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
  if (!codec)
    return fail(Error::internal("encoder_missing", "libavcodec was built without libx264."));
  video_.reset(avcodec_alloc_context3(codec));
  auto* c = video_.get();
  c->width = settings_.size.width;
  c->height = settings_.size.height;
  c->pix_fmt = AV_PIX_FMT_YUV420P;
  c->time_base = AVRational{1, settings_.fps};
  c->framerate = AVRational{settings_.fps, 1};
  c->gop_size = settings_.fps * 2;  // a keyframe every 2 s keeps seeking in players snappy
  c->color_primaries = AVCOL_PRI_BT709;
  c->color_trc = AVCOL_TRC_BT709;
  c->colorspace = AVCOL_SPC_BT709;
  c->color_range = AVCOL_RANGE_MPEG;
  const X264Threading threading = x264_threading(
      settings_.size, std::thread::hardware_concurrency(), settings_.full_x264_threading);
  c->thread_count = threading.frame_threads;
  if (format_->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  av_opt_set(c->priv_data, "preset", settings_.preset.c_str(), 0);
  av_opt_set(c->priv_data, "crf", std::to_string(settings_.crf).c_str(), 0);
  if (threading.sync_lookahead >= 0) {
    const std::string buffered = "sync-lookahead=" + std::to_string(threading.sync_lookahead);
    av_opt_set(c->priv_data, "x264-params", buffered.c_str(), 0);
  }
  // x264 starts its threads inside avcodec_open2, and Linux threads inherit their creator's
  // name and nice value. Under a tag no other thread has (this thread's name, inherited by
  // the helper below and through it by x264's threads), they can be found afterwards and
  // their CPU time charged to this render even while other renders run in the process.
  account_ = CpuAccount::current();
  char own_name[16] = {};
  const std::string tag = account_ ? unique_thread_tag("x264") : std::string();
  const bool tagged = account_ && pthread_getname_np(pthread_self(), own_name, sizeof own_name) == 0 &&
                      pthread_setname_np(pthread_self(), tag.c_str()) == 0;
  // Opened from a helper thread kEncoderNiceness steps nicer, x264's threads inherit its
  // priority: above the renderer, below the rest of the process (core/thread_priority.h).
  int err = 0;
  std::thread([&] {
    lower_thread_priority(kEncoderNiceness);
    err = avcodec_open2(c, codec, nullptr);
  }).join();
  if (tagged) {
    pthread_setname_np(pthread_self(), own_name);
    for (const pid_t tid : threads_named(tag)) {
      if (tid != ::gettid()) codec_threads_.push_back(tid);
    }
  }
  if (err < 0) return fail(encode_error("open the H.264 encoder", err));
  spdlog::debug(
      "encoder opened width={} height={} preset={} crf={} x264_threading={} "
      "frame_threads={} sync_lookahead={}",
      settings_.size.width, settings_.size.height, settings_.preset, settings_.crf,
      settings_.full_x264_threading ? "full" : "lean", threading.frame_threads,
      threading.sync_lookahead < 0 ? std::string("x264")
                                   : std::to_string(threading.sync_lookahead));

  video_stream_ = avformat_new_stream(format_.get(), nullptr);
  video_stream_->time_base = c->time_base;
  video_stream_->avg_frame_rate = c->framerate;
  avcodec_parameters_from_context(video_stream_->codecpar, c);

  yuv_.reset(av_frame_alloc());  // its planes are the caller's frames (add_frame)
  if (!yuv_) return fail(Error::internal("encode_failed", "Out of memory for a frame."));
  return {};
}

Status LibavEncoder::open_audio() {
  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_AAC);
  if (!codec) return fail(Error::internal("encoder_missing", "libavcodec has no AAC encoder."));
  audio_codec_.reset(avcodec_alloc_context3(codec));
  auto* c = audio_codec_.get();
  c->sample_fmt = AV_SAMPLE_FMT_FLTP;
  // The rate is settled here, before anything reads it (the audio's timing, finish()).
  settings_.audio_sample_rate = aac_sample_rate(settings_.audio_sample_rate, audio_.sample_rate);
  c->sample_rate = settings_.audio_sample_rate;
  c->bit_rate = settings_.audio_bitrate;
  c->profile = FF_PROFILE_AAC_LOW;
  av_channel_layout_default(&c->ch_layout, 1);
  c->time_base = AVRational{1, c->sample_rate};
  if (format_->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  // FFmpeg's AAC encoder with its plain quantiser search, without temporal noise shaping and
  // without noise substitution: on our narrations (limited to -1.7 dBTP) the default
  // two-loop search with both took 2.3x the CPU (0.88 s against 0.39 s for 31 s of speech)
  // and pushed the true peak up by 2.2 dB, to +0.5 dBTP, past the platforms' -1 dBTP; this
  // way it rises by 0.1 dB and the waveform is closer to the input (47 dB SNR against 29).
  av_opt_set(c->priv_data, "aac_coder", "fast", 0);
  av_opt_set_int(c->priv_data, "aac_tns", 0, 0);
  av_opt_set_int(c->priv_data, "aac_pns", 0, 0);
  int err = avcodec_open2(c, codec, nullptr);
  if (err < 0) return fail(encode_error("open the AAC encoder", err));

  audio_stream_ = avformat_new_stream(format_.get(), nullptr);
  audio_stream_->time_base = c->time_base;
  avcodec_parameters_from_context(audio_stream_->codecpar, c);

  SwrContext* swr = nullptr;
  AVChannelLayout mono;
  av_channel_layout_default(&mono, 1);
  err = swr_alloc_set_opts2(&swr, &mono, AV_SAMPLE_FMT_FLTP, c->sample_rate, &mono,
                            AV_SAMPLE_FMT_FLT, audio_.sample_rate, 0, nullptr);
  swr_.reset(swr);
  if (err < 0 || (err = swr_init(swr)) < 0)
    return fail(encode_error("set up audio resampling", err));
  fifo_.reset(av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, 1, c->frame_size * 4));
  // The lead-in is silence at the output rate, queued ahead of the narration.
  std::vector<float> silence(static_cast<std::size_t>(std::llround(audio_.delay * c->sample_rate)));
  void* planes[1] = {silence.data()};
  if (!silence.empty() &&
      av_audio_fifo_write(fifo_.get(), planes, static_cast<int>(silence.size())) < 0) {
    return fail(Error::internal("encode_failed", "Out of memory while buffering audio."));
  }

  pcm_.reset(av_frame_alloc());
  pcm_->format = c->sample_fmt;
  pcm_->sample_rate = c->sample_rate;
  av_channel_layout_copy(&pcm_->ch_layout, &c->ch_layout);
  pcm_->nb_samples = c->frame_size;
  if ((err = av_frame_get_buffer(pcm_.get(), 0)) < 0)
    return fail(encode_error("allocate audio", err));
  return {};
}

Status LibavEncoder::drain(AVCodecContext* codec, AVStream* stream) {
  for (;;) {
    // The audio thread has a packet of its own: drain() runs on both threads at once.
    AVPacket* packet = stream == audio_stream_ ? audio_packet_.get() : packet_.get();
    int err = avcodec_receive_packet(codec, packet);
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return {};
    if (err < 0) return fail(encode_error("encode", err));
    av_packet_rescale_ts(packet, codec->time_base, stream->time_base);
    packet->stream_index = stream->index;
    if (stream == audio_stream_ && audio_out_total_ > 0 && packet->pts >= audio_out_total_) {
      av_packet_unref(packet);  // deferred audio encoded past the video's end
      continue;
    }
    if (stream == audio_stream_ && queue_audio_) {  // on the audio thread: hand over
      av::PacketPtr copy(av_packet_alloc());
      if (!copy) return fail(Error::internal("encode_failed", "Out of memory for a packet."));
      av_packet_move_ref(copy.get(), packet);
      std::lock_guard lock(audio_mutex_);
      audio_ready_.push_back(std::move(copy));
      continue;
    }
    err = av_interleaved_write_frame(format_.get(), packet);
    if (err < 0) return fail(encode_error("write to the MP4 file", err));
  }
}

Status LibavEncoder::add_frame(const Yuv420& frame) {
  if (frame.size() != settings_.size) {
    return fail(Error::internal("encode_failed", "Frame size does not match the encoder."));
  }
  if (dump_) {
    if (auto s = dump_->write(frame); !s) return s;
  }
  // The caller's planes go to libavcodec as they are, without a copy of ours: libx264
  // copies the picture into a frame of its own inside avcodec_send_frame (libavcodec
  // hands a frame to a simple encoder and drops it before returning). Each plane is
  // wrapped in a buffer that frees nothing, and every reference to it must be gone when
  // send returns, since the caller then reuses the frame: checked below, never assumed.
  const cv::Mat* planes[3] = {&frame.y, &frame.u, &frame.v};
  AVFrame* f = yuv_.get();
  f->format = video_->pix_fmt;
  f->width = settings_.size.width;
  f->height = settings_.size.height;
  for (int i = 0; i < 3; ++i) {
    const cv::Mat& plane = *planes[i];
    f->data[i] = plane.data;
    f->linesize[i] = static_cast<int>(plane.step[0]);
    f->buf[i] = av_buffer_create(plane.data, plane.step[0] * static_cast<std::size_t>(plane.rows),
                                 [](void*, std::uint8_t*) {}, nullptr, AV_BUFFER_FLAG_READONLY);
    if (!f->buf[i]) {
      av_frame_unref(f);
      return fail(Error::internal("encode_failed", "Out of memory for a frame."));
    }
  }
  f->pts = frames_++;
  int err = avcodec_send_frame(video_.get(), f);
  bool kept = false;
  for (int i = 0; i < 3; ++i) kept = kept || av_buffer_get_ref_count(f->buf[i]) != 1;
  av_frame_unref(f);
  if (err < 0) return fail(encode_error("encode", err));
  if (kept) {
    return fail(Error::internal("encode_failed",
                                "libavcodec kept a reference to a frame it was lent; this build "
                                "of libavcodec needs the frames copied."));
  }
  if (auto s = drain(video_.get(), video_stream_); !s) return s;
  if (produce_audio_) {
    if (audio_failed_) {  // e.g. music that does not decode: no use encoding more video
      audio_thread_.join();
      return audio_status_;
    }
    // Audio up to where the video is (the stream's time base is 1/sample rate).
    return write_ready_audio(frames_ * settings_.audio_sample_rate / settings_.fps);
  }

  // Keep audio in step with the video so the muxer never has to buffer much of either.
  const double audio_seconds = static_cast<double>(frames_) / settings_.fps - audio_.delay;
  const auto input_end =
      static_cast<std::size_t>(std::max(0.0, audio_seconds) * audio_.sample_rate);
  return pump_audio(std::min(input_end, audio_.samples.size()), false);
}

Status LibavEncoder::pump_audio(std::size_t input_end, bool final) {
  std::vector<float> out;
  auto convert = [&](const float* in, int in_count) -> Status {
    const int capacity = swr_get_out_samples(swr_.get(), in_count);
    if (capacity <= 0) return {};
    out.resize(static_cast<std::size_t>(capacity));
    uint8_t* out_planes[1] = {reinterpret_cast<uint8_t*>(out.data())};
    const uint8_t* in_planes[1] = {reinterpret_cast<const uint8_t*>(in)};
    int got = swr_convert(swr_.get(), out_planes, capacity, in ? in_planes : nullptr, in_count);
    if (got < 0) return fail(encode_error("resample audio", got));
    void* write_planes[1] = {out.data()};
    if (got > 0 && av_audio_fifo_write(fifo_.get(), write_planes, got) < got) {
      return fail(Error::internal("encode_failed", "Out of memory while buffering audio."));
    }
    return {};
  };
  if (input_end > audio_in_pos_) {
    const auto count = static_cast<int>(input_end - audio_in_pos_);
    if (auto s = convert(audio_.samples.data() + audio_in_pos_, count); !s) return s;
    audio_in_pos_ = input_end;
  }
  if (final) {
    if (auto s = convert(nullptr, 0); !s) return s;  // flush the resampler's delay line
  }
  return encode_audio_frames(final);
}

Status LibavEncoder::encode_audio_frames(bool final) {
  auto* c = audio_codec_.get();
  for (;;) {
    int available = av_audio_fifo_size(fifo_.get());
    int remaining_total = static_cast<int>(audio_out_total_ - audio_out_pts_);
    int take = std::min(available, c->frame_size);
    if (final) take = std::min(take, remaining_total);
    if (take <= 0 || (!final && take < c->frame_size)) break;
    int err = av_frame_make_writable(pcm_.get());
    if (err < 0) return fail(encode_error("reuse an audio frame", err));
    pcm_->nb_samples = take;
    av_audio_fifo_read(fifo_.get(), reinterpret_cast<void**>(pcm_->data), take);
    pcm_->pts = audio_out_pts_;
    audio_out_pts_ += take;
    if ((err = avcodec_send_frame(c, pcm_.get())) < 0)
      return fail(encode_error("encode audio", err));
    if (auto s = drain(c, audio_stream_); !s) return s;
    if (take < c->frame_size) break;  // a short frame can only be the last one
  }
  return {};
}

void LibavEncoder::charge_codec_threads() {
  if (account_ == nullptr) return;
  for (const pid_t tid : codec_threads_) {
    if (const auto cpu = thread_cpu_time(tid)) account_->add(*cpu);
  }
  codec_threads_.clear();
}

Status LibavEncoder::finish() {
  if (finished_) return {};
  finished_ = true;
  if (audio_thread_.joinable()) {
    audio_thread_.join();  // before audio_out_total_ changes: the thread's drain() reads it
    queue_audio_ = false;
  }
  if (!audio_status_) return audio_status_;  // also when add_frame() stopped on it
  audio_out_total_ = static_cast<std::int64_t>(
      std::llround(static_cast<double>(frames_) * settings_.audio_sample_rate / settings_.fps));
  if (produce_audio_) {
    if (auto s = write_ready_audio(audio_out_total_); !s) return s;
    std::lock_guard lock(audio_mutex_);
    audio_ready_.clear();  // past the video's end
  }
  if (auto s = pump_audio(audio_.samples.size(), true); !s) return s;
  // Pad with silence up to the video's end (narration is shorter than the picture).
  const int frame_size = audio_codec_->frame_size;
  std::vector<float> silence(static_cast<std::size_t>(frame_size), 0.0f);
  while (audio_out_pts_ + av_audio_fifo_size(fifo_.get()) < audio_out_total_) {
    const auto missing = audio_out_total_ - audio_out_pts_ - av_audio_fifo_size(fifo_.get());
    void* planes[1] = {silence.data()};
    av_audio_fifo_write(fifo_.get(), planes,
                        static_cast<int>(std::min<std::int64_t>(missing, frame_size)));
    if (auto s = encode_audio_frames(false); !s) return s;
  }
  if (auto s = encode_audio_frames(true); !s) return s;

  for (auto [codec, stream] :
       {std::pair{video_.get(), video_stream_}, std::pair{audio_codec_.get(), audio_stream_}}) {
    int err = avcodec_send_frame(codec, nullptr);
    if (err < 0 && err != AVERROR_EOF) return fail(encode_error("flush the encoder", err));
    if (auto s = drain(codec, stream); !s) return s;
  }
  int err = av_write_trailer(format_.get());
  if (err < 0) return fail(encode_error("finish the MP4 file", err));
  spdlog::debug("encoder finished frames={} audio_samples={}", frames_, audio_out_pts_);
  return {};
}

}  // namespace

int aac_sample_rate(int requested, int input_rate) {
  if (requested > 0) return requested;
  // espeak speaks at 22.05 kHz and most neural voices at 22.05 or 24: resampled to 48 kHz
  // they gained nothing above their own Nyquist frequency (music is decoded to the
  // narration's rate too) and cost the AAC encoder nearly twice the CPU (0.31 s against
  // 0.17 s for 31 s of speech), the resampler beside it.
  constexpr int kKept[] = {22050, 24000, 32000, 44100, 48000};
  return std::find(std::begin(kKept), std::end(kKept), input_rate) != std::end(kKept) ? input_rate
                                                                                      : 48000;
}

X264Threading x264_threading(cv::Size size, unsigned cores, bool full) {
  const int n = static_cast<int>(std::max(1u, cores));
  constexpr long kSmallFrame = 1280L * 720;
  if (full || static_cast<long>(size.width) * size.height <= kSmallFrame) return {n * 3 / 2, -1};
  return {n, 3};
}

Status validate_encoder_settings(const std::string& preset, int crf) {
  if (std::find(kPresets.begin(), kPresets.end(), preset) == kPresets.end()) {
    return fail(Error::invalid("invalid_encoder_settings",
                               "Unknown x264 preset \"" + preset +
                                   "\". Use one of ultrafast, superfast, veryfast, faster, fast, "
                                   "medium, slow, slower, veryslow."));
  }
  if (crf < 0 || crf > 51) {
    return fail(Error::invalid("invalid_encoder_settings",
                               "CRF " + std::to_string(crf) +
                                   " is out of range; use 0 to 51 (18 is visually lossless, 23 is "
                                   "the default, higher is smaller)."));
  }
  return {};
}

Result<std::unique_ptr<Encoder>> Encoder::open(const std::filesystem::path& path,
                                               const EncoderSettings& settings,
                                               const AudioTrack& audio) {
  if (auto s = validate_encoder_settings(settings.preset, settings.crf); !s) return fail(s.error());
  if (settings.size.width % 2 || settings.size.height % 2 || settings.size.area() == 0) {
    return fail(Error::internal("encode_failed", "Video dimensions must be even and non-zero."));
  }
  if (audio.sample_rate <= 0)
    return fail(Error::internal("encode_failed", "Audio has no sample rate."));
  av_log_set_level(AV_LOG_ERROR);
  auto encoder = std::make_unique<LibavEncoder>(settings, audio);
  if (auto s = encoder->open(path); !s) return fail(s.error());
  return std::unique_ptr<Encoder>(std::move(encoder));
}

Result<std::unique_ptr<Encoder>> Encoder::open(const std::filesystem::path& path,
                                               const EncoderSettings& settings,
                                               DeferredAudio audio) {
  if (auto s = validate_encoder_settings(settings.preset, settings.crf); !s) return fail(s.error());
  if (settings.size.width % 2 || settings.size.height % 2 || settings.size.area() == 0) {
    return fail(Error::internal("encode_failed", "Video dimensions must be even and non-zero."));
  }
  if (audio.sample_rate <= 0 || !audio.produce)
    return fail(Error::internal("encode_failed", "Audio has no sample rate or no source."));
  av_log_set_level(AV_LOG_ERROR);
  auto encoder = std::make_unique<LibavEncoder>(settings, std::move(audio));
  if (auto s = encoder->open(path); !s) return fail(s.error());
  return std::unique_ptr<Encoder>(std::move(encoder));
}

}  // namespace pitchreel

// Benchmark driver for `make bench` (see tests/bench/run.sh): renders an N-second
// narration through the real pipeline pieces (espeak-ng, CPU engine, encoder) and prints
// wall time, realtime factor and peak RSS as one JSON line. It also leaves the inputs
// (product.jpg, narration.wav, captions.srt) for the reference runs.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>

#include "core/log.h"
#include "core/progress.h"
#include "engines/cpu_engine.h"
#include "media/image.h"
#include "media/jpeg_writer.h"
#include "presenter/face_detector.h"
#include "render/frame_layout.h"
#include "tts/espeak_engine.h"

using namespace pitchreel;

namespace {

constexpr const char* kText =
    "Meet the Aurora bottle, the companion for every trip. It keeps drinks cold for a whole day "
    "and hot for twelve hours, thanks to its double walled steel. The lid never leaks, and it "
    "fits every cup holder. ";

void write_wav(const std::filesystem::path& path, const Speech& s) {
  std::ofstream out(path, std::ios::binary);
  auto u32 = [&](std::uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](std::uint16_t v) { out.write(reinterpret_cast<const char*>(&v), 2); };
  const auto bytes = static_cast<std::uint32_t>(s.samples.size() * 2);
  out.write("RIFF", 4);
  u32(36 + bytes);
  out.write("WAVEfmt ", 8);
  u32(16);
  u16(1);
  u16(1);
  u32(static_cast<std::uint32_t>(s.sample_rate));
  u32(static_cast<std::uint32_t>(s.sample_rate * 2));
  u16(2);
  u16(16);
  out.write("data", 4);
  u32(bytes);
  for (float f : s.samples)
    u16(static_cast<std::uint16_t>(static_cast<std::int16_t>(std::clamp(f, -1.f, 1.f) * 32767)));
}

// Speech of exactly `seconds`: the text repeated, then cut (words past the cut dropped).
Speech narration(double seconds) {
  EspeakEngine tts;
  std::string text;
  Speech speech;
  for (;;) {
    text += kText;
    auto s = tts.synthesize(text, {});
    if (!s) {
      std::cerr << s.error().message << "\n";
      std::exit(1);
    }
    speech = std::move(*s);
    if (speech.duration() >= seconds) break;
  }
  speech.samples.resize(static_cast<std::size_t>(seconds * speech.sample_rate));
  std::erase_if(speech.words, [&](const WordTiming& w) { return w.end > seconds; });
  std::erase_if(speech.phonemes, [&](const PhonemeTiming& p) { return p.end > seconds; });
  return speech;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"pitchreel render benchmark"};
  double seconds = 30;
  int height = 1080;
  std::string preset = "veryfast";
  int crf = 23;
  std::string dir = "out/bench";
  std::string avatar;
  std::string layout = "presenter";
  app.add_option("--seconds", seconds);
  app.add_option("--height", height);
  app.add_option("--preset", preset);
  app.add_option("--crf", crf);
  app.add_option("--dir", dir);
  app.add_option("--avatar", avatar, "a portrait: renders the talking presenter");
  app.add_option("--layout", layout, "presenter, split or pip (with --avatar)");
  CLI11_PARSE(app, argc, argv);
  init_logging("warn", false);  // stdout carries the JSON result only
  std::filesystem::create_directories(dir);

  const Speech speech = narration(seconds);
  cv::Mat photo(1200, 1200, CV_8UC3, cv::Scalar(230, 236, 240));
  cv::rectangle(photo, cv::Rect(470, 260, 260, 700), cv::Scalar(139, 111, 31), cv::FILLED);
  cv::circle(photo, cv::Point(600, 620), 90, cv::Scalar(255, 255, 255), cv::FILLED);
  (void)write_jpeg(photo, std::filesystem::path(dir) / "product.jpg");
  write_wav(std::filesystem::path(dir) / "narration.wav", speech);

  RenderJob job;
  job.product = photo;
  job.speech = &speech;
  job.format.height = height;
  job.preset = preset;
  job.crf = crf;
  job.video_path = std::filesystem::path(dir) / "out.mp4";
  job.poster_path = std::filesystem::path(dir) / "out.jpg";
  double landmark_ms = 0;
  if (!avatar.empty()) {
    auto portrait = load_image(avatar);
    auto kind = parse_layout(layout);
    if (!portrait || !kind) {
      std::cerr << (portrait ? kind.error().message : portrait.error().message) << "\n";
      return 1;
    }
    // Loads the model first, so the figure is the per-portrait cost.
    (void)detect_face(*portrait);
    const auto t0 = std::chrono::steady_clock::now();
    auto face = detect_face(*portrait);
    landmark_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!face) {
      std::cerr << face.error().message << "\n";
      return 1;
    }
    job.presenter = PresenterInput{*portrait, *face};
    job.layout = *kind;
  }
  CpuEngine engine;
  NullProgress progress;
  const auto start = std::chrono::steady_clock::now();
  auto out = engine.render(job, progress);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!out) {
    std::cerr << out.error().message << "\n";
    return 1;
  }
  std::ofstream(std::filesystem::path(dir) / "captions.srt") << to_srt(out->cues);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  nlohmann::json result = {{"seconds", out->duration},
                           {"height", height},
                           {"frames", out->frames},
                           {"wall_s", wall},
                           {"realtime_x", out->duration / wall},
                           {"peak_rss_mb", usage.ru_maxrss / 1024.0},
                           {"landmark_ms", landmark_ms}};
  std::cout << result.dump() << "\n";
  return 0;
}

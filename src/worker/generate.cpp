#include "worker/generate.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <fstream>
#include <future>

#include "core/staged_files.h"
#include "presenter/face_detector.h"
#include "script/language_guess.h"
#include "script/script_writer.h"
#include "tts/script_text.h"
#include "worker/narration.h"

namespace pitchreel {
namespace {

class StageClock {
 public:
  explicit StageClock(std::vector<StageTime>& out) : out_(out) {}
  void done(std::string stage) {
    const auto now = std::chrono::steady_clock::now();
    out_.push_back({std::move(stage), std::chrono::duration<double>(now - last_).count()});
    last_ = now;
  }
  // A stage timed by its caller (one that ran beside another); the next done() counts from now.
  void add(std::string stage, double seconds) {
    out_.push_back({std::move(stage), seconds});
    last_ = std::chrono::steady_clock::now();
  }

 private:
  std::vector<StageTime>& out_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

Status write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) {
    return fail(Error::invalid("output_not_writable", "Cannot write " + path.string() +
                                                          ". Check the folder is writable."));
  }
  return {};
}

Status check_output(const std::filesystem::path& output) {
  const auto dir = output.parent_path().empty() ? std::filesystem::path(".") : output.parent_path();
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return fail(Error::invalid("output_not_writable", "The output folder " + dir.string() +
                                                          " does not exist. Create it or choose "
                                                          "another -o path."));
  }
  if (output.extension() != ".mp4") {
    return fail(
        Error::invalid("invalid_output", "The output " + output.string() + " must end in .mp4."));
  }
  return {};
}

// The layout asked for, checked against whether there is a presenter.
Result<Layout> resolve_layout(const GenerateRequest& request) {
  const bool presenter = !request.avatar.empty();
  const Layout layout = request.layout.value_or(presenter ? Layout::kPresenter : Layout::kShowcase);
  if (layout != Layout::kShowcase && !presenter) {
    return fail(Error::invalid("avatar_missing",
                               "The " + layout_name(layout) +
                                   " layout shows a presenter: give a portrait (--avatar, or the "
                                   "avatar field), or use the showcase layout."));
  }
  return layout;
}

// The presenter's portrait and its landmarks, found once, before any slow work.
Result<PresenterInput> load_presenter(const GenerateRequest& request) {
  ImageLoadOptions options;
  options.limits = request.image_limits;
  options.subject = "the presenter's portrait";
  auto portrait = load_image(request.avatar, options);
  if (!portrait) return fail(portrait.error());
  PresenterInput presenter;
  presenter.portrait = std::move(*portrait);
  auto face = detect_face(presenter.portrait, request.avatar.filename().string());
  if (!face) return fail(face.error());
  presenter.face = *face;
  return presenter;
}

// The product photo, and the presenter's portrait and face when the layout shows one, as
// decoded: at most ImageLimits::max_side on their longer side, which bounds their memory
// (and the render lets go of them before its first frame); a JPEG or WebP photo far larger
// than the frame decoded at a fraction of its size (ImageLoadOptions::drawn_side). Not
// shrunk again here: the render resamples each of them once, to the size it shows; a second
// resampling before it (a 12-megapixel photo to twice the frame's size: 0.16 s at 1080p)
// moved the frames by no more than 51-63 dB PSNR (docs/benchmarks.md, seventh session).
struct Pictures {
  cv::Mat photo;
  std::optional<PresenterInput> presenter;
  double seconds = 0;  // how long reading them took
};

Result<Pictures> load_pictures(const GenerateRequest& request, Layout layout) {
  const auto started = std::chrono::steady_clock::now();
  ImageLoadOptions image_options;
  image_options.limits = request.image_limits;
  image_options.drawn_side = request.format.longer_px();  // the product is drawn inside it
  auto photo = load_image(request.image, image_options);
  if (!photo) return fail(photo.error());
  Pictures pictures;
  pictures.photo = std::move(*photo);
  if (layout != Layout::kShowcase) {
    auto loaded = load_presenter(request);
    if (!loaded) return fail(loaded.error());
    pictures.presenter = std::move(*loaded);
  }
  pictures.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return pictures;
}

}  // namespace

Result<std::string> resolve_script(const GenerateRequest& request) {
  if (request.script) {
    auto script = normalize_script(*request.script);
    if (!script) return script;
    if (auto s = check_script_length(*script); !s) return fail(s.error());
    return script;
  }
  auto suggestion = suggest_script(request.product_name, request.description);
  if (!suggestion) return fail(suggestion.error());
  return normalize_script(suggestion->script);
}

Result<GenerateResult> generate_video(const GenerateRequest& request, TtsEngine& tts,
                                      VideoEngine& engine, ProgressSink& progress) {
  GenerateResult result;
  StageClock clock(result.stages);
  if (auto s = check_output(request.output); !s) return fail(s.error());
  if (auto s = validate_encoder_settings(request.preset, request.crf); !s) return fail(s.error());

  auto layout = resolve_layout(request);
  if (!layout) return fail(layout.error());
  if (*layout == Layout::kShowcase && !request.avatar.empty()) {
    result.warnings.push_back(
        {"avatar_unused",
         "The showcase layout shows the product alone, so the portrait " +
             request.avatar.filename().string() +
             " is not used. Choose the presenter, split or pip layout to show the presenter."});
  }
  if (!request.music.empty() && !std::filesystem::is_regular_file(request.music)) {
    return fail(Error::invalid("music_not_found", "Cannot read the music file " +
                                                      request.music.string() +
                                                      ". Check the path, or leave --music out."));
  }

  progress.update("script", 0);
  // A narration without a script or a product name has no captions.
  const bool wordless = !request.audio.empty() && !request.script && request.product_name.empty();
  if (!wordless) {
    auto script = resolve_script(request);
    if (!script) return fail(script.error());
    result.script = *script;
  }
  clock.done("script");

  // The pictures are read (and the presenter's face found) on a thread of their own while
  // the narration is made: neither needs the other, and each alone leaves the second core
  // idle (a photo decodes in ~60 ms, a presenter's landmark model loads in ~0.9 s, espeak
  // speaks in ~0.1 s, a remote voice in seconds). A picture's error still comes first, as
  // when the pictures were read first.
  progress.update(*layout != Layout::kShowcase ? "presenter" : "image", 0);
  auto pictures_ahead = std::async(std::launch::async,
                                   [&request, &layout] { return load_pictures(request, *layout); });
  const auto speech_started = std::chrono::steady_clock::now();
  const auto make_speech = [&]() -> Result<Speech> {
    if (progress.canceled()) return fail(canceled_error());
    progress.update("speech", 0);
    SpeechOptions speech_options = request.speech;
    if (speech_options.voice.empty() && request.audio.empty()) {
      // No voice asked for: one that speaks the script's language.
      const std::string language = guess_language(result.script);
      speech_options.voice = tts.default_voice(language);
      if (speech_options.voice.empty()) speech_options.voice = "en-us";
      spdlog::info("voice chosen language={} voice={}", language.empty() ? "unknown" : language,
                   speech_options.voice);
    }
    return request.audio.empty() ? tts.synthesize(result.script, speech_options)
                                 : narration_speech(request.audio, result.script);
  };
  auto speech = make_speech();
  const double speech_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - speech_started).count();
  auto pictures = pictures_ahead.get();
  if (!pictures) return fail(pictures.error());
  if (!speech) return fail(speech.error());
  clock.add("image", pictures->seconds);
  clock.add("speech", speech_seconds);
  for (const auto& warning : speech->warnings) result.warnings.push_back({"tts_fallback", warning});
  progress.update("speech", 1);

  result.video = request.output;
  result.poster = std::filesystem::path(request.output).replace_extension(".jpg");
  result.vtt = std::filesystem::path(request.output).replace_extension(".vtt");
  result.srt = std::filesystem::path(request.output).replace_extension(".srt");
  StagedFiles staged;
  // The video is staged last so that it is renamed last: an MP4 in place means the
  // poster and captions are there too.
  const auto poster_tmp = staged.stage(result.poster);
  const auto vtt_tmp = staged.stage(result.vtt);
  const auto srt_tmp = staged.stage(result.srt);
  const auto video_tmp = staged.stage(result.video);

  if (progress.canceled()) return fail(canceled_error());
  RenderJob job;
  job.product = std::move(pictures->photo);
  job.presenter = std::move(pictures->presenter);
  job.layout = *layout;
  job.title = request.title ? request.product_name : "";
  job.speech = &*speech;
  job.samples_to_take = &speech->samples;  // nothing here reads them once the render begins
  // Nor the pictures: the render calls this once its layers hold what they need of them.
  job.release_pictures = [&job] {
    job.product.release();
    if (job.presenter) job.presenter->portrait.release();
  };
  job.format = request.format;
  job.captions = request.captions && !speech->words.empty();
  job.preset = request.preset;
  job.crf = request.crf;
  job.full_x264_threading = request.full_x264_threading;
  job.video_path = video_tmp;
  job.poster_path = poster_tmp;
  job.passthrough = request.passthrough;
  job.music_path = request.music;
  auto rendered = engine.render(job, progress);
  if (!rendered) return fail(rendered.error());
  clock.done("render");

  progress.update("finalize", 0);
  if (auto s = write_text(vtt_tmp, to_webvtt(rendered->cues)); !s) return fail(s.error());
  if (auto s = write_text(srt_tmp, to_srt(rendered->cues)); !s) return fail(s.error());
  if (auto s = staged.commit(); !s) return fail(s.error());
  result.duration = rendered->duration;
  result.frames = rendered->frames;
  result.warnings.insert(result.warnings.end(), rendered->warnings.begin(),
                         rendered->warnings.end());
  result.width = request.format.width_px();
  result.height = request.format.height_px();
  std::error_code size_error;
  result.size = std::filesystem::file_size(result.video, size_error);
  progress.update("finalize", 1);
  clock.done("finalize");
  spdlog::info("video generated path={} duration_s={:.2f} frames={} bytes={} warnings={}",
               result.video.string(), result.duration, result.frames, result.size,
               result.warnings.size());
  for (const RenderWarning& w : result.warnings) {
    spdlog::warn("video warning code={} message=\"{}\"", w.code, w.message);
  }
  return result;
}

}  // namespace pitchreel

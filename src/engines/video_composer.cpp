#include "engines/video_composer.h"

#include <malloc.h>

#include <cmath>
#include <future>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/cpu_account.h"
#include "engines/frame_pipeline.h"
#include "media/jpeg_writer.h"
#include "media/soundtrack.h"
#include "render/caption_font.h"
#include "render/captions.h"
#include "render/fade.h"
#include "render/ken_burns_layer.h"
#include "render/title_fit.h"

namespace pitchreel {
namespace {

std::vector<WordTiming> shifted(const std::vector<WordTiming>& words, double offset) {
  std::vector<WordTiming> out = words;
  for (auto& w : out) {
    w.start += offset;
    w.end += offset;
  }
  return out;
}

// The title is one caption cue that lasts the whole video, drawn in a single colour at
// the top of its box: one line, or two, shrunk to a floor, then shortened (title_fit.h).
Result<std::unique_ptr<CaptionRenderer>> title_overlay(const std::string& title, cv::Size frame,
                                                       const FrameLayout& layout) {
  const FittedTitle fitted = fit_title(title, layout.title.size(), layout.title_font_px,
                                       layout.title_min_font_px);
  CaptionStyle style;
  style.area = layout.title;
  style.font_px = std::max(1, fitted.font_px);
  style.highlight_bgr = style.text_bgr;
  style.align_top = true;
  style.font_family = caption_font_family(title);
  constexpr double kForever = 1e9;
  const std::vector<WordTiming> words = {{title, 0, kForever}};
  const std::vector<CaptionCue> cues = {{0, kForever, 0, 1, fitted.lines}};
  return CaptionRenderer::create(frame, words, cues, style);
}

void copy_frame(const Yuv420& from, Yuv420& to) {
  from.y.copyTo(to.y);
  from.u.copyTo(to.u);
  from.v.copyTo(to.v);
}

// What the user should know about the inputs: the product photo enlarged until soft, a
// very wide or tall product, a small face in the portrait.
std::vector<RenderWarning> input_warnings(const RenderJob& job, double product_scale) {
  std::vector<RenderWarning> warnings;
  const cv::Size photo = job.product.size();
  constexpr double kSoftUpscale = 2.0;
  if (product_scale > kSoftUpscale) {
    const int wanted = static_cast<int>(
        std::ceil(std::max(photo.width, photo.height) * product_scale / kSoftUpscale / 100) * 100);
    warnings.push_back(
        {"low_resolution_image",
         fmt::format("The product photo is {}x{} pixels; the video shows it enlarged {:.1f}x{}, "
                     "so it looks soft. Use a photo at least {} pixels on its long side.",
                     photo.width, photo.height, product_scale,
                     product_scale >= KenBurnsScene::kMaxUpscale - 1e-9 ? " (the most it is)" : "",
                     wanted)});
  }
  const double aspect = static_cast<double>(std::max(photo.width, photo.height)) /
                        std::max(1, std::min(photo.width, photo.height));
  if (aspect > 3.0) {
    warnings.push_back(
        {"extreme_aspect_ratio",
         fmt::format("The product photo is {}x{} pixels ({:.1f}:1); it is shown whole, so it "
                     "looks small. Crop it closer to the product (at most 3:1).",
                     photo.width, photo.height, aspect)});
  }
  if (job.presenter) {
    const auto& p = job.presenter->face.points;
    const double face_width = cv::norm(p[16] - p[0]);
    constexpr double kSmallFace = 120;
    if (face_width < kSmallFace) {
      warnings.push_back(
          {"small_face",
           fmt::format("The face in the portrait is {:.0f} pixels wide; the presenter is drawn "
                       "enlarged and looks soft. Use a portrait whose face is at least {:.0f} "
                       "pixels wide.",
                       face_width, kSmallFace)});
    }
  }
  return warnings;
}

// KenBurnsScene::create on the still's own thread. An exception (OpenCV out of memory)
// becomes an error here: the render thread that waits for the still has no handler for one.
Result<KenBurnsScene> make_still(const cv::Mat& photo, cv::Size size, const FrameLayout& layout) {
  try {
    return KenBurnsScene::create(photo, size, layout);
  } catch (const std::exception& e) {
    spdlog::error("product still failed size={}x{} what=\"{}\"", size.width, size.height, e.what());
    return fail(Error::internal("internal_error",
                                "The product's picture could not be composed (an internal "
                                "error); the log has the details."));
  }
}

}  // namespace

FrameComposer::FrameComposer(FrameComposer&&) noexcept = default;
FrameComposer& FrameComposer::operator=(FrameComposer&&) noexcept = default;
FrameComposer::~FrameComposer() = default;

Result<FrameComposer> FrameComposer::create(const RenderJob& job, const Composition& composition) {
  FrameComposer composer;
  composer.composition_ = composition;
  const cv::Size size(job.format.width_px(), job.format.height_px());
  FrameLayout layout = composition.layout;
  if (composition.presenter) layout = keep_captions_off(layout, composition.presenter->mouth_area());
  composer.layout_ = layout;
  if (!job.title.empty() && !layout.title.empty()) {
    auto overlay = title_overlay(job.title, size, layout);
    if (!overlay) return fail(overlay.error());
    composer.title_ = std::move(*overlay);
  }
  if (job.captions) {
    CaptionStyle style;
    style.area = layout.captions;
    style.font_px = layout.caption_font_px;
    style.plate = layout.caption_plate;
    const CaptionLayout lines = caption_layout_for(style);
    // A CJK piece is at most half a line (a CJK character counts two).
    const std::vector<WordTiming> words = split_caption_words(
        shifted(job.speech->words, composition.timeline.lead_in), lines.max_line_chars / 4);
    composer.cues_ = layout_captions(words, lines);
    style.font_family = caption_font_family(words);
    auto renderer = CaptionRenderer::create(size, words, composer.cues_, style);
    if (!renderer) return fail(renderer.error());
    composer.captions_ = std::move(*renderer);
  }
  return composer;
}

Status FrameComposer::draw(std::int64_t i, Yuv420& out, Yuv420* before_captions) {
  const Timeline& timeline = composition_.timeline;
  const double t = timeline.time_of(i);
  if (auto s = composition_.backdrop->draw(i, out); !s) return s;
  if (composition_.presenter) {
    if (auto s = composition_.presenter->draw(i, out); !s) return s;
  }
  if (title_) title_->draw(out, t);
  if (before_captions) copy_frame(out, *before_captions);
  if (captions_) captions_->draw(out, t);
  fade_to_black(out, timeline.brightness(t));
  return {};
}

Result<RenderOutput> compose_video(const RenderJob& job, const Composition& composition,
                                   ProgressSink& progress) {
  const Speech& speech = *job.speech;
  const Timeline& timeline = composition.timeline;
  const cv::Size size(job.format.width_px(), job.format.height_px());
  SoundtrackOptions sound;
  sound.delay = timeline.lead_in;
  sound.duration = timeline.duration();
  sound.music = job.music_path;
  // A music bed keeps its treble: under a narration below 32 kHz (espeak speaks at
  // 22.05 kHz, which holds nothing above 11 kHz) the track is mixed at 32 kHz, the narration
  // resampled up: music up to 16 kHz (FM radio's band), at two thirds of 48 kHz's memory
  // and AAC time. A narration alone keeps its rate, and the AAC track with it.
  sound.sample_rate =
      !job.music_path.empty() && speech.sample_rate < 32000 ? 32000 : speech.sample_rate;
  // The soundtrack (loudness passes, music) is made on a thread of its own from here on,
  // while the captions are laid out, the encoder opens and the first frames are rendered
  // and encoded (it used to hold up the first frame); the encoder's audio thread takes it
  // over when it is made (Encoder's DeferredAudio).
  auto soundtrack = std::async(
      std::launch::async,
      [&speech, sound, take = job.samples_to_take,
       account = CpuAccount::current()]() -> Result<std::vector<float>> {
        ThreadCharge charge(account);
        // The narration taken over when the caller allows it (the soundtrack frees it as
        // soon as it holds it), otherwise copied and left the caller's.
        auto made = make_soundtrack(take != nullptr ? std::move(*take) : speech.samples,
                                    speech.sample_rate, sound);
        if (!made) return fail(made.error());
        spdlog::debug(
            "narration loudness input={:.1f} LUFS output={:.1f} LUFS true_peak={:.1f} dBTP "
            "passes={}",
            made->narration.input_lufs, made->narration.output_lufs,
            made->narration.output_true_peak_dbtp, made->narration.passes);
        return std::move(made->samples);
      });
  auto composer = FrameComposer::create(job, composition);
  if (!composer) return fail(composer.error());
  RenderOutput output;
  output.cues = composer->cues();
  output.warnings = composition.warnings;

  EncoderSettings settings;
  settings.size = size;
  settings.fps = timeline.fps;
  settings.preset = job.preset;
  settings.crf = job.crf;
  settings.full_x264_threading = job.full_x264_threading;
  // The warnings travel with the video itself too (ffprobe shows the comment tag).
  for (const RenderWarning& w : output.warnings) {
    settings.comment += (settings.comment.empty() ? "" : "\n") + w.code + ": " + w.message;
  }
  // A long soundtrack is made before x264 takes its first frame: held whole (120 s at
  // 48 kHz are 23 MB) while x264 grew to its own peak, it put the render's peak 8-15 MB
  // above its steady state; once made, it is encoded (and its pages given back) while x264
  // grows. A short one is not waited for: the wait would cost more time than its memory.
  constexpr double kLongSoundtrackBytes = 8 << 20;
  if (sound.duration * sound.sample_rate * sizeof(float) > kLongSoundtrackBytes) {
    soundtrack.wait();
  }
  DeferredAudio audio;
  audio.sample_rate = sound.sample_rate;
  audio.produce = [&soundtrack] { return soundtrack.get(); };
  auto encoder = Encoder::open(job.video_path, settings, std::move(audio));
  if (!encoder) return fail(encoder.error());

  // The poster is taken on the render thread as its frame goes by: layers read their
  // sources forward, so no frame can be drawn out of turn.
  const std::int64_t poster_frame = timeline.poster_frame();
  Yuv420 poster = Yuv420::allocate(size);
  const auto render_frame = [&](std::int64_t i, Yuv420& out) -> Status {
    return composer->draw(i, out, i == poster_frame ? &poster : nullptr);
  };
  const auto encode_frame = [&](std::int64_t i, const Yuv420& out) -> Status {
    if (progress.canceled()) return fail(canceled_error());
    if (auto s = (*encoder)->add_frame(out); !s) return s;
    progress.update(composition.stage,
                    static_cast<double>(i + 1) / static_cast<double>(timeline.frame_count));
    return {};
  };
  // One being rendered, one being encoded and one spare: x264 takes a frame from its caller
  // at uneven intervals (when a frame thread comes free), and with only two the renderer
  // and the encoder kept waiting for each other (a presenter render lost ~2 s of x264's
  // time that way on two cores). 1.5 bytes a pixel each.
  constexpr int kFramesInFlight = 3;
  if (auto s = run_frame_pipeline(timeline.frame_count, size, kFramesInFlight, render_frame,
                                  encode_frame);
      !s) {
    return fail(s.error());
  }
  // x264 touches pages it has not touched before while it encodes the frames it still
  // holds (+6 MB over the last 150 ms of a 1080p render): the frames in flight, freed,
  // would stay resident in the allocator's free lists under it; their pages go back to
  // the system first. The poster is written once the encoder is closed: beside x264's last
  // frames its writer (strips and the JPEG's coefficients, ~6 MB at 1080p) came on top of
  // that, the render's peak. Written after, it adds its time to the render's (~80 ms at 1080p,
  // the debug log's "encoder finished" to "composed", with the encoder's release).
  malloc_trim(0);
  const Status finished = (*encoder)->finish();
  encoder->reset();
  if (!finished) return fail(finished.error());
  if (auto s = write_jpeg(poster, job.poster_path); !s) return fail(s.error());
  output.frames = timeline.frame_count;
  output.duration = timeline.duration();
  return output;
}

Result<LayoutScene> make_layout_scene(const RenderJob& job, const PresenterMaker& make_presenter) {
  const cv::Size size(job.format.width_px(), job.format.height_px());
  const Timeline timeline = make_timeline(job.speech->duration(), job.format.fps);
  const Layout kind = job.presenter ? job.layout : Layout::kShowcase;
  const FrameLayout layout = make_layout(kind, size, !job.title.empty(), job.captions);

  LayoutScene scene;
  // The product's still (30-70 ms at 1080p) is composed on a thread of its own while this
  // one makes the presenter and the captions and opens the encoder; the backdrop's first
  // frame waits for it. (Should anything before that fail, the layer's end waits for it.)
  auto still = std::async(std::launch::async,
                          [photo = job.product, size, layout, account = CpuAccount::current()] {
                            ThreadCharge charge(account);
                            auto made = make_still(photo, size, layout);
                            // Its temporaries (the decoded and resized photo) are freed in
                            // this thread's malloc arena, where whatever was allocated
                            // after them kept them resident in some runs: 7 MB more for
                            // the whole render, one run in two. Their pages go back now.
                            malloc_trim(0);
                            return made;
                          });
  scene.backdrop =
      std::make_unique<KenBurnsLayer>(std::move(still), timeline, scene_area(layout, size));
  if (kind != Layout::kShowcase) {
    auto made = make_presenter(timeline, layout.presenter, layout.presenter_radius);
    if (!made) return fail(made.error());
    scene.presenter = std::move(*made);
  }
  const double product_scale = KenBurnsScene::product_scale_for(job.product.size(), layout);
  scene.composition.timeline = timeline;
  scene.composition.layout = layout;
  scene.composition.backdrop = scene.backdrop.get();
  scene.composition.presenter = scene.presenter.get();
  scene.composition.warnings = input_warnings(job, product_scale);
  return scene;
}

Result<RenderOutput> compose_layout(const RenderJob& job, const PresenterMaker& make_presenter,
                                    ProgressSink& progress, std::string_view stage) {
  auto scene = make_layout_scene(job, make_presenter);
  if (!scene) return fail(scene.error());
  if (job.release_pictures) job.release_pictures();  // the layers hold what they need of them
  scene->composition.stage = stage;
  auto output = compose_video(job, scene->composition, progress);
  if (output) {
    spdlog::debug("composed frames={} layout={}", output->frames,
                  layout_name(job.presenter ? job.layout : Layout::kShowcase));
  }
  return output;
}

}  // namespace pitchreel

#include "engines/video_composer.h"

#include <spdlog/spdlog.h>

#include "engines/frame_pipeline.h"
#include "media/color_convert.h"
#include "media/jpeg_writer.h"
#include "render/fade.h"
#include "render/ken_burns_layer.h"

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

// The title is one caption cue that lasts the whole video, drawn in a single colour.
Result<std::unique_ptr<CaptionRenderer>> title_overlay(const std::string& title, cv::Size frame,
                                                       const FrameLayout& layout) {
  CaptionStyle style;
  style.area = layout.title;
  style.font_px = layout.title_font_px;
  style.highlight_bgr = style.text_bgr;
  constexpr double kForever = 1e9;
  const std::vector<WordTiming> words = {{title, 0, kForever}};
  const std::vector<CaptionCue> cues = {{0, kForever, 0, 1, {title}}};
  return CaptionRenderer::create(frame, words, cues, style);
}

}  // namespace

Result<RenderOutput> compose_video(const RenderJob& job, const Composition& composition,
                                   ProgressSink& progress) {
  const Speech& speech = *job.speech;
  const Timeline& timeline = composition.timeline;
  const cv::Size size(job.format.width_px(), job.format.height_px());
  FrameLayout layout = composition.layout;
  PresenterLayer* presenter = composition.presenter;
  if (presenter) layout = keep_captions_off(layout, presenter->mouth_area());

  std::unique_ptr<CaptionRenderer> title;
  if (!job.title.empty() && !layout.title.empty()) {
    auto overlay = title_overlay(job.title, size, layout);
    if (!overlay) return fail(overlay.error());
    title = std::move(*overlay);
  }
  RenderOutput output;
  const std::vector<WordTiming> words = shifted(speech.words, timeline.lead_in);
  std::unique_ptr<CaptionRenderer> captions;
  if (job.captions) {
    CaptionStyle style;
    style.area = layout.captions;
    style.font_px = layout.caption_font_px;
    output.cues = layout_captions(words, caption_layout_for(style));
    auto renderer = CaptionRenderer::create(size, words, output.cues, style);
    if (!renderer) return fail(renderer.error());
    captions = std::move(*renderer);
  }

  EncoderSettings settings;
  settings.size = size;
  settings.fps = timeline.fps;
  settings.preset = job.preset;
  settings.crf = job.crf;
  const AudioTrack audio{speech.samples, speech.sample_rate, timeline.lead_in};
  auto encoder = Encoder::open(job.video_path, settings, audio);
  if (!encoder) return fail(encoder.error());

  // The poster is taken on the render thread as its frame goes by: layers read their
  // sources forward, so no frame can be drawn out of turn.
  const std::int64_t poster_frame = timeline.frame_count / 2;
  Yuv420 poster = Yuv420::allocate(size);
  const auto render_frame = [&](std::int64_t i, Yuv420& out) -> Status {
    const double t = timeline.time_of(i);
    if (auto s = composition.backdrop->draw(i, out); !s) return s;
    if (presenter) {
      if (auto s = presenter->draw(i, out); !s) return s;
    }
    if (title) title->draw(out, t);
    if (i == poster_frame) {
      out.y.copyTo(poster.y);
      out.u.copyTo(poster.u);
      out.v.copyTo(poster.v);
    }
    if (captions) captions->draw(out, t);
    fade_to_black(out, timeline.brightness(t));
    return {};
  };
  const auto encode_frame = [&](std::int64_t i, const Yuv420& out) -> Status {
    if (progress.canceled()) return fail(canceled_error());
    if (auto s = (*encoder)->add_frame(out); !s) return s;
    progress.update(composition.stage,
                    static_cast<double>(i + 1) / static_cast<double>(timeline.frame_count));
    return {};
  };
  constexpr int kFramesInFlight = 2;  // one being rendered, one being encoded
  if (auto s = run_frame_pipeline(timeline.frame_count, size, kFramesInFlight, render_frame,
                                  encode_frame);
      !s) {
    return fail(s.error());
  }
  if (auto s = (*encoder)->finish(); !s) return fail(s.error());
  // x264's buffers go before the poster's JPEG encoder starts, so the two never add up
  // in the peak memory.
  encoder->reset();
  auto bgr = yuv420_to_bgr(poster);
  if (!bgr) return fail(bgr.error());
  if (auto s = write_jpeg(*bgr, job.poster_path); !s) return fail(s.error());
  output.frames = timeline.frame_count;
  output.duration = timeline.duration();
  return output;
}

Result<RenderOutput> compose_layout(const RenderJob& job, const PresenterMaker& make_presenter,
                                    ProgressSink& progress, std::string_view stage) {
  const cv::Size size(job.format.width_px(), job.format.height_px());
  const Timeline timeline = make_timeline(job.speech->duration(), job.format.fps);
  const Layout kind = job.presenter ? job.layout : Layout::kShowcase;
  const FrameLayout layout = make_layout(kind, size, !job.title.empty(), job.captions);

  std::unique_ptr<PresenterLayer> presenter;
  if (kind != Layout::kShowcase) {
    auto made = make_presenter(timeline, layout.presenter, layout.presenter_radius);
    if (!made) return fail(made.error());
    presenter = std::move(*made);
  }
  auto scene = KenBurnsScene::create(job.product, size, layout);
  if (!scene) return fail(scene.error());
  KenBurnsLayer backdrop(std::move(*scene), timeline, scene_area(layout, size));

  Composition composition;
  composition.timeline = timeline;
  composition.layout = layout;
  composition.backdrop = &backdrop;
  composition.presenter = presenter.get();
  composition.stage = stage;
  auto output = compose_video(job, composition, progress);
  if (output) {
    spdlog::debug("composed frames={} size={}x{} layout={}", output->frames, size.width,
                  size.height, layout_name(kind));
  }
  return output;
}

}  // namespace pitchreel

#include "engines/cpu_engine.h"

#include <spdlog/spdlog.h>

#include <memory>

#include "engines/frame_pipeline.h"
#include "media/color_convert.h"
#include "media/jpeg_writer.h"
#include "presenter/mouth_track.h"
#include "presenter/performance.h"
#include "presenter/presenter_panel.h"
#include "presenter/speech_features.h"
#include "render/fade.h"
#include "render/frame_layout.h"
#include "render/ken_burns_scene.h"
#include "render/timeline.h"

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

Result<RenderOutput> CpuEngine::render(const RenderJob& job, ProgressSink& progress) {
  const Speech& speech = *job.speech;
  const cv::Size size(job.format.width_px(), job.format.height_px());
  const Timeline timeline = make_timeline(speech.duration(), job.format.fps);
  const bool with_title = !job.title.empty();
  const Layout kind = job.presenter ? job.layout : Layout::kShowcase;
  FrameLayout layout = make_layout(kind, size, with_title, job.captions);

  // The presenter: framed into its panel, the mouth track from the phonemes (or from the
  // audio when there are none), blinks and head motion, one pose per frame.
  std::optional<PresenterPanel> presenter;
  std::vector<FacePose> poses;
  if (kind != Layout::kShowcase) {
    auto panel = PresenterPanel::create(job.presenter->portrait, job.presenter->face,
                                        layout.presenter, layout.presenter_radius);
    if (!panel) return fail(panel.error());
    presenter.emplace(std::move(*panel));
    layout = keep_captions_off(layout, presenter->mouth_area());
    const auto features = analyse_speech(speech.samples, speech.sample_rate, job.format.fps,
                                         timeline.lead_in, timeline.frame_count);
    const auto mouth = speech.phonemes.empty()
                           ? mouth_track_from_audio(features)
                           : mouth_track_from_phonemes(speech.phonemes, features, job.format.fps,
                                                       timeline.lead_in);
    poses = perform(mouth, features, job.format.fps);
  }
  const auto draw_presenter = [&](std::int64_t i, Yuv420& out) {
    if (presenter) presenter->draw(poses[static_cast<std::size_t>(i)], out);
  };
  // The product scene is drawn only where the presenter's panel does not cover it (the
  // panels of presenter and split run edge to edge, so the rest is one band).
  cv::Rect scene_area({}, size);
  if (kind == Layout::kPresenter || kind == Layout::kSplit) {
    const cv::Rect p = layout.presenter;
    if (p.height == size.height) {
      scene_area = cv::Rect(p.br().x, 0, size.width - p.br().x, size.height);
    } else if (p.width == size.width) {
      scene_area = cv::Rect(0, p.br().y, size.width, size.height - p.br().y);
    }
  }

  auto scene = KenBurnsScene::create(job.product, size, layout);
  if (!scene) return fail(scene.error());

  std::unique_ptr<CaptionRenderer> title;
  if (with_title) {
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

  {  // The poster: the middle of the move, without captions.
    Yuv420 poster = Yuv420::allocate(size);
    scene->render(0.5, poster);
    draw_presenter(timeline.frame_count / 2, poster);
    if (title) title->draw(poster, 0);
    auto bgr = yuv420_to_bgr(poster);
    if (!bgr) return fail(bgr.error());
    if (auto s = write_jpeg(*bgr, job.poster_path); !s) return fail(s.error());
  }

  EncoderSettings settings;
  settings.size = size;
  settings.fps = job.format.fps;
  settings.preset = job.preset;
  settings.crf = job.crf;
  const AudioTrack audio{speech.samples, speech.sample_rate, timeline.lead_in};
  auto encoder = Encoder::open(job.video_path, settings, audio);
  if (!encoder) return fail(encoder.error());

  const auto render_frame = [&](std::int64_t i, Yuv420& out) {
    const double t = timeline.time_of(i);
    scene->render(timeline.progress(i), out, scene_area);
    draw_presenter(i, out);
    if (title) title->draw(out, t);
    if (captions) captions->draw(out, t);
    fade_to_black(out, timeline.brightness(t));
  };
  const auto encode_frame = [&](std::int64_t i, const Yuv420& out) -> Status {
    if (progress.canceled()) return fail(canceled_error());
    if (auto s = (*encoder)->add_frame(out); !s) return s;
    progress.update("render",
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
  output.frames = timeline.frame_count;
  output.duration = timeline.duration();
  spdlog::debug("cpu engine rendered frames={} size={}x{} layout={}", output.frames, size.width,
                size.height, layout_name(kind));
  return output;
}

}  // namespace pitchreel

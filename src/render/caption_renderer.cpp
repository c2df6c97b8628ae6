// CaptionRenderer on libass: the cues become an in-memory ASS script, libass shapes and
// rasterises it (fonts through fontconfig), and CaptionOverlay blends the result.
#include <ass/ass.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <limits>
#include <memory>

#include "core/log.h"
#include "render/caption_ass_script.h"
#include "render/caption_overlay.h"
#include "render/captions.h"

namespace pitchreel {
namespace {

struct AssLibraryDone {
  void operator()(ASS_Library* library) const { ass_library_done(library); }
};
struct AssRendererDone {
  void operator()(ASS_Renderer* renderer) const { ass_renderer_done(renderer); }
};
struct AssTrackFree {
  void operator()(ASS_Track* track) const { ass_free_track(track); }
};
using AssLibraryPtr = std::unique_ptr<ASS_Library, AssLibraryDone>;
using AssRendererPtr = std::unique_ptr<ASS_Renderer, AssRendererDone>;
using AssTrackPtr = std::unique_ptr<ASS_Track, AssTrackFree>;

// libass levels: 0 fatal .. 2 warning .. 7 debug. Its info chatter (font selection,
// glyph fallback) is useful only when chasing a font problem.
void log_libass(int level, const char* format, va_list args, void*) {
  char message[1024];
  std::vsnprintf(message, sizeof message, format, args);
  if (level <= 1) {
    spdlog::error("libass: {}", message);
  } else if (level <= 2) {
    spdlog::warn("libass: {}", message);
  } else {
    spdlog::trace("libass: {}", message);
  }
}

class LibassCaptionRenderer final : public CaptionRenderer {
 public:
  LibassCaptionRenderer(AssLibraryPtr library, AssRendererPtr renderer, AssTrackPtr track,
                        cv::Rect clip)
      : library_(std::move(library)),
        renderer_(std::move(renderer)),
        track_(std::move(track)),
        clip_(clip) {}

  void draw(cv::Mat& frame_bgr, double t) override {
    if (frame_bgr.type() != CV_8UC3 || frame_bgr.empty()) return;
    if (const CaptionOverlay* overlay = overlay_at(t)) overlay->blend_onto(frame_bgr);
  }

  void draw(Yuv420& frame, double t) override {
    if (frame.y.empty()) return;
    if (const CaptionOverlay* overlay = overlay_at(t)) overlay->blend_onto(frame);
  }

 private:
  // The captions at `t`; libass says when nothing changed, and the overlay is reused.
  // Our scripts have no animated tags (karaoke, fade, transform, move): what libass draws
  // depends only on which events are active, so between two event boundaries libass is
  // not asked again (a title is laid out once per video, a caption once per word).
  const CaptionOverlay* overlay_at(double t) {
    if (!std::isfinite(t)) return nullptr;
    const long long now = std::llround(t * 1000.0);
    if (overlay_valid_ && now >= same_from_ && now < same_until_) return &overlay_;
    int changed = 0;
    const ASS_Image* images = ass_render_frame(renderer_.get(), track_.get(), now, &changed);
    if (changed != 0 || !overlay_valid_) {
      overlay_.rebuild(images, clip_);
      overlay_valid_ = true;
    }
    // The stretch around `now` in which no event starts or ends (an event is active for
    // Start <= t < Start + Duration).
    same_from_ = std::numeric_limits<long long>::min();
    same_until_ = std::numeric_limits<long long>::max();
    for (int i = 0; i < track_->n_events; ++i) {
      const ASS_Event& event = track_->events[i];
      for (const long long boundary : {event.Start, event.Start + event.Duration}) {
        if (boundary <= now) {
          same_from_ = std::max(same_from_, boundary);
        } else {
          same_until_ = std::min(same_until_, boundary);
        }
      }
    }
    return &overlay_;
  }

  // Declaration order is destruction order in reverse: track, renderer, then library.
  AssLibraryPtr library_;
  AssRendererPtr renderer_;
  AssTrackPtr track_;
  cv::Rect clip_;
  CaptionOverlay overlay_;
  bool overlay_valid_ = false;
  long long same_from_ = 0;   // ms: the overlay holds for same_from_ <= t < same_until_
  long long same_until_ = 0;
};

}  // namespace

Result<std::unique_ptr<CaptionRenderer>> CaptionRenderer::create(
    cv::Size frame, const std::vector<WordTiming>& words, const std::vector<CaptionCue>& cues,
    const CaptionStyle& style) {
  const cv::Rect clip = style.area & cv::Rect({0, 0}, frame);
  if (frame.width <= 0 || frame.height <= 0 || clip.empty() || style.font_px <= 0) {
    return fail(Error::internal(
        "caption_geometry_invalid",
        fmt::format("Captions need a non-empty frame, an area inside it and a positive font "
                    "size (frame {}x{}, area {}x{}+{}+{}, font {} px).",
                    frame.width, frame.height, style.area.width, style.area.height, style.area.x,
                    style.area.y, style.font_px)));
  }
  AssLibraryPtr library(ass_library_init());
  if (!library) {
    return fail(Error::internal("captions_unavailable", "libass could not be initialised."));
  }
  ass_set_message_cb(library.get(), log_libass, nullptr);
  AssRendererPtr renderer(ass_renderer_init(library.get()));
  if (!renderer) {
    return fail(Error::internal("captions_unavailable",
                                "libass could not create a renderer (FreeType failed?)."));
  }
  ass_set_frame_size(renderer.get(), frame.width, frame.height);
  // Each caption state is drawn once (libass is asked again only when an event starts or
  // ends), so its bitmap caches would only grow with the video's length (about 10 MB over
  // 120 s of 1080p captions with libass's defaults): a few MB keep the glyphs that repeat.
  ass_set_cache_limits(renderer.get(), 0, 4);
  ass_set_storage_size(renderer.get(), frame.width, frame.height);
  // update=1 (re)builds the fontconfig cache when stale: slow once per machine, then quick.
  ass_set_fonts(renderer.get(), nullptr,
                style.font_family.empty() ? "DejaVu Sans" : style.font_family.c_str(),
                ASS_FONTPROVIDER_FONTCONFIG, nullptr, 1);

  std::string script = build_caption_ass_script(frame, words, cues, style);
  AssTrackPtr track(ass_read_memory(library.get(), script.data(), script.size(), nullptr));
  if (!track) {
    return fail(Error::internal("captions_script_invalid",
                                "libass rejected the generated caption script."));
  }
  // The karaoke colour tags split a line into runs; shaped and ordered run by run, Arabic
  // and Hebrew would read left to right word by word. The whole event at once keeps the
  // visual order (the style's Encoding -1 picks the base direction from the text).
  ass_track_set_feature(track.get(), ASS_FEATURE_WHOLE_TEXT_LAYOUT, 1);
  return std::make_unique<LibassCaptionRenderer>(std::move(library), std::move(renderer),
                                                 std::move(track), clip);
}

}  // namespace pitchreel

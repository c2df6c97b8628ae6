// Checks on a composed video that shows a GPU's video as the presenter: the panel is
// compared with the GPU's frames, decoded independently and framed as the layout frames
// a portrait (detect_face on the GPU's first frame, frame_face), frame by frame on the
// narration's clock. Frames fading in or out (Timeline: 0.4 s, 0.5 s) are not compared.
#pragma once

#include <filesystem>
#include <vector>

#include <opencv2/core.hpp>

#include "render/frame_layout.h"

namespace pitchreel::testing {

// A product photo no one would take for a face or skin: a green bottle on a green card.
cv::Mat green_product();

// Every frame of a video (BGR), in order; empty when it does not decode.
std::vector<cv::Mat> decode_frames(const std::filesystem::path& video);

struct GpuPanel {
  std::vector<cv::Mat> gpu;  // the GPU's frames
  int gpu_fps = 25;
  cv::Rect panel;        // where the layout put the presenter
  int radius = 0;        // its rounded corners
  double lead_in = 0.5;  // when the GPU's first frame is due in the composed video
  int fps = 30;          // the composed video's
  cv::Rect covered;      // drawn over the panel (the caption box): compared above it only

  // The panel, its corners and the caption box of `layout`; the Timeline's lead-in, 30 fps.
  static GpuPanel in(const FrameLayout& layout, std::vector<cv::Mat> gpu_frames);
};

struct PanelMatch {
  // Mean |difference| (0..255) between the panel and the GPU frame due at its time, over
  // every other frame between the fade-in and the fade-out, after the lead-in.
  double error = 255;
  double wrong_time_error = 0;  // the same against the GPU frame due 0.4 s later
  double lead_in_error = 255;   // the panel during the lead-in against the GPU's first frame
  double luma_range = 0;        // how much the panel's mean brightness varies meanwhile
  // The largest mean |difference| inside `region` (frame pixels) in any frame compared:
  // what was drawn over the GPU's picture there (captions over the mouth).
  double worst_region_error = 0;
  int frames_checked = 0;
};

// A default PanelMatch (error 255) when the GPU video has no face in its first frame.
PanelMatch match_panel(const std::vector<cv::Mat>& composed, const GpuPanel& reference,
                       cv::Rect region = {});

}  // namespace pitchreel::testing

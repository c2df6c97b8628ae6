// The shapes pitchreel renders: 16:9, 9:16 or 1:1, at 720p or 1080p, 30 fps.
// "1080p" names the short side, so 9:16 at 1080 is 1080x1920.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "core/status.h"

namespace pitchreel {

enum class Aspect { kLandscape, kPortrait, kSquare };  // 16:9, 9:16, 1:1

// The one list of what a request may ask for; the API, its OpenAPI document, /api/v1/info
// and the CLI's help all read these.
inline constexpr std::array<std::string_view, 3> kAspectNames = {"16:9", "9:16", "1:1"};
inline constexpr std::array<int, 2> kHeights = {720, 1080};
inline constexpr std::string_view kDefaultAspect = "16:9";
inline constexpr int kDefaultHeight = 1080;

struct OutputFormat {
  Aspect aspect = Aspect::kLandscape;
  int height = 1080;  // 720 or 1080: the short side
  int fps = 30;

  int width_px() const;
  int height_px() const;
  // The frame's longer side. The product photo is never drawn larger (its box is at most
  // 0.94 of it, 5% larger for the camera move: render/frame_layout.cpp).
  int longer_px() const;
  std::string aspect_name() const;  // "16:9", "9:16", "1:1"
};

// "invalid_aspect" / "invalid_height" with what is accepted.
Result<Aspect> parse_aspect(std::string_view text);
Status check_height(int height);

}  // namespace pitchreel

#include "core/output_format.h"

#include <algorithm>

namespace pitchreel {

int OutputFormat::width_px() const {
  switch (aspect) {
    case Aspect::kLandscape:
      return height * 16 / 9;
    case Aspect::kPortrait:
    case Aspect::kSquare:
      return height;
  }
  return height;
}

int OutputFormat::height_px() const {
  return aspect == Aspect::kPortrait ? height * 16 / 9 : height;
}

int OutputFormat::longer_px() const { return std::max(width_px(), height_px()); }

std::string OutputFormat::aspect_name() const {
  switch (aspect) {
    case Aspect::kLandscape:
      return "16:9";
    case Aspect::kPortrait:
      return "9:16";
    case Aspect::kSquare:
      return "1:1";
  }
  return "16:9";
}

Result<Aspect> parse_aspect(std::string_view text) {
  if (text == "16:9") return Aspect::kLandscape;
  if (text == "9:16") return Aspect::kPortrait;
  if (text == "1:1") return Aspect::kSquare;
  return fail(Error::invalid("invalid_aspect", "Unknown aspect \"" + std::string(text) +
                                                   "\". Use 16:9 (landscape), 9:16 (vertical, for "
                                                   "stories and reels) or 1:1 (square)."));
}

Status check_height(int height) {
  if (height == 720 || height == 1080) return {};
  return fail(Error::invalid("invalid_height", "Height " + std::to_string(height) +
                                                   " is not supported. Use 720 or 1080."));
}

}  // namespace pitchreel

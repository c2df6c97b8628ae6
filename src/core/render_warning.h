// A warning about a video that was made anyway: a photo enlarged until it is soft, a very
// wide or tall product, a small face, an avatar the layout does not show, a voice replaced
// by an offline one. Stable codes: low_resolution_image, extreme_aspect_ratio, small_face,
// avatar_unused, tts_fallback. Warnings travel from the render to the CLI (`--json`), the
// job's video row, the API and the web UI.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace pitchreel {

struct RenderWarning {
  std::string code;
  std::string message;  // what was found and what to do

  bool operator==(const RenderWarning&) const = default;
};

// As JSON: an array of {"code", "message"} objects, the shape of `warnings` in the API and in
// `pitchreel generate --json`.
nlohmann::json warnings_json(std::span<const RenderWarning> warnings);

// The stored form: that array as text of {"code", "message"} objects ("[]" when none).
std::string warnings_to_json(std::span<const RenderWarning> warnings);
// The inverse. Text that is not such an array (a row written by hand, a NULL read as "")
// gives no warnings rather than an error: warnings are advice, never a reason to fail a read.
std::vector<RenderWarning> warnings_from_json(std::string_view text);

}  // namespace pitchreel

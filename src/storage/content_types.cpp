#include "storage/content_types.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace pitchreel {

std::string content_type_for_key(std::string_view key) {
  // Text types carry charset=utf-8: browsers would otherwise guess (often Latin-1) and
  // mangle non-English captions.
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kTypes{{
      {"mp4", "video/mp4"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"png", "image/png"},
      {"webp", "image/webp"},
      {"vtt", "text/vtt; charset=utf-8"},
      {"json", "application/json"},
      {"wav", "audio/wav"},
  }};
  const auto slash = key.rfind('/');
  const auto name = slash == std::string_view::npos ? key : key.substr(slash + 1);
  const auto dot = name.rfind('.');
  if (dot != std::string_view::npos) {
    std::string ext(name.substr(dot + 1));
    std::ranges::transform(ext, ext.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const auto& [e, type] : kTypes) {
      if (ext == e) return std::string(type);
    }
  }
  return "application/octet-stream";
}

}  // namespace pitchreel

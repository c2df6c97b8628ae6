// The Content-Type an object is served with when the writer gave none. Only the types
// pitchreel itself stores are listed; anything else is served as a download
// (application/octet-stream) so a browser never guesses and renders it.
#pragma once

#include <string>
#include <string_view>

namespace pitchreel {

// From the key's extension, case-insensitively: mp4, jpg/jpeg, png, webp, vtt, json, wav.
std::string content_type_for_key(std::string_view key);

}  // namespace pitchreel

// multipart/form-data parsing (http::parse_multipart): the input's first line is the
// Content-Type header, the rest the body. Checked: no crash, at most kMaxFormParts parts,
// and every part's content lies inside the body (it is copied from it).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  const auto content_type = input.substr(0, newline);
  const auto body = input.substr(newline + 1);
  const auto parts = pitchreel::http::parse_multipart(content_type, body);
  if (!parts) {
    if (parts.error().code != "multipart_invalid" || parts.error().message.empty()) std::abort();
    return 0;
  }
  if (parts->size() > pitchreel::http::kMaxFormParts) std::abort();
  for (const auto& [name, part] : *parts) {
    if (part.content.size() > body.size()) std::abort();
  }
  return 0;
}

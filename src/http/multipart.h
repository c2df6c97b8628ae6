// multipart/form-data (RFC 7578) bodies, parsed into parts by name. The whole body is in
// memory already (the engine bounded it by PITCHREEL_MAX_BODY_MB), so parsing copies each
// part once. Errors are values: "multipart_invalid" with a sentence saying what is wrong.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/status.h"
#include "http/request.h"

namespace pitchreel::http {

// At most this many parts: a form has a handful, and each costs a map entry.
inline constexpr std::size_t kMaxFormParts = 100;

Result<std::multimap<std::string, FormPart>> parse_multipart(std::string_view content_type,
                                                             std::string_view body);

}  // namespace pitchreel::http

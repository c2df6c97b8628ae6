// The longest script a video may speak, in Unicode code points (the seed API's limit).
// The one copy: request checks, suggestions, the OpenAPI document, /api/v1/info and the
// CLI's help all read it.
#pragma once

#include <cstddef>

namespace pitchreel {

inline constexpr std::size_t kMaxScriptChars = 500;

}  // namespace pitchreel

// Opaque page cursors for newest-first listings: the (created_at, id) of the last row a
// page showed, as URL-safe base64 so clients treat it as a token, not a format.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace pitchreel::db {

struct PageCursor {
  std::int64_t created_at = 0;
  std::string id;
};

std::string encode_cursor(const PageCursor& cursor);

// Errors: invalid "invalid_cursor" for anything encode_cursor did not make.
Result<PageCursor> decode_cursor(std::string_view text);

}  // namespace pitchreel::db

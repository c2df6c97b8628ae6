#include "db/page_cursor.h"

#include <charconv>

namespace pitchreel::db {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Unpadded base64url (RFC 4648 section 5).
std::string base64url(std::string_view bytes) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3f]);
  return out;
}

bool unbase64url(std::string_view text, std::string& out) {
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const auto pos = kAlphabet.find(c);
    if (pos == std::string_view::npos) return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return true;
}

Error invalid_cursor() {
  return Error::invalid("invalid_cursor",
                        "The page cursor is not valid. Use the cursor from the previous page, or "
                        "leave it out to start from the newest.");
}

}  // namespace

std::string encode_cursor(const PageCursor& cursor) {
  return base64url(std::to_string(cursor.created_at) + ":" + cursor.id);
}

Result<PageCursor> decode_cursor(std::string_view text) {
  std::string plain;
  if (text.empty() || text.size() > 256 || !unbase64url(text, plain)) return fail(invalid_cursor());
  const auto colon = plain.find(':');
  if (colon == std::string::npos || colon + 1 == plain.size()) return fail(invalid_cursor());
  PageCursor cursor;
  const char* end = plain.data() + colon;
  auto [ptr, ec] = std::from_chars(plain.data(), end, cursor.created_at);
  if (ec != std::errc{} || ptr != end) return fail(invalid_cursor());
  cursor.id = plain.substr(colon + 1);
  return cursor;
}

}  // namespace pitchreel::db

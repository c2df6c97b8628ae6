// Base64url without padding (RFC 4648 §5, as JOSE uses it, RFC 7515 §2).
// Decoding is strict so that one token has exactly one spelling: only the url-safe
// alphabet, no '=' padding, no whitespace, no impossible length, and the unused low
// bits of the last character must be zero. Anything else is junk and is refused.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pitchreel {

std::string base64url_encode(std::string_view bytes);
// nullopt when `text` is not canonical unpadded base64url.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace pitchreel

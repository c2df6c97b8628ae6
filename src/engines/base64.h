// Standard base64 (RFC 4648 §4, with padding) through OpenSSL, for the JSON bodies of
// serverless GPU APIs. decode accepts whitespace and a "data:...;base64," prefix.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pitchreel {

std::string base64_encode(std::span<const std::uint8_t> bytes);
// nullopt when `text` is not base64.
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

}  // namespace pitchreel

#include "tts/edge_token.h"

#include <openssl/evp.h>

#include <array>

#include <fmt/format.h>

namespace pitchreel::edge {
namespace {

// Seconds from 1601-01-01 (the Windows epoch) to 1970-01-01 (the Unix epoch).
constexpr std::int64_t kWindowsEpochOffsetS = 11'644'473'600;
constexpr std::uint64_t kTicksPerSecond = 10'000'000;
constexpr std::uint64_t kWindowTicks = 300 * kTicksPerSecond;

}  // namespace

std::uint64_t gec_window_ticks(std::chrono::system_clock::time_point now) {
  const auto unix_s =
      std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count();
  const auto ticks = static_cast<std::uint64_t>(unix_s + kWindowsEpochOffsetS) * kTicksPerSecond;
  return ticks - ticks % kWindowTicks;
}

std::string sec_ms_gec(std::chrono::system_clock::time_point now) {
  const std::string input = fmt::format("{}{}", gec_window_ticks(now), kTrustedClientToken);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(input.data(), input.size(), digest.data(), &length, EVP_sha256(), nullptr);
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02X}", digest[i]);
  return hex;
}

std::string sec_ms_gec_version() { return fmt::format("1-{}", kChromiumFullVersion); }

}  // namespace pitchreel::edge

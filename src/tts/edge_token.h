// The Sec-MS-GEC token the read-aloud service asks of Edge clients, and the constants that
// go with it. The service accepts a token only for the current five-minute window of the
// server's clock, which is why callers pass the time in (a client whose clock is off
// corrects it from the server's Date header, edge_tts_engine.h). Pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace pitchreel::edge {

// The public token every Edge browser sends; not a secret.
inline constexpr std::string_view kTrustedClientToken = "6A5AA1D4EAFF4E9FB37E23D68491D6F4";
// The browser version the headers and Sec-MS-GEC-Version claim to be.
inline constexpr std::string_view kChromiumFullVersion = "130.0.2849.68";
inline constexpr std::string_view kChromiumMajorVersion = "130";

// Windows file time: 100-nanosecond ticks since 1601-01-01 UTC, rounded down to the start
// of its five-minute window (a multiple of 3,000,000,000).
std::uint64_t gec_window_ticks(std::chrono::system_clock::time_point now);

// SHA-256 of "<window ticks><trusted client token>" as upper-case hex (64 characters).
std::string sec_ms_gec(std::chrono::system_clock::time_point now);

// "1-<chromium version>".
std::string sec_ms_gec_version();

}  // namespace pitchreel::edge

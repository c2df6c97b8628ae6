// IpAddress: one IPv4 or IPv6 address as raw network-order bytes. It is the unit the SSRF
// policy reasons about and the value pinned into libcurl, so what was checked is exactly what
// gets connected to. A plain value: copyable, comparable, no I/O.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pitchreel::fetch {

struct IpAddress {
  enum class Family { kV4, kV6 };

  Family family = Family::kV4;
  // Network byte order; an IPv4 address uses bytes[0..3] and leaves the rest zero.
  std::array<std::uint8_t, 16> bytes{};

  // Strict literal syntax only (inet_pton: dotted quad or RFC 4291 text, no brackets, no
  // zone). Shorthands such as "127.1" or "0x7f000001" are not literals here; they go through
  // the resolver, which then reports the address they really mean.
  static std::optional<IpAddress> parse(std::string_view text);
  // From a resolver or socket address; nullopt for families other than AF_INET/AF_INET6.
  static std::optional<IpAddress> from_sockaddr(const sockaddr* address);

  static IpAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d);

  // Canonical text ("10.0.0.5", "::ffff:127.0.0.1"); without brackets.
  std::string to_string() const;
  // The form libcurl's CURLOPT_RESOLVE wants: IPv6 in brackets.
  std::string to_resolve_entry() const;

  bool operator==(const IpAddress&) const = default;
};

}  // namespace pitchreel::fetch

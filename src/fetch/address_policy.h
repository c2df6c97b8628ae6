// Which addresses pitchreel may fetch user-supplied URLs from. A URL a user typed must never
// make the server talk to itself, its private network, or a cloud metadata endpoint (SSRF), so
// only globally routable unicast addresses count as public. IPv6 is judged by allow-list
// (2000::/3 minus special blocks), so ranges assigned in future default to refused.
#pragma once

#include <string_view>

#include "fetch/ip_address.h"

namespace pitchreel::fetch {

enum class AddressRange {
  kPublic,
  kUnspecified,    // 0.0.0.0/8, ::
  kLoopback,       // 127/8, ::1
  kPrivate,        // 10/8, 172.16/12, 192.168/16, fc00::/7 (and deprecated fec0::/10)
  kLinkLocal,      // 169.254/16 (cloud metadata lives here), fe80::/10
  kSharedCgnat,    // 100.64/10: the carrier's network, not the Internet
  kMulticast,      // 224/4, ff00::/8
  kBroadcast,      // 255.255.255.255
  kDocumentation,  // TEST-NETs, 198.18/15 benchmarking, 2001:db8::/32, 3fff::/20
  kReserved,       // everything else that is not global unicast (240/4, 192.0.0/24, 6to4, ...)
};

// IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible and NAT64 (64:ff9b::/96) addresses are judged
// by the IPv4 address inside them, because that is where the packets end up.
AddressRange classify_address(const IpAddress& address);

inline bool is_public_address(const IpAddress& address) {
  return classify_address(address) == AddressRange::kPublic;
}

// Short lower-case name for logs ("loopback", "link-local").
std::string_view address_range_name(AddressRange range);

}  // namespace pitchreel::fetch

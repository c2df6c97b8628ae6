#include "fetch/address_policy.h"

#include <algorithm>
#include <cstdint>

namespace pitchreel::fetch {
namespace {

// True when the first `prefix_bits` of `bytes` equal those of `network`.
template <std::size_t N>
bool in_prefix(const std::array<std::uint8_t, 16>& bytes,
               const std::array<std::uint8_t, N>& network, int prefix_bits) {
  for (int bit = 0; bit < prefix_bits; ++bit) {
    const auto byte = static_cast<std::size_t>(bit / 8);
    const int mask = 0x80 >> (bit % 8);
    const std::uint8_t want = byte < N ? network[byte] : 0;
    if ((bytes[byte] & mask) != (want & mask)) return false;
  }
  return true;
}

struct V4Block {
  std::array<std::uint8_t, 4> network;
  int prefix_bits;
  AddressRange range;
};

// IANA IPv4 Special-Purpose Address Registry, restricted to blocks that are not globally
// reachable. Order matters only where blocks nest (broadcast inside 240/4).
constexpr V4Block kV4Blocks[] = {
    {{0, 0, 0, 0}, 8, AddressRange::kUnspecified},
    {{10, 0, 0, 0}, 8, AddressRange::kPrivate},
    {{100, 64, 0, 0}, 10, AddressRange::kSharedCgnat},
    {{127, 0, 0, 0}, 8, AddressRange::kLoopback},
    {{169, 254, 0, 0}, 16, AddressRange::kLinkLocal},
    {{172, 16, 0, 0}, 12, AddressRange::kPrivate},
    {{192, 0, 0, 0}, 24, AddressRange::kReserved},  // IETF protocol assignments
    {{192, 0, 2, 0}, 24, AddressRange::kDocumentation},
    {{192, 88, 99, 0}, 24, AddressRange::kReserved},  // deprecated 6to4 relay anycast
    {{192, 168, 0, 0}, 16, AddressRange::kPrivate},
    {{198, 18, 0, 0}, 15, AddressRange::kDocumentation},  // benchmarking
    {{198, 51, 100, 0}, 24, AddressRange::kDocumentation},
    {{203, 0, 113, 0}, 24, AddressRange::kDocumentation},
    {{224, 0, 0, 0}, 4, AddressRange::kMulticast},
    {{255, 255, 255, 255}, 32, AddressRange::kBroadcast},
    {{240, 0, 0, 0}, 4, AddressRange::kReserved},
};

AddressRange classify_v4(const std::array<std::uint8_t, 16>& bytes) {
  for (const V4Block& block : kV4Blocks) {
    if (in_prefix(bytes, block.network, block.prefix_bits)) return block.range;
  }
  return AddressRange::kPublic;
}

// The IPv4 address held in the last four bytes, laid out as a V4 IpAddress's bytes.
std::array<std::uint8_t, 16> embedded_v4(const std::array<std::uint8_t, 16>& bytes) {
  std::array<std::uint8_t, 16> v4{};
  std::copy(bytes.begin() + 12, bytes.end(), v4.begin());
  return v4;
}

template <typename... Bytes>
constexpr std::array<std::uint8_t, sizeof...(Bytes)> net(Bytes... b) {
  return {static_cast<std::uint8_t>(b)...};
}

AddressRange classify_v6(const std::array<std::uint8_t, 16>& bytes) {
  const bool first_ten_zero =
      std::all_of(bytes.begin(), bytes.begin() + 10, [](std::uint8_t b) { return b == 0; });
  if (first_ten_zero && bytes[10] == 0xff && bytes[11] == 0xff) {
    return classify_v4(embedded_v4(bytes));  // ::ffff:a.b.c.d, IPv4-mapped
  }
  if (first_ten_zero && bytes[10] == 0 && bytes[11] == 0) {
    // ::/96: the unspecified and loopback addresses, then deprecated IPv4-compatible ones.
    const bool head_zero =
        std::all_of(bytes.begin(), bytes.begin() + 15, [](std::uint8_t b) { return b == 0; });
    if (head_zero && bytes[15] == 0) return AddressRange::kUnspecified;
    if (head_zero && bytes[15] == 1) return AddressRange::kLoopback;
    // Nothing routes these any more; report the embedded range when it says more.
    const AddressRange inner = classify_v4(embedded_v4(bytes));
    return inner == AddressRange::kPublic ? AddressRange::kReserved : inner;
  }
  if (in_prefix(bytes, net(0x00, 0x64, 0xff, 0x9b), 96)) {
    return classify_v4(embedded_v4(bytes));  // 64:ff9b::/96, NAT64 well-known prefix
  }
  if (in_prefix(bytes, net(0xff), 8)) return AddressRange::kMulticast;
  if (in_prefix(bytes, net(0xfe, 0x80), 10)) return AddressRange::kLinkLocal;
  if (in_prefix(bytes, net(0xfe, 0xc0), 10)) return AddressRange::kPrivate;  // site-local
  if (in_prefix(bytes, net(0xfc), 7)) return AddressRange::kPrivate;         // unique local
  if (!in_prefix(bytes, net(0x20), 3)) return AddressRange::kReserved;       // not global unicast
  if (in_prefix(bytes, net(0x20, 0x01, 0x0d, 0xb8), 32)) return AddressRange::kDocumentation;
  if (in_prefix(bytes, net(0x3f, 0xff), 20)) return AddressRange::kDocumentation;
  // 2001::/23 holds Teredo, benchmarking and ORCHID; 2002::/16 is 6to4, which tunnels to any
  // IPv4 address including private ones. Neither hosts images worth the risk.
  if (in_prefix(bytes, net(0x20, 0x01, 0x00), 23)) return AddressRange::kReserved;
  if (in_prefix(bytes, net(0x20, 0x02), 16)) return AddressRange::kReserved;
  return AddressRange::kPublic;
}

}  // namespace

AddressRange classify_address(const IpAddress& address) {
  return address.family == IpAddress::Family::kV4 ? classify_v4(address.bytes)
                                                  : classify_v6(address.bytes);
}

std::string_view address_range_name(AddressRange range) {
  switch (range) {
    case AddressRange::kPublic:
      return "public";
    case AddressRange::kUnspecified:
      return "unspecified";
    case AddressRange::kLoopback:
      return "loopback";
    case AddressRange::kPrivate:
      return "private";
    case AddressRange::kLinkLocal:
      return "link-local";
    case AddressRange::kSharedCgnat:
      return "shared (CGNAT)";
    case AddressRange::kMulticast:
      return "multicast";
    case AddressRange::kBroadcast:
      return "broadcast";
    case AddressRange::kDocumentation:
      return "documentation";
    case AddressRange::kReserved:
      return "reserved";
  }
  return "reserved";
}

}  // namespace pitchreel::fetch

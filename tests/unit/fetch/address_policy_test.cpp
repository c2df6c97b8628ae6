// The SSRF address policy, range by range: every block the fetcher must refuse, the edges just
// outside them that must stay public, and IPv6 forms that smuggle an IPv4 address inside.
#include "fetch/address_policy.h"

#include <gtest/gtest.h>

#include <string>

namespace pitchreel::fetch {
namespace {

struct Case {
  const char* text;
  AddressRange range;
};

AddressRange range_of(const char* text) {
  const auto address = IpAddress::parse(text);
  EXPECT_TRUE(address.has_value()) << text;
  return address ? classify_address(*address) : AddressRange::kReserved;
}

void expect_all(std::initializer_list<Case> cases) {
  for (const Case& c : cases) {
    EXPECT_EQ(range_of(c.text), c.range)
        << c.text << " got " << address_range_name(range_of(c.text)) << ", want "
        << address_range_name(c.range);
  }
}

TEST(AddressPolicy, Ipv4SpecialRanges) {
  expect_all({
      {"0.0.0.0", AddressRange::kUnspecified},
      {"0.1.2.3", AddressRange::kUnspecified},
      {"10.0.0.5", AddressRange::kPrivate},
      {"10.255.255.255", AddressRange::kPrivate},
      {"100.64.0.1", AddressRange::kSharedCgnat},
      {"100.127.255.255", AddressRange::kSharedCgnat},
      {"127.0.0.1", AddressRange::kLoopback},
      {"127.255.255.254", AddressRange::kLoopback},
      {"169.254.0.1", AddressRange::kLinkLocal},
      {"169.254.169.254", AddressRange::kLinkLocal},
      {"172.16.0.1", AddressRange::kPrivate},
      {"172.31.255.255", AddressRange::kPrivate},
      {"192.0.0.8", AddressRange::kReserved},
      {"192.0.2.1", AddressRange::kDocumentation},
      {"192.88.99.1", AddressRange::kReserved},
      {"192.168.0.1", AddressRange::kPrivate},
      {"192.168.255.255", AddressRange::kPrivate},
      {"198.18.0.1", AddressRange::kDocumentation},
      {"198.19.255.255", AddressRange::kDocumentation},
      {"198.51.100.7", AddressRange::kDocumentation},
      {"203.0.113.9", AddressRange::kDocumentation},
      {"224.0.0.1", AddressRange::kMulticast},
      {"239.255.255.250", AddressRange::kMulticast},
      {"240.0.0.1", AddressRange::kReserved},
      {"255.255.255.254", AddressRange::kReserved},
      {"255.255.255.255", AddressRange::kBroadcast},
  });
}

TEST(AddressPolicy, Ipv4PublicIncludingRangeEdges) {
  for (const char* text :
       {"1.1.1.1", "8.8.8.8", "93.184.216.34", "9.255.255.255", "11.0.0.0", "100.63.255.255",
        "100.128.0.0", "126.255.255.255", "128.0.0.0", "169.253.255.255", "169.255.0.0",
        "172.15.255.255", "172.32.0.0", "192.167.255.255", "192.169.0.0", "198.17.255.255",
        "198.20.0.0", "223.255.255.255"}) {
    EXPECT_TRUE(is_public_address(*IpAddress::parse(text))) << text;
  }
}

TEST(AddressPolicy, Ipv6SpecialRanges) {
  expect_all({
      {"::", AddressRange::kUnspecified},          {"::1", AddressRange::kLoopback},
      {"fc00::1", AddressRange::kPrivate},         {"fd12:3456:789a::1", AddressRange::kPrivate},
      {"fec0::1", AddressRange::kPrivate},         {"fe80::1", AddressRange::kLinkLocal},
      {"febf:ffff::1", AddressRange::kLinkLocal},  {"ff02::1", AddressRange::kMulticast},
      {"ff0e::101", AddressRange::kMulticast},     {"2001:db8::1", AddressRange::kDocumentation},
      {"3fff::1", AddressRange::kDocumentation},   {"2001::1", AddressRange::kReserved},  // Teredo
      {"2001:2::1", AddressRange::kReserved},       // benchmarking
      {"2002:7f00:1::1", AddressRange::kReserved},  // 6to4 wrapping 127.0.0.1
      {"100::1", AddressRange::kReserved},          // discard-only
      {"64:ff9b:1::1", AddressRange::kReserved},    // local-use NAT64
      {"4000::1", AddressRange::kReserved},         // outside 2000::/3
      {"::2", AddressRange::kUnspecified},          // IPv4-compatible 0.0.0.2
      {"::1:2:3:4", AddressRange::kReserved},
  });
}

TEST(AddressPolicy, Ipv6Public) {
  for (const char* text : {"2606:4700:4700::1111", "2a00:1450:4001:81b::200e", "2001:4860::8888",
                           "2400:cb00::1", "3ffe::1"}) {
    EXPECT_TRUE(is_public_address(*IpAddress::parse(text))) << text;
  }
}

TEST(AddressPolicy, EmbeddedIpv4IsJudgedByTheIpv4Address) {
  expect_all({
      {"::ffff:127.0.0.1", AddressRange::kLoopback},
      {"::ffff:10.0.0.5", AddressRange::kPrivate},
      {"::ffff:169.254.169.254", AddressRange::kLinkLocal},
      {"::ffff:100.64.1.1", AddressRange::kSharedCgnat},
      {"::ffff:0.0.0.0", AddressRange::kUnspecified},
      {"::ffff:255.255.255.255", AddressRange::kBroadcast},
      {"::ffff:224.0.0.1", AddressRange::kMulticast},
      {"::ffff:8.8.8.8", AddressRange::kPublic},
      {"::127.0.0.1", AddressRange::kLoopback},  // deprecated IPv4-compatible
      {"::8.8.8.8", AddressRange::kReserved},
      {"64:ff9b::7f00:1", AddressRange::kLoopback},  // NAT64 of 127.0.0.1
      {"64:ff9b::a9fe:a9fe", AddressRange::kLinkLocal},
      {"64:ff9b::808:808", AddressRange::kPublic},
  });
}

TEST(IpAddress, ParsesOnlyStrictLiterals) {
  EXPECT_TRUE(IpAddress::parse("127.0.0.1"));
  EXPECT_TRUE(IpAddress::parse("::ffff:127.0.0.1"));
  // Shorthands are resolved (and so still checked), not treated as literals.
  EXPECT_FALSE(IpAddress::parse("127.1"));
  EXPECT_FALSE(IpAddress::parse("0x7f000001"));
  EXPECT_FALSE(IpAddress::parse("[::1]"));
  EXPECT_FALSE(IpAddress::parse("fe80::1%eth0"));
  EXPECT_FALSE(IpAddress::parse(std::string("127.0.0.1\0.evil", 15)));
  EXPECT_FALSE(IpAddress::parse("localhost"));
}

TEST(IpAddress, FormatsForMessagesAndCurlResolve) {
  EXPECT_EQ(IpAddress::parse("10.0.0.5")->to_string(), "10.0.0.5");
  EXPECT_EQ(IpAddress::parse("0:0:0:0:0:0:0:1")->to_string(), "::1");
  EXPECT_EQ(IpAddress::parse("::1")->to_resolve_entry(), "[::1]");
  EXPECT_EQ(IpAddress::parse("127.0.0.1")->to_resolve_entry(), "127.0.0.1");
  EXPECT_EQ(IpAddress::v4(127, 0, 0, 1), *IpAddress::parse("127.0.0.1"));
}

}  // namespace
}  // namespace pitchreel::fetch

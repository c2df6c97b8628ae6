// URL and IP parsing behind the SSRF policy: fetch::parse_target_url (libcurl's URL parser
// plus our checks), IpAddress::parse and classify_address. Beyond crashes: an accepted URL
// is http(s) with an ASCII lower-case host, a port in range and no credentials, and parsing
// its normalised form again gives the same target (what was checked is what is fetched);
// an IP literal prints and parses back to itself; an IPv4-mapped, IPv4-compatible or NAT64
// IPv6 address is judged exactly as the IPv4 address inside it.
#include <cctype>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fetch/address_policy.h"
#include "fetch/ip_address.h"
#include "fetch/target_url.h"

namespace {

using pitchreel::fetch::IpAddress;

void check_address(const IpAddress& address) {
  const auto again = IpAddress::parse(address.to_string());
  if (!again || !(*again == address)) std::abort();
  const auto range = pitchreel::fetch::classify_address(address);
  if (pitchreel::fetch::address_range_name(range).empty()) std::abort();
  if (address.family != IpAddress::Family::kV6) return;
  const auto& b = address.bytes;
  const bool zeros_to_10 = [&] {
    for (int i = 0; i < 10; ++i) {
      if (b[i] != 0) return false;
    }
    return true;
  }();
  const bool mapped = zeros_to_10 && b[10] == 0xff && b[11] == 0xff;
  const bool nat64 = b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && [&] {
    for (int i = 4; i < 12; ++i) {
      if (b[i] != 0) return false;
    }
    return true;
  }();
  if (mapped || nat64) {
    const auto inner = IpAddress::v4(b[12], b[13], b[14], b[15]);
    if (pitchreel::fetch::classify_address(inner) != range) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (const auto literal = IpAddress::parse(text)) check_address(*literal);

  const auto target = pitchreel::fetch::parse_target_url(text, "The image URL");
  if (!target) {
    const auto& error = target.error();
    if (error.code != "image_url_invalid" || error.message.rfind("The image URL", 0) != 0) std::abort();
    return 0;
  }
  if (target->scheme != "http" && target->scheme != "https") std::abort();
  if (target->host.empty() || target->port <= 0 || target->port > 65535) std::abort();
  for (const char c : target->host) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || std::isupper(u)) std::abort();
  }
  const std::string origin = target->origin();
  if (origin.find('@') != std::string::npos || origin.find('?') != std::string::npos) std::abort();
  if (const auto literal = IpAddress::parse(target->host)) check_address(*literal);

  const auto again = pitchreel::fetch::parse_target_url(target->url, "The image URL");
  if (!again || again->host != target->host || again->port != target->port ||
      again->scheme != target->scheme || again->url != target->url) {
    std::fprintf(stderr, "first:  %s host=%s port=%d\nsecond: %s\n", target->url.c_str(),
                 target->host.c_str(), target->port,
                 again ? (again->url + " host=" + again->host).c_str() : again.error().message.c_str());
    std::abort();
  }
  return 0;
}

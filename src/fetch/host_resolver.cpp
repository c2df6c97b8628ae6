#include "fetch/host_resolver.h"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <memory>

#include <fmt/format.h>

namespace pitchreel::fetch {
namespace {

struct AddrInfoDeleter {
  void operator()(addrinfo* list) const { freeaddrinfo(list); }
};

}  // namespace

Result<std::vector<IpAddress>> resolve_host(const std::string& host) {
  if (auto literal = IpAddress::parse(host)) return std::vector<IpAddress>{*literal};

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  // One entry per address rather than one per socket type.
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &raw);
  std::unique_ptr<addrinfo, AddrInfoDeleter> list(raw);
  if (rc != 0) {
    return fail(Error::unavailable("host_not_found",
                                   fmt::format("Cannot resolve {} ({}).", host, gai_strerror(rc))));
  }
  std::vector<IpAddress> addresses;
  for (const addrinfo* entry = list.get(); entry != nullptr; entry = entry->ai_next) {
    auto address = IpAddress::from_sockaddr(entry->ai_addr);
    if (address && std::find(addresses.begin(), addresses.end(), *address) == addresses.end()) {
      addresses.push_back(*address);
    }
  }
  if (addresses.empty()) {
    return fail(Error::unavailable("host_not_found",
                                   fmt::format("Cannot resolve {} (no IP addresses).", host)));
  }
  return addresses;
}

}  // namespace pitchreel::fetch

// Resolves a URL's host to every address it names, so the SSRF policy can judge all of them
// before any connection is made (a name with one public and one private address is refused).
// Blocking; safe to call from many threads (getaddrinfo is reentrant).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "fetch/ip_address.h"

namespace pitchreel::fetch {

// `host` is ASCII, without IPv6 brackets. Literal addresses come back
// unchanged without a DNS query. Duplicates are removed; order is the resolver's.
// Errors: Error::unavailable "host_not_found" (message names the host and the resolver's reason).
// Caveat: the wait is bounded by the system resolver (resolv.conf timeout/attempts), not by
// FetchLimits, because getaddrinfo cannot be cancelled.
Result<std::vector<IpAddress>> resolve_host(const std::string& host);

}  // namespace pitchreel::fetch

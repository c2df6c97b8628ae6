#include "fetch/http_hop.h"

#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "core/version.h"
#include "fetch/capped_body.h"
#include "fetch/curl_handle.h"

namespace pitchreel::fetch {
namespace {

// A transfer slower than this for kLowSpeedWindow is a trickle, not a slow network: give up
// instead of holding a worker for the whole total timeout.
constexpr long kLowSpeedBytesPerSecond = 1024;
constexpr long kMaxLowSpeedWindowS = 10;

struct HopState {
  const std::vector<IpAddress>* pinned = nullptr;
  CappedBody body;
  std::string refused_address;
};

// Last line of the pin: whatever libcurl resolved or cached, a socket only opens to an
// address the caller vetted. CURL_SOCKET_BAD makes libcurl fail with CURLE_COULDNT_CONNECT.
curl_socket_t on_open_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto& state = *static_cast<HopState*>(user);
  if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
  sockaddr_storage storage{};
  std::memcpy(&storage, &address->addr, std::min<std::size_t>(address->addrlen, sizeof storage));
  const auto ip = IpAddress::from_sockaddr(reinterpret_cast<const sockaddr*>(&storage));
  if (!ip || std::find(state.pinned->begin(), state.pinned->end(), *ip) == state.pinned->end()) {
    state.refused_address = ip ? ip->to_string() : "?";
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

HopError::Kind classify(CURLcode code, const HopState& state) {
  switch (code) {
    case CURLE_FILESIZE_EXCEEDED:
      return HopError::Kind::kTooLarge;
    case CURLE_WRITE_ERROR:
      return state.body.too_large ? HopError::Kind::kTooLarge : HopError::Kind::kInternal;
    case CURLE_OPERATION_TIMEDOUT:
      return HopError::Kind::kTimeout;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
      return state.refused_address.empty() ? HopError::Kind::kConnectFailed
                                           : HopError::Kind::kPinViolation;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return HopError::Kind::kTls;
    case CURLE_OUT_OF_MEMORY:
    case CURLE_FAILED_INIT:
    case CURLE_UNKNOWN_OPTION:
    case CURLE_NOT_BUILT_IN:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return HopError::Kind::kInternal;
    default:
      return HopError::Kind::kBadResponse;
  }
}

std::string info_string(CURL* easy, CURLINFO what) {
  char* value = nullptr;
  if (curl_easy_getinfo(easy, what, &value) != CURLE_OK || value == nullptr) return {};
  return value;
}

}  // namespace

std::expected<HopResponse, HopError> run_hop(const HopRequest& request) {
  if (!ensure_curl_initialized()) {
    return std::unexpected(HopError{HopError::Kind::kInternal, "curl_global_init failed", {}});
  }
  CurlEasyPtr easy(curl_easy_init());
  if (!easy) return std::unexpected(HopError{HopError::Kind::kInternal, "curl_easy_init", {}});
  CURL* h = easy.get();

  HopState state;
  state.pinned = &request.pinned;
  state.body.max_bytes = request.max_bytes;

  // A literal host never reaches DNS, so only names need a pinned resolve entry.
  CurlSlistPtr resolve;
  if (!IpAddress::parse(request.target.host)) {
    std::string entry = fmt::format("{}:{}:", request.target.host, request.target.port);
    for (std::size_t i = 0; i < request.pinned.size(); ++i) {
      entry += (i == 0 ? "" : ",") + request.pinned[i].to_resolve_entry();
    }
    resolve.reset(curl_slist_append(nullptr, entry.c_str()));
    if (!resolve) return std::unexpected(HopError{HopError::Kind::kInternal, "slist", {}});
  }

  const long total_ms = std::max<long>(1, static_cast<long>(request.total_timeout.count()));
  const long connect_ms =
      std::clamp<long>(static_cast<long>(request.connect_timeout.count()), 1, total_ms);
  const long low_speed_s = std::clamp<long>(total_ms / 1000, 1, kMaxLowSpeedWindowS);
  const std::string user_agent = fmt::format("pitchreel/{}", kVersion);
  char error_buffer[CURL_ERROR_SIZE] = {};

  // Options whose failure would weaken the policy are checked; the rest only tune behaviour.
  const bool configured =
      curl_easy_setopt(h, CURLOPT_URL, request.target.url.c_str()) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
      // An empty proxy disables http_proxy & co from the environment: a proxy would connect
      // on our behalf to addresses the pin never sees.
      curl_easy_setopt(h, CURLOPT_PROXY, "") == CURLE_OK &&
      (!resolve || curl_easy_setopt(h, CURLOPT_RESOLVE, resolve.get()) == CURLE_OK) &&
      curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, on_open_socket) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &state) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, CappedBody::write) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_WRITEDATA, &state.body) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
                       static_cast<curl_off_t>(std::min<std::uint64_t>(
                           request.max_bytes, static_cast<std::uint64_t>(INT64_MAX)))) ==
          CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, total_ms) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, kLowSpeedBytesPerSecond) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, low_speed_s) == CURLE_OK &&
      // Timeouts must not use SIGALRM: other threads are running.
      curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_USERAGENT, user_agent.c_str()) == CURLE_OK;
  // CURLOPT_ACCEPT_ENCODING stays unset: no decompression, so the cap counts the bytes that
  // arrive and a small gzip bomb cannot expand past it.
  if (!configured) {
    return std::unexpected(HopError{HopError::Kind::kInternal, "curl_easy_setopt failed", {}});
  }

  const CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK) {
    std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
    return std::unexpected(
        HopError{classify(code, state), std::move(detail), state.refused_address});
  }

  HopResponse response;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  response.content_type = info_string(h, CURLINFO_CONTENT_TYPE);
  response.redirect_url = info_string(h, CURLINFO_REDIRECT_URL);
  response.effective_url = info_string(h, CURLINFO_EFFECTIVE_URL);
  response.body = std::move(state.body.bytes);
  return response;
}

}  // namespace pitchreel::fetch

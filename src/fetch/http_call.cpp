#include "fetch/http_call.h"

#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <span>

#include <fmt/format.h>

#include "core/version.h"
#include "fetch/capped_body.h"
#include "fetch/curl_handle.h"

namespace pitchreel::fetch {
namespace {

constexpr long kLowSpeedBytesPerSecond = 1024;
constexpr long kUploadBufferBytes = 512L * 1024;

struct CallState {
  CappedBody body;
  bool response_started = false;
  long status = 0;  // of the latest status line, for the sink
  bool aborted = false;
  const std::function<bool(double)>* on_tick = nullptr;
  std::chrono::steady_clock::time_point started;
  double last_tick = 0;
  const std::vector<IpAddress>* pinned = nullptr;
  std::string refused_address;
  std::map<std::string, std::string> headers;
  // Streaming both ways.
  const BodySource* source = nullptr;
  std::uint64_t source_offset = 0;
  bool source_failed = false;
  const std::function<bool(long, std::string_view)>* sink = nullptr;
  bool sink_failed = false;
  // Stall detection: when any byte last moved either way.
  std::chrono::milliseconds stall_timeout{0};
  curl_off_t moved = -1;
  std::chrono::steady_clock::time_point last_moved;
  bool stalled = false;
};

// The calling thread's kept easy handle (reuse_connection) and whether a call on this
// thread is using it right now: a call made from inside another's callback gets its own.
thread_local CurlEasyPtr t_kept_handle;
thread_local bool t_kept_in_use = false;

// One call's easy handle: its own, or the thread's kept one, reset on both ends so no
// option (and no pointer into a finished call's stack) outlives the call, while libcurl's
// connection cache, which curl_easy_reset keeps, does.
class HandleLease {
 public:
  explicit HandleLease(bool reuse) {
    if (reuse && !t_kept_in_use) {
      if (!t_kept_handle) t_kept_handle.reset(curl_easy_init());
      if (t_kept_handle) {
        curl_easy_reset(t_kept_handle.get());
        t_kept_in_use = true;
        handle_ = t_kept_handle.get();
        return;
      }
    }
    own_.reset(curl_easy_init());
    handle_ = own_.get();
  }
  ~HandleLease() {
    if (handle_ != nullptr && own_ == nullptr) {
      curl_easy_reset(handle_);
      t_kept_in_use = false;
    }
  }
  HandleLease(const HandleLease&) = delete;
  HandleLease& operator=(const HandleLease&) = delete;
  CURL* get() const { return handle_; }

 private:
  CurlEasyPtr own_;
  CURL* handle_ = nullptr;
};

std::string trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return std::string(text);
}

// Keeps the final answer's headers: a status line (a redirect's or a 100 Continue's
// answer came first) starts the set afresh.
std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& state = *static_cast<CallState*>(user);
  state.response_started = true;
  const std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    state.headers.clear();
    const auto space = line.find(' ');
    state.status = space == std::string_view::npos
                       ? 0
                       : std::strtol(std::string(line.substr(space + 1, 3)).c_str(), nullptr, 10);
  } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    std::string name = trimmed(line.substr(0, colon));
    std::ranges::transform(name, name.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    state.headers[name] = trimmed(line.substr(colon + 1));
  }
  return size * count;
}

// Last line of the pin: whatever libcurl resolved or cached, a socket only opens to an
// address the caller vetted. CURL_SOCKET_BAD makes libcurl fail with CURLE_COULDNT_CONNECT.
curl_socket_t on_open_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto& state = *static_cast<CallState*>(user);
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

std::string info_string(CURL* easy, CURLINFO what) {
  char* value = nullptr;
  if (curl_easy_getinfo(easy, what, &value) != CURLE_OK || value == nullptr) return {};
  return value;
}

// The host part of the URL as libcurl parses it (IPv6 without brackets) and its port, for
// the CURLOPT_RESOLVE entry; empty host for a literal address, which never reaches DNS.
bool resolve_entry(const std::string& url, const std::vector<IpAddress>& pinned,
                   std::string& entry) {
  CurlUrlPtr parsed(curl_url());
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return false;
  }
  char* raw_host = nullptr;
  char* raw_port = nullptr;
  if (curl_url_get(parsed.get(), CURLUPART_HOST, &raw_host, 0) != CURLUE_OK) return false;
  CurlStringPtr host(raw_host);
  if (curl_url_get(parsed.get(), CURLUPART_PORT, &raw_port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
    return false;
  }
  CurlStringPtr port(raw_port);
  std::string name = host.get();
  if (name.starts_with('[')) name = name.substr(1, name.size() - 2);
  if (IpAddress::parse(name)) {
    entry.clear();
    return true;
  }
  entry = fmt::format("{}:{}:", name, port.get());
  for (std::size_t i = 0; i < pinned.size(); ++i) {
    entry += (i == 0 ? "" : ",") + pinned[i].to_resolve_entry();
  }
  return true;
}

// libcurl calls this about once a second even while nothing moves, so a stall is noticed
// within a second of stall_timeout (libcurl's own low-speed limit averages over 5-second
// windows and notices seconds late).
int on_progress(void* user, curl_off_t, curl_off_t received, curl_off_t, curl_off_t sent) {
  auto& state = *static_cast<CallState*>(user);
  const auto now = std::chrono::steady_clock::now();
  if (state.stall_timeout.count() > 0) {
    if (received + sent != state.moved) {
      state.moved = received + sent;
      state.last_moved = now;
    } else if (now - state.last_moved >= state.stall_timeout) {
      state.stalled = true;
      return 1;
    }
  }
  if (state.on_tick == nullptr || !*state.on_tick) return 0;
  const double elapsed = std::chrono::duration<double>(now - state.started).count();
  if (elapsed - state.last_tick < 1.0) return 0;
  state.last_tick = elapsed;
  if (!(*state.on_tick)(elapsed)) {
    state.aborted = true;
    return 1;
  }
  return 0;
}

// Streams the body source: memory use is libcurl's upload buffer, whatever the body's size.
// No seek callback is given on purpose: libcurl cannot then silently resend a body on a fresh
// connection when a kept-alive one turns out dead; the call fails (kReset) and the caller's
// own retry policy, which counts attempts, decides.
std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto& state = *static_cast<CallState*>(user);
  const BodySource& source = *state.source;
  if (state.source_offset >= source.length) return 0;
  const auto room = static_cast<std::size_t>(
      std::min<std::uint64_t>(size * count, source.length - state.source_offset));
  const auto got = source.read(state.source_offset, std::span<char>(buffer, room));
  if (!got || *got == 0 || *got > room) {
    state.source_failed = true;
    return CURL_READFUNC_ABORT;
  }
  state.source_offset += *got;
  return *got;
}

std::size_t on_sink(char* data, std::size_t size, std::size_t count, void* user) {
  auto& state = *static_cast<CallState*>(user);
  const std::size_t n = size * count;
  if (!(*state.sink)(state.status, std::string_view(data, n))) {
    state.sink_failed = true;
    return 0;  // CURLE_WRITE_ERROR
  }
  return n;
}

CallFailure::Kind classify(CURLcode code, const CallState& state, bool connected) {
  // Our own callbacks' verdicts first: libcurl reports them as generic aborts.
  if (state.source_failed) return CallFailure::Kind::kSourceFailed;
  if (state.sink_failed) return CallFailure::Kind::kSinkFailed;
  if (state.stalled) {
    return connected ? CallFailure::Kind::kTimeout : CallFailure::Kind::kConnectTimeout;
  }
  switch (code) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return CallFailure::Kind::kMalformedUrl;
    case CURLE_COULDNT_RESOLVE_HOST:
      return state.refused_address.empty() ? CallFailure::Kind::kDns
                                           : CallFailure::Kind::kPinViolation;
    case CURLE_COULDNT_CONNECT:
      return state.refused_address.empty() ? CallFailure::Kind::kRefused
                                           : CallFailure::Kind::kPinViolation;
    case CURLE_OPERATION_TIMEDOUT:
      return connected ? CallFailure::Kind::kTimeout : CallFailure::Kind::kConnectTimeout;
    case CURLE_FILESIZE_EXCEEDED:
      return CallFailure::Kind::kTooLarge;
    case CURLE_WRITE_ERROR:
      return state.body.too_large ? CallFailure::Kind::kTooLarge : CallFailure::Kind::kInternal;
    case CURLE_ABORTED_BY_CALLBACK:
      return CallFailure::Kind::kAborted;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return CallFailure::Kind::kTls;
    case CURLE_OUT_OF_MEMORY:
    case CURLE_FAILED_INIT:
    case CURLE_NOT_BUILT_IN:
      return CallFailure::Kind::kInternal;
    default:  // CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE, ...
      return CallFailure::Kind::kReset;
  }
}

std::string media_type(const char* raw) {
  std::string type = raw ? raw : "";
  type = type.substr(0, type.find(';'));
  while (!type.empty() && std::isspace(static_cast<unsigned char>(type.back()))) type.pop_back();
  std::ranges::transform(type, type.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return type;
}

}  // namespace

const char* to_string(CallFailure::Kind kind) {
  switch (kind) {
    case CallFailure::Kind::kMalformedUrl:
      return "malformed URL";
    case CallFailure::Kind::kDns:
      return "host name not found";
    case CallFailure::Kind::kRefused:
      return "connection refused";
    case CallFailure::Kind::kConnectTimeout:
      return "connect timeout";
    case CallFailure::Kind::kTimeout:
      return "timeout";
    case CallFailure::Kind::kReset:
      return "connection dropped";
    case CallFailure::Kind::kTls:
      return "TLS failure";
    case CallFailure::Kind::kTooLarge:
      return "answer too large";
    case CallFailure::Kind::kAborted:
      return "aborted";
    case CallFailure::Kind::kSourceFailed:
      return "request body unreadable";
    case CallFailure::Kind::kSinkFailed:
      return "answer not stored";
    case CallFailure::Kind::kPinViolation:
      return "address not allowed";
    case CallFailure::Kind::kInternal:
      return "internal error";
  }
  return "unknown";
}

std::expected<CallResponse, CallFailure> http_call(const CallRequest& request) {
  const auto internal = [](std::string detail) {
    return std::unexpected(
        CallFailure{CallFailure::Kind::kInternal, false, std::move(detail), 0, {}});
  };
  if (!ensure_curl_initialized()) return internal("curl_global_init failed");
  // Connections kept from earlier calls were never checked against a pin.
  const HandleLease easy(request.reuse_connection && !request.pinned);
  if (easy.get() == nullptr) return internal("curl_easy_init failed");
  CURL* h = easy.get();

  CallState state;
  state.body.max_bytes = request.max_bytes;
  state.on_tick = &request.on_tick;
  state.started = std::chrono::steady_clock::now();
  state.last_moved = state.started;
  state.stall_timeout = request.stall_timeout;
  state.pinned = request.pinned ? &*request.pinned : nullptr;
  state.source = request.body_source ? &*request.body_source : nullptr;
  state.sink = request.body_sink ? &request.body_sink : nullptr;

  CurlSlistPtr headers;
  for (const auto& header : request.headers) {
    curl_slist* grown = curl_slist_append(headers.get(), header.c_str());
    if (!grown) return internal("curl_slist_append failed");
    (void)headers.release();
    headers.reset(grown);
  }
  if (!request.body_source && !request.body.empty() && request.multipart.empty() &&
      !request.content_type.empty()) {
    curl_slist* grown =
        curl_slist_append(headers.get(), ("Content-Type: " + request.content_type).c_str());
    if (!grown) return internal("curl_slist_append failed");
    (void)headers.release();
    headers.reset(grown);
  }

  CurlMimePtr mime;
  if (!request.body_source && !request.multipart.empty()) {
    mime.reset(curl_mime_init(h));
    if (!mime) return internal("curl_mime_init failed");
    for (const auto& field : request.multipart) {
      curl_mimepart* part = curl_mime_addpart(mime.get());
      if (!part) return internal("curl_mime_addpart failed");
      curl_mime_name(part, field.name.c_str());
      curl_mime_data(part, reinterpret_cast<const char*>(field.bytes.data()), field.bytes.size());
      if (!field.filename.empty()) curl_mime_filename(part, field.filename.c_str());
      if (!field.content_type.empty()) curl_mime_type(part, field.content_type.c_str());
    }
  }

  // libcurl reads a total timeout of 0 as none.
  const bool unlimited = request.total_timeout == std::chrono::milliseconds::max();
  const long total_ms =
      unlimited ? 0L
                : static_cast<long>(std::clamp<std::chrono::milliseconds::rep>(
                      request.total_timeout.count(), 1, std::numeric_limits<long>::max()));
  const long connect_ms = static_cast<long>(std::clamp<std::chrono::milliseconds::rep>(
      request.connect_timeout.count(), 1, unlimited ? std::numeric_limits<long>::max() : total_ms));
  const std::string user_agent = fmt::format("pitchreel/{}", kVersion);
  char error_buffer[CURL_ERROR_SIZE] = {};

  bool configured =
      curl_easy_setopt(h, CURLOPT_URL, request.url.c_str()) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get()) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_HEADERDATA, &state) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_XFERINFODATA, &state) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, total_ms) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer) == CURLE_OK &&
      curl_easy_setopt(h, CURLOPT_USERAGENT, user_agent.c_str()) == CURLE_OK;
  if (request.method == "HEAD") {
    // A custom "HEAD" would leave libcurl waiting for the body Content-Length announces.
    configured = configured && curl_easy_setopt(h, CURLOPT_NOBODY, 1L) == CURLE_OK;
  } else {
    configured = configured &&
                 curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str()) == CURLE_OK;
  }
  if (state.sink != nullptr) {
    configured = configured && curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_sink) == CURLE_OK &&
                 curl_easy_setopt(h, CURLOPT_WRITEDATA, &state) == CURLE_OK;
  } else {
    configured = configured &&
                 curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, CappedBody::write) == CURLE_OK &&
                 curl_easy_setopt(h, CURLOPT_WRITEDATA, &state.body) == CURLE_OK;
  }
  if (request.low_speed_window.count() > 0) {
    configured = configured &&
                 curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, kLowSpeedBytesPerSecond) == CURLE_OK &&
                 curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
                                  static_cast<long>(request.low_speed_window.count())) == CURLE_OK;
  }
  if (!request.truncate_body && state.sink == nullptr) {
    // Fails early on a Content-Length over the cap, before any byte of the body.
    configured = configured &&
                 curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
                                  static_cast<curl_off_t>(std::min<std::uint64_t>(
                                      request.max_bytes, static_cast<std::uint64_t>(INT64_MAX)))) ==
                     CURLE_OK;
  }
  CurlSlistPtr resolve;
  if (request.pinned) {
    std::string entry;
    if (!resolve_entry(request.url, *request.pinned, entry)) {
      return std::unexpected(CallFailure{CallFailure::Kind::kMalformedUrl, false,
                                         "the URL could not be parsed", 0, {}});
    }
    if (!entry.empty()) {
      resolve.reset(curl_slist_append(nullptr, entry.c_str()));
      if (!resolve) return internal("curl_slist_append failed");
    }
    // Options whose failure would weaken the policy are checked like the rest.
    configured = configured && (!resolve || curl_easy_setopt(h, CURLOPT_RESOLVE, resolve.get()) == CURLE_OK) &&
                 curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, on_open_socket) == CURLE_OK &&
                 curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &state) == CURLE_OK;
  }
  if (request.pinned || request.direct) {
    configured = configured && curl_easy_setopt(h, CURLOPT_PROXY, "") == CURLE_OK;
  }
  if (!request.ca_file.empty()) {
    configured = configured && curl_easy_setopt(h, CURLOPT_CAINFO, request.ca_file.c_str()) == CURLE_OK;
  }
  if (state.source != nullptr) {
    configured =
        configured && curl_easy_setopt(h, CURLOPT_UPLOAD, 1L) == CURLE_OK &&
        curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE,
                         static_cast<curl_off_t>(state.source->length)) == CURLE_OK &&
        curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read) == CURLE_OK &&
        curl_easy_setopt(h, CURLOPT_READDATA, &state) == CURLE_OK &&
        // Fewer, larger writes for big uploads (the default is 64 KiB).
        curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, kUploadBufferBytes) == CURLE_OK;
  } else if (mime) {
    configured = configured && curl_easy_setopt(h, CURLOPT_MIMEPOST, mime.get()) == CURLE_OK;
  } else if (!request.body.empty()) {
    configured = configured &&
                 curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                                  static_cast<curl_off_t>(request.body.size())) == CURLE_OK &&
                 curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data()) == CURLE_OK;
  }
  if (!configured) return internal("curl_easy_setopt failed");

  const CURLcode code = curl_easy_perform(h);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - state.started).count();
  const bool cut = code == CURLE_WRITE_ERROR && state.body.too_large && request.truncate_body;
  if (code != CURLE_OK && !cut) {
    curl_off_t connect_us = 0;
    curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &connect_us);
    CallFailure failure;
    failure.kind = classify(code, state, connect_us > 0);
    failure.response_started = state.response_started;
    failure.detail = state.stalled ? fmt::format("nothing moved for {} ms",
                                                 request.stall_timeout.count())
                     : error_buffer[0] != '\0' ? std::string(error_buffer)
                                                : std::string(curl_easy_strerror(code));
    failure.seconds = seconds;
    failure.refused_address = state.refused_address;
    return std::unexpected(std::move(failure));
  }
  CallResponse response;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  char* type = nullptr;
  curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &type);
  response.content_type = media_type(type);
  response.body = std::move(state.body.bytes);
  response.seconds = seconds;
  response.truncated = cut;
  response.headers = std::move(state.headers);
  response.redirect_url = info_string(h, CURLINFO_REDIRECT_URL);
  response.effective_url = info_string(h, CURLINFO_EFFECTIVE_URL);
  return response;
}

}  // namespace pitchreel::fetch

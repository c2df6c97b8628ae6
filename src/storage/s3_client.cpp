#include "storage/s3_client.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/version.h"
#include "fetch/curl_handle.h"
#include "storage/object_store.h"

namespace pitchreel {

struct S3Client::Target {
  std::string scheme;     // http or https
  std::string host;       // Host header: name[:port], bucket-prefixed when virtual-hosted
  std::string base_path;  // "/bucket" when path-style, else ""
};

namespace {

using fetch::CurlEasyPtr;
using fetch::CurlSlistPtr;
using fetch::CurlStringPtr;
using fetch::CurlUrlPtr;

constexpr std::size_t kMaxKeptBody = 1 << 20;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Bucket names as S3 allows them (3-63 of [a-z0-9.-]); R2 and MinIO follow the same rule.
bool valid_bucket(std::string_view b) {
  if (b.size() < 3 || b.size() > 63) return false;
  return std::all_of(b.begin(), b.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

struct Transfer {
  const S3Call* call = nullptr;
  std::uint64_t sent = 0;
  bool read_failed = false;
  bool write_failed = false;
  long header_status = 0;  // from the status line, before the body arrives
  S3Response response;
  // Stall detection: the last time any byte moved either way.
  std::chrono::milliseconds stall_timeout{0};
  curl_off_t moved = -1;
  std::chrono::steady_clock::time_point last_progress = std::chrono::steady_clock::now();
  bool stalled = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  if (t.call->sink_fd >= 0 && t.header_status >= 200 && t.header_status < 300) {
    for (std::size_t done = 0; done < bytes;) {
      const ssize_t n = ::write(t.call->sink_fd, data + done, bytes - done);
      if (n <= 0) {
        t.write_failed = true;
        return 0;  // CURLE_WRITE_ERROR
      }
      done += static_cast<std::size_t>(n);
    }
    return bytes;
  }
  const std::size_t room = kMaxKeptBody - std::min(kMaxKeptBody, t.response.body.size());
  t.response.body.append(data, std::min(bytes, room));
  return bytes;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    t.response.headers.clear();  // a new answer (after 100 Continue)
    const auto space = line.find(' ');
    t.header_status = space == std::string_view::npos
                          ? 0
                          : std::strtol(std::string(line.substr(space + 1, 3)).c_str(), nullptr, 10);
    return size * count;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  t.response.headers[name] = std::string(value);
  return size * count;
}

// libcurl's own low-speed limit averages over 5-second windows, so it notices a stall
// seconds late; this aborts exactly when no byte has moved for stall_timeout. libcurl calls
// it at least about once a second, even while nothing moves.
int on_progress(void* user, curl_off_t, curl_off_t received, curl_off_t, curl_off_t sent) {
  auto& t = *static_cast<Transfer*>(user);
  const auto now = std::chrono::steady_clock::now();
  if (received + sent != t.moved) {
    t.moved = received + sent;
    t.last_progress = now;
    return 0;
  }
  if (now - t.last_progress < t.stall_timeout) return 0;
  t.stalled = true;
  return 1;  // CURLE_ABORTED_BY_CALLBACK
}

// Streams the file range: memory use is libcurl's upload buffer, whatever the file's size.
std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const auto& range = *t.call->file;
  const std::uint64_t left = range.length - t.sent;
  const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, size * count));
  if (want == 0) return 0;
  const ssize_t n = ::pread(range.fd, buffer, want, static_cast<off_t>(range.offset + t.sent));
  if (n <= 0) {
    t.read_failed = true;
    return CURL_READFUNC_ABORT;
  }
  t.sent += static_cast<std::uint64_t>(n);
  return static_cast<std::size_t>(n);
}

// One handle per thread, reset between requests: libcurl keeps the connection pool across
// curl_easy_reset, so consecutive requests reuse a kept-alive connection.
CURL* thread_handle() {
  thread_local CurlEasyPtr handle;
  if (!handle) handle.reset(curl_easy_init());
  if (handle) curl_easy_reset(handle.get());
  return handle.get();
}

std::string xml_field(const std::string& body, std::string_view tag) {
  const std::string open = fmt::format("<{}>", tag), close = fmt::format("</{}>", tag);
  const auto b = body.find(open);
  if (b == std::string::npos) return {};
  const auto e = body.find(close, b + open.size());
  if (e == std::string::npos) return {};
  return body.substr(b + open.size(), e - b - open.size());
}

std::chrono::milliseconds backoff(const S3Settings& s, int attempt) {
  // Jittered exponential backoff: uniform between a quarter and all of
  // min(cap, base * 2^attempt), so many workers that failed together do not return together.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const auto ceiling = std::min<std::int64_t>(s.backoff_cap.count(), s.backoff_base.count()
                                                                         << std::min(attempt, 20));
  std::uniform_int_distribution<std::int64_t> pick(ceiling / 4,
                                                   std::max<std::int64_t>(ceiling / 4, ceiling));
  return std::chrono::milliseconds(pick(rng));
}

}  // namespace

S3Client::S3Client(S3Settings settings, std::unique_ptr<Target> target)
    : settings_(std::move(settings)), target_(std::move(target)) {}

S3Client::~S3Client() = default;

Result<std::unique_ptr<S3Client>> S3Client::create(S3Settings settings) {
  const auto bad = [](std::string message) {
    return fail(Error::invalid("config_invalid", std::move(message)));
  };
  if (!fetch::ensure_curl_initialized()) {
    return fail(Error::internal("curl_unavailable", "libcurl could not be initialised."));
  }
  if (settings.endpoint.empty()) {
    return bad("STORAGE=s3 needs S3_ENDPOINT (or R2_ACCOUNT_ID for Cloudflare R2).");
  }
  if (!valid_bucket(settings.bucket)) {
    return bad(
        fmt::format("S3_BUCKET (or R2_BUCKET_NAME) \"{}\" is not a bucket name: 3 to 63 "
                    "characters of a-z, 0-9, '-' and '.'.",
                    settings.bucket));
  }
  if (settings.access_key_id.empty() || settings.secret_access_key.empty()) {
    return bad(
        "STORAGE=s3 needs S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (or R2_ACCESS_KEY_ID "
        "and R2_SECRET_ACCESS_KEY).");
  }
  if (settings.region.empty()) settings.region = "auto";
  while (settings.endpoint.ends_with('/')) settings.endpoint.pop_back();
  while (settings.public_base_url.ends_with('/')) settings.public_base_url.pop_back();

  CurlUrlPtr url(curl_url());
  const auto invalid_endpoint = [&] {
    return bad(
        fmt::format("S3_ENDPOINT \"{}\" is not a URL like https://host[:port] (no path, "
                    "query or user name).",
                    settings.endpoint));
  };
  if (!url || curl_url_set(url.get(), CURLUPART_URL, settings.endpoint.c_str(), 0) != CURLUE_OK) {
    return invalid_endpoint();
  }
  auto part = [&](CURLUPart which) -> std::string {
    char* raw = nullptr;
    if (curl_url_get(url.get(), which, &raw, 0) != CURLUE_OK || !raw) return {};
    CurlStringPtr owned(raw);
    return owned.get();
  };
  auto target = std::make_unique<Target>();
  target->scheme = part(CURLUPART_SCHEME);
  const std::string host = part(CURLUPART_HOST), port = part(CURLUPART_PORT),
                    path = part(CURLUPART_PATH);
  if ((target->scheme != "http" && target->scheme != "https") || host.empty() ||
      !(path.empty() || path == "/") || !part(CURLUPART_QUERY).empty() ||
      !part(CURLUPART_USER).empty()) {
    return invalid_endpoint();
  }
  const std::string host_port = port.empty() ? host : host + ":" + port;
  if (settings.force_path_style) {
    target->host = host_port;
    target->base_path = "/" + settings.bucket;
  } else {
    target->host = settings.bucket + "." + host_port;
  }
  if (settings.part_size < (1u << 20)) settings.part_size = 1u << 20;
  settings.max_attempts = std::max(1, settings.max_attempts);
  settings.upload_concurrency = std::clamp(settings.upload_concurrency, 1, 16);
  return std::make_unique<S3Client>(std::move(settings), std::move(target));
}

std::string S3Client::describe() const {
  return fmt::format("bucket \"{}\" at {}", settings_.bucket, settings_.endpoint);
}

std::string S3Client::url_for(const S3Call& call, std::string& path) const {
  path = target_->base_path + "/" + call.key;
  std::string url = target_->scheme + "://" + target_->host + sigv4_uri_encode(path, true);
  if (!call.query.empty()) url += "?" + sigv4_canonical_query(call.query);
  return url;
}

Result<S3Response> S3Client::attempt(const S3Call& call, bool& retryable) const {
  retryable = false;
  CURL* h = thread_handle();
  if (!h) return fail(Error::internal("curl_unavailable", "libcurl could not create a handle."));

  std::string path;
  const std::string url = url_for(call, path);
  SigV4Request request{call.method, target_->host, path, call.query, call.headers};
  const std::uint64_t body_size = call.file ? call.file->length : call.body.size();
  if (call.method == "PUT" || call.method == "POST") {
    request.headers.emplace_back("Content-Length", std::to_string(body_size));
  }
  const std::string payload_hash =
      call.file ? std::string(kUnsignedPayload) : sha256_hex(call.body);
  const auto signed_headers = sigv4_sign_headers(
      request, {settings_.access_key_id, settings_.secret_access_key, settings_.region, "s3"},
      payload_hash, unix_now());

  CurlSlistPtr list;
  bool headers_ok = true;
  auto add = [&](const std::string& line) {
    // curl_slist_append returns the same head, or null (and leaves the list alone) on failure.
    if (curl_slist* grown = curl_slist_append(list.get(), line.c_str())) {
      (void)list.release();
      list.reset(grown);
    } else {
      headers_ok = false;
    }
  };
  add("Host: " + target_->host);
  for (const auto& [n, v] : request.headers) add(n + ": " + v);
  for (const auto& [n, v] : signed_headers) add(n + ": " + v);
  add("Expect:");  // no 100-continue round trip before every part

  if (call.sink_fd >= 0 &&
      (::ftruncate(call.sink_fd, 0) != 0 || ::lseek(call.sink_fd, 0, SEEK_SET) != 0)) {
    return fail(Error::internal("storage_sink_unwritable",
                                "The file receiving a download could not be reset."));
  }
  Transfer transfer;
  transfer.call = &call;
  transfer.stall_timeout = settings_.stall_timeout;
  char error_buffer[CURL_ERROR_SIZE] = {};
  const std::string user_agent = std::string("pitchreel/") + kVersion;
  bool ok = curl_easy_setopt(h, CURLOPT_URL, url.c_str()) == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_PROXY, "") == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                             static_cast<long>(settings_.connect_timeout.count())) == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L) == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress) == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_XFERINFODATA, &transfer) == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_HTTPHEADER, list.get()) == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer) == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer) == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer) == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_USERAGENT, user_agent.c_str()) == CURLE_OK;
  if (call.method == "HEAD") {
    ok = ok && curl_easy_setopt(h, CURLOPT_NOBODY, 1L) == CURLE_OK;
  } else if (call.method == "PUT" || call.method == "POST") {
    ok = ok && curl_easy_setopt(h, CURLOPT_UPLOAD, 1L) == CURLE_OK &&
         curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body_size)) ==
             CURLE_OK &&
         curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, call.method.c_str()) == CURLE_OK;
    if (call.file) {
      ok = ok && curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read) == CURLE_OK &&
           curl_easy_setopt(h, CURLOPT_READDATA, &transfer) == CURLE_OK &&
           curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, 512L * 1024) == CURLE_OK;
    }
  } else if (call.method != "GET") {
    ok = ok && curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, call.method.c_str()) == CURLE_OK;
  }
  // A string body goes through the same read callback, as a range of an in-memory buffer.
  struct MemoryBody {
    const std::string* text;
    std::size_t at = 0;
  } memory{&call.body};
  if (!call.file && (call.method == "PUT" || call.method == "POST")) {
    ok = ok &&
         curl_easy_setopt(
             h, CURLOPT_READFUNCTION,
             +[](char* buffer, std::size_t size, std::size_t count, void* user) -> std::size_t {
               auto& m = *static_cast<MemoryBody*>(user);
               const std::size_t n = std::min(size * count, m.text->size() - m.at);
               std::copy_n(m.text->data() + m.at, n, buffer);
               m.at += n;
               return n;
             }) == CURLE_OK &&
         curl_easy_setopt(h, CURLOPT_READDATA, &memory) == CURLE_OK;
  }
  if (!ok || !headers_ok) {
    return fail(Error::internal("curl_setup_failed", "libcurl rejected an option."));
  }

  const CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK) {
    if (transfer.read_failed) {
      return fail(Error::internal("storage_source_unreadable",
                                  "The file being uploaded could not be read."));
    }
    if (transfer.write_failed) {
      return fail(Error::unavailable("storage_sink_unwritable",
                                     "The file receiving a download could not be written (is "
                                     "the disk full?)."));
    }
    retryable = true;
    const bool timeout = code == CURLE_OPERATION_TIMEDOUT || transfer.stalled;
    const bool no_connection = code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST;
    return fail(Error::unavailable(
        timeout ? "storage_timeout" : "storage_unreachable",
        fmt::format("{} the S3 endpoint {} (bucket \"{}\"): {}. Is it running and reachable from "
                    "this machine?",
                    timeout         ? "Timed out talking to"
                    : no_connection ? "Cannot connect to"
                                    : "Lost the connection to",
                    settings_.endpoint, settings_.bucket,
                    transfer.stalled
                        ? fmt::format("nothing moved for {} ms", settings_.stall_timeout.count())
                    : error_buffer[0] ? std::string(error_buffer)
                                      : std::string(curl_easy_strerror(code)))));
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &transfer.response.status);
  auto& response = transfer.response;
  const long status = response.status;
  const bool error_body = response.body.find("<Error>") != std::string::npos;
  if (status >= 200 && status < 300 && !error_body) return std::move(response);

  const std::string s3_code = xml_field(response.body, "Code");
  const std::string s3_message = xml_field(response.body, "Message");
  const std::string said = s3_code.empty()
                               ? fmt::format("HTTP {}", status)
                               : fmt::format("HTTP {} {}{}", status, s3_code,
                                             s3_message.empty() ? "" : ": " + s3_message);
  if (status == 401 || status == 403) {
    return fail(Error::invalid(
        "storage_auth_failed",
        fmt::format("The S3 endpoint {} refused our credentials for bucket \"{}\" ({}). Check "
                    "S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY (R2_ACCESS_KEY_ID / "
                    "R2_SECRET_ACCESS_KEY) and that the key may read and write this bucket.",
                    settings_.endpoint, settings_.bucket, said)));
  }
  if (status == 404 && s3_code == "NoSuchBucket") {
    return fail(Error::invalid(
        "storage_bucket_missing",
        fmt::format("The bucket \"{}\" does not exist at the S3 endpoint {}. Create it, or fix "
                    "S3_BUCKET (R2_BUCKET_NAME).",
                    settings_.bucket, settings_.endpoint)));
  }
  if (status == 404 && (s3_code.empty() || s3_code == "NoSuchKey")) {
    return fail(Error::invalid(std::string(kObjectNotFound),
                               fmt::format("No object \"{}\" in {}.", call.key, describe())));
  }
  if (status >= 500 || status == 429 || (error_body && status < 300)) {
    retryable = true;
    return fail(Error::unavailable(
        "storage_unavailable",
        fmt::format("The S3 endpoint {} (bucket \"{}\") failed to {} \"{}\" ({}). It may be "
                    "overloaded or down; try again later.",
                    settings_.endpoint, settings_.bucket, call.method, call.key, said)));
  }
  return fail(Error::internal(
      "storage_request_rejected",
      fmt::format("The S3 endpoint {} (bucket \"{}\") rejected {} \"{}\" ({}).", settings_.endpoint,
                  settings_.bucket, call.method, call.key, said)));
}

Result<S3Response> S3Client::call(const S3Call& call) const {
  for (int attempt_no = 1;; ++attempt_no) {
    bool retryable = false;
    auto result = attempt(call, retryable);
    if (result || !retryable || attempt_no >= settings_.max_attempts) {
      if (!result && retryable) {
        spdlog::warn("s3 request failed method={} key={} attempts={} code={}", call.method,
                     call.key, attempt_no, result.error().code);
      }
      return result;
    }
    const auto wait = backoff(settings_, attempt_no - 1);
    spdlog::info("s3 request retry method={} key={} attempt={} code={} wait_ms={}", call.method,
                 call.key, attempt_no, result.error().code, wait.count());
    std::this_thread::sleep_for(wait);
  }
}

std::string S3Client::presigned_get(const std::string& key, int lifetime_s,
                                    std::string_view download_name, std::int64_t now) const {
  const std::string path = target_->base_path + "/" + key;
  SigV4Request request{"GET", target_->host, path, {}, {}};
  if (!download_name.empty()) {
    request.query.emplace_back("response-content-disposition",
                               fmt::format("attachment; filename=\"{}\"", download_name));
  }
  const auto query = sigv4_presign_query(
      request, {settings_.access_key_id, settings_.secret_access_key, settings_.region, "s3"}, now,
      std::clamp(lifetime_s, 1, 604800));
  return target_->scheme + "://" + target_->host + sigv4_uri_encode(path, true) + "?" + query;
}

}  // namespace pitchreel

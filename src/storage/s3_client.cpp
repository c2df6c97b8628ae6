#include "storage/s3_client.h"

#include <unistd.h>

#include <algorithm>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "fetch/http_call.h"
#include "fetch/url_parts.h"
#include "storage/object_store.h"

namespace pitchreel {

struct S3Client::Target {
  std::string scheme;     // http or https
  std::string host;       // Host header: name[:port], bucket-prefixed when virtual-hosted
  std::string base_path;  // "/bucket" when path-style, else ""
};

namespace {

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

  const auto invalid_endpoint = [&] {
    return bad(
        fmt::format("S3_ENDPOINT \"{}\" is not a URL like https://host[:port] (no path, "
                    "query or user name).",
                    settings.endpoint));
  };
  const auto parts = fetch::split_url(settings.endpoint);
  if (!parts) return invalid_endpoint();
  auto target = std::make_unique<Target>();
  target->scheme = parts->scheme;
  const std::string& host = parts->host;
  const std::string& port = parts->port;
  if ((target->scheme != "http" && target->scheme != "https") || host.empty() ||
      !(parts->path.empty() || parts->path == "/") || !parts->query.empty() ||
      !parts->user.empty()) {
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

namespace {

// What a failed exchange means for the store: the stable error code, and whether another
// attempt may succeed (the network and the server's load are worth one; our own files and
// libcurl's set-up are not).
Error exchange_error(const fetch::CallFailure& failure, const S3Settings& settings,
                     bool& retryable) {
  using Kind = fetch::CallFailure::Kind;
  retryable = false;
  switch (failure.kind) {
    case Kind::kSourceFailed:
      return Error::internal("storage_source_unreadable",
                             "The file being uploaded could not be read.");
    case Kind::kSinkFailed:
      return Error::unavailable("storage_sink_unwritable",
                                "The file receiving a download could not be written (is the "
                                "disk full?).");
    case Kind::kMalformedUrl:
    case Kind::kInternal:
    case Kind::kAborted:       // no on_tick is given
    case Kind::kPinViolation:  // the endpoint is trusted configuration: never pinned
    case Kind::kTooLarge:      // answers go through a sink, which has no cap
      return Error::internal("storage_request_failed",
                             fmt::format("Could not send a request to the S3 endpoint {}: {}.",
                                         settings.endpoint, failure.detail));
    case Kind::kConnectTimeout:
    case Kind::kTimeout:
    case Kind::kDns:
    case Kind::kRefused:
    case Kind::kReset:
    case Kind::kTls:
      break;
  }
  retryable = true;
  const bool timeout = failure.kind == Kind::kTimeout || failure.kind == Kind::kConnectTimeout;
  const bool no_connection = failure.kind == Kind::kRefused || failure.kind == Kind::kDns;
  return Error::unavailable(
      timeout ? "storage_timeout" : "storage_unreachable",
      fmt::format("{} the S3 endpoint {} (bucket \"{}\"): {}. Is it running and reachable from "
                  "this machine?",
                  timeout         ? "Timed out talking to"
                  : no_connection ? "Cannot connect to"
                                  : "Lost the connection to",
                  settings.endpoint, settings.bucket, failure.detail));
}

}  // namespace

Result<S3Response> S3Client::attempt(const S3Call& call, bool& retryable) const {
  retryable = false;
  std::string path;
  fetch::CallRequest request;
  request.method = call.method;
  request.url = url_for(call, path);
  SigV4Request signing{call.method, target_->host, path, call.query, call.headers};
  const bool sends_body = call.method == "PUT" || call.method == "POST";
  if (sends_body) {
    request.body_source = call.file ? fetch::file_range_source(call.file->fd, call.file->offset,
                                                               call.file->length)
                                    : fetch::memory_source(call.body);
    signing.headers.emplace_back("Content-Length", std::to_string(request.body_source->length));
  }
  const std::string payload_hash =
      call.file ? std::string(kUnsignedPayload) : sha256_hex(call.body);
  const auto signed_headers = sigv4_sign_headers(
      signing, {settings_.access_key_id, settings_.secret_access_key, settings_.region, "s3"},
      payload_hash, unix_now());
  request.headers.push_back("Host: " + target_->host);
  for (const auto& [n, v] : signing.headers) request.headers.push_back(n + ": " + v);
  for (const auto& [n, v] : signed_headers) request.headers.push_back(n + ": " + v);
  request.headers.emplace_back("Expect:");  // no 100-continue round trip before every part
  request.connect_timeout = settings_.connect_timeout;
  // A long upload that keeps moving is never cut; one where nothing moves is.
  request.total_timeout = std::chrono::milliseconds::max();
  request.stall_timeout = settings_.stall_timeout;
  request.reuse_connection = true;
  request.direct = true;

  if (call.sink_fd >= 0 &&
      (::ftruncate(call.sink_fd, 0) != 0 || ::lseek(call.sink_fd, 0, SEEK_SET) != 0)) {
    return fail(Error::internal("storage_sink_unwritable",
                                "The file receiving a download could not be reset."));
  }
  // A 2xx answer's body goes to the download's file when there is one; any other body is an
  // error document (or a listing) and is kept, up to kMaxKeptBody.
  S3Response response;
  request.body_sink = [&](long status, std::string_view piece) {
    if (call.sink_fd >= 0 && status >= 200 && status < 300) {
      for (std::size_t done = 0; done < piece.size();) {
        const ssize_t n = ::write(call.sink_fd, piece.data() + done, piece.size() - done);
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
      }
      return true;
    }
    const std::size_t room = kMaxKeptBody - std::min(kMaxKeptBody, response.body.size());
    response.body.append(piece.substr(0, room));
    return true;
  };

  auto exchanged = fetch::http_call(request);
  if (!exchanged) return fail(exchange_error(exchanged.error(), settings_, retryable));
  response.status = exchanged->status;
  response.headers = std::move(exchanged->headers);
  const long status = response.status;
  const bool error_body = response.body.find("<Error>") != std::string::npos;
  if (status >= 200 && status < 300 && !error_body) return response;

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

// S3Client: one bucket of an S3-compatible service (Cloudflare R2, AWS S3, MinIO, ...), every
// request signed with SigV4 (sigv4.h) and sent by pitchreel's one HTTP client
// (fetch/http_call.h), which streams bodies from file ranges and answers to files. This layer
// knows how to reach the bucket (path-style or virtual-hosted), which failures are worth
// another try, and how to say what went wrong without ever naming the secret.
//
// Retries: connection errors, timeouts, HTTP 5xx and 429 (R2's "slow down") are tried again
// up to max_attempts times with jittered exponential backoff; every other answer is
// final. 401/403 become Error::invalid("storage_auth_failed", ...) naming the endpoint and
// bucket: an operator must fix the credentials, so a job must not retry them either.
//
// Thread safety: call() may run concurrently from any thread. Requests ask the HTTP client
// for connection reuse, so consecutive requests from a thread share a kept-alive connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/status.h"
#include "storage/sigv4.h"

namespace pitchreel {

struct S3Settings {
  std::string endpoint;  // scheme://host[:port], e.g. https://<account>.r2.cloudflarestorage.com
  std::string region = "auto";
  std::string bucket;
  std::string access_key_id;
  std::string secret_access_key;
  bool force_path_style = true;          // endpoint/bucket/key; else bucket.endpoint/key
  std::string public_base_url;           // public URL mode when set: {base}/{key}
  std::uint64_t part_size = 8ull << 20;  // multipart above this; S3's minimum part is 5 MiB
  int upload_concurrency = 4;            // parts of one multipart upload sent at once
  int max_attempts = 4;
  std::chrono::milliseconds backoff_base{250};
  std::chrono::milliseconds backoff_cap{8000};
  std::chrono::milliseconds connect_timeout{5000};
  // A request that moves no byte (either way) for this long is abandoned (and retried),
  // measured by our own progress callback: a slow store
  // cannot hold a worker forever, while a long upload that keeps moving is never cut.
  std::chrono::milliseconds stall_timeout{30000};
};

// A part of a file sent as a request body, read with pread as the HTTP client asks for it.
struct FileRange {
  int fd = -1;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

struct S3Call {
  std::string method;  // GET, HEAD, PUT, POST, DELETE
  std::string key;     // empty: the bucket itself
  SigV4Pairs query;
  SigV4Pairs headers;  // signed and sent
  std::string body;    // used when `file` is empty
  std::optional<FileRange> file;
  // GET: a 2xx answer's body is written to this descriptor (from offset 0, the file
  // truncated at each attempt) instead of being kept in S3Response::body; -1: kept.
  int sink_fd = -1;
};

struct S3Response {
  long status = 0;
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;                            // at most 1 MiB is kept
};

class S3Client {
 public:
  // Checks the endpoint (http/https URL without path, query or credentials) and the bucket
  // name; Error::invalid("config_invalid") says which setting is wrong.
  static Result<std::unique_ptr<S3Client>> create(S3Settings settings);
  ~S3Client();

  // Sends `call`, retrying transient failures. Any HTTP answer that is not 2xx becomes an
  // Error (see the file comment); 404 becomes kObjectNotFound, or storage_bucket_missing when
  // S3 says NoSuchBucket. A 200 whose XML body is an <Error> (CompleteMultipartUpload can
  // answer so) is an error too.
  Result<S3Response> call(const S3Call& call) const;

  // A URL for GET of `key` valid for `lifetime_s` seconds; with a download name, the answer
  // carries Content-Disposition: attachment. Only Host is signed.
  std::string presigned_get(const std::string& key, int lifetime_s, std::string_view download_name,
                            std::int64_t now) const;

  // "s3 (bucket at endpoint)", for logs and error messages.
  std::string describe() const;
  const S3Settings& settings() const { return settings_; }

  struct Target;  // where requests go: URL prefix and Host header

  S3Client(S3Settings settings, std::unique_ptr<Target> target);

 private:
  Result<S3Response> attempt(const S3Call& call, bool& retryable) const;
  std::string url_for(const S3Call& call, std::string& host) const;

  S3Settings settings_;
  std::unique_ptr<Target> target_;
};

}  // namespace pitchreel

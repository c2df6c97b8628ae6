// AWS Signature Version 4 for the S3 API: the Authorization header of a request and
// presigned (query-string) URLs, built to the published specification
// (docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html).
//
// libcurl's own CURLOPT_AWS_SIGV4 is not used: the libcurl in Debian 12 (7.88) neither adds
// nor signs x-amz-content-sha256, which S3 requires on every request, and it cannot presign
// URLs. One signer for both keeps the rules in one place.
//
// Pure functions of their inputs (the time is a parameter), so they are thread safe and
// testable against the AWS example requests. Secrets never appear in what they return
// except as the HMAC-derived signature.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pitchreel {

using SigV4Pairs = std::vector<std::pair<std::string, std::string>>;

struct SigV4Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string region;  // "auto" for Cloudflare R2
  std::string service = "s3";
};

struct SigV4Request {
  std::string method;  // GET, PUT, HEAD, POST, DELETE
  std::string host;    // the Host header as sent: "bucket.s3.amazonaws.com", "127.0.0.1:9000"
  std::string path;    // raw (not percent-encoded) absolute path, e.g. "/bucket/a b.txt"
  SigV4Pairs query;    // raw names and values; a valueless parameter ("?uploads") has ""
  SigV4Pairs headers;  // headers to sign besides Host, any case; values as sent
};

// Hex SHA-256 of an empty body, and the marker for a body that is not hashed (streamed
// uploads: hashing would mean reading every byte twice; TLS protects the body in transit).
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

// RFC 3986 percent-encoding as SigV4 wants it: A-Z a-z 0-9 - _ . ~ stay, everything else
// becomes %XX (uppercase); '/' stays only when `keep_slash` (object paths).
std::string sigv4_uri_encode(std::string_view text, bool keep_slash);

// The query string as sent and as signed: pairs encoded, sorted by name then value,
// "name=value" joined with '&' (a valueless parameter becomes "name=").
std::string sigv4_canonical_query(const SigV4Pairs& query);

// "20130524T000000Z" for a unix time.
std::string sigv4_timestamp(std::int64_t unix_seconds);

// Lowercase hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

// The headers to add to `request` so it is signed at `now`: x-amz-date,
// x-amz-content-sha256 (= `payload_hash`) and Authorization. Headers in `request` named
// x-amz-date or x-amz-content-sha256 are ignored (these are the signer's).
SigV4Pairs sigv4_sign_headers(const SigV4Request& request, const SigV4Credentials& credentials,
                              std::string_view payload_hash, std::int64_t now);

// The query string of a presigned URL for `request` (its own query parameters included),
// valid for `expires_s` seconds (1 to 604800) from `now`. Only Host is signed, so the URL
// works from any client; the payload is UNSIGNED-PAYLOAD.
std::string sigv4_presign_query(const SigV4Request& request, const SigV4Credentials& credentials,
                                std::int64_t now, int expires_s);

}  // namespace pitchreel

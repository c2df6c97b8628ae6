// Object keys: how stored files are named, and the checks that keep a key inside its
// organisation's folder. The video key shape is an outside contract kept from the seed:
//   {organization_id}/videos/ai-generated/product-{productId}-{random}.mp4
// with the poster (.jpg) and captions (.vtt) beside it under the same stem.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace pitchreel {

// Keys longer than this are rejected; S3 allows 1024 bytes, and ours are far shorter.
inline constexpr std::size_t kMaxObjectKeyLength = 512;

// Ok when `key` is a relative path of non-empty segments over [A-Za-z0-9._-] separated by
// '/', at most kMaxObjectKeyLength bytes, with no segment starting with '.' (which rules out
// "." and ".." traversal and keeps the store's own hidden folders, e.g. ".tmp", out of
// reach). Else Error::internal("invalid_storage_key"): keys come from our code, so a bad one
// is a bug. Keys that pass need no escaping in a URL path.
Status check_object_key(std::string_view key);

// A productId from a request: [A-Za-z0-9_-]{1,64}, returned unchanged. Else
// Error::invalid("invalid_product_id", ...) quoting the value, escaped and cut short.
Result<std::string> validate_product_id(std::string_view product_id);

// The folder of finished videos inside an organisation's: "{org}" + kVideoFolder + "{stem}.mp4".
inline constexpr std::string_view kVideoFolder = "/videos/ai-generated/";

struct VideoKeys {
  std::string video;      // {org}/videos/ai-generated/{stem}.mp4
  std::string poster;     // {org}/videos/ai-generated/{stem}.jpg
  std::string captions;   // {org}/videos/ai-generated/{stem}.vtt
  std::string file_name;  // {stem}.mp4, the seed's "fileName" and the download name
};

// Fresh keys for one video. stem = "product-{productId}-{random}", or "product-{random}" when
// the request had no productId (empty `product_id`): the random part always has the same
// length, so both forms parse unambiguously and no real product id (e.g. "none") is faked.
// random = 12 characters of lowercase base32 (60 bits from RAND_bytes): the key is the only
// secret of an object behind a public bucket URL, so it must not be guessable.
// Errors: invalid_product_id (as validate_product_id), Error::internal("invalid_organization_id")
// unless the id is one segment of [A-Za-z0-9_-]{1,64}, Error::internal("random_unavailable").
Result<VideoKeys> make_video_keys(std::string_view organization_id, std::string_view product_id);

// A job's inputs (uploaded image, avatar, music, fetched imageUrl content) with STORAGE=s3:
//   {organization_id}/inputs/{job_id}/{name}
// so any worker on any node can download them; removed when the job ends.
inline constexpr std::string_view kInputFolder = "/inputs/";

// The key of input `name` ("image", "avatar", "music") of a job. Error::internal("invalid_input_key")
// unless organisation and job ids are one segment of [A-Za-z0-9_-]{1,64} and name is too.
Result<std::string> make_input_key(std::string_view organization_id, std::string_view job_id,
                                   std::string_view name);

// The folder listing one organisation's inputs: "{organization_id}/inputs/".
std::string input_prefix(std::string_view organization_id);

// The job id an input key belongs to, when `key` has the input key shape.
std::optional<std::string> job_id_of_input_key(std::string_view key);

}  // namespace pitchreel

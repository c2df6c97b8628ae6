#include "storage/object_keys.h"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <array>

namespace pitchreel {
namespace {

constexpr std::size_t kMaxIdLength = 64;
constexpr std::size_t kRandomChars = 12;

bool is_id_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

bool is_id(std::string_view s) {
  if (s.empty() || s.size() > kMaxIdLength) return false;
  for (char c : s) {
    if (!is_id_char(c)) return false;
  }
  return true;
}

// Quotes untrusted bytes for an error message: printable ASCII as is, everything else as
// \xNN, at most 64 input bytes, so a message can neither break a log line nor grow unbounded.
std::string quoted(std::string_view value) {
  std::string out = "\"";
  for (char c : value.substr(0, kMaxIdLength)) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && c != '"' && c != '\\') {
      out += c;
    } else {
      out += fmt::format("\\x{:02x}", u);
    }
  }
  out += value.size() > kMaxIdLength ? "\"..." : "\"";
  return out;
}

Status bad_key(std::string_view key, std::string_view why) {
  return fail(Error::internal("invalid_storage_key",
                              fmt::format("Storage key {} is invalid: {}.", quoted(key), why)));
}

Result<std::string> random_base32(std::size_t chars) {
  static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz234567";
  std::array<unsigned char, 32> bytes{};
  if (chars > bytes.size() || RAND_bytes(bytes.data(), static_cast<int>(chars)) != 1) {
    return fail(Error::internal("random_unavailable",
                                "The system random number generator failed; try again."));
  }
  // One byte per character, keeping its low 5 bits: 256 is a multiple of 32, so uniform.
  std::string out;
  for (std::size_t i = 0; i < chars; ++i) out += kAlphabet[bytes[i] & 31u];
  return out;
}

}  // namespace

Status check_object_key(std::string_view key) {
  if (key.empty()) return bad_key(key, "it is empty");
  if (key.size() > kMaxObjectKeyLength) {
    return bad_key(
        key, fmt::format("it has {} bytes; the limit is {}", key.size(), kMaxObjectKeyLength));
  }
  for (char c : key) {
    if (!is_id_char(c) && c != '.' && c != '/') {
      return bad_key(key, "only letters, digits, '.', '-', '_' and '/' are allowed");
    }
  }
  std::size_t start = 0;
  while (true) {
    const auto end = key.find('/', start);
    const auto segment = key.substr(start, end == std::string_view::npos ? end : end - start);
    if (segment.empty()) return bad_key(key, "it has an empty path segment (or starts with '/')");
    if (segment.front() == '.') return bad_key(key, "a path segment starts with '.'");
    if (end == std::string_view::npos) return {};
    start = end + 1;
  }
}

Result<std::string> validate_product_id(std::string_view product_id) {
  if (!is_id(product_id)) {
    return fail(Error::invalid(
        "invalid_product_id",
        fmt::format("productId may only contain letters, digits, '-' and '_' (1 to 64 "
                    "characters); got {}.",
                    quoted(product_id))));
  }
  return std::string(product_id);
}

Result<VideoKeys> make_video_keys(std::string_view organization_id, std::string_view product_id) {
  if (!is_id(organization_id)) {
    return fail(Error::internal(
        "invalid_organization_id",
        fmt::format("Organization id {} cannot name a storage folder.", quoted(organization_id))));
  }
  if (!product_id.empty()) {
    if (auto valid = validate_product_id(product_id); !valid) return fail(valid.error());
  }
  auto random = random_base32(kRandomChars);
  if (!random) return fail(random.error());
  const auto stem = product_id.empty() ? fmt::format("product-{}", *random)
                                       : fmt::format("product-{}-{}", product_id, *random);
  const auto folder = fmt::format("{}{}", organization_id, kVideoFolder);
  return VideoKeys{folder + stem + ".mp4", folder + stem + ".jpg", folder + stem + ".vtt",
                   stem + ".mp4"};
}

Result<std::string> make_input_key(std::string_view organization_id, std::string_view job_id,
                                   std::string_view name) {
  if (!is_id(organization_id) || !is_id(job_id) || !is_id(name)) {
    return fail(Error::internal(
        "invalid_input_key",
        fmt::format("No input key for organisation {}, job {}, name {}.", quoted(organization_id),
                    quoted(job_id), quoted(name))));
  }
  return fmt::format("{}{}{}/{}", organization_id, kInputFolder, job_id, name);
}

std::string input_prefix(std::string_view organization_id) {
  return fmt::format("{}{}", organization_id, kInputFolder);
}

std::optional<std::string> job_id_of_input_key(std::string_view key) {
  const auto folder = key.find(kInputFolder);
  if (folder == std::string_view::npos || !is_id(key.substr(0, folder))) return std::nullopt;
  const auto rest = key.substr(folder + kInputFolder.size());
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto job_id = rest.substr(0, slash);
  if (!is_id(job_id)) return std::nullopt;
  return std::string(job_id);
}

}  // namespace pitchreel

// BodySource: a request body that http_call (http_call.h) reads piece by piece instead of
// holding it in memory, such as a part of a multi-gigabyte video sent to object storage.
// Its length is known before the call (sent as Content-Length). Reads are positional, so one
// source serves every attempt of a retried request without being reset.
//
// A source only borrows what it reads from: the descriptor or bytes must outlive the call.
// One call reads a source from one thread; the factories' sources keep no state of their own,
// so one source may serve several calls in turn (the attempts of a retried request).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>

namespace pitchreel::fetch {

struct BodySource {
  std::uint64_t length = 0;
  // Copies the body's bytes from `offset` into `buffer` (never past `length`) and returns how
  // many: at least one while offset < length. nullopt: the source failed (the call then fails
  // with CallFailure::kSourceFailed).
  std::function<std::optional<std::size_t>(std::uint64_t offset, std::span<char> buffer)> read;
};

// The bytes [offset, offset + length) of the open file `fd`, read with pread. A file that ends
// early is a failure, not a short body.
BodySource file_range_source(int fd, std::uint64_t offset, std::uint64_t length);

// `bytes` itself (not copied).
BodySource memory_source(std::string_view bytes);

}  // namespace pitchreel::fetch

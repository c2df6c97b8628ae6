// Limits the HTTP engine enforces itself, below the routes, whatever the framing of a
// request (Content-Length, chunked, or none). Each has an environment variable (see
// docs/http.md and core/config.cpp); the defaults suit a public server.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace pitchreel::http {

struct Limits {
  std::uint64_t max_body_bytes = 25ull << 20;  // PITCHREEL_MAX_BODY_MB: 413 beyond
  std::size_t max_header_bytes = 64 * 1024;   // request line + all fields: 431 beyond
  std::size_t max_header_line = 8 * 1024;     // the request line or one field: 431 beyond
  std::size_t max_headers = 100;              // fields: 431 beyond
  // From the end of the previous request (or the connection's start) to the end of the
  // headers: a client that trickles its headers is cut here.
  std::chrono::seconds header_timeout{10};
  // For the whole body once the headers are in.
  std::chrono::seconds body_timeout{120};
  // One write (a buffer of up to 64 KiB) to a client that does not read.
  std::chrono::seconds write_timeout{60};
  std::size_t max_connections = 20000;
  std::size_t max_connections_per_client = 256;  // by remote IP address
  std::size_t handler_threads = 32;              // routes' blocking work (database, renders' queueing)
  std::size_t io_threads = 2;                    // sockets; never block
};

}  // namespace pitchreel::http

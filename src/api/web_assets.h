// The web UI's files (web/), compiled into the binary by cmake/embed_web.cmake.
//
// Contract: web_assets() lists every file under web/ once, sorted by path; `path` is the
// URL path ("/index.html", "/js/main.js"), `etag` a quoted strong validator (a prefix of
// the file's SHA-256), `body` the file's bytes. The data is immutable and lives for the
// whole program: safe to read from any thread.
#pragma once

#include <span>
#include <string_view>

namespace pitchreel::api {

struct WebAsset {
  std::string_view path;
  std::string_view body;
  std::string_view etag;
};

std::span<const WebAsset> web_assets();

}  // namespace pitchreel::api

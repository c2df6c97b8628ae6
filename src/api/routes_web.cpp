// The web UI at `/`: the embedded files of web/ (api/web_assets.h) with their content
// types, ETag revalidation (If-None-Match answers 304) and a Content-Security-Policy that
// lets the page run only its own scripts. `/` serves index.html. Each file gets its own
// exact route, so the UI can never shadow an API path.
#include <array>
#include <utility>

#include "api/routes.h"
#include "api/web_assets.h"

namespace pitchreel::api {
namespace {

std::string_view content_type_for(std::string_view path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".json", "application/json"},
      {".webmanifest", "application/manifest+json"},
  }};
  for (const auto& [ext, type] : kTypes) {
    if (path.ends_with(ext)) return type;
  }
  return "application/octet-stream";
}

// Route patterns are regular expressions; web paths hold only [A-Za-z0-9_./-]
// (enforced by the embedding step), of which only '.' means something there.
std::string exact_route(std::string_view path) {
  std::string route;
  for (char c : path) {
    if (c == '.') route += '\\';
    route += c;
  }
  return route;
}

// Media (video, posters) may come from a signed local URL or a bucket on another host;
// scripts, styles and API calls only from this server.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src * data: blob:; media-src * blob:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'";

void serve_asset(const WebAsset& asset, const http::Request& req, http::Response& res) {
  // The files are not fingerprinted, so the browser revalidates every time: a 304 costs
  // one small round trip, and a new binary's UI is picked up at once.
  res.set_header("Cache-Control", "no-cache");
  res.set_header("ETag", std::string(asset.etag));
  res.set_header("Content-Security-Policy", kContentSecurityPolicy);
  res.set_header("Referrer-Policy", "no-referrer");
  const auto match = req.get_header_value("If-None-Match");
  if (!match.empty() &&
      (match == asset.etag || match == "*" || match.find(asset.etag) != std::string::npos)) {
    res.status = 304;
    return;
  }
  res.set_content(asset.body.data(), asset.body.size(), std::string(content_type_for(asset.path)));
}

}  // namespace

void register_web_routes(HttpServer& server) {
  for (const auto& asset : web_assets()) {
    const auto handler = [&asset](const http::Request& req, http::Response& res) {
      serve_asset(asset, req, res);
    };
    server.raw().Get(exact_route(asset.path), handler);
    if (asset.path == "/index.html") server.raw().Get("/", handler);
  }
}

}  // namespace pitchreel::api

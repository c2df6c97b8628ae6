#include "api/routes_files.h"

#include <chrono>
#include <random>

#include "http/byte_ranges.h"

namespace pitchreel::api {
namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Error link_expired() {
  return Error::invalid("link_expired",
                        "This link has expired or is not valid. Ask the API for a fresh one "
                        "(GET /api/v1/videos/{id}).");
}

std::string content_range(const http::ByteRange& r, std::uint64_t size) {
  return "bytes " + std::to_string(r.first) + "-" + std::to_string(r.last) + "/" + std::to_string(size);
}

}  // namespace

std::string signed_file_path(const UrlSigner& signer, const std::string& key, int lifetime_s) {
  return "/files/" + key + "?" + signer.sign(key, unix_now() + lifetime_s);
}

void register_file_routes(HttpServer& server, ObjectStore& store, const UrlSigner& signer) {
  server.raw().Get(R"(/files/(.+))", [&store, &signer](const http::Request& req,
                                                       http::Response& res) {
    const std::string key = req.matches[1];
    std::int64_t expires = 0;
    try {
      expires = std::stoll(req.get_param_value("expires"));
    } catch (...) {
      expires = 0;
    }
    if (!signer.verify(key, expires, req.get_param_value("sig"), unix_now())) {
      send_error(res, link_expired());
      res.status = 403;
      return;
    }
    auto info = store.stat(key);
    if (!info) {
      send_error(res, info.error().code == kObjectNotFound
                          ? Error::invalid("not_found", "This file no longer exists.")
                          : info.error());
      return;
    }
    auto path = store.local_path(key);
    if (!path) {
      send_error(res, path.error());
      return;
    }
    // One descriptor for the whole answer: a concurrent replace or delete cannot tear it.
    auto file = http::OpenFile::open(*path);
    if (!file) {
      send_error(res, Error::invalid("not_found", "This file no longer exists."));
      return;
    }
    const auto max_age = std::max<std::int64_t>(0, expires - unix_now());
    res.set_header("Cache-Control", "private, max-age=" + std::to_string(max_age));
    res.set_header("Accept-Ranges", "bytes");
    if (!info->download_name.empty()) {
      const bool attachment = req.get_param_value("download") == "1";
      res.set_header("Content-Disposition", std::string(attachment ? "attachment" : "inline") +
                                                "; filename=\"" + info->download_name + "\"");
    }
    const auto size = file->size();
    const auto range = http::parse_byte_ranges(req.get_header_value("Range"), size);
    switch (range.kind) {
      case http::RangeRequest::Kind::kWhole:
        res.set_pieces({http::FileSlice{std::move(file), 0, size}}, info->content_type);
        return;
      case http::RangeRequest::Kind::kUnsatisfiable:
        send_error(res, Error::invalid("range_not_satisfiable",
                                       "The requested range is outside the file, which has " +
                                           std::to_string(size) + " bytes."));
        res.status = 416;
        res.set_header("Content-Range", "bytes */" + std::to_string(size));
        return;
      case http::RangeRequest::Kind::kPartial:
        break;
    }
    res.status = 206;
    if (range.ranges.size() == 1) {
      const auto& r = range.ranges.front();
      res.set_header("Content-Range", content_range(r, size));
      res.set_pieces({http::FileSlice{std::move(file), r.first, r.length()}}, info->content_type);
      return;
    }
    // Several ranges: multipart/byteranges (RFC 9110 14.6), each part with its own range.
    const std::string boundary = "pitchreel-" + std::to_string(std::random_device{}()) +
                                 std::to_string(std::random_device{}());
    std::vector<http::BodyPiece> pieces;
    for (const auto& r : range.ranges) {
      pieces.emplace_back("\r\n--" + boundary + "\r\nContent-Type: " + info->content_type +
                          "\r\nContent-Range: " + content_range(r, size) + "\r\n\r\n");
      pieces.emplace_back(http::FileSlice{file, r.first, r.length()});
    }
    pieces.emplace_back("\r\n--" + boundary + "--\r\n");
    res.set_pieces(std::move(pieces), "multipart/byteranges; boundary=" + boundary);
  });
}

}  // namespace pitchreel::api

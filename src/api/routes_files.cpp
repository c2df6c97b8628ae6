#include "api/routes_files.h"

#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <memory>

namespace pitchreel::api {
namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f) std::fclose(f);
  }
};

Error link_expired() {
  return Error::invalid("link_expired",
                        "This link has expired or is not valid. Ask the API for a fresh one "
                        "(GET /api/v1/videos/{id}).");
}

}  // namespace

std::string signed_file_path(const UrlSigner& signer, const std::string& key, int lifetime_s) {
  return "/files/" + key + "?" + signer.sign(key, unix_now() + lifetime_s);
}

void register_file_routes(HttpServer& server, ObjectStore& store, const UrlSigner& signer) {
  server.raw().Get(R"(/files/(.+))", [&store, &signer](const httplib::Request& req,
                                                       httplib::Response& res) {
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
    std::shared_ptr<std::FILE> file(std::fopen(path->c_str(), "rb"), FileCloser{});
    struct stat st {};
    if (!file || ::fstat(fileno(file.get()), &st) != 0) {
      send_error(res, Error::invalid("not_found", "This file no longer exists."));
      return;
    }
    const auto size = static_cast<std::size_t>(st.st_size);
    const auto max_age = std::max<std::int64_t>(0, expires - unix_now());
    res.set_header("Cache-Control", "private, max-age=" + std::to_string(max_age));
    res.set_header("Accept-Ranges", "bytes");
    if (!info->download_name.empty()) {
      const bool attachment = req.get_param_value("download") == "1";
      res.set_header("Content-Disposition", std::string(attachment ? "attachment" : "inline") +
                                                "; filename=\"" + info->download_name + "\"");
    }
    res.set_content_provider(
        size, info->content_type,
        [file](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
          char buffer[64 * 1024];
          if (std::fseek(file.get(), static_cast<long>(offset), SEEK_SET) != 0) return false;
          while (length > 0) {
            const std::size_t n = std::fread(buffer, 1, std::min(length, sizeof buffer), file.get());
            if (n == 0) return false;
            if (!sink.write(buffer, n)) return false;
            length -= n;
          }
          return true;
        });
  });
}

}  // namespace pitchreel::api

#include "api/http_error.h"

#include <map>

namespace pitchreel::api {

int http_status_for(const Error& error) {
  static const std::map<std::string, int> by_code = {
      {"unauthorized", 401},
      {"forbidden", 403},
      {"operator_token_required", 401},
      {"operator_access_off", 403},
      {"not_found", 404},
      {"job_not_cancelable", 409},
      {"body_too_large", 413},
      {"image_too_large", 413},
      {"image_url_too_large", 413},
      {"image_unreadable", 415},
      {"music_too_long", 413},
      {"music_url_too_large", 413},
      {"music_unreadable", 415},
      {"music_url_timeout", 504},
      {"music_url_unreachable", 502},
      {"unsupported_media_type", 415},
      {"rate_limited", 429},
      {"queue_full", 503},
      {"database_busy", 503},
      {"gpu_unreachable", 502},
      {"gpu_timeout", 504},
      {"image_url_timeout", 504},
      {"image_url_unreachable", 502},
      // The object store is the server's upstream: its refusals are a bad gateway, not the
      // client's bad request.
      {"storage_auth_failed", 502},
      {"storage_bucket_missing", 502},
      {"storage_unreachable", 502},
      {"storage_timeout", 504},
  };
  if (auto it = by_code.find(error.code); it != by_code.end()) return it->second;
  switch (error.kind) {
    case ErrorKind::kInvalidInput: return 400;
    case ErrorKind::kUnavailable: return 503;
    case ErrorKind::kInternal: return 500;
  }
  return 500;
}

nlohmann::json error_body(const Error& error, const std::string& request_id) {
  const bool internal = error.kind == ErrorKind::kInternal;
  return {{"success", false},
          {"code", internal ? "internal_error" : error.code},
          {"error", internal ? "Something went wrong on the server. Quote request id " + request_id +
                                   " when you report it."
                             : error.message},
          {"requestId", request_id}};
}

}  // namespace pitchreel::api

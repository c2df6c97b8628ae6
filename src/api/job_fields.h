// JobFields: the fields of a job request (POST /api/v1/jobs, the seed's generate-video),
// whichever encoding they came in: multipart/form-data (files as parts) or a JSON object
// (files as base64 or base64 data: URLs). Only reads and decodes; what the fields must
// contain is checked by the caller (job_submission.cpp).
//
// Errors (Error::invalid): "unsupported_media_type" (neither encoding), "invalid_json"
// (the body is not a JSON object), "image_not_base64" (an image or portrait field that is
// not base64), "music_not_base64" (the same for `music`).
// Strings, booleans and numbers become text; other JSON values are ignored.
// Thread safety: a pure function of the request.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/status.h"
#include "http/request.h"

namespace pitchreel::api {

struct JobFields {
  std::map<std::string, std::string> text;
  std::optional<http::FormPart> image;
  std::optional<http::FormPart> avatar;  // the presenter's portrait
  std::optional<http::FormPart> music;   // background music (any audio file)

  std::optional<std::string> get(const std::string& name) const {
    auto it = text.find(name);
    if (it == text.end()) return std::nullopt;
    return it->second;
  }
};

Result<JobFields> read_job_fields(const http::Request& req);

}  // namespace pitchreel::api

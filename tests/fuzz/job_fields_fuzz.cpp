// The job request's fields (api::read_job_fields), as POST /api/v1/jobs reads them: the
// first byte picks the encoding (even: a JSON body, odd: multipart/form-data with a fixed
// boundary, parsed first as the HTTP layer does), the rest is the body. Any refusal must
// be one of the documented codes, with a message.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "api/job_fields.h"
#include "http/multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  pitchreel::http::Request req;
  req.method = "POST";
  req.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  const bool multipart = data[0] & 1;
  const std::string type = multipart ? "multipart/form-data; boundary=XyZ" : "application/json";
  req.headers.emplace("Content-Type", type);
  if (multipart) {
    auto parts = pitchreel::http::parse_multipart(type, req.body);
    if (!parts) return 0;
    req.files = std::move(*parts);
  }
  const auto fields = pitchreel::api::read_job_fields(req);
  if (!fields) {
    const auto& code = fields.error().code;
    // The codes api/job_fields.h declares.
    if (code != "invalid_json" && code != "image_not_base64" && code != "music_not_base64" &&
        code != "unsupported_media_type") {
      std::abort();
    }
    if (fields.error().message.empty()) std::abort();
    return 0;
  }
  // What the submission does next with text fields: look them up.
  (void)fields->get("script");
  (void)fields->get("productName");
  return 0;
}

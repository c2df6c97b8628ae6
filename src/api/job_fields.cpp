#include "api/job_fields.h"

#include <nlohmann/json.hpp>

#include "engines/base64.h"

namespace pitchreel::api {
namespace {

// A file sent inside a JSON body: base64, or a data: URL ("data:image/png;base64,...").
Result<http::FormPart> decoded_file_field(const std::string& name, const std::string& text) {
  auto bytes = base64_decode(text);
  if (!bytes || bytes->empty()) {
    const bool music = name == "music";
    return fail(Error::invalid(
        music ? "music_not_base64" : "image_not_base64",
        "The JSON field `" + name + "` is not base64 or a base64 data: URL. Send the file as "
            "base64 (or " + (music ? "data:audio/mpeg" : "data:image/jpeg") +
            ";base64,...), give its address as `" + name +
            "Url`, or send the request as multipart/form-data with the file as a part."));
  }
  http::FormPart part;
  part.name = name;
  part.filename = name;
  part.content.assign(bytes->begin(), bytes->end());
  return part;
}

}  // namespace

Result<JobFields> read_job_fields(const http::Request& req) {
  JobFields f;
  if (req.is_multipart_form_data()) {
    for (const auto& [name, part] : req.files) {
      if (name == "image" && !part.filename.empty()) {
        f.image = part;
      } else if (name == "avatar" && !part.filename.empty()) {
        f.avatar = part;
      } else if (name == "music" && !part.filename.empty()) {
        f.music = part;
      } else {
        f.text[name] = part.content;
      }
    }
    return f;
  }
  const auto type = req.get_header_value("Content-Type");
  if (type.rfind("application/json", 0) != 0) {
    return fail(Error::invalid("unsupported_media_type",
                               "Send the request as multipart/form-data (with an image file) or "
                               "as application/json (with imageUrl)."));
  }
  const auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return fail(Error::invalid("invalid_json", "The request body is not a JSON object."));
  }
  for (const auto& [name, value] : body.items()) {
    if ((name == "image" || name == "avatar" || name == "music") && value.is_string()) {
      auto part = decoded_file_field(name, value.get<std::string>());
      if (!part) return fail(part.error());
      (name == "image" ? f.image : name == "avatar" ? f.avatar : f.music) = std::move(*part);
    } else if (value.is_string()) {
      f.text[name] = value.get<std::string>();
    } else if (value.is_boolean()) {
      f.text[name] = value.get<bool>() ? "true" : "false";
    } else if (value.is_number()) {
      f.text[name] = value.dump();
    }
  }
  return f;
}

}  // namespace pitchreel::api

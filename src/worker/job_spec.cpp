#include "worker/job_spec.h"

namespace pitchreel {

nlohmann::json to_json(const JobSpec& spec) {
  nlohmann::json j = {{"imagePath", spec.image_path},
                      {"productName", spec.product_name},
                      {"productDescription", spec.product_description},
                      {"productId", spec.product_id},
                      {"voice", spec.voice},
                      {"aspect", spec.aspect},
                      {"height", spec.height},
                      {"captions", spec.captions},
                      {"title", spec.title}};
  if (spec.script) j["script"] = *spec.script;
  if (!spec.engine.empty()) j["engine"] = spec.engine;
  if (spec.passthrough) j["passthrough"] = true;
  if (!spec.avatar_path.empty()) j["avatarPath"] = spec.avatar_path;
  if (!spec.image_key.empty()) j["imageKey"] = spec.image_key;
  if (!spec.avatar_key.empty()) j["avatarKey"] = spec.avatar_key;
  if (!spec.layout.empty()) j["layout"] = spec.layout;
  if (!spec.image_url.empty()) j["imageUrl"] = spec.image_url;
  if (!spec.avatar_url.empty()) j["avatarUrl"] = spec.avatar_url;
  if (!spec.music_path.empty()) j["musicPath"] = spec.music_path;
  if (!spec.music_key.empty()) j["musicKey"] = spec.music_key;
  if (!spec.music_url.empty()) j["musicUrl"] = spec.music_url;
  return j;
}

Result<JobSpec> job_spec_from_json(const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return fail(Error::internal("job_spec_corrupt", "A stored job request is not valid JSON."));
  }
  JobSpec spec;
  try {
    spec.image_path = j.value("imagePath", "");
    spec.image_url = j.value("imageUrl", "");
    spec.avatar_url = j.value("avatarUrl", "");
    if (spec.image_path.empty() && spec.image_url.empty() && !j.contains("imageKey")) {
      return fail(Error::internal("job_spec_corrupt", "A stored job request names no image."));
    }
    if (j.contains("script")) spec.script = j.at("script").get<std::string>();
    spec.product_name = j.value("productName", "");
    spec.product_description = j.value("productDescription", "");
    spec.product_id = j.value("productId", "");
    spec.voice = j.value("voice", "");
    spec.aspect = j.value("aspect", "16:9");
    spec.height = j.value("height", 1080);
    spec.captions = j.value("captions", true);
    spec.title = j.value("title", false);
    spec.engine = j.value("engine", "");
    spec.passthrough = j.value("passthrough", false);
    spec.avatar_path = j.value("avatarPath", "");
    spec.image_key = j.value("imageKey", "");
    spec.avatar_key = j.value("avatarKey", "");
    spec.layout = j.value("layout", "");
    spec.music_path = j.value("musicPath", "");
    spec.music_key = j.value("musicKey", "");
    spec.music_url = j.value("musicUrl", "");
  } catch (const nlohmann::json::exception&) {
    return fail(Error::internal("job_spec_corrupt", "A stored job request is missing fields."));
  }
  return spec;
}

Result<OutputFormat> output_format(const JobSpec& spec) {
  auto aspect = parse_aspect(spec.aspect);
  if (!aspect) return fail(aspect.error());
  if (auto s = check_height(spec.height); !s) return fail(s.error());
  OutputFormat format;
  format.aspect = *aspect;
  format.height = spec.height;
  return format;
}

Result<GenerateRequest> to_generate_request(const JobSpec& spec,
                                            const std::filesystem::path& output) {
  GenerateRequest r;
  r.image = spec.image_path;
  r.script = spec.script;
  r.product_name = spec.product_name;
  r.description = spec.product_description;
  r.title = spec.title && !spec.product_name.empty();
  r.speech.voice = spec.voice;
  auto format = output_format(spec);
  if (!format) return fail(format.error());
  r.format = *format;
  r.captions = spec.captions;
  r.passthrough = spec.passthrough;
  r.avatar = spec.avatar_path;
  r.music = spec.music_path;
  if (!spec.layout.empty()) {
    auto layout = parse_layout(spec.layout);
    if (!layout) return fail(layout.error());
    r.layout = *layout;
  }
  r.output = output;
  return r;
}

}  // namespace pitchreel

#include "api/job_json.h"

#include "api/routes_files.h"

namespace {

// Absent values are null in answers, never "" (the OpenAPI document says string or null).
nlohmann::json or_null(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

}  // namespace

namespace pitchreel::api {

nlohmann::json video_json(const ServiceContext& ctx, const Video& v) {
  // The store's own URL (public or presigned, for S3), else a link signed for /files.
  const auto url = [&](const std::string& key, std::string_view download_name = {}) {
    if (auto direct = ctx.store->direct_url(key, ctx.config.url_expiry_s, download_name)) {
      return *direct;
    }
    auto link = ctx.public_url + signed_file_path(*ctx.signer, key, ctx.config.url_expiry_s);
    return download_name.empty() ? link : link + "&download=1";
  };
  // A link that never expires, where the operator made finished videos public: a public
  // bucket, or local storage with PITCHREEL_PUBLIC_FILES.
  nlohmann::json permanent = nullptr;
  if (auto p = ctx.store->public_url(v.video_key)) {
    permanent = *p;
  } else if (ctx.config.public_files && ctx.config.storage == "local") {
    permanent = ctx.public_url + "/public/" + v.video_key;
  }
  return {{"id", v.id},
          {"url", url(v.video_key)},
          {"publicUrl", permanent},
          {"downloadUrl", url(v.video_key, v.file_name)},
          {"posterUrl", url(v.poster_key)},
          {"captionsUrl", url(v.captions_key)},
          {"fileName", v.file_name},
          {"productId", or_null(v.product_id)},
          {"size", v.size},
          {"durationSec", v.duration},
          {"width", v.width},
          {"height", v.height},
          {"gpuSeconds", v.gpu_seconds},
          {"warnings", warnings_json(v.warnings)},
          {"cpuSeconds", v.cpu_seconds},
          {"batchId", or_null(v.batch_id)},
          {"createdAt", v.created_at}};
}

nlohmann::json job_json(const ServiceContext& ctx, const Job& job,
                        const std::optional<Video>& video,
                        std::optional<std::int64_t> queue_position) {
  nlohmann::json j = {{"id", job.id},
                      {"status", std::string(to_string(job.status))},
                      {"stage", job.stage},
                      {"progress", job.progress},
                      {"productId", or_null(job.product_id)},
                      {"attempts", job.attempts},
                      {"gpuSeconds", job.gpu_seconds},
                      {"cpuSeconds", job.cpu_seconds},
                      {"batchId", or_null(job.batch_id)},
                      {"createdAt", job.created_at},
                      {"updatedAt", job.updated_at},
                      {"statusUrl", ctx.public_url + "/api/v1/jobs/" + job.id},
                      {"queuePosition", nullptr},
                      {"error", nullptr},
                      {"warnings", video ? warnings_json(video->warnings)
                                        : nlohmann::json::array()},
                      {"video", nullptr}};
  if (!job.error_code.empty())
    j["error"] = {{"code", job.error_code}, {"message", job.error_message}};
  if (video) j["video"] = video_json(ctx, *video);
  // Only a queued job has a place in the queue; null otherwise, never absent.
  if (queue_position && job.status == JobStatus::kQueued) j["queuePosition"] = *queue_position;
  return j;
}

}  // namespace pitchreel::api

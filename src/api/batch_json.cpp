#include "api/batch_json.h"

#include "api/job_json.h"

namespace pitchreel::api {

Result<nlohmann::json> batch_json(const ServiceContext& ctx, const db::batches::Batch& b,
                                  const std::optional<std::vector<db::batches::Item>>& items) {
  nlohmann::json counts = nlohmann::json::object();
  std::int64_t finished = 0;
  for (const auto& [status, n] : b.counts) {
    counts[std::string(to_string(status))] = n;
    if (status != JobStatus::kQueued && status != JobStatus::kRunning) finished += n;
  }
  auto defaults = nlohmann::json::parse(b.defaults, nullptr, false);
  if (defaults.is_discarded() || !defaults.is_object()) defaults = nlohmann::json::object();
  nlohmann::json j = {
      {"id", b.id},
      {"status", b.status == db::batches::BatchStatus::kCompleted ? "completed" : "running"},
      {"cancelRequested", b.cancel_requested},
      {"itemCount", b.item_count},
      {"counts", counts},
      {"progress", b.item_count > 0 ? static_cast<double>(finished) / b.item_count : 1.0},
      {"defaults", defaults},
      {"createdAt", b.created_at},
      {"completedAt", b.completed_at ? nlohmann::json(*b.completed_at) : nlohmann::json(nullptr)},
      {"statusUrl", ctx.public_url + "/api/v1/batches/" + b.id},
      {"eventsUrl", ctx.public_url + "/api/v1/batches/" + b.id + "/events"}};
  if (items) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& item : *items) {
      std::optional<Video> video;
      if (!item.job.video_id.empty()) {
        auto v = ctx.db->videos().get(item.job.video_id, b.organization_id);
        if (!v) return fail(v.error());
        video = *v;
      }
      list.push_back({{"row", item.row}, {"job", job_json(ctx, item.job, video, std::nullopt)}});
    }
    j["items"] = std::move(list);
  }
  return j;
}

}  // namespace pitchreel::api

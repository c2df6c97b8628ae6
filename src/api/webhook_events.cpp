#include "api/webhook_events.h"

#include "api/job_json.h"

namespace pitchreel::api {

Result<nlohmann::json> webhook_event_data(const ServiceContext& ctx, db::Store& db,
                                          const db::webhooks::OutboxEvent& event) {
  auto payload = nlohmann::json::parse(event.payload, nullptr, false);
  if (payload.is_discarded() || !payload.is_object()) payload = nlohmann::json::object();
  if (!event.type.starts_with("job.") || !payload.contains("jobId") ||
      !payload["jobId"].is_string()) {
    return payload;
  }
  const std::string job_id = payload["jobId"].get<std::string>();
  auto job = db.jobs().get(job_id, event.organization_id);
  if (!job) return fail(job.error());
  if (!*job) return payload;  // nothing more to say than the outbox row
  std::optional<Video> video;
  if (!(*job)->video_id.empty()) {
    auto v = db.videos().get((*job)->video_id, event.organization_id);
    if (!v) return fail(v.error());
    video = *v;
  }
  return job_json(ctx, **job, video, std::nullopt);
}

}  // namespace pitchreel::api

// The `data` of each webhook event type, in the API's own shapes (job_json.h), for the
// dispatcher (webhooks/dispatcher.h):
//   job.succeeded / job.failed / job.canceled  the job as GET /api/v1/jobs/{id} shows it
//                                               (its video with signed URLs, or its error);
//   video.deleted                              {id, jobId, productId} of the deleted video;
//   batch.completed and others                 the outbox payload as it was appended.
// Errors: database errors reading the job (the event stays pending and is tried again).
#pragma once

#include <nlohmann/json.hpp>

#include "api/service_context.h"
#include "db/webhook_types.h"

namespace pitchreel::api {

Result<nlohmann::json> webhook_event_data(const ServiceContext& ctx, db::Store& db,
                                          const db::webhooks::OutboxEvent& event);

}  // namespace pitchreel::api

// Accepting a job: the fields of a request (multipart, as the seed sends them, or JSON),
// every check that can fail fast (script, voice, shape, productId, the image itself,
// rate limits, queue room), then the inputs kept (job_inputs.h: the uploads folder, or the
// bucket with STORAGE=s3) and the job queued. Nothing is stored when a check fails; a replayed Idempotency-Key returns the
// first job and stores nothing new.
#pragma once

#include "http/request.h"

#include "api/service_context.h"
#include "core/model.h"

namespace pitchreel::api {

struct Submission {
  Job job;
  bool created = false;
};

// Validates and stores the request, then queues it. Admission errors (rate_limited,
// queue_full) carry their Retry-After in Error::retry_after_s.
Result<Submission> submit_job(ServiceContext& ctx, const Principal& principal,
                              const http::Request& req);

}  // namespace pitchreel::api

// Where an accepted submission's inputs (the product image, the presenter's portrait, the
// background music, fetched imageUrl/avatarUrl/musicUrl content) are kept until its job ends:
//   * local storage: files in the data directory's uploads folder (JobSpec::image_path),
//     which only this machine's workers can read;
//   * STORAGE=s3: objects {org}/inputs/{job id}/image, .../avatar, .../music in the bucket
//     (JobSpec::image_key), which a worker on any node downloads.
//
// Inputs are stored before the job row is inserted, under the id the job will get
// (NewJob::id), and the insert is the commit: until commit(), the destructor removes
// whatever was stored, so a refusal after the upload (rate limit, full queue, an
// idempotent replay, a database error) leaves nothing. A crash between the upload and the
// insert leaves objects whose job id has no row; sweep_job_inputs (worker/input_cleanup.h)
// removes them at the next start or sweep.
//
// Not thread-safe: one per request.
#pragma once

#include <string>
#include <vector>

#include "api/service_context.h"
#include "core/status.h"
#include "worker/job_spec.h"

namespace pitchreel::api {

class SubmissionInputs {
 public:
  SubmissionInputs(ServiceContext& ctx, std::string organization_id, std::string job_id);
  ~SubmissionInputs();
  SubmissionInputs(const SubmissionInputs&) = delete;
  SubmissionInputs& operator=(const SubmissionInputs&) = delete;

  // Stores the product image / portrait and records where in `spec`. Errors: unavailable
  // "upload_not_stored" (local disk) or the object store's error (storage_*).
  Status keep_image(const std::vector<std::uint8_t>& bytes, JobSpec& spec);
  Status keep_avatar(const std::vector<std::uint8_t>& bytes, JobSpec& spec);
  Status keep_music(const std::vector<std::uint8_t>& bytes, JobSpec& spec);
  // The job row exists: the inputs now belong to the job.
  void commit() { committed_ = true; }

 private:
  Result<std::string> keep(const std::vector<std::uint8_t>& bytes, const char* name,
                           bool& in_object_store);

  ServiceContext& ctx_;
  std::string organization_id_;
  std::string job_id_;
  std::vector<std::string> files_;  // local paths written
  std::vector<std::string> keys_;   // objects put
  bool committed_ = false;
};

// True when inputs go to the object store (STORAGE=s3): the distributed mode.
bool inputs_in_object_store(const ServiceConfig& config);

// A queued job was canceled before any worker saw it: no worker will clean up, so the
// canceling request removes its inputs. Failures are logged; the sweep retries them.
void remove_canceled_job_inputs(ServiceContext& ctx, const std::string& job_id,
                                const std::string& organization_id);

}  // namespace pitchreel::api

#include "db/job_row.h"

namespace pitchreel::db {

Job read_job(const Statement& s) {
  Job job;
  job.id = s.column_text(0);
  job.organization_id = s.column_text(1);
  job.user_id = s.column_text(2);
  // The CHECK constraint keeps status to the five names parse_job_status knows.
  job.status = parse_job_status(s.column_text(3)).value_or(JobStatus::kFailed);
  job.stage = s.column_text(4);
  job.progress = s.column_double(5);
  job.request = s.column_text(6);
  job.product_id = s.column_text(7);
  job.idempotency_key = s.column_text(8);
  job.attempts = static_cast<int>(s.column_int64(9));
  job.error_code = s.column_text(10);
  job.error_message = s.column_text(11);
  job.video_id = s.column_text(12);
  job.created_at = s.column_int64(13);
  job.updated_at = s.column_int64(14);
  job.gpu_seconds = s.column_double(15);
  job.batch_id = s.column_text(18);
  job.batch_row = static_cast<int>(s.column_int64(19));
  job.cpu_seconds = s.column_double(20);
  return job;
}

JobLease read_job_lease(const Statement& s) {
  return {static_cast<int>(s.column_int64(16)), s.column_int64(17)};
}

}  // namespace pitchreel::db

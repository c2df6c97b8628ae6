#include "db/pg_rows.h"

namespace pitchreel::db {

Job pg_read_job(const PgResult& r, int row) {
  Job job;
  job.id = r.text(row, 0);
  job.organization_id = r.text(row, 1);
  job.user_id = r.text(row, 2);
  job.status = parse_job_status(r.text(row, 3)).value_or(JobStatus::kFailed);  // CHECKed
  job.stage = r.text(row, 4);
  job.progress = r.real(row, 5);
  job.request = r.text(row, 6);
  job.product_id = r.text(row, 7);
  job.idempotency_key = r.text(row, 8);
  job.attempts = static_cast<int>(r.int64(row, 9));
  job.error_code = r.text(row, 10);
  job.error_message = r.text(row, 11);
  job.video_id = r.text(row, 12);
  job.created_at = r.int64(row, 13);
  job.updated_at = r.int64(row, 14);
  job.gpu_seconds = r.real(row, 15);
  job.batch_id = r.text(row, 18);
  job.batch_row = static_cast<int>(r.int64(row, 19));
  job.cpu_seconds = r.real(row, 20);
  return job;
}

jobs::ClaimedJob pg_read_claimed(const PgResult& r, int row) {
  return {pg_read_job(r, row), static_cast<int>(r.int64(row, 16)), r.int64(row, 17)};
}

Video pg_read_video(const PgResult& r, int row) {
  Video v;
  v.id = r.text(row, 0);
  v.organization_id = r.text(row, 1);
  v.job_id = r.text(row, 2);
  v.product_id = r.text(row, 3);
  v.video_key = r.text(row, 4);
  v.poster_key = r.text(row, 5);
  v.captions_key = r.text(row, 6);
  v.file_name = r.text(row, 7);
  v.size = r.int64(row, 8);
  v.duration = r.real(row, 9);
  v.width = static_cast<int>(r.int64(row, 10));
  v.height = static_cast<int>(r.int64(row, 11));
  v.created_at = r.int64(row, 12);
  v.gpu_seconds = r.real(row, 13);
  v.warnings = warnings_from_json(r.text(row, 14));
  v.cpu_seconds = r.real(row, 15);
  v.batch_id = r.text(row, 16);
  return v;
}

}  // namespace pitchreel::db

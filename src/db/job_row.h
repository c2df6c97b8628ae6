// How a jobs row maps to Job (internal to src/db: job_repository and job_queue).
#pragma once

#include <cstdint>
#include <string_view>

#include "core/model.h"
#include "db/statement.h"

namespace pitchreel::db {

// Columns in the order read_job expects (16 and 17, max_attempts and lease_expires_at,
// are read by read_job_lease). Unqualified, for SELECT and RETURNING alike.
inline constexpr std::string_view kJobColumns =
    "id, organization_id, user_id, status, stage, progress, request, product_id, "
    "idempotency_key, attempts, error_code, error_message, video_id, created_at, updated_at, "
    "gpu_seconds, max_attempts, lease_expires_at, batch_id, batch_row, cpu_seconds";

Job read_job(const Statement& s);

struct JobLease {
  int max_attempts = 0;
  std::int64_t lease_expires_at = 0;
};
JobLease read_job_lease(const Statement& s);

}  // namespace pitchreel::db

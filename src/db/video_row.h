// How a videos row maps to Video (internal to src/db: video_repository and job_queue).
#pragma once

#include <string_view>

#include "core/model.h"
#include "core/status.h"
#include "db/database.h"
#include "db/statement.h"

namespace pitchreel::db {

// Columns in the order read_video expects. Unqualified, for SELECT and RETURNING alike.
inline constexpr std::string_view kVideoColumns =
    "id, organization_id, job_id, product_id, video_key, poster_key, captions_key, file_name, "
    "size, duration, width, height, created_at, gpu_seconds, warnings, cpu_seconds, batch_id";

Video read_video(const Statement& s);

// Inserts `video` as given (id, organization and created_at included); an empty job_id
// is stored as NULL. The caller holds the connection (and usually a transaction).
Status insert_video(Connection& conn, const Video& video);

}  // namespace pitchreel::db

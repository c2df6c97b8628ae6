// How rows of a PostgreSQL result map to the model (internal to the pg_* files). Column
// orders are the SQLite engine's (job_row.h, video_row.h), so both engines select the same.
#pragma once

#include "core/model.h"
#include "db/job_row.h"
#include "db/pg_connection.h"
#include "db/store_types.h"
#include "db/video_row.h"

namespace pitchreel::db {

Job pg_read_job(const PgResult& r, int row);
jobs::ClaimedJob pg_read_claimed(const PgResult& r, int row);  // kJobColumns, all of them
Video pg_read_video(const PgResult& r, int row);

}  // namespace pitchreel::db

// Finished videos, per organization. Rows are written by jobs::complete (job_queue.h);
// this file reads and deletes them.
//
// Tenancy: every function takes the caller's organization_id; another organization's
// video is simply not found. Functions lock the Database for their duration; each is
// atomic.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "db/database.h"
#include "db/store_types.h"

namespace pitchreel::db::videos {



Result<std::optional<Video>> get(Database& db, std::string_view id,
                                 std::string_view organization_id);

// One page of the organization's videos, optionally only one product's. `limit` is
// clamped to 1..kMaxPageSize; `cursor` is "" for the first page, else a next_cursor from
// an earlier page of the same listing. Rows added after the first page appear only when
// listing starts again; none are skipped or repeated. Errors: invalid "invalid_cursor".
Result<VideoPage> list(Database& db, std::string_view organization_id,
                       std::optional<std::string_view> product_id, int limit,
                       std::string_view cursor);

// Deletes the row and returns it, so the caller can delete the stored files
// (video_key, poster_key, captions_key). The job that made it keeps its history with
// video_id cleared. nullopt: no such video in this organization.
Result<std::optional<Video>> remove(Database& db, std::string_view id,
                                    std::string_view organization_id);

}  // namespace pitchreel::db::videos

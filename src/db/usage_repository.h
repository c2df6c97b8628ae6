// The SQLite engine's usage figures (store.h, UsageRepository, states the contract).
#pragma once

#include <string_view>
#include <vector>

#include "core/status.h"
#include "db/database.h"
#include "db/store_types.h"

namespace pitchreel::db::usage {

// The SQL both engines run (placeholders ?1.. for SQLite; the PostgreSQL engine rewrites
// them): jobs bucketed by the UTC day of their final change (updated_at: a final job is
// never updated again).
inline constexpr std::string_view kByDaySql =
    "SELECT (updated_at / 86400) * 86400 AS day, "
    "SUM(CASE WHEN status = 'succeeded' THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN status = 'canceled' THEN 1 ELSE 0 END), "
    "SUM(video_seconds), SUM(cpu_seconds), SUM(gpu_seconds) "
    "FROM jobs WHERE organization_id = ?1 AND updated_at >= ?2 AND updated_at < ?3 "
    "AND status IN ('succeeded', 'failed', 'canceled') GROUP BY day ORDER BY day";
inline constexpr std::string_view kStoredSql =
    "SELECT COALESCE(SUM(size), 0) FROM videos WHERE organization_id = ?1";
inline constexpr std::string_view kTotalsSql =
    "SELECT o.id, o.name, "
    "COALESCE(SUM(CASE WHEN j.status = 'succeeded' THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN j.status = 'failed' THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(j.video_seconds), 0), COALESCE(SUM(j.cpu_seconds), 0), "
    "COALESCE(SUM(j.gpu_seconds), 0), "
    "(SELECT COALESCE(SUM(v.size), 0) FROM videos v WHERE v.organization_id = o.id) "
    "FROM organizations o LEFT JOIN jobs j ON j.organization_id = o.id "
    "AND j.status IN ('succeeded', 'failed', 'canceled') "
    "GROUP BY o.id, o.name, o.created_at ORDER BY o.created_at, o.id";

Result<std::vector<Day>> by_day(Database& db, std::string_view organization_id,
                                std::int64_t from, std::int64_t to);
Result<std::int64_t> stored_bytes(Database& db, std::string_view organization_id);
Result<std::vector<OrgTotals>> totals(Database& db);

}  // namespace pitchreel::db::usage

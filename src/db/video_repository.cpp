#include "db/video_repository.h"

#include <fmt/format.h>

#include <algorithm>

#include "db/page_cursor.h"
#include "db/transaction.h"
#include "db/video_row.h"

namespace pitchreel::db::videos {

Result<std::optional<Video>> get(Database& db, std::string_view id,
                                 std::string_view organization_id) {
  Connection conn = db.connect();
  auto stmt = conn.prepare(
      fmt::format("SELECT {} FROM videos WHERE id = ?1 AND organization_id = ?2", kVideoColumns));
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_all({id, organization_id}); !s) return fail(s.error());
  return first_row(*stmt, read_video);
}

Result<VideoPage> list(Database& db, std::string_view organization_id,
                       std::optional<std::string_view> product_id, int limit,
                       std::string_view cursor) {
  std::optional<PageCursor> after;
  if (!cursor.empty()) {
    auto decoded = decode_cursor(cursor);
    if (!decoded) return fail(decoded.error());
    after = std::move(*decoded);
  }
  limit = std::clamp(limit, 1, kMaxPageSize);

  // Parameters are numbered, so the optional conditions bind the same way every time;
  // unused numbers are bound but never read. Conditions are only added when present so
  // the planner can use videos_by_org_time or videos_by_org_product_time.
  std::string sql = fmt::format("SELECT {} FROM videos WHERE organization_id = ?1", kVideoColumns);
  if (product_id) sql += " AND product_id = ?2";
  if (after) sql += " AND (created_at, id) < (?3, ?4)";
  sql += " ORDER BY created_at DESC, id DESC LIMIT ?5";

  Connection conn = db.connect();
  auto stmt = conn.prepare(sql);
  if (!stmt) return fail(stmt.error());
  // One extra row tells whether another page exists.
  if (auto s = stmt->bind_all({organization_id, product_id ? Value{*product_id} : Value{nullptr},
                               after ? Value{after->created_at} : Value{nullptr},
                               after ? Value{after->id} : Value{nullptr}, std::int64_t{limit} + 1});
      !s) {
    return fail(s.error());
  }
  auto rows = collect_rows(*stmt, read_video);
  if (!rows) return fail(rows.error());
  VideoPage page;
  page.videos = std::move(*rows);
  if (page.videos.size() > static_cast<std::size_t>(limit)) {
    page.videos.resize(static_cast<std::size_t>(limit));
    const Video& last = page.videos.back();
    page.next_cursor = encode_cursor({last.created_at, last.id});
  }
  return page;
}

Result<std::optional<Video>> remove(Database& db, std::string_view id,
                                    std::string_view organization_id) {
  Connection conn = db.connect();
  auto tx = Transaction::begin(conn);
  if (!tx) return fail(tx.error());
  std::optional<Video> removed;
  {
    auto stmt = conn.prepare(fmt::format(
        "DELETE FROM videos WHERE id = ?1 AND organization_id = ?2 RETURNING {}", kVideoColumns));
    if (!stmt) return fail(stmt.error());
    if (auto s = stmt->bind_all({id, organization_id}); !s) return fail(s.error());
    auto rows = collect_rows(*stmt, read_video);
    if (!rows) return fail(rows.error());
    if (rows->empty()) return removed;
    removed = std::move(rows->front());
  }
  if (auto s = tx->commit(); !s) return fail(s.error());
  return removed;
}

}  // namespace pitchreel::db::videos

#include "db/video_row.h"

#include <fmt/format.h>

namespace pitchreel::db {

Video read_video(const Statement& s) {
  Video v;
  v.id = s.column_text(0);
  v.organization_id = s.column_text(1);
  v.job_id = s.column_text(2);
  v.product_id = s.column_text(3);
  v.video_key = s.column_text(4);
  v.poster_key = s.column_text(5);
  v.captions_key = s.column_text(6);
  v.file_name = s.column_text(7);
  v.size = s.column_int64(8);
  v.duration = s.column_double(9);
  v.width = static_cast<int>(s.column_int64(10));
  v.height = static_cast<int>(s.column_int64(11));
  v.created_at = s.column_int64(12);
  v.gpu_seconds = s.column_double(13);
  v.warnings = warnings_from_json(s.column_text(14));
  v.cpu_seconds = s.column_double(15);
  v.batch_id = s.column_text(16);
  return v;
}

Status insert_video(Connection& conn, const Video& video) {
  auto stmt = conn.prepare(fmt::format(
      "INSERT INTO videos ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
      kVideoColumns));
  if (!stmt) return fail(stmt.error());
  if (auto s =
          stmt->bind_all({video.id, video.organization_id, text_or_null(video.job_id),
                          video.product_id, video.video_key, video.poster_key, video.captions_key,
                          video.file_name, video.size, video.duration, std::int64_t{video.width},
                          std::int64_t{video.height}, video.created_at, video.gpu_seconds,
                          warnings_to_json(video.warnings), video.cpu_seconds,
                          text_or_null(video.batch_id)});
      !s) {
    return s;
  }
  return stmt->run();
}

}  // namespace pitchreel::db

// One PostgreSQL connection (libpq), its query results, and the error mapping: the only
// way PostgreSQL failures leave src/db.
//
// Ownership: PgConnection owns its PGconn and PgResult its PGresult (RAII, move-only).
// Thread safety: none. A connection is used by one thread at a time (the pool in
// pg_pool.h hands each out exclusively).
//
// Parameters travel as text ($1, $2, ... in the SQL), results come back as text and are
// converted by PgResult, so there is no binary-format dependency on server versions.
// query() prepares each distinct SQL text once per connection (named server-side
// statements), so the few dozen statements the store runs are parsed and planned once.
//
// Errors:
//   connecting: unavailable "database_unreachable" (host down, DNS, refused, TLS) or
//               invalid "database_auth_failed" (wrong password or user), both naming host
//               and database, never the password;
//   a query on a dropped connection:   unavailable "database_unavailable" (the connection
//                                      is then broken(); the pool discards it);
//   serialization failure / deadlock:  unavailable "database_busy" (retrying may succeed);
//   unique / foreign-key / check:      invalid "database_constraint" (repositories avoid the
//                                      ones a user can cause with ON CONFLICT and checks);
//   anything else:                     internal "database_error".
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>

#include "core/status.h"
#include "db/database_url.h"
#include "db/pg_handles.h"

namespace pitchreel::db {

inline constexpr std::string_view kPgUnavailableCode = "database_unavailable";

// A query parameter; NULL for nullptr. Numbers are sent as their decimal text.
using PgValue = std::variant<std::nullptr_t, std::int64_t, double, std::string_view>;
inline PgValue pg_text_or_null(std::string_view text) {
  return text.empty() ? PgValue{nullptr} : PgValue{text};
}

class PgResult {
 public:
  explicit PgResult(PgResultPtr result) : result_(std::move(result)) {}

  int rows() const { return PQntuples(result_.get()); }
  // Rows changed by an INSERT/UPDATE/DELETE.
  std::int64_t affected() const;
  bool is_null(int row, int col) const { return PQgetisnull(result_.get(), row, col) != 0; }
  std::string text(int row, int col) const;  // "" for NULL
  std::int64_t int64(int row, int col) const;
  double real(int row, int col) const;
  bool boolean(int row, int col) const;  // 't'
  std::optional<std::int64_t> optional_int64(int row, int col) const;

 private:
  PgResultPtr result_;
};

class PgConnection {
 public:
  // Connects and sets search_path to `schema` (which need not exist yet). Errors above.
  static Result<PgConnection> connect(const DatabaseTarget& target, std::string_view schema);

  PgConnection(PgConnection&&) noexcept = default;
  PgConnection& operator=(PgConnection&&) noexcept = default;

  // One statement with parameters ($1...). Errors as above; `what` names the operation in
  // messages ("claiming a job"); never put user data in it.
  Result<PgResult> query(std::string_view sql, std::span<const PgValue> params,
                         std::string_view what);
  Result<PgResult> query(std::string_view sql, std::initializer_list<PgValue> params,
                         std::string_view what) {
    return query(sql, std::span<const PgValue>(params.begin(), params.size()), what);
  }
  // One or more ';'-separated statements without parameters (DDL, BEGIN, LISTEN).
  Status exec(std::string_view sql, std::string_view what);

  // The connection was lost (the server went away); it cannot be used again.
  bool broken() const { return PQstatus(conn_.get()) != CONNECTION_OK; }
  PGconn* handle() const { return conn_.get(); }
  const DatabaseTarget& target() const { return target_; }

 private:
  PgConnection(PgConnPtr conn, DatabaseTarget target)
      : conn_(std::move(conn)), target_(std::move(target)) {}
  Error error_from(PGresult* result, std::string_view what) const;

  PgConnPtr conn_;
  DatabaseTarget target_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
};

// A transaction: BEGIN on begin(), ROLLBACK on destruction unless commit() succeeded.
// Borrows the connection, which must outlive it. Move-only.
class PgTransaction {
 public:
  static Result<PgTransaction> begin(PgConnection& conn);
  PgTransaction(PgTransaction&& other) noexcept : conn_(other.conn_) { other.conn_ = nullptr; }
  PgTransaction& operator=(PgTransaction&&) = delete;
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;
  ~PgTransaction();
  Status commit();

 private:
  explicit PgTransaction(PgConnection& conn) : conn_(&conn) {}
  PgConnection* conn_;  // null once committed or moved from
};

}  // namespace pitchreel::db

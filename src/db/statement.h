// One prepared SQL statement: bind parameters, step through rows, read columns.
//
// Ownership: owns its sqlite3_stmt while it lives, then hands it back to the connection's
// StatementCache (reset) for the next use of the same SQL; borrows the connection.
// Thread safety: none of its own. A Statement comes from Connection::prepare and must be
// used and destroyed while that Connection (and so the database mutex) is held.
// Indices follow sqlite: bind indices start at 1, column indices at 0.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "core/status.h"
#include "db/sqlite_handles.h"
#include "db/statement_cache.h"

namespace pitchreel::db {

// A parameter for bind_all. Text is copied by sqlite (SQLITE_TRANSIENT), so a view of a
// temporary is fine for the duration of the bind_all call.
using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string_view>;

// NULL for an empty string: for optional text columns (idempotency keys, error codes).
inline Value text_or_null(std::string_view text) {
  return text.empty() ? Value{nullptr} : Value{text};
}

class Statement {
 public:
  // `cache` receives the statement back on destruction.
  Statement(sqlite3* db, StatementCache::Node stmt, StatementCache* cache)
      : db_(db), node_(std::move(stmt)), cache_(cache) {}
  ~Statement();
  Statement(Statement&& other) noexcept = default;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Status bind_text(int index, std::string_view value);
  Status bind_int64(int index, std::int64_t value);
  Status bind_double(int index, double value);
  Status bind_null(int index);
  // Binds values to parameters 1..n in order.
  Status bind_all(std::initializer_list<Value> values);

  // true: a row is ready to read; false: the statement has finished.
  // SQLITE_BUSY / SQLITE_LOCKED become "database_busy" (see sqlite_error.h).
  Result<bool> step();
  // Steps to the end, discarding any rows (INSERT/UPDATE/DELETE without RETURNING).
  Status run();
  // Steps once and expects exactly one row (e.g. SELECT COUNT(*)); reads column 0.
  Result<std::int64_t> single_int64();

  bool is_null(int col) const;
  std::int64_t column_int64(int col) const;
  double column_double(int col) const;
  std::string column_text(int col) const;  // "" for NULL
  std::optional<std::int64_t> column_optional_int64(int col) const;

 private:
  Status check_bind(int rc, int index);

  sqlite3_stmt* handle() const { return node_.mapped().get(); }

  sqlite3* db_;  // borrowed, for error messages
  StatementCache::Node node_;
  StatementCache* cache_;  // borrowed; where the statement goes back
};

// Steps to the end, reading every row with `read(const Statement&)`.
template <typename Read>
auto collect_rows(Statement& stmt, Read read)
    -> Result<std::vector<std::decay_t<decltype(read(std::as_const(stmt)))>>> {
  std::vector<std::decay_t<decltype(read(std::as_const(stmt)))>> out;
  for (;;) {
    auto row = stmt.step();
    if (!row) return fail(row.error());
    if (!*row) return out;
    out.push_back(read(std::as_const(stmt)));
  }
}

// Steps once: the first row read with `read`, or nullopt when there is none.
template <typename Read>
auto first_row(Statement& stmt, Read read)
    -> Result<std::optional<std::decay_t<decltype(read(std::as_const(stmt)))>>> {
  using T = std::decay_t<decltype(read(std::as_const(stmt)))>;
  auto row = stmt.step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<T>{};
  return std::optional<T>{read(std::as_const(stmt))};
}

}  // namespace pitchreel::db

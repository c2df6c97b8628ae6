#include "db/statement.h"

#include <fmt/format.h>

#include <type_traits>

#include "db/sqlite_error.h"

namespace pitchreel::db {

Statement::~Statement() {
  if (!node_.empty() && cache_ != nullptr) cache_->give_back(std::move(node_));
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (!node_.empty() && cache_ != nullptr) cache_->give_back(std::move(node_));
    db_ = other.db_;
    node_ = std::move(other.node_);
    cache_ = other.cache_;
  }
  return *this;
}

Status Statement::check_bind(int rc, int index) {
  if (rc == SQLITE_OK) return {};
  return fail(sqlite_error(db_, rc, fmt::format("binding parameter {}", index)));
}

Status Statement::bind_text(int index, std::string_view value) {
  return check_bind(sqlite3_bind_text64(handle(), index, value.data(), value.size(),
                                        SQLITE_TRANSIENT, SQLITE_UTF8),
                    index);
}

Status Statement::bind_int64(int index, std::int64_t value) {
  return check_bind(sqlite3_bind_int64(handle(), index, value), index);
}

Status Statement::bind_double(int index, double value) {
  return check_bind(sqlite3_bind_double(handle(), index, value), index);
}

Status Statement::bind_null(int index) {
  return check_bind(sqlite3_bind_null(handle(), index), index);
}

Status Statement::bind_all(std::initializer_list<Value> values) {
  int index = 1;
  for (const Value& value : values) {
    Status s = std::visit(
        [&](const auto& v) -> Status {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::nullptr_t>) {
            return bind_null(index);
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            return bind_int64(index, v);
          } else if constexpr (std::is_same_v<T, double>) {
            return bind_double(index, v);
          } else {
            return bind_text(index, v);
          }
        },
        value);
    if (!s) return s;
    ++index;
  }
  return {};
}

Result<bool> Statement::step() {
  const int rc = sqlite3_step(handle());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return fail(sqlite_error(db_, rc, "running a statement"));
}

Status Statement::run() {
  for (;;) {
    auto row = step();
    if (!row) return fail(row.error());
    if (!*row) return {};
  }
}

Result<std::int64_t> Statement::single_int64() {
  auto row = step();
  if (!row) return fail(row.error());
  if (!*row) return fail(Error::internal("database_error", "A query returned no row."));
  return column_int64(0);
}

bool Statement::is_null(int col) const { return sqlite3_column_type(handle(), col) == SQLITE_NULL; }

std::int64_t Statement::column_int64(int col) const { return sqlite3_column_int64(handle(), col); }

double Statement::column_double(int col) const { return sqlite3_column_double(handle(), col); }

std::string Statement::column_text(int col) const {
  // column_text before column_bytes: the byte count is of the UTF-8 form just produced.
  const auto* text = sqlite3_column_text(handle(), col);
  if (!text) return {};
  const int size = sqlite3_column_bytes(handle(), col);
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

std::optional<std::int64_t> Statement::column_optional_int64(int col) const {
  if (is_null(col)) return std::nullopt;
  return column_int64(col);
}

}  // namespace pitchreel::db

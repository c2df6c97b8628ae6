#include "db/pg_connection.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <cstdlib>
#include <vector>

namespace pitchreel::db {
namespace {

std::string trimmed(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// libpq's connection messages name host and port but never the password; they are
// passed on after the first line (the rest is libpq's hints about sockets).
std::string first_line(std::string s) {
  if (auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
  return s;
}

}  // namespace

std::int64_t PgResult::affected() const {
  const char* n = PQcmdTuples(result_.get());
  return n && *n ? std::strtoll(n, nullptr, 10) : 0;
}

std::string PgResult::text(int row, int col) const {
  if (is_null(row, col)) return {};
  return std::string(PQgetvalue(result_.get(), row, col),
                     static_cast<std::size_t>(PQgetlength(result_.get(), row, col)));
}

std::int64_t PgResult::int64(int row, int col) const {
  const char* v = PQgetvalue(result_.get(), row, col);
  return v && *v ? std::strtoll(v, nullptr, 10) : 0;
}

double PgResult::real(int row, int col) const {
  const char* v = PQgetvalue(result_.get(), row, col);
  return v && *v ? std::strtod(v, nullptr) : 0.0;
}

bool PgResult::boolean(int row, int col) const {
  const char* v = PQgetvalue(result_.get(), row, col);
  return v && *v == 't';
}

std::optional<std::int64_t> PgResult::optional_int64(int row, int col) const {
  if (is_null(row, col)) return std::nullopt;
  return int64(row, col);
}

Result<PgConnection> PgConnection::connect(const DatabaseTarget& target, std::string_view schema) {
  PgConnPtr conn(PQconnectdb(target.conninfo.c_str()));
  if (!conn) {
    return fail(Error::unavailable("database_unreachable",
                                   "Out of memory while connecting to PostgreSQL."));
  }
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    const std::string why = first_line(trimmed(PQerrorMessage(conn.get())));
    // 28P01 (invalid_password) and 28000 (invalid authorization) reach the client only as
    // text; PQconnectionNeedsPassword covers "a password was needed and none was given".
    const bool auth = PQconnectionNeedsPassword(conn.get()) ||
                      why.find("password authentication failed") != std::string::npos ||
                      why.find("authentication failed") != std::string::npos ||
                      why.find("no pg_hba.conf entry") != std::string::npos ||
                      (why.find("role \"") != std::string::npos &&
                       why.find("does not exist") != std::string::npos);
    if (auth) {
      return fail(Error::invalid(
          "database_auth_failed",
          fmt::format("PostgreSQL at {} refused the credentials in DATABASE_URL ({}). Check the "
                      "user name and password (Supabase: Project Settings > Database).",
                      target.describe(), why)));
    }
    return fail(Error::unavailable(
        "database_unreachable",
        fmt::format("Cannot connect to PostgreSQL at {} ({}). Check that the server is running "
                    "and reachable, and the host, port and database name in DATABASE_URL.",
                    target.describe(), why)));
  }
  PgConnection out(std::move(conn), target);
  // search_path is per connection: unqualified names mean pitchreel's schema; pg_catalog
  // stays first implicitly. The schema name was validated (database_url.h).
  if (auto s = out.exec(fmt::format("SET search_path TO {}; SET TIME ZONE 'UTC'; SET client_min_messages TO warning", schema),
                        "selecting the schema");
      !s) {
    return fail(s.error());
  }
  return out;
}

Error PgConnection::error_from(PGresult* result, std::string_view what) const {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state ? state : "";
  std::string why = trimmed(result ? PQresultErrorMessage(result) : PQerrorMessage(conn_.get()));
  if (why.empty()) why = trimmed(PQerrorMessage(conn_.get()));
  why = first_line(why);
  if (broken() || sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
      sqlstate == "57P03") {
    // Answered to API clients as a 503: the details (host, libpq's reason) go to the log.
    spdlog::warn("database unavailable target=\"{}\" while=\"{}\" reason=\"{}\"",
                 target_.describe(), what, why);
    return Error::unavailable(std::string(kPgUnavailableCode),
                              "The database is not available right now. Try again shortly.");
  }
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") {
    return Error::unavailable("database_busy",
                              fmt::format("The database was busy while {} ({}); try again.",
                                          what, why));
  }
  if (sqlstate.starts_with("23")) {
    return Error::invalid("database_constraint",
                          fmt::format("A database constraint refused {} ({}).", what, why));
  }
  return Error::internal("database_error", fmt::format("Database error while {}: {}", what, why));
}

Result<PgResult> PgConnection::query(std::string_view sql, std::span<const PgValue> params,
                                     std::string_view what) {
  // Numbers are formatted into `storage`; reserved up front so pointers into it stay valid.
  std::vector<std::string> storage;
  storage.reserve(params.size());
  std::vector<const char*> values;
  std::vector<int> lengths;
  values.reserve(params.size());
  lengths.reserve(params.size());
  for (const PgValue& p : params) {
    if (std::holds_alternative<std::nullptr_t>(p)) {
      values.push_back(nullptr);
      lengths.push_back(0);
    } else if (const auto* text = std::get_if<std::string_view>(&p)) {
      // Text parameters are length-delimited only in binary format; in text format libpq
      // reads up to a NUL, so each is copied with its terminator.
      storage.emplace_back(*text);
      values.push_back(storage.back().c_str());
      lengths.push_back(static_cast<int>(text->size()));
    } else if (const auto* i = std::get_if<std::int64_t>(&p)) {
      storage.push_back(std::to_string(*i));
      values.push_back(storage.back().c_str());
      lengths.push_back(static_cast<int>(storage.back().size()));
    } else {
      storage.push_back(fmt::format("{:.17g}", std::get<double>(p)));
      values.push_back(storage.back().c_str());
      lengths.push_back(static_cast<int>(storage.back().size()));
    }
  }
  std::string sql_text(sql);
  auto prepared = prepared_.find(sql_text);
  if (prepared == prepared_.end()) {
    std::string name = "pr" + std::to_string(prepared_.size());
    PgResultPtr made(PQprepare(conn_.get(), name.c_str(), sql_text.c_str(),
                               static_cast<int>(values.size()), nullptr));
    if (!made || PQresultStatus(made.get()) != PGRES_COMMAND_OK) {
      return fail(error_from(made.get(), what));
    }
    prepared = prepared_.emplace(std::move(sql_text), std::move(name)).first;
  }
  PgResultPtr result(PQexecPrepared(conn_.get(), prepared->second.c_str(),
                                    static_cast<int>(values.size()), values.data(),
                                    lengths.data(), nullptr, 0));
  const ExecStatusType st = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) return fail(error_from(result.get(), what));
  return PgResult(std::move(result));
}

Status PgConnection::exec(std::string_view sql, std::string_view what) {
  const std::string sql_text(sql);
  PgResultPtr result(PQexec(conn_.get(), sql_text.c_str()));
  const ExecStatusType st = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) return fail(error_from(result.get(), what));
  return {};
}

Result<PgTransaction> PgTransaction::begin(PgConnection& conn) {
  if (auto s = conn.exec("BEGIN", "starting a transaction"); !s) return fail(s.error());
  return PgTransaction(conn);
}

PgTransaction::~PgTransaction() {
  if (conn_ && !conn_->broken()) (void)conn_->exec("ROLLBACK", "rolling back");
}

Status PgTransaction::commit() {
  PgConnection* conn = conn_;
  conn_ = nullptr;
  if (auto s = conn->exec("COMMIT", "committing"); !s) {
    conn_ = conn;
    return s;
  }
  return {};
}

}  // namespace pitchreel::db

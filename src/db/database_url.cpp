#include "db/database_url.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <memory>

namespace pitchreel::db {
namespace {

struct ConninfoFreer {
  void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};

}  // namespace

std::string DatabaseTarget::describe() const {
  std::string out = fmt::format("host '{}'", host.empty() ? "localhost" : host);
  if (!port.empty()) out += fmt::format(" port {}", port);
  out += fmt::format(", database '{}'", dbname.empty() ? user : dbname);
  return out;
}

Result<DatabaseTarget> parse_database_url(std::string_view url) {
  if (url.empty()) {
    return fail(Error::invalid("database_url_invalid",
                               "DATABASE_URL is empty. Set it to a PostgreSQL connection URI such "
                               "as postgresql://user:password@host:5432/dbname, or unset it to "
                               "use the embedded SQLite database."));
  }
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, ConninfoFreer> options(
      PQconninfoParse(std::string(url).c_str(), &error));
  if (!options) {
    // libpq's message describes the syntax problem without echoing the password.
    std::string why = error ? error : "out of memory";
    PQfreemem(error);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return fail(Error::invalid(
        "database_url_invalid",
        fmt::format("DATABASE_URL is not a valid PostgreSQL connection string ({}). Use a URI "
                    "such as postgresql://user:password@host:5432/dbname?sslmode=require or "
                    "key=value pairs such as 'host=h dbname=d user=u'.",
                    why)));
  }
  DatabaseTarget target;
  target.conninfo = std::string(url);
  for (PQconninfoOption* o = options.get(); o->keyword; ++o) {
    if (!o->val) continue;
    const std::string_view key = o->keyword;
    if (key == "host" || (key == "hostaddr" && target.host.empty())) target.host = o->val;
    if (key == "port") target.port = o->val;
    if (key == "dbname") target.dbname = o->val;
    if (key == "user") target.user = o->val;
  }
  return target;
}

Status validate_schema_name(std::string_view schema) {
  bool ok = !schema.empty() && schema.size() <= 58 &&
            !(schema.front() >= '0' && schema.front() <= '9');
  for (char c : schema) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  }
  if (ok) return {};
  return fail(Error::invalid(
      "database_schema_invalid",
      fmt::format("PITCHREEL_DB_SCHEMA '{}' is not a plain schema name. Use lower-case letters, "
                  "digits and '_' (at most 58, not starting with a digit), e.g. 'pitchreel'.",
                  schema)));
}

}  // namespace pitchreel::db

#include "db/open_store.h"

#include "db/pg_store.h"
#include "db/sqlite_store.h"

namespace pitchreel::db {

Result<std::unique_ptr<Store>> open_state_store(const ServiceConfig& config,
                                                const std::filesystem::path& sqlite_path,
                                                std::size_t max_connections) {
  if (config.database_url.empty()) return open_sqlite_store(sqlite_path);
  auto target = parse_database_url(config.database_url);
  if (!target) return fail(target.error());
  PgStoreOptions options;
  options.target = std::move(*target);
  options.schema = config.db_schema.empty() ? std::string(kDefaultSchema) : config.db_schema;
  options.max_connections = max_connections;
  return open_pg_store(options);
}

}  // namespace pitchreel::db

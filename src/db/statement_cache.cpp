#include "db/statement_cache.h"

#include <utility>

namespace pitchreel::db {

StatementCache::Node StatementCache::take(std::string_view sql) {
  const auto it = statements_.find(sql);
  if (it == statements_.end()) return {};
  return statements_.extract(it);
}

StatementCache::Node StatementCache::wrap(std::string_view sql, StatementPtr stmt) {
  Map one;
  one.emplace(std::string(sql), std::move(stmt));
  return one.extract(one.begin());
}

void StatementCache::give_back(Node node) {
  if (node.empty() || !node.mapped()) return;
  // A statement left mid-result would keep its read transaction (and the WAL snapshot)
  // open; reset ends it. Bindings are cleared so no value leaks into the next use.
  sqlite3_reset(node.mapped().get());
  sqlite3_clear_bindings(node.mapped().get());
  if (statements_.size() >= kCapacity) return;  // the node's destructor finalizes it
  statements_.insert(std::move(node));  // a duplicate (same SQL used twice at once) is dropped
}

}  // namespace pitchreel::db

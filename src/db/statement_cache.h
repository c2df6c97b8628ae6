// StatementCache: prepared statements kept for reuse, keyed by their SQL text. Parsing and
// planning a statement costs several times what running a point query by primary key
// does, and the API runs the same few dozen statements thousands of times a second.
//
// Ownership: the cache owns the statements it holds; take() hands one out as a node that
// the Statement owns until give_back() (or its own destruction) returns it.
// Thread safety: none. A cache belongs to one Database and is only used under that
// Database's mutex (through its Connection), like the connection itself.
#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "db/sqlite_handles.h"

namespace pitchreel::db {

class StatementCache {
 public:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Map = std::unordered_map<std::string, StatementPtr, Hash, std::equal_to<>>;
  using Node = Map::node_type;  // key: the SQL text; mapped: the statement

  // Statements beyond this many are finalized after use instead of kept (dynamic SQL).
  static constexpr std::size_t kCapacity = 256;

  // A ready statement for `sql` (reset, no bindings), or an empty node when none is cached.
  Node take(std::string_view sql);
  // Wraps a freshly prepared statement so it can be given back later.
  static Node wrap(std::string_view sql, StatementPtr stmt);
  // Resets the statement (ending any read it holds open) and keeps it for the next take().
  void give_back(Node node);

  std::size_t size() const { return statements_.size(); }

 private:
  Map statements_;
};

}  // namespace pitchreel::db

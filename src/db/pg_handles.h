// RAII owners for libpq's C handles. Each deleter accepts null, so a default-constructed
// owner is always safe to destroy.
#pragma once

#include <libpq-fe.h>

#include <memory>

namespace pitchreel::db {

struct PgConnFinisher {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct PgResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
struct PgNotifyFreer {
  void operator()(PGnotify* notify) const { PQfreemem(notify); }
};

using PgConnPtr = std::unique_ptr<PGconn, PgConnFinisher>;
using PgResultPtr = std::unique_ptr<PGresult, PgResultClearer>;
using PgNotifyPtr = std::unique_ptr<PGnotify, PgNotifyFreer>;

}  // namespace pitchreel::db

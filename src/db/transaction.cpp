#include "db/transaction.h"

namespace pitchreel::db {

Result<Transaction> Transaction::begin(Connection& conn) {
  if (auto s = conn.exec("BEGIN IMMEDIATE"); !s) return fail(s.error());
  return Transaction(conn);
}

Status Transaction::commit() {
  if (!conn_) return fail(Error::internal("database_error", "The transaction is already over."));
  if (auto s = conn_->exec("COMMIT"); !s) return s;
  conn_ = nullptr;
  return {};
}

Transaction::~Transaction() {
  // Nothing useful can be done with a failed ROLLBACK here; sqlite rolls back anyway
  // when the connection closes or the next BEGIN fails loudly.
  if (conn_) (void)conn_->exec("ROLLBACK");
}

}  // namespace pitchreel::db

// A write transaction: BEGIN IMMEDIATE on construction, ROLLBACK on destruction unless
// commit() succeeded.
//
// IMMEDIATE takes the database's write lock up front, so two connections never both read
// and then race to write (the lost-update and SQLITE_BUSY_SNAPSHOT problems of deferred
// transactions); a second writer waits up to busy_timeout inside begin() and then gets
// "database_busy". Every read-modify-write in src/db runs inside one.
//
// Ownership: borrows the Connection, which must outlive the Transaction (and whose mutex
// keeps other threads out for the transaction's whole life). Move-only.
#pragma once

#include "core/status.h"
#include "db/database.h"

namespace pitchreel::db {

class Transaction {
 public:
  static Result<Transaction> begin(Connection& conn);

  Transaction(Transaction&& other) noexcept : conn_(other.conn_) { other.conn_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  // Statements of this transaction must have finished (stepped to the end or destroyed).
  // On failure the destructor still rolls back.
  Status commit();

 private:
  explicit Transaction(Connection& conn) : conn_(&conn) {}

  Connection* conn_;  // null once committed or moved from
};

}  // namespace pitchreel::db

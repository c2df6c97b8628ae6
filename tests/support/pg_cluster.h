// PgCluster: a private PostgreSQL server for tests. initdb makes a fresh cluster in a
// temporary directory, `postgres` serves it on 127.0.0.1 at a free port with password
// (SCRAM) authentication, and the destructor stops it (fast shutdown) and removes the
// directory. Durability settings are off (fsync, synchronous_commit): a test cluster trades
// crash safety for speed. The server is a child process with a parent-death signal, so it
// also stops if the test process dies.
//
// The server refuses to run as root; when the tests run as root the cluster is made and run
// by the unprivileged `nobody` user, in a directory it owns. Binaries come from
// PITCHREEL_PG_BINDIR or Debian's /usr/lib/postgresql/<version>/bin (postgresql-15).
//
// Isolation: tests share one cluster per test binary (shared_pg_cluster()) and each uses
// its own schema (fresh_schema()), so they run in parallel without seeing each other.
// Thread safety: stop()/start() are for one test thread; url() is safe anywhere.
#pragma once

#include <sys/types.h>

#include <string>

#include "support/test_support.h"

namespace pitchreel::testing {

class PgCluster {
 public:
  PgCluster();  // initdb + start; check ready() / error()
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  bool ready() const { return pid_ > 0; }
  const std::string& error() const { return error_; }
  int port() const { return port_; }

  static constexpr const char* kUser = "pitchreel";
  const std::string& password() const { return password_; }
  // postgresql://pitchreel:<password>@127.0.0.1:<port>/postgres
  std::string url() const;
  std::string url_with_password(const std::string& password) const;

  // Fast shutdown (the data stays) and start again on the same port: a database outage.
  bool stop();
  bool start();

 private:
  TempDir dir_;
  std::string bindir_;
  std::string password_;
  std::string error_;
  uid_t uid_ = 0;  // who runs the server (nobody when we are root)
  gid_t gid_ = 0;
  pid_t pid_ = -1;
  int port_ = 0;
};

// One cluster per test process, started on first use. Tests GTEST_SKIP (with the reason)
// when it cannot start, e.g. postgresql-15 is not installed.
PgCluster& shared_pg_cluster();

// A schema name no other test uses ("t_<random>").
std::string fresh_schema();

}  // namespace pitchreel::testing

#define PITCHREEL_REQUIRE_PG(cluster_var)                                             \
  auto& cluster_var = ::pitchreel::testing::shared_pg_cluster();                      \
  if (!cluster_var.ready())                                                           \
  GTEST_SKIP() << "no PostgreSQL test cluster (" << cluster_var.error()               \
               << "); install postgresql-15 (scripts/install-deps.sh)"

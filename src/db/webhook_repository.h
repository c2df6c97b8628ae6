// The SQLite engine's webhooks (WebhookStore in store.h documents each function): SQL over
// one Database. Every function is one transaction (BEGIN IMMEDIATE for writes), so fan-out
// and claims are serialised by SQLite's write lock across threads and processes.
#pragma once

#include <memory>

#include "db/database.h"
#include "db/store.h"

namespace pitchreel::db {

std::unique_ptr<WebhookStore> make_sqlite_webhooks(Database& db);

}  // namespace pitchreel::db

// The SQLite engine's catalogue batches (store.h, BatchRepository, states the contract).
// Each function is one transaction on the Database; create() runs under BEGIN IMMEDIATE,
// so the quota count and the inserts are one step across threads and processes.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "db/database.h"
#include "db/store_types.h"

namespace pitchreel::db::batches {

Result<CreateOutcome> create(Database& db, const NewBatch& batch, std::int64_t now);
Result<std::optional<Batch>> get(Database& db, std::string_view id,
                                 std::string_view organization_id);
Result<std::vector<Batch>> list(Database& db, std::string_view organization_id, int limit);
Result<std::vector<Item>> items(Database& db, std::string_view id,
                                std::string_view organization_id);
Result<bool> cancel(Database& db, std::string_view id, std::string_view organization_id,
                    std::int64_t now);

}  // namespace pitchreel::db::batches

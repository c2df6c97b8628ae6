// `pitchreel admin webhook ...`: an operator's view of an organisation's webhook endpoints
// (docs/webhooks.md), through the store seam like the rest of `admin`: list them with their
// state, disable or enable one, delete one, show its recent deliveries. Each prints its own
// result (text, or JSON with --json) and returns only errors; "org_not_found" and
// "webhook_not_found" are invalid input.
#pragma once

#include <string_view>

#include "core/status.h"
#include "db/store.h"

namespace pitchreel::cli::admin_webhook {

Status list(db::Store& db, std::string_view org_name, bool json);
Status set_enabled(db::Store& db, std::string_view org_name, std::string_view id, bool enabled,
                   bool json);
Status remove(db::Store& db, std::string_view org_name, std::string_view id, bool json);
Status deliveries(db::Store& db, std::string_view org_name, std::string_view id, bool json);

}  // namespace pitchreel::cli::admin_webhook

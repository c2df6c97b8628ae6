// The object store the configuration names: STORAGE=local (a folder under the data
// directory) or STORAGE=s3 (the bucket of S3_* / the seed's R2_* settings). Opening
// checks the settings but calls no server: callers that must know the store works
// (service start, `pitchreel doctor`, /readyz) call check_writable() themselves.
#pragma once

#include <memory>

#include "core/config.h"
#include "core/data_dir.h"
#include "core/status.h"
#include "storage/object_store.h"

namespace pitchreel {

// Error::invalid("config_invalid") for unusable S3 settings (what is wrong and which
// variable to set); the local store's errors when its folder cannot be created.
Result<std::unique_ptr<ObjectStore>> open_object_store(const ServiceConfig& config,
                                                       const DataDir& data);

}  // namespace pitchreel

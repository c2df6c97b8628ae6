// The S3 store's settings from the service configuration: the seed's R2 names resolved
// (R2_ACCOUNT_ID becomes the endpoint https://<id>.r2.cloudflarestorage.com when
// S3_ENDPOINT is not set) and the sizes and timeouts converted.
#pragma once

#include "core/config.h"
#include "core/status.h"
#include "storage/s3_client.h"

namespace pitchreel {

// Error::invalid("config_invalid") when R2_ACCOUNT_ID is not an account id; the rest is
// checked by S3Client::create.
Result<S3Settings> s3_settings_from(const ServiceConfig& config);

}  // namespace pitchreel

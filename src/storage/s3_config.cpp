#include "storage/s3_config.h"

#include <algorithm>

namespace pitchreel {

Result<S3Settings> s3_settings_from(const ServiceConfig& config) {
  S3Settings s;
  s.endpoint = config.s3_endpoint;
  if (s.endpoint.empty() && !config.r2_account_id.empty()) {
    const auto& id = config.r2_account_id;
    const bool plain =
        id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        });
    if (!plain) {
      return fail(Error::invalid("config_invalid",
                                 "R2_ACCOUNT_ID must be your Cloudflare account id (letters and "
                                 "digits, as shown in the R2 dashboard)."));
    }
    s.endpoint = "https://" + id + ".r2.cloudflarestorage.com";
  }
  s.region = config.s3_region.empty() ? "auto" : config.s3_region;
  s.bucket = config.s3_bucket;
  s.access_key_id = config.s3_access_key_id;
  s.secret_access_key = config.s3_secret_access_key;
  s.force_path_style = config.s3_force_path_style;
  s.public_base_url = config.s3_public_base_url;
  s.part_size = static_cast<std::uint64_t>(config.s3_part_size_mb) << 20;
  s.stall_timeout = std::chrono::seconds(config.s3_timeout_s);
  return s;
}

}  // namespace pitchreel

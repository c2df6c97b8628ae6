#include "support/scale_out_node.h"

#include <chrono>

namespace pitchreel::testing {

std::map<std::string, std::string> scale_out_env(const PgCluster& pg, const std::string& schema,
                                                 const S3Server& s3) {
  return {{"DATABASE_URL", pg.url()},
          {"PITCHREEL_DB_SCHEMA", schema},
          {"STORAGE", "s3"},
          {"S3_ENDPOINT", s3.endpoint()},
          {"S3_REGION", s3.options().region},
          {"S3_BUCKET", s3.options().bucket},
          {"S3_ACCESS_KEY_ID", s3.options().access_key},
          {"S3_SECRET_ACCESS_KEY", s3.options().secret},
          {"S3_TIMEOUT_S", "5"}};
}

std::unique_ptr<ServerProcess> start_node(const std::filesystem::path& data,
                                          std::map<std::string, std::string> env,
                                          const std::string& role, const std::string& key) {
  env["PITCHREEL_ROLE"] = role;
  ServerOptions options(data, std::move(env), key);
  options.startup_timeout = std::chrono::seconds(120);
  return std::make_unique<ServerProcess>(options);
}

}  // namespace pitchreel::testing

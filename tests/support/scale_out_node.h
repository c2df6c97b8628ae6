// The settings and start-up of one `pitchreel serve` node of a scale-out test: PostgreSQL
// (a schema of the private cluster) for state and the S3 test server for files, as every node
// of one deployment shares them.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "support/pg_cluster.h"
#include "support/s3_server.h"
#include "support/server_process.h"

namespace pitchreel::testing {

// The environment every node of one deployment gets.
std::map<std::string, std::string> scale_out_env(const PgCluster& pg, const std::string& schema,
                                                 const S3Server& s3);

// Starts `serve` with `role` (api, worker or all; through PITCHREEL_ROLE, the setting behind
// --role) and its own data directory; `key` when the schema already has its first owner.
// Start-up may take long on a loaded machine (migrations, the first connection): 120 s.
std::unique_ptr<ServerProcess> start_node(const std::filesystem::path& data,
                                          std::map<std::string, std::string> env,
                                          const std::string& role, const std::string& key = {});

}  // namespace pitchreel::testing

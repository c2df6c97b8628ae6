// S3Server: tests/s3/s3_gate.js as a child process, i.e. a real S3-compatible server
// (s3rver) on 127.0.0.1 behind a gate that checks SigV4 signatures with the AWS SDK's signer
// and injects faults on request. Started by the test, stopped (SIGTERM, then SIGKILL) by the
// destructor; its stdin is a pipe, so it also stops if the test process dies.
//
// rclone() runs the Debian rclone against the same bucket, as the independent client that
// checks what our store wrote.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace pitchreel::testing {

struct S3ServerOptions {
  std::string bucket = "pitchreel-test";
  std::string access_key = "PITCHREELTESTKEY";
  std::string secret = "test-secret/with+chars";
  std::string region = "us-east-1";
  bool public_reads = false;  // unsigned GET/HEAD of objects allowed (a public bucket)
};

class S3Server {
 public:
  explicit S3Server(S3ServerOptions options = {});
  ~S3Server();
  S3Server(const S3Server&) = delete;
  S3Server& operator=(const S3Server&) = delete;

  bool ready() const { return port_ > 0; }
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const S3ServerOptions& options() const { return options_; }

  // POST /__gate/faults; an empty array clears them.
  void set_faults(const nlohmann::json& faults) const;
  // The requests the gate saw ({method, path, query, status}), and clearing that list.
  nlohmann::json requests() const;
  void clear_requests() const;
  // Multipart uploads started and neither completed nor aborted (their parts linger).
  nlohmann::json pending_uploads() const;

  // `rclone ARGS` with a remote named "s3:" configured for this server (environment only,
  // no config file). Returns exit code and output.
  CommandResult rclone(const std::vector<std::string>& args) const;

 private:
  S3ServerOptions options_;
  TempDir dir_;
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int port_ = 0;
  std::string error_;
};

// Runs a command with the given extra environment; stdout and stderr captured.
CommandResult run_command(const std::vector<std::string>& argv,
                          const std::vector<std::string>& extra_env = {});

}  // namespace pitchreel::testing

#include "support/s3_server.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include <httplib.h>

extern char** environ;

namespace pitchreel::testing {
namespace {

std::vector<std::string> environment_with(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    // The host's CA bundle setting makes rclone's AWS SDK refuse a plain-HTTP endpoint.
    if (std::strncmp(*e, "AWS_", 4) == 0 || std::strncmp(*e, "RCLONE_", 7) == 0) continue;
    env.emplace_back(*e);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv_in,
                          const std::vector<std::string>& extra_env) {
  std::vector<std::string> args = argv_in;
  auto env = environment_with(extra_env);
  auto argv = pointers(args);
  auto envp = pointers(env);
  TempDir dir;
  const auto out_path = dir / "out", err_path = dir / "err";
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::execvpe(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  CommandResult result;
  int status = 0;
  if (pid > 0 && ::waitpid(pid, &status, 0) == pid) {
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  return result;
}

S3Server::S3Server(S3ServerOptions options) : options_(std::move(options)) {
  const auto script = std::filesystem::path(PITCHREEL_SOURCE_DIR) / "tests/s3/s3_gate.js";
  if (!std::filesystem::exists(std::filesystem::path(PITCHREEL_SOURCE_DIR) /
                               "tests/s3/node_modules/s3rver")) {
    error_ = "tests/s3/node_modules is missing: run `make deps` (scripts/install-npm-tools.sh)";
    return;
  }
  std::filesystem::create_directories(dir_ / "data");
  std::vector<std::string> args = {"node",         script.string(),
                                   "--dir",        (dir_ / "data").string(),
                                   "--bucket",     options_.bucket,
                                   "--access-key", options_.access_key,
                                   "--secret",     options_.secret,
                                   "--region",     options_.region,
                                   "--public",     options_.public_reads ? "true" : "false"};
  auto env = environment_with({});
  auto argv = pointers(args);
  auto envp = pointers(env);
  int in_pipe[2], out_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0) {
    error_ = "pipe2 failed";
    return;
  }
  const auto log = (dir_ / "gate.log").string();
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    const int err = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(err, 2);
    ::execvpe("node", argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  stdin_fd_ = in_pipe[1];
  // The first line says the port; the gate writes nothing else to stdout.
  std::string line;
  char c;
  while (::read(out_pipe[0], &c, 1) == 1 && c != '\n') line += c;
  ::close(out_pipe[0]);
  const auto at = line.find("port=");
  if (at == std::string::npos) {
    error_ = "s3_gate.js did not start: " + line + " " + read_file(log);
    return;
  }
  port_ = std::stoi(line.substr(at + 5));
}

S3Server::~S3Server() {
  if (stdin_fd_ >= 0) ::close(stdin_fd_);
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 50; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

void S3Server::set_faults(const nlohmann::json& faults) const {
  httplib::Client client("127.0.0.1", port_);
  client.Post("/__gate/faults", nlohmann::json{{"faults", faults}}.dump(), "application/json");
}

nlohmann::json S3Server::requests() const {
  httplib::Client client("127.0.0.1", port_);
  auto res = client.Get("/__gate/requests");
  return res ? nlohmann::json::parse(res->body, nullptr, false) : nlohmann::json::array();
}

void S3Server::clear_requests() const {
  httplib::Client client("127.0.0.1", port_);
  client.Delete("/__gate/requests");
}

nlohmann::json S3Server::pending_uploads() const {
  httplib::Client client("127.0.0.1", port_);
  auto res = client.Get("/__gate/uploads");
  return res ? nlohmann::json::parse(res->body, nullptr, false) : nlohmann::json();
}

CommandResult S3Server::rclone(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"rclone", "--config", "/dev/null"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, {"RCLONE_CONFIG_S3_TYPE=s3", "RCLONE_CONFIG_S3_PROVIDER=Other",
                            "RCLONE_CONFIG_S3_ACCESS_KEY_ID=" + options_.access_key,
                            "RCLONE_CONFIG_S3_SECRET_ACCESS_KEY=" + options_.secret,
                            "RCLONE_CONFIG_S3_ENDPOINT=" + endpoint(),
                            "RCLONE_CONFIG_S3_REGION=" + options_.region,
                            "RCLONE_CONFIG_S3_FORCE_PATH_STYLE=true"});
}

}  // namespace pitchreel::testing

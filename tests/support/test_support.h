// Small helpers shared by the tests: a scratch directory that cleans itself up, a wait
// for a condition, and the location of ../shared/testdata (tests skip with a clear message
// when absent).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace pitchreel::testing {

// A fresh directory under the system temp dir, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Polls `condition` every 20 ms until it holds or `timeout` passes; whether it held. For
// what a process does a moment after the event a test waited for (its own thread's log
// line, a job's inputs removed after its final status), not as a clock.
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling interval
  }
  return condition();
}

// ../shared/testdata/<relative>, or an empty path when the folder is absent.
std::filesystem::path testdata(const std::string& relative);

void write_file(const std::filesystem::path& path, const std::string& bytes);
std::string read_file(const std::filesystem::path& path);

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Sets an environment variable (inherited by the processes a test starts) for the length of
// a scope, and puts back what was there.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value);
  ~ScopedEnv();
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// Runs the pitchreel binary built beside the tests with the given arguments.
CommandResult run_pitchreel(const std::vector<std::string>& args);

}  // namespace pitchreel::testing

// Skips the current test when ../shared/testdata is missing.
#define PITCHREEL_REQUIRE_TESTDATA(path_var, relative)            \
  const auto path_var = ::pitchreel::testing::testdata(relative); \
  if (path_var.empty()) GTEST_SKIP() << "../shared/testdata/" relative " is absent; skipping"

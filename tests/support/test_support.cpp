#include "support/test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace pitchreel::testing {
namespace {

// Every test process, and the pitchreel processes and servers its tests start, keeps its
// face cache (src/presenter/face_cache.h) in a folder of its own, removed at exit: no test
// depends on what an earlier run left in the user's ~/.cache, and none leaves anything there.
// A test of the cache itself sets PITCHREEL_CACHE_DIR as it needs.
struct OwnCacheFolder {
  std::filesystem::path path;
  OwnCacheFolder() {
    if (std::getenv("PITCHREEL_CACHE_DIR") != nullptr) return;
    path = std::filesystem::temp_directory_path() /
           ("pitchreel-test-cache-" + std::to_string(::getpid()));
    ::setenv("PITCHREEL_CACHE_DIR", path.c_str(), 1);
  }
  ~OwnCacheFolder() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
  OwnCacheFolder(const OwnCacheFolder&) = delete;
  OwnCacheFolder& operator=(const OwnCacheFolder&) = delete;
};
const OwnCacheFolder own_cache_folder;

}  // namespace

TempDir::TempDir() {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = std::filesystem::temp_directory_path() /
                     ("pitchreel-test-" + std::to_string(rd()) + std::to_string(::getpid()));
    if (std::filesystem::create_directory(candidate)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

ScopedEnv::ScopedEnv(const char* name, const std::string& value) : name_(name) {
  if (const char* old = std::getenv(name)) old_ = old;
  ::setenv(name, value.c_str(), 1);
}

ScopedEnv::~ScopedEnv() {
  if (old_) {
    ::setenv(name_, old_->c_str(), 1);
  } else {
    ::unsetenv(name_);
  }
}

std::filesystem::path testdata(const std::string& relative) {
  auto p = std::filesystem::path(PITCHREEL_TESTDATA) / relative;
  return std::filesystem::exists(p) ? p : std::filesystem::path{};
}

void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

namespace {
std::string drain(int fd) {
  std::string data;
  std::array<char, 4096> buf{};
  ssize_t n;
  while ((n = ::read(fd, buf.data(), buf.size())) > 0)
    data.append(buf.data(), static_cast<size_t>(n));
  ::close(fd);
  return data;
}
}  // namespace

CommandResult run_pitchreel(const std::vector<std::string>& args) {
  // stderr goes to a file so that a chatty child can never dead-lock on a full pipe.
  TempDir scratch;
  const auto err_path = scratch / "stderr";
  int out_pipe[2];
  if (::pipe(out_pipe) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_pipe[1], STDOUT_FILENO);
    FILE* err = std::fopen(err_path.c_str(), "w");
    if (err) ::dup2(fileno(err), STDERR_FILENO);
    ::close(out_pipe[0]);
    std::vector<char*> argv;
    std::string bin = PITCHREEL_BINARY;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  CommandResult r;
  r.out = drain(out_pipe[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.err = read_file(err_path);
  return r;
}

}  // namespace pitchreel::testing

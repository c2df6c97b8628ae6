#include "support/pg_cluster.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>
#include <vector>

namespace pitchreel::testing {
namespace {

namespace fs = std::filesystem;

std::string find_bindir() {
  if (const char* env = std::getenv("PITCHREEL_PG_BINDIR"); env && *env) return env;
  std::error_code ec;
  std::string best;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const fs::path bin = entry.path() / "bin";
    if (fs::exists(bin / "initdb") && fs::exists(bin / "postgres") &&
        (best.empty() || bin.string() > best)) {
      best = bin.string();
    }
  }
  return best;
}

std::string random_hex(int bytes) {
  std::random_device rd;
  std::string out;
  const char* digits = "0123456789abcdef";
  for (int i = 0; i < bytes; ++i) {
    const unsigned v = rd() & 0xff;
    out += digits[v >> 4];
    out += digits[v & 15];
  }
  return out;
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// fork + exec as (uid, gid), output appended to `log`. `server`: the child gets SIGQUIT
// (immediate shutdown) when this process dies.
pid_t spawn(const std::vector<std::string>& argv, uid_t uid, gid_t gid, const fs::path& log,
            bool server) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  // Child: only async-signal-safe calls until exec.
  const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (out >= 0) {
    ::dup2(out, 1);
    ::dup2(out, 2);
  }
  const int null_in = ::open("/dev/null", O_RDONLY);
  if (null_in >= 0) ::dup2(null_in, 0);
  ::setsid();
  if (::geteuid() == 0) {
    if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) ::_exit(126);
  }
  // Set after the uid change, which clears it.
  if (server) {
    ::prctl(PR_SET_PDEATHSIG, SIGQUIT);
    if (::getppid() != parent) ::_exit(125);
  }
  ::setenv("LC_ALL", "C", 1);
  ::unsetenv("PGDATA");
  ::execv(args[0], args.data());
  ::_exit(127);
}

int wait_exit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string tail_of(const fs::path& log) {
  std::ifstream in(log);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return all.size() > 600 ? all.substr(all.size() - 600) : all;
}

}  // namespace

PgCluster::PgCluster() {
  bindir_ = find_bindir();
  if (bindir_.empty()) {
    error_ = "initdb/postgres not found under /usr/lib/postgresql/*/bin";
    return;
  }
  password_ = "pw-" + random_hex(12);
  uid_ = ::geteuid();
  gid_ = ::getegid();
  if (uid_ == 0) {
    const passwd* nobody = ::getpwnam("nobody");
    if (!nobody) {
      error_ = "running as root and there is no 'nobody' user to run PostgreSQL as";
      return;
    }
    uid_ = nobody->pw_uid;
    gid_ = nobody->pw_gid;
  }
  const fs::path pwfile = dir_ / "pwfile";
  std::ofstream(pwfile) << password_ << "\n";
  std::error_code ec;
  fs::permissions(dir_.path(), fs::perms::owner_all, ec);
  if (::chown(dir_.path().c_str(), uid_, gid_) != 0 || ::chown(pwfile.c_str(), uid_, gid_) != 0) {
    error_ = "cannot hand the cluster directory to the server's user";
    return;
  }
  const fs::path log = dir_ / "initdb.log";
  const pid_t initdb =
      spawn({bindir_ + "/initdb", "-D", (dir_ / "data").string(), "-U", kUser,
             "--pwfile=" + pwfile.string(), "--auth=scram-sha-256", "--no-sync", "-E", "UTF8",
             "--locale=C"},
            uid_, gid_, log, false);
  if (initdb < 0 || wait_exit(initdb) != 0) {
    error_ = "initdb failed: " + tail_of(log);
    return;
  }
  for (int attempt = 0; attempt < 5 && !ready(); ++attempt) {
    port_ = free_port();
    start();
  }
}

PgCluster::~PgCluster() { stop(); }

std::string PgCluster::url_with_password(const std::string& password) const {
  return "postgresql://" + std::string(kUser) + ":" + password + "@127.0.0.1:" +
         std::to_string(port_) + "/postgres";
}

std::string PgCluster::url() const { return url_with_password(password_); }

bool PgCluster::start() {
  if (pid_ > 0) return true;
  const fs::path log = dir_ / "server.log";
  pid_ = spawn({bindir_ + "/postgres", "-D", (dir_ / "data").string(), "-p",
                std::to_string(port_), "-k", dir_.path().string(), "-c",
                "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off", "-c", "max_connections=300", "-c",
                "shared_buffers=32MB"},
               uid_, gid_, log, true);
  if (pid_ < 0) {
    error_ = "cannot fork the server";
    return false;
  }
  const std::string ping = "host=127.0.0.1 port=" + std::to_string(port_) +
                           " dbname=postgres connect_timeout=2 user=" + kUser;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      error_ = "postgres exited at start: " + tail_of(log);
      return false;
    }
    if (PQping(ping.c_str()) == PQPING_OK) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // poll interval, not a clock
  }
  ::kill(pid_, SIGKILL);
  wait_exit(pid_);
  pid_ = -1;
  error_ = "postgres did not accept connections within 90 s: " + tail_of(log);
  return false;
}

bool PgCluster::stop() {
  if (pid_ <= 0) return true;
  ::kill(pid_, SIGINT);  // fast shutdown: disconnect clients, checkpoint, exit
  wait_exit(pid_);
  pid_ = -1;
  return true;
}

PgCluster& shared_pg_cluster() {
  static PgCluster cluster;
  return cluster;
}

std::string fresh_schema() { return "t_" + random_hex(8); }

}  // namespace pitchreel::testing

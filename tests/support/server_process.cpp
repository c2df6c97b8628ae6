#include "support/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <opencv2/imgproc.hpp>

#include "auth/base64url.h"
#include "media/jpeg_writer.h"
#include "support/test_support.h"

extern char** environ;

namespace pitchreel::testing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kListening = "pitchreel listening on ";
constexpr std::string_view kKeyLine = "API key (shown once, keep it safe): ";

// Settings the parent's environment must not leak into the server under test.
bool is_service_setting(const std::string& name) {
  return name.rfind("PITCHREEL_", 0) == 0 || name == "SUPABASE_JWT_SECRET" ||
         name == "JWT_SECRET" || name == "JWKS_FILE" || name == "JWKS_URL" ||
         name == "JWT_AUDIENCE";
}

std::string exit_text(int status) {
  if (WIFEXITED(status)) return "exited with " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "stopped (status " + std::to_string(status) + ")";
}

int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::string tail(const std::string& text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  return "[...]" + text.substr(text.size() - max_bytes);
}

}  // namespace

ServerProcess::ServerProcess(ServerOptions options) : options_(std::move(options)) {
  if (options_.work_dir.empty()) options_.work_dir = options_.data_dir.parent_path();
  api_key_ = options_.api_key;
  std::filesystem::create_directories(options_.data_dir);
  stderr_path_ = options_.data_dir / "serve.stderr.log";
  launch();
}

ServerProcess::~ServerProcess() {
  if (running()) kill9();
  stop_reader();
  check_answers();
  if (::testing::Test::HasFailure()) {
    std::cerr << "---- pitchreel serve (pid was " << pid_ << ", data dir "
              << options_.data_dir.string() << ") ----\n"
              << diagnostics() << "\n---- end of pitchreel serve output ----\n";
  }
}

void ServerProcess::launch() {
  // Everything the child needs is built before fork: after it, only async-signal-safe calls.
  std::vector<std::string> env_strings;
  for (char** e = environ; e && *e; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq == std::string::npos || is_service_setting(entry.substr(0, eq))) continue;
    env_strings.push_back(entry);
  }
  for (const auto& [name, value] : options_.env) env_strings.push_back(name + "=" + value);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  std::vector<std::string> args = {PITCHREEL_BINARY, "serve",      "--listen",
                                   "127.0.0.1:0",    "--data-dir", options_.data_dir.string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string cwd = options_.work_dir.string();
  const std::string err_path = stderr_path_.string();

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (err >= 0) ::dup2(err, STDERR_FILENO);
    ::dup2(fds[1], STDOUT_FILENO);  // dup2 clears FD_CLOEXEC on the copy
    const int null_in = ::open("/dev/null", O_RDONLY);
    if (null_in >= 0) ::dup2(null_in, STDIN_FILENO);
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  pid_ = pid;
  stdout_fd_ = fds[0];

  // Read stdout line by line until the listening line, EOF or the deadline.
  const auto deadline = Clock::now() + options_.startup_timeout;
  std::string pending;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      error_ = "pitchreel serve did not print its listening line within " +
               std::to_string(options_.startup_timeout.count()) + " s";
      break;
    }
    pollfd p{stdout_fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    std::array<char, 4096> buf{};
    const ssize_t n = ::read(stdout_fd_, buf.data(), buf.size());
    if (n <= 0) {
      int status = 0;
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
      error_ = "pitchreel serve " + exit_text(status) + " before listening";
      break;
    }
    {
      std::lock_guard lock(out_mutex_);
      stdout_.append(buf.data(), static_cast<std::size_t>(n));
    }
    pending.append(buf.data(), static_cast<std::size_t>(n));
    std::size_t nl;
    bool listening = false;
    while ((nl = pending.find('\n')) != std::string::npos) {
      const std::string line = pending.substr(0, nl);
      pending.erase(0, nl + 1);
      if (auto k = line.find(kKeyLine); k != std::string::npos) {
        api_key_ = line.substr(k + kKeyLine.size());
        while (!api_key_.empty() && (api_key_.back() == '\r' || api_key_.back() == ' '))
          api_key_.pop_back();
      }
      if (auto l = line.find(kListening); l != std::string::npos) {
        base_url_ = line.substr(l + kListening.size());
        while (!base_url_.empty() && (base_url_.back() == '\r' || base_url_.back() == ' '))
          base_url_.pop_back();
        const auto colon = base_url_.rfind(':');
        try {
          port_ = std::stoi(base_url_.substr(colon + 1));
        } catch (...) {
          port_ = 0;
        }
        listening = port_ > 0;
        if (!listening) error_ = "cannot parse the listening line: " + line;
      }
    }
    if (listening || !error_.empty()) break;
  }
  ready_ = error_.empty() && port_ > 0;
  if (!ready_ && running()) kill9();
  if (ready_) {
    // Keep draining stdout so the server can never block on a full pipe.
    reader_ = std::thread([this] {
      std::array<char, 4096> buf{};
      for (;;) {
        const ssize_t n = ::read(stdout_fd_, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        std::lock_guard lock(out_mutex_);
        stdout_.append(buf.data(), static_cast<std::size_t>(n));
      }
    });
    // The contract the answers are checked against (a worker node serves none).
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(5, 0);
    if (auto doc = c.Get("/api/v1/openapi.json"); doc && doc->status == 200) {
      answers_->set_document(doc->body);
    }
  }
}

void ServerProcess::stop_reader() {
  if (reader_.joinable()) reader_.join();  // ends at EOF, once the child is gone
  if (stdout_fd_ >= 0) {
    ::close(stdout_fd_);
    stdout_fd_ = -1;
  }
}

int ServerProcess::reap(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return exit_code(status);
    }
    if (r < 0 && errno != EINTR) {
      pid_ = -1;
      return -1;
    }
    if (Clock::now() >= deadline) return -2;  // still running
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

int ServerProcess::terminate(std::chrono::seconds timeout) {
  if (!running()) return -1;
  ::kill(pid_, SIGTERM);
  int code = reap(timeout);
  if (code == -2) {
    ADD_FAILURE() << "pitchreel serve did not stop within " << timeout.count() << " s of SIGTERM";
    ::kill(pid_, SIGKILL);
    code = reap(std::chrono::seconds(30));
  }
  stop_reader();
  check_answers();
  return code;
}

void ServerProcess::check_answers() {
  const auto scratch = options_.data_dir.parent_path() / ("contract-check-" + std::to_string(port_));
  if (const std::string report = answers_->check(scratch); !report.empty()) ADD_FAILURE() << report;
}

void ServerProcess::kill9() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  (void)reap(std::chrono::seconds(30));
  stop_reader();
}

httplib::Client ServerProcess::client() const { return client(api_key_); }

httplib::Client ServerProcess::client(const std::string& token) const {
  httplib::Client c("127.0.0.1", port_);
  c.set_connection_timeout(5, 0);
  c.set_read_timeout(180, 0);  // the seed route answers once the video is made
  c.set_write_timeout(30, 0);
  if (!token.empty()) c.set_bearer_token_auth(token);
  c.set_logger([log = answers_](const httplib::Request& request, const httplib::Response& response) {
    log->record(request, response);
  });
  return c;
}

std::string ServerProcess::stdout_text() const {
  std::lock_guard lock(out_mutex_);
  return stdout_;
}

std::string ServerProcess::stderr_text() const { return read_file(stderr_path_); }

bool ServerProcess::wait_for_log(const std::string& text, std::chrono::seconds timeout) const {
  return eventually([&] { return stderr_text().find(text) != std::string::npos; }, timeout);
}

std::string ServerProcess::diagnostics(std::size_t max_bytes) const {
  return "[stdout]\n" + tail(stdout_text(), max_bytes / 4) + "\n[stderr: " + stderr_path_.string() +
         "]\n" + tail(stderr_text(), max_bytes);
}

// ---- helpers

std::string product_jpeg(int width, int height) {
  cv::Mat img(height, width, CV_8UC3, cv::Scalar(230, 236, 240));
  cv::rectangle(img, cv::Rect(width * 3 / 8, height / 5, width / 4, height * 3 / 5),
                cv::Scalar(139, 111, 31), cv::FILLED);
  cv::circle(img, cv::Point(width / 2, height / 3), height / 10, cv::Scalar(40, 90, 200),
             cv::FILLED);
  TempDir dir;
  const auto path = dir / "product.jpg";
  if (auto s = write_jpeg(img, path); !s) {
    ADD_FAILURE() << "write_jpeg failed: " << s.error().message;
    return {};
  }
  return read_file(path);
}

std::filesystem::path product_jpeg_file(const TempDir& dir) {
  cv::Mat img(600, 800, CV_8UC3, cv::Scalar(230, 236, 240));
  cv::rectangle(img, cv::Rect(300, 120, 200, 380), cv::Scalar(139, 111, 31), cv::FILLED);
  auto path = dir / "product.jpg";
  EXPECT_TRUE(write_jpeg(img, path).has_value());
  return path;
}

nlohmann::json json_body(const httplib::Result& res) {
  if (!res) return nullptr;
  auto j = nlohmann::json::parse(res->body, nullptr, false);
  return j.is_discarded() ? nlohmann::json() : j;
}

httplib::MultipartFormDataItems job_form(const std::string& image_bytes,
                                         const std::map<std::string, std::string>& fields,
                                         const std::string& image_name,
                                         const std::string& image_type) {
  httplib::MultipartFormDataItems items;
  if (!image_bytes.empty()) items.push_back({"image", image_bytes, image_name, image_type});
  for (const auto& [name, value] : fields) items.push_back({name, value, "", ""});
  return items;
}

nlohmann::json wait_for_job(httplib::Client& client, const std::string& id,
                            const std::vector<std::string>& statuses,
                            std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  nlohmann::json last;
  while (Clock::now() < deadline) {
    auto res = client.Get("/api/v1/jobs/" + id);
    if (res && res->status == 200) {
      last = json_body(res);
      const auto status = last.value("status", "");
      for (const auto& s : statuses) {
        if (status == s) return last;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "job " << id << " did not reach the wanted status within " << timeout.count()
                << " s; last seen: " << last.dump();
  return last;
}

nlohmann::json admin_json(const std::filesystem::path& data_dir,
                          const std::vector<std::string>& args) {
  std::vector<std::string> all = {"admin", "--data-dir", data_dir.string()};
  all.insert(all.end(), args.begin(), args.end());
  all.push_back("--json");
  const auto r = run_pitchreel(all);
  if (r.exit_code != 0) {
    ADD_FAILURE() << "pitchreel admin failed (" << r.exit_code << "): " << r.out << r.err;
    return nullptr;
  }
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  if (j.is_discarded()) {
    ADD_FAILURE() << "pitchreel admin printed no JSON: " << r.out;
    return nullptr;
  }
  return j;
}

std::vector<std::filesystem::path> files_under(const std::filesystem::path& dir,
                                               const std::string& part) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return out;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    if (part.empty() || it->path().filename().string().find(part) != std::string::npos) {
      out.push_back(it->path());
    }
  }
  return out;
}

std::vector<std::filesystem::path> files_left_under(const std::filesystem::path& dir,
                                                    std::chrono::milliseconds timeout) {
  std::vector<std::filesystem::path> left;
  eventually([&] { return (left = files_under(dir)).empty(); }, timeout);
  return left;
}

std::string make_jwt(const nlohmann::json& header, const nlohmann::json& payload,
                     const std::string& signature) {
  return base64url_encode(header.dump()) + "." + base64url_encode(payload.dump()) + "." + signature;
}

std::string make_hs256_jwt(const nlohmann::json& header, const nlohmann::json& payload,
                           const std::string& secret) {
  const std::string signing_input =
      base64url_encode(header.dump()) + "." + base64url_encode(payload.dump());
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac,
       &mac_len);
  return signing_input + "." +
         base64url_encode(std::string_view(reinterpret_cast<const char*>(mac), mac_len));
}

namespace {
// Calls f(series, value) for each sample line of a Prometheus text exposition.
template <typename F>
void for_each_sample(const std::string& metrics, F f) {
  std::size_t pos = 0;
  while (pos < metrics.size()) {
    const auto nl = std::min(metrics.find('\n', pos), metrics.size());
    const auto line = metrics.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty() || line.front() == '#') continue;
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    try {
      f(line.substr(0, space), std::stod(line.substr(space + 1)));
    } catch (...) {
    }
  }
}
}  // namespace

double metric_value(const std::string& metrics, const std::string& series) {
  double found = -1;
  for_each_sample(metrics, [&](const std::string& s, double v) {
    if (s == series) found = v;
  });
  return found;
}

double metric_sum(const std::string& metrics, const std::string& name) {
  double sum = 0;
  for_each_sample(metrics, [&](const std::string& s, double v) {
    if (s == name || s.rfind(name + "{", 0) == 0) sum += v;
  });
  return sum;
}

std::string url_path(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto slash = url.find('/', scheme + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

std::int64_t unix_time_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace pitchreel::testing

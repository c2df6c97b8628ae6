// ServerProcess: the real `pitchreel serve` binary as a child process, for integration
// tests that talk HTTP to it on a loopback port.
//
// It starts `pitchreel serve --listen 127.0.0.1:0 --data-dir DIR` with a scrubbed
// environment (the parent's PITCHREEL_* / JWT settings removed, the test's own added) and
// the working directory set to a scratch folder, so no stray .env is read. It waits for
// "pitchreel listening on http://HOST:PORT" on stdout, capturing the first-run API key on
// the way; stdout keeps being drained afterwards so the server can never block on it.
// stderr (the log) goes to DIR/serve.stderr.log, and is printed when the test has failed.
// Every JSON answer its clients receive is checked against the server's OpenAPI document
// when the server stops or the object goes away (answer_log.h): a mismatch fails the test.
#pragma once

#include <httplib.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/answer_log.h"
#include "support/test_support.h"

namespace pitchreel::testing {

struct ServerOptions {
  ServerOptions(std::filesystem::path data, std::map<std::string, std::string> environment = {},
                std::string key = {})
      : data_dir(std::move(data)), env(std::move(environment)), api_key(std::move(key)) {}

  std::filesystem::path data_dir;  // required
  std::filesystem::path work_dir;  // the child's cwd; data_dir's parent when empty
  std::map<std::string, std::string> env;
  // A key to use when the data directory is not fresh (no first-run key is printed).
  std::string api_key;
  std::chrono::seconds startup_timeout{30};
};

class ServerProcess {
 public:
  explicit ServerProcess(ServerOptions options);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // True once the server printed its listening line; else error() says why.
  bool ready() const { return ready_; }
  const std::string& error() const { return error_; }

  int port() const { return port_; }
  const std::string& base_url() const { return base_url_; }  // http://127.0.0.1:PORT
  const std::string& api_key() const { return api_key_; }    // first-run key or options.api_key
  const std::filesystem::path& data_dir() const { return options_.data_dir; }
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }

  // A client for this server; with the API key as bearer token unless `token` is given
  // (pass "" for no Authorization header at all).
  httplib::Client client() const;
  httplib::Client client(const std::string& token) const;
  httplib::Client anonymous_client() const { return client(std::string()); }

  // SIGTERM, then waits up to `timeout` (SIGKILL after it). Returns the exit status
  // (128+signal when killed by one), or -1 when not running.
  int terminate(std::chrono::seconds timeout = std::chrono::seconds(60));
  // SIGKILL and reap.
  void kill9();

  std::string stdout_text() const;
  std::string stderr_text() const;
  // Waits until stderr contains `text` (the log is written by its own thread, so a line can
  // follow the change it reports by a moment); false at the deadline.
  bool wait_for_log(const std::string& text,
                    std::chrono::seconds timeout = std::chrono::seconds(30)) const;
  // The last `max_bytes` of stdout and stderr, labelled, for failure messages.
  std::string diagnostics(std::size_t max_bytes = 16000) const;

 private:
  void launch();
  int reap(std::chrono::milliseconds timeout);
  void stop_reader();
  void check_answers();

  ServerOptions options_;
  std::shared_ptr<AnswerLog> answers_ = std::make_shared<AnswerLog>();
  std::filesystem::path stderr_path_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  bool ready_ = false;
  std::string error_;
  int port_ = 0;
  std::string base_url_;
  std::string api_key_;

  mutable std::mutex out_mutex_;
  std::string stdout_;
  std::thread reader_;
};

// Fails the test (fatally) when the server did not start, with its output.
#define ASSERT_SERVER_READY(server) \
  ASSERT_TRUE((server).ready()) << (server).error() << "\n" << (server).diagnostics()

// ---- helpers for the serve_*_test.cpp suites

// A product photo made on the spot (a coloured box on a light background), as JPEG bytes.
std::string product_jpeg(int width = 800, int height = 600);

// The plain product shot of the `pitchreel generate` suites (an 800x600 box, no disc),
// written to dir/product.jpg; its path.
std::filesystem::path product_jpeg_file(const TempDir& dir);

// The body of a JSON answer; a null json when the request failed or the body is not JSON.
nlohmann::json json_body(const httplib::Result& res);

// Multipart fields of a job request: `image` (a file part, when image_bytes is not empty)
// plus the given text fields.
httplib::MultipartFormDataItems job_form(const std::string& image_bytes,
                                         const std::map<std::string, std::string>& fields,
                                         const std::string& image_name = "product.jpg",
                                         const std::string& image_type = "image/jpeg");

// Polls GET /api/v1/jobs/{id} until its status is one of `statuses` (or the deadline);
// returns the last job seen (null json when never seen).
nlohmann::json wait_for_job(httplib::Client& client, const std::string& id,
                            const std::vector<std::string>& statuses,
                            std::chrono::seconds timeout = std::chrono::seconds(120));

// `pitchreel admin --data-dir DIR <args...> --json`, parsed; null json on failure (the
// command's output is added to the test's failure message).
nlohmann::json admin_json(const std::filesystem::path& data_dir,
                          const std::vector<std::string>& args);

// Regular files under `dir` (recursively) whose file name contains `part` ("" = all).
std::vector<std::filesystem::path> files_under(const std::filesystem::path& dir,
                                               const std::string& part = "");

// The files still under `dir` once it has emptied or `timeout` has passed. A job's inputs
// are removed just after its final status is stored, so a test that has seen the status
// waits for them with this instead of looking once.
std::vector<std::filesystem::path> files_left_under(
    const std::filesystem::path& dir, std::chrono::milliseconds timeout = std::chrono::seconds(30));

// A compact JWS: base64url(header).base64url(payload).signature, signed with HMAC-SHA256
// under `secret` unless `signature` is given (use "" for alg=none tokens).
std::string make_hs256_jwt(const nlohmann::json& header, const nlohmann::json& payload,
                           const std::string& secret);
std::string make_jwt(const nlohmann::json& header, const nlohmann::json& payload,
                     const std::string& signature);

std::int64_t unix_time_now();

// Prometheus text: the value of the series written exactly as `series` (e.g.
// `pitchreel_jobs{status="queued"}`), or -1 when absent; the sum over all series of `name`.
double metric_value(const std::string& metrics, const std::string& series);
double metric_sum(const std::string& metrics, const std::string& name);

// The path and query of an absolute URL ("http://host:port/files/x?y" -> "/files/x?y").
std::string url_path(const std::string& url);

}  // namespace pitchreel::testing

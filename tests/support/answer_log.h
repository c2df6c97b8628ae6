// AnswerLog: every JSON answer a test's HTTP clients receive from one `pitchreel serve`,
// checked against the OpenAPI document that server serves (tests/contract/check_answers.mjs,
// ajv), so the C++ integration suites hold the server to its contract as the Node suites do.
//
// ServerProcess owns one and attaches it to every client it hands out (httplib's client
// logger); it fetches the document once the server is listening and calls check() when the
// server goes away. Answers streamed to a content receiver (event streams) are not recorded.
// Thread-safe: clients on several threads may record at once.
#pragma once

#include <httplib.h>

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace pitchreel::testing {

class AnswerLog {
 public:
  // Records the answer when it is JSON (application/json with a body).
  void record(const httplib::Request& request, const httplib::Response& response);

  // The served document, kept for check(); an empty text (a worker node serves none)
  // turns checking off.
  void set_document(std::string openapi_json);

  // Validates everything recorded since the last call. Returns "" when all conform (or
  // when there is nothing to check), else the checker's report. Needs `node` and the
  // npm packages of tests/contract (make deps); run with run_command (s3_server.h).
  std::string check(const std::filesystem::path& scratch_dir);

 private:
  std::mutex mutex_;
  std::string document_;
  std::vector<std::string> lines_;  // JSONL: {"method", "path", "status", "body"}
};

}  // namespace pitchreel::testing

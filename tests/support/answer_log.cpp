#include "support/answer_log.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "support/s3_server.h"  // run_command

namespace pitchreel::testing {

void AnswerLog::record(const httplib::Request& request, const httplib::Response& response) {
  if (response.body.empty() ||
      response.get_header_value("Content-Type").rfind("application/json", 0) != 0) {
    return;
  }
  auto body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) body = response.body;  // not JSON at all: the checker reports it
  nlohmann::json line = {{"method", request.method},
                         {"path", request.path},
                         {"status", response.status},
                         {"body", std::move(body)}};
  std::lock_guard lock(mutex_);
  lines_.push_back(line.dump());
}

void AnswerLog::set_document(std::string openapi_json) {
  std::lock_guard lock(mutex_);
  document_ = std::move(openapi_json);
}

std::string AnswerLog::check(const std::filesystem::path& scratch_dir) {
  std::vector<std::string> lines;
  std::string document;
  {
    std::lock_guard lock(mutex_);
    lines.swap(lines_);
    document = document_;
  }
  if (lines.empty() || document.empty()) return {};
  std::filesystem::create_directories(scratch_dir);
  const auto doc_path = scratch_dir / "openapi.json";
  const auto answers_path = scratch_dir / "answers.jsonl";
  std::ofstream(doc_path) << document;
  {
    std::ofstream out(answers_path);
    for (const auto& l : lines) out << l << '\n';
  }
  // The checker resolves ajv from its own folder (tests/contract/node_modules).
  const auto result = run_command({"node", PITCHREEL_SOURCE_DIR "/tests/contract/check_answers.mjs",
                                   doc_path.string(), answers_path.string()});
  if (result.exit_code == 0) return {};
  return "the answers of pitchreel serve do not all match its OpenAPI document "
         "(tests/contract/check_answers.mjs, exit " +
         std::to_string(result.exit_code) + "):\n" + result.out + result.err;
}

}  // namespace pitchreel::testing

// Doctor: checks the configuration and every configured backend step by step and says
// exactly what is wrong and what to do. `pitchreel doctor` prints the checks; /readyz?deep=1
// runs them (without --generate) too.
//
// Checks, in order (a check whose prerequisite failed is skipped, not failed):
//   storage            the configured object store (STORAGE=local or s3) takes and removes
//                      a tiny object: S3 settings, endpoint reachable, credentials
//                      accepted, bucket present (the S3 client's storage_* codes)
//   speech.espeak      a one-word synthesis with the embedded voice
//   speech.http        TTS_HTTP_URL: reachable, then a one-word synthesis (audio decodes)
//   speech.openai      OPENAI_TTS_URL: the same through /v1/audio/speech
//   hallo3.url         HALLO3_URL set (when hallo3 is the default engine), a URL, not the
//                      seed's placeholder
//   hallo3.reachable   an HTTP answer at all: DNS, refused (not running, port not exposed,
//                      bound to 127.0.0.1 on the GPU host), connect timeout, timeout
//   hallo3.contract    the endpoint exists and answers like Hallo3 (seed: POST /generate
//                      without inputs must be refused with 4xx, not 404/5xx; async: GET
//                      /health with the key, 401/403 = wrong HALLO3_API_KEY)
//   hallo3.generate    only with `generate`: a tiny end-to-end job on `portrait` whose video
//                      must validate (gpu_bad_output otherwise)
// Every failure carries the Error code and message of the component that failed.
// Thread-safe; makes network calls only to the configured backends.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config.h"

namespace pitchreel {

enum class CheckStatus { kOk, kFailed, kSkipped };

struct CheckResult {
  std::string name;  // "hallo3.reachable"
  CheckStatus status = CheckStatus::kOk;
  std::string code;     // the error code when failed
  std::string message;  // what was found, or what is wrong and what to do
  double seconds = 0;
};

struct DoctorOptions {
  bool generate = false;           // run the tiny Hallo3 job
  std::filesystem::path portrait;  // a portrait with a face, for `generate`
  int probe_timeout_s = 10;        // per reachability/contract call
};

std::vector<CheckResult> run_doctor(const ServiceConfig& config, const DoctorOptions& options);

bool all_passed(const std::vector<CheckResult>& results);
nlohmann::json to_json(const std::vector<CheckResult>& results);
const char* to_string(CheckStatus status);

}  // namespace pitchreel

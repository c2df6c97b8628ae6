#include "engines/hallo3_client.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engines/base64.h"

namespace pitchreel {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kWaitStage = "waiting_for_gpu";

double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

Error bad_output(const fetch::BackendInfo& b, const std::string& what) {
  return Error::unavailable("gpu_bad_output",
                            fmt::format("{} at {} answered {}. Check that {} is a Hallo3 server "
                                        "and that HALLO3_PROTOCOL matches it.",
                                        b.name, fetch::display_url(b.url), what, b.url_setting));
}

// Reports the wait: the stage with the fraction of the timeout used, and a log line every 15 s.
class WaitReporter {
 public:
  WaitReporter(ProgressSink& progress, double timeout_s)
      : progress_(progress), timeout_s_(timeout_s) {}
  bool tick(double elapsed) {
    progress_.update(kWaitStage, std::clamp(elapsed / timeout_s_, 0.0, 0.99));
    if (elapsed - last_log_ >= 15) {
      last_log_ = elapsed;
      spdlog::info("waiting for GPU elapsed_s={:.0f} timeout_s={:.0f}", elapsed, timeout_s_);
    }
    return !progress_.canceled();
  }

 private:
  ProgressSink& progress_;
  double timeout_s_;
  double last_log_ = 0;
};

std::optional<std::string> string_field(const nlohmann::json& j,
                                        std::initializer_list<const char*> names) {
  if (!j.is_object()) return std::nullopt;
  for (const char* name : names) {
    if (j.contains(name) && j[name].is_string()) return j[name].get<std::string>();
  }
  return std::nullopt;
}

}  // namespace

Hallo3Client::Hallo3Client(Hallo3Settings settings)
    : settings_(std::move(settings)), backend_(hallo3_backend(settings_)) {}

fetch::CallRequest Hallo3Client::request(std::string method, std::string path) const {
  fetch::CallRequest r;
  r.method = std::move(method);
  r.url = settings_.url + path;
  if (!settings_.api_key.empty()) r.headers.push_back("Authorization: Bearer " + settings_.api_key);
  r.connect_timeout = std::chrono::seconds(settings_.connect_timeout_s);
  r.total_timeout = std::chrono::seconds(settings_.timeout_s);
  r.max_bytes = 1ull << 30;
  return r;
}

Result<Hallo3Answer> Hallo3Client::generate(const Hallo3Inputs& inputs, ProgressSink& progress) {
  progress.update(kWaitStage, 0);
  const auto start = Clock::now();
  auto answer = settings_.protocol == Hallo3Protocol::kAsync ? generate_async(inputs, progress)
                                                             : generate_seed(inputs, progress);
  progress.add_gpu_seconds(since(start));
  return answer;
}

Result<Hallo3Answer> Hallo3Client::generate_seed(const Hallo3Inputs& inputs,
                                                 ProgressSink& progress) {
  WaitReporter reporter(progress, settings_.timeout_s);
  auto r = request("POST", "/generate");
  r.headers.push_back("Accept: video/mp4");
  r.multipart = {{"image", "portrait.png", "image/png", inputs.image_png},
                 {"audio", "narration.wav", "audio/wav", inputs.audio_wav}};
  r.on_tick = [&](double elapsed) { return reporter.tick(elapsed); };
  auto answer = fetch::call_backend(backend_, std::move(r), settings_.retry,
                                    [&] { return progress.canceled(); });
  if (!answer) return fail(answer.error());
  const std::string& type = answer->response.content_type;
  if (!(type.empty() || type == "video/mp4" || type == "application/octet-stream" ||
        type == "video/quicktime")) {
    const std::string excerpt = fetch::body_excerpt(answer->response.body);
    return fail(bad_output(backend_, fmt::format("{} instead of an MP4{}", type,
                                                 excerpt.empty() ? "" : " (\"" + excerpt + "\")")));
  }
  return Hallo3Answer{std::move(answer->response.body)};
}

void Hallo3Client::cancel_remote(const std::string& id) const {
  auto r = request("POST", "/cancel/" + id);
  r.total_timeout = std::chrono::seconds(10);
  if (auto result = fetch::http_call(r); !result) {
    spdlog::warn("could not cancel the GPU job id={} reason=\"{}\"", id, result.error().detail);
  }
}

Result<Hallo3Answer> Hallo3Client::generate_async(const Hallo3Inputs& inputs,
                                                  ProgressSink& progress) {
  const auto start = Clock::now();
  WaitReporter reporter(progress, settings_.timeout_s);
  const auto canceled = [&] { return progress.canceled(); };

  auto submit = request("POST", "/run");
  submit.content_type = "application/json";
  submit.body = nlohmann::json{{"input",
                                {{"image", base64_encode(inputs.image_png)},
                                 {"audio", base64_encode(inputs.audio_wav)},
                                 {"image_format", "png"},
                                 {"audio_format", "wav"}}}}
                    .dump();
  submit.total_timeout = std::chrono::seconds(std::min(settings_.timeout_s, 120));
  auto submitted = fetch::call_backend(backend_, std::move(submit), settings_.retry, canceled);
  if (!submitted) return fail(submitted.error());
  const auto ticket = nlohmann::json::parse(submitted->response.body, nullptr, false);
  const auto id = string_field(ticket, {"id"});
  if (!id || id->empty() || id->find_first_of("/?#") != std::string::npos) {
    return fail(bad_output(backend_, "a submission without a job id"));
  }
  spdlog::info("GPU job submitted id={}", *id);

  const auto deadline = start + std::chrono::seconds(settings_.timeout_s);
  const auto poll_every = std::chrono::milliseconds(static_cast<long>(settings_.poll_s * 1000));
  for (;;) {
    // Wait for the next poll, reporting and watching for a cancel.
    const auto next_poll = std::min(deadline, Clock::now() + poll_every);
    while (Clock::now() < next_poll) {
      if (!reporter.tick(since(start))) {
        cancel_remote(*id);
        return fail(canceled_error());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (Clock::now() >= deadline) {
      cancel_remote(*id);
      return fail(Error::unavailable(
          "gpu_timeout",
          fmt::format("{} at {} did not finish job {} within {} s (timeout). "
                      "Raise HALLO3_TIMEOUT_S if its jobs are long.",
                      backend_.name, fetch::display_url(backend_.url), *id, settings_.timeout_s)));
    }
    auto poll = request("GET", "/status/" + *id);
    poll.total_timeout = std::chrono::seconds(60);
    auto polled = fetch::call_backend(backend_, std::move(poll), settings_.retry, canceled);
    if (!polled) {
      if (polled.error().code == "canceled") cancel_remote(*id);
      return fail(polled.error());
    }
    const auto status = nlohmann::json::parse(polled->response.body, nullptr, false);
    const auto state = string_field(status, {"status"});
    if (!state) return fail(bad_output(backend_, "a status without a \"status\" field"));
    if (*state == "IN_QUEUE" || *state == "IN_PROGRESS" || *state == "RUNNING" ||
        *state == "QUEUED") {
      continue;
    }
    if (*state == "FAILED" || *state == "CANCELLED" || *state == "TIMED_OUT") {
      std::string said = string_field(status, {"error"}).value_or("");
      if (said.empty() && status.contains("error") && !status["error"].is_null())
        said = status["error"].dump();
      said = said.substr(0, 300);
      return fail(Error::unavailable(
          "gpu_job_failed",
          fmt::format("{} reports job {} as {}{}. Check the server's log (out of "
                      "GPU memory is the usual cause).",
                      backend_.name, *id, *state, said.empty() ? "" : ": \"" + said + "\"")));
    }
    if (*state != "COMPLETED") {
      return fail(
          bad_output(backend_, fmt::format("an unknown job status \"{}\"", state->substr(0, 40))));
    }
    const nlohmann::json output = status.contains("output") ? status["output"] : nlohmann::json();
    std::optional<std::string> video = output.is_string()
                                           ? std::optional(output.get<std::string>())
                                           : string_field(output, {"video", "video_base64"});
    if (video) {
      auto bytes = base64_decode(*video);
      if (!bytes) return fail(bad_output(backend_, "a video that is not valid base64"));
      return Hallo3Answer{std::move(*bytes)};
    }
    if (const auto url = string_field(output, {"video_url", "url"})) {
      fetch::CallRequest download;
      download.url = *url;
      download.connect_timeout = std::chrono::seconds(settings_.connect_timeout_s);
      download.total_timeout = std::chrono::seconds(300);
      download.max_bytes = 1ull << 30;
      fetch::BackendInfo storage = backend_;
      storage.name = "the Hallo3 result storage";
      storage.url = *url;
      auto fetched = fetch::call_backend(storage, std::move(download), settings_.retry, canceled);
      if (!fetched) return fail(fetched.error());
      return Hallo3Answer{std::move(fetched->response.body)};
    }
    return fail(bad_output(backend_,
                           "a finished job without a video (no output.video or output.video_url)"));
  }
}

}  // namespace pitchreel

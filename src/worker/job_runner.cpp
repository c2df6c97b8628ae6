#include "worker/job_runner.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <exception>
#include <fstream>
#include <tuple>
#include <vector>

#include "db/clock.h"
#include "engines/engine_factory.h"
#include "fetch/url_fetcher.h"
#include "storage/object_keys.h"
#include "tts/voice_registry.h"
#include "worker/generate.h"
#include "worker/input_cleanup.h"
#include "worker/render_cpu_time.h"

namespace pitchreel {
namespace {

namespace fs = std::filesystem;
using db::jobs::LeaseState;

constexpr std::string_view kStageSeconds = "pitchreel_stage_seconds";
constexpr std::string_view kJobsFinished = "pitchreel_jobs_finished_total";
constexpr std::string_view kGpuSeconds = "pitchreel_gpu_seconds";
constexpr std::string_view kCpuSeconds = "pitchreel_render_cpu_seconds";
constexpr std::string_view kCacheImmutable = "private, max-age=31536000, immutable";

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Removes a folder and everything in it when the scope ends, whatever the exit path.
class RemoveOnExit {
 public:
  explicit RemoveOnExit(fs::path dir) : dir_(std::move(dir)) {}
  RemoveOnExit(const RemoveOnExit&) = delete;
  RemoveOnExit& operator=(const RemoveOnExit&) = delete;
  ~RemoveOnExit() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    if (ec) spdlog::warn("work dir not removed path={} error=\"{}\"", dir_.string(), ec.message());
  }

 private:
  fs::path dir_;
};

// Objects put for a job that has not completed: removed on scope exit unless kept, so a
// job that fails mid-upload or loses its lease leaves no visible object.
class UploadedObjects {
 public:
  explicit UploadedObjects(ObjectStore& store) : store_(store) {}
  UploadedObjects(const UploadedObjects&) = delete;
  UploadedObjects& operator=(const UploadedObjects&) = delete;
  ~UploadedObjects() {
    for (const auto& key : keys_) {
      if (auto s = store_.remove(key); !s) {
        spdlog::warn("uploaded object not removed key={} code={}", key, s.error().code);
      }
    }
  }
  void add(std::string key) { keys_.push_back(std::move(key)); }
  void keep() { keys_.clear(); }

 private:
  ObjectStore& store_;
  std::vector<std::string> keys_;
};

// The work dir is named after the job id; ids come from our database, but a path
// component is checked anyway so a corrupt row cannot point remove_all elsewhere.
bool is_plain_name(std::string_view name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find_first_of("/\\") == std::string_view::npos;
}

std::int64_t retry_backoff_seconds(int attempts) {
  return std::min<std::int64_t>(60, std::int64_t{1} << std::clamp(attempts, 0, 6));
}

// A batch item's photo (or portrait, or music), fetched into the work dir when the job runs, with
// the same address policy and size limit as the API applies to a single job's imageUrl.
Result<fs::path> fetch_input(const std::string& url, const fs::path& to, const ServiceConfig& config,
                             std::string what = "image") {
  FetchLimits limits;
  limits.what = std::move(what);
  limits.max_bytes = config.max_body_bytes;
  limits.allow_private_addresses = config.allow_private_image_urls;
  auto fetched = fetch_url(url, limits);
  if (!fetched) return fail(fetched.error());
  std::ofstream out(to, std::ios::binary);
  out.write(reinterpret_cast<const char*>(fetched->body.data()),
            static_cast<std::streamsize>(fetched->body.size()));
  out.close();
  if (!out) {
    return fail(Error::unavailable("work_dir_not_writable",
                                   "Cannot write the fetched " + limits.what + " to " + to.string() + "."));
  }
  return to;
}

bool is_final_outcome(JobOutcome outcome) {
  return outcome == JobOutcome::kSucceeded || outcome == JobOutcome::kFailed ||
         outcome == JobOutcome::kCanceled;
}

}  // namespace

std::string_view to_string(JobOutcome outcome) {
  switch (outcome) {
    case JobOutcome::kSucceeded:
      return "succeeded";
    case JobOutcome::kFailed:
      return "failed";
    case JobOutcome::kRetrying:
      return "retrying";
    case JobOutcome::kCanceled:
      return "canceled";
    case JobOutcome::kReleased:
      return "released";
  }
  return "unknown";
}

struct JobRunner::Attempt {
  const Job& job;
  const std::string& worker_id;
  JobProgress& progress;
  std::optional<JobSpec> spec;  // once parsed
};

JobRunner::JobRunner(db::JobQueue& queue, ObjectStore& store, Notifier& job_changed, Metrics& metrics,
                     const std::atomic<bool>& stopping, JobRunnerOptions options)
    : queue_(queue),
      store_(store),
      job_changed_(job_changed),
      metrics_(metrics),
      stopping_(stopping),
      options_(std::move(options)) {
  metrics_.describe(std::string(kStageSeconds), "summary",
                    "Seconds spent per pipeline stage of finished renders.");
  metrics_.describe(std::string(kJobsFinished), "counter",
                    "Jobs that reached a final status, by status.");
  metrics_.describe(std::string(kCpuSeconds), "summary",
                    "Render CPU time (user + system) per job attempt.");
  metrics_.describe(std::string(kGpuSeconds), "summary",
                    "GPU wall time per job attempt, by organisation (failed attempts included).");
}

JobOutcome JobRunner::run(const db::jobs::ClaimedJob& claimed, const std::string& worker_id) {
  const Job& job = claimed.job;
  const auto started = std::chrono::steady_clock::now();
  spdlog::info("job started job_id={} org={} worker={} attempt={}/{}", job.id, job.organization_id,
               worker_id, job.attempts, claimed.max_attempts);
  JobProgress progress(queue_, job, worker_id, options_.lease_s, job_changed_, stopping_);
  Attempt attempt{job, worker_id, progress, std::nullopt};

  JobOutcome outcome = JobOutcome::kReleased;
  try {
    outcome = render_and_publish(attempt);
  } catch (const std::exception& e) {
    // Nothing below should throw (errors are values); if something does (bad_alloc, a
    // filesystem_error), the job fails like any internal error instead of killing the
    // worker thread. The exception text stays in the log, not in the user's message.
    spdlog::error("job threw job_id={} org={} what=\"{}\"", job.id, job.organization_id, e.what());
    outcome = finish_with_error(
        attempt, Error::internal("worker_exception",
                                 "The job stopped on an internal error (job " + job.id + ")."));
  }

  if (is_final_outcome(outcome)) {
    metrics_.increment(std::string(kJobsFinished), {{"status", std::string(to_string(outcome))}});
    if (attempt.spec) remove_job_inputs(*attempt.spec, store_, options_.uploads_dir, job.id);
  }
  spdlog::info("job ended job_id={} org={} outcome={} seconds={:.2f}", job.id, job.organization_id,
               to_string(outcome), seconds_since(started));
  job_changed_.notify();
  return outcome;
}

JobOutcome JobRunner::render_and_publish(Attempt& attempt) {
  const Job& job = attempt.job;
  auto spec = job_spec_from_json(job.request);
  if (!spec) return finish_with_error(attempt, spec.error());
  attempt.spec = std::move(*spec);

  if (!is_plain_name(job.id)) {
    return finish_with_error(attempt,
                             Error::internal("invalid_job_id", "A stored job has an unusable id."));
  }
  const fs::path work = options_.work_dir / job.id;
  const RemoveOnExit cleanup(work);
  std::error_code ec;
  fs::remove_all(work, ec);  // leftovers of an earlier attempt on this node
  fs::create_directories(work, ec);
  if (ec) {
    return finish_with_error(
        attempt, Error::unavailable("work_dir_not_writable",
                                    "Cannot create the work folder " + work.string() + " (" +
                                        ec.message() + "). Check the data directory."));
  }

  // Inputs kept in the object store (STORAGE=s3) are downloaded into the work dir, so
  // this node needs nothing the API node wrote to its own disk.
  JobSpec local = *attempt.spec;
  for (auto [key, path, what] : {std::tuple{&local.image_key, &local.image_path, "image"},
                                 std::tuple{&local.avatar_key, &local.avatar_path, "avatar"},
                                 std::tuple{&local.music_key, &local.music_path, "music"}}) {
    if (key->empty()) continue;
    *path = (work / (std::string("input-") + what)).string();
    if (auto s = store_.get_file(*key, *path); !s) {
      // A missing input cannot reappear: the job fails for good instead of retrying.
      if (s.error().code == kObjectNotFound) {
        return finish_with_error(
            attempt, Error::invalid("job_input_missing",
                                    "The job's uploaded " + std::string(what) +
                                        " is no longer in the object store; submit it again."));
      }
      return finish_with_error(attempt, s.error());
    }
  }
  // Batch items name their photos by address: fetched now, into the work dir.
  if (local.image_path.empty() && !local.image_url.empty()) {
    attempt.progress.update("fetch", 0);
    auto image = fetch_input(local.image_url, work / "image.img", options_.config);
    if (!image) return finish_with_error(attempt, image.error());
    local.image_path = image->string();
  }
  if (local.avatar_path.empty() && !local.avatar_url.empty()) {
    auto avatar = fetch_input(local.avatar_url, work / "avatar.img", options_.config);
    if (!avatar) return finish_with_error(attempt, avatar.error());
    local.avatar_path = avatar->string();
  }
  if (local.music_path.empty() && !local.music_url.empty()) {
    auto music = fetch_input(local.music_url, work / "music.audio", options_.config, "music");
    if (!music) return finish_with_error(attempt, music.error());
    local.music_path = music->string();
  }
  auto request = to_generate_request(local, work / "video.mp4");
  if (!request) return finish_with_error(attempt, request.error());
  request->full_x264_threading = options_.config.full_x264_threading;
  const std::string engine_name =
      attempt.spec->engine.empty() ? options_.config.default_engine : attempt.spec->engine;
  auto engine = make_video_engine(engine_name, options_.config);
  if (!engine) return finish_with_error(attempt, engine.error());
  auto tts = make_voice_registry(options_.config);
  CpuAccount account;  // charged by every thread that works for this render alone
  RenderCpuTime cpu(account);
  auto result = [&] {
    ThreadCharge charge(&account);
    return generate_video(*request, *tts, **engine, attempt.progress);
  }();
  record_cpu_time(attempt, cpu.seconds(), cpu.exclusive());
  record_gpu_time(attempt, engine_name);
  if (!result) return finish_with_error(attempt, result.error());
  for (const auto& warning : result->warnings) {
    spdlog::warn("job warning job_id={} org={} code={} warning=\"{}\"", job.id,
                 job.organization_id, warning.code, warning.message);
  }
  for (const auto& stage : result->stages) {
    metrics_.observe(std::string(kStageSeconds), {{"stage", stage.stage}}, stage.seconds);
  }
  return publish(attempt, *result);
}

void JobRunner::record_gpu_time(const Attempt& attempt, const std::string& engine_name) {
  const double seconds = attempt.progress.gpu_seconds();
  if (seconds <= 0) return;
  const Job& job = attempt.job;
  // What the organisation's videos cost on the GPU, failed attempts included.
  metrics_.observe(std::string(kGpuSeconds), {{"organization", job.organization_id}}, seconds);
  spdlog::info("gpu time job_id={} org={} engine={} gpu_s={:.1f}", job.id, job.organization_id,
               engine_name, seconds);
  if (auto s = queue_.add_gpu_seconds(job.id, seconds); !s) {
    spdlog::error("gpu time not recorded job_id={} org={} code={}", job.id, job.organization_id,
                  s.error().code);
  }
}

void JobRunner::record_cpu_time(const Attempt& attempt, double seconds, bool exclusive) {
  if (seconds <= 0) return;
  const Job& job = attempt.job;
  metrics_.observe(std::string(kCpuSeconds), {}, seconds);
  spdlog::info("cpu time job_id={} org={} cpu_s={:.2f} measured={}", job.id, job.organization_id,
               seconds, exclusive ? "process" : "threads");
  if (auto s = queue_.add_cpu_seconds(job.id, seconds); !s) {
    spdlog::error("cpu time not recorded job_id={} org={} code={}", job.id, job.organization_id,
                  s.error().code);
  }
}

JobOutcome JobRunner::publish(Attempt& attempt, const GenerateResult& result) {
  const Job& job = attempt.job;
  // A stage change forces a heartbeat: a cancel requested during the last frames is seen
  // here, before anything becomes visible in the store.
  attempt.progress.update("upload", 0);
  if (attempt.progress.lease() == LeaseState::kCancelRequested) return finish_canceled(attempt);
  if (attempt.progress.lease() == LeaseState::kLost) return JobOutcome::kReleased;

  auto keys = make_video_keys(job.organization_id, attempt.spec->product_id);
  if (!keys) return finish_with_error(attempt, keys.error());
  const std::string stem = fs::path(keys->file_name).stem().string();
  struct Upload {
    const std::string& key;
    const fs::path& source;
    std::string content_type;
    std::string download_name;
  };
  const std::array<Upload, 3> uploads{{
      {keys->video, result.video, "video/mp4", keys->file_name},
      {keys->poster, result.poster, "image/jpeg", stem + ".jpg"},
      {keys->captions, result.vtt, "text/vtt", stem + ".vtt"},
  }};

  const auto upload_started = std::chrono::steady_clock::now();
  UploadedObjects uploaded(store_);
  for (std::size_t i = 0; i < uploads.size(); ++i) {
    const auto& u = uploads[i];
    // Recorded before the put: a put that fails midway may still leave an object in a
    // store whose put is not atomic, and remove() of a missing key succeeds.
    uploaded.add(u.key);
    if (auto s = store_.put_file(u.key, u.source,
                                 {u.content_type, std::string(kCacheImmutable), u.download_name});
        !s) {
      return finish_with_error(attempt, s.error());
    }
    attempt.progress.update("upload", static_cast<double>(i + 1) / uploads.size());
  }
  metrics_.observe(std::string(kStageSeconds), {{"stage", "upload"}},
                   seconds_since(upload_started));

  Video video;
  video.job_id = job.id;
  video.organization_id = job.organization_id;
  video.product_id = attempt.spec->product_id;
  video.video_key = keys->video;
  video.poster_key = keys->poster;
  video.captions_key = keys->captions;
  video.file_name = keys->file_name;
  video.size = static_cast<std::int64_t>(result.size);
  video.duration = result.duration;
  video.width = result.width;
  video.height = result.height;
  video.warnings = result.warnings;
  auto stored =
      queue_.complete(job.id, attempt.worker_id, std::move(video), db::unix_now());
  if (!stored) return finish_with_error(attempt, stored.error());
  if (!*stored) {
    spdlog::warn("job lease lost before completion job_id={} org={}", job.id, job.organization_id);
    return JobOutcome::kReleased;  // the objects go with `uploaded`
  }
  uploaded.keep();
  spdlog::info("job video stored job_id={} org={} video_id={} key={} bytes={}", job.id,
               job.organization_id, (*stored)->id, (*stored)->video_key, (*stored)->size);
  return JobOutcome::kSucceeded;
}

JobOutcome JobRunner::finish_with_error(Attempt& attempt, const Error& error) {
  const Job& job = attempt.job;
  if (error.code == canceled_error().code && attempt.progress.canceled()) {
    switch (attempt.progress.lease()) {
      case LeaseState::kCancelRequested:
        return finish_canceled(attempt);
      case LeaseState::kLost:
        return JobOutcome::kReleased;
      case LeaseState::kHeld:
        break;  // the pool is stopping; it requeues the job
    }
    spdlog::info("job interrupted by shutdown job_id={} org={}", job.id, job.organization_id);
    return JobOutcome::kReleased;
  }

  const bool retryable = error.kind != ErrorKind::kInvalidInput;
  spdlog::log(error.kind == ErrorKind::kInternal ? spdlog::level::err : spdlog::level::info,
              "job error job_id={} org={} code={} retryable={} message=\"{}\"", job.id,
              job.organization_id, error.code, retryable, error.message);
  auto status = queue_.fail(job.id, attempt.worker_id, error.code, error.message, retryable,
                               retry_backoff_seconds(job.attempts), db::unix_now());
  if (!status) {
    // The job stays running under our lease; requeue_expired retries it when the lease ends.
    spdlog::error("job failure not recorded job_id={} org={} code={}", job.id, job.organization_id,
                  status.error().code);
    return JobOutcome::kReleased;
  }
  if (!*status) return JobOutcome::kReleased;  // lease lost: nothing changed
  switch (**status) {
    case JobStatus::kQueued:
      return JobOutcome::kRetrying;
    case JobStatus::kCanceled:
      return JobOutcome::kCanceled;
    default:
      return JobOutcome::kFailed;
  }
}

JobOutcome JobRunner::finish_canceled(Attempt& attempt) {
  auto done = queue_.finish_canceled(attempt.job.id, attempt.worker_id, db::unix_now());
  if (!done) {
    spdlog::error("job cancel not recorded job_id={} org={} code={}", attempt.job.id,
                  attempt.job.organization_id, done.error().code);
    return JobOutcome::kReleased;  // requeue_expired ends it as canceled later
  }
  return *done ? JobOutcome::kCanceled : JobOutcome::kReleased;
}

}  // namespace pitchreel

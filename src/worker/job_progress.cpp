#include "worker/job_progress.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

#include "db/clock.h"

namespace pitchreel {
namespace {

struct StageSpan {
  std::string_view stage;
  double start;
  double width;
};

// Shares of the job's overall progress, measured on the CPU engine at 720p-1080p: the
// render (frames + encode) is nearly all of the time; uploads are local copies or a few
// MB to a bucket.
constexpr std::array<StageSpan, 6> kStages{{
    {"script", 0.00, 0.02},
    {"image", 0.02, 0.03},
    {"speech", 0.05, 0.10},
    {"render", 0.15, 0.75},
    {"finalize", 0.90, 0.03},
    {"upload", 0.93, 0.07},
}};

}  // namespace

JobProgress::JobProgress(db::JobQueue& queue, const Job& job, std::string worker_id,
                         std::int64_t lease_s, Notifier& job_changed,
                         const std::atomic<bool>& stopping)
    : queue_(queue),
      job_(job),
      worker_id_(std::move(worker_id)),
      lease_s_(lease_s),
      job_changed_(job_changed),
      stopping_(stopping) {}

void JobProgress::update(std::string_view stage, double fraction) {
  const auto span = std::find_if(kStages.begin(), kStages.end(),
                                 [&](const StageSpan& s) { return s.stage == stage; });
  if (span != kStages.end()) {
    overall_ = std::max(overall_, span->start + span->width * std::clamp(fraction, 0.0, 1.0));
  }
  const bool stage_changed = stage != stage_;
  if (stage_changed) {
    stage_ = stage;
    spdlog::info("job stage job_id={} org={} stage={} attempt={}", job_.id, job_.organization_id,
                 stage_, job_.attempts);
  }
  if (stage_changed || std::chrono::steady_clock::now() - last_heartbeat_ >= kHeartbeatInterval) {
    heartbeat();
  }
}

bool JobProgress::canceled() const {
  return lease_ != db::jobs::LeaseState::kHeld || stopping_.load();
}

void JobProgress::heartbeat() {
  last_heartbeat_ = std::chrono::steady_clock::now();
  // Once the job is not ours any more, writing would change nothing; skip the transaction.
  if (lease_ == db::jobs::LeaseState::kLost) return;
  auto state =
      queue_.heartbeat(job_.id, worker_id_, lease_s_, stage_, overall_, db::unix_now());
  if (!state) {
    // A busy or failing database: keep rendering. The lease only runs out after lease_s
    // without a successful heartbeat, and complete() refuses to write if it did.
    spdlog::warn("job heartbeat failed job_id={} org={} code={}", job_.id, job_.organization_id,
                 state.error().code);
    return;
  }
  if (*state != db::jobs::LeaseState::kHeld && lease_ != *state) {
    spdlog::info("job {} job_id={} org={}",
                 *state == db::jobs::LeaseState::kLost ? "lease lost" : "cancel requested", job_.id,
                 job_.organization_id);
  }
  if (*state == db::jobs::LeaseState::kLost) {
    lease_ = *state;  // lost outranks a cancel request: the job is no longer ours to finish
    return;           // nothing was written
  }
  if (lease_ == db::jobs::LeaseState::kHeld) lease_ = *state;
  job_changed_.notify();
}

}  // namespace pitchreel

// One contract, two engines: every test here runs against the SQLite store and against the
// PostgreSQL store (a private PostgreSQL 15 cluster, tests/support/pg_cluster.h, one schema
// per test). "Nodes" are separate Store objects on one database: separate connections, as
// separate processes would have.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "db/ids.h"
#include "unit/db/store_contract.h"

namespace pitchreel::db {
namespace {

TEST_P(StoreContract, ClaimsOldestFirstAndSetsTheLease) {
  const Job a = enqueue(100);
  const Job b = enqueue(100);  // same second: insertion order decides
  const Job c = enqueue(99);
  std::vector<std::string> order;
  for (int i = 0; i < 3; ++i) {
    auto claimed = store().queue().claim_next("w1", 60, 200);
    ASSERT_TRUE(claimed) << claimed.error().message;
    ASSERT_TRUE(*claimed);
    order.push_back((*claimed)->job.id);
    EXPECT_EQ((*claimed)->job.status, JobStatus::kRunning);
    EXPECT_EQ((*claimed)->job.attempts, 1);
    EXPECT_EQ((*claimed)->job.stage, "starting");
    EXPECT_EQ((*claimed)->lease_expires_at, 260);
    EXPECT_EQ((*claimed)->max_attempts, 3);
  }
  EXPECT_EQ(order, (std::vector<std::string>{c.id, a.id, b.id}));
  EXPECT_FALSE(store().queue().claim_next("w1", 60, 200).value());
  EXPECT_EQ(store().jobs().queue_depth().value(), 0);
}

TEST_P(StoreContract, ConcurrentClaimersOnTwoNodesTakeEachJobExactlyOnce) {
  constexpr int kJobs = 60;
  std::set<std::string> queued;
  for (int i = 0; i < kJobs; ++i) queued.insert(enqueue(100 + i % 7).id);
  auto other = open_node();
  ASSERT_TRUE(other);
  std::mutex mutex;
  std::multiset<std::string> claimed;
  std::atomic<int> errors = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    Store& node = t % 2 ? *other : store();
    threads.emplace_back([&, t, &node = node] {
      for (;;) {
        auto c = node.queue().claim_next("w" + std::to_string(t), 60, 1000);
        if (!c) {
          // SQLite may report a busy database under contention; it is an error value, and
          // the claim did not happen, so the worker simply tries again.
          if (c.error().code == "database_busy") continue;
          ++errors;
          return;
        }
        if (!*c) return;
        std::lock_guard lock(mutex);
        claimed.insert((*c)->job.id);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(claimed.size(), static_cast<std::size_t>(kJobs));
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()), queued);
  EXPECT_EQ(store().jobs().count_by_status().value().at(JobStatus::kRunning), kJobs);
}

TEST_P(StoreContract, CompletesExactlyOnceAndALostLeaseWritesNothing) {
  const Job job = enqueue(100);
  auto first = store().queue().claim_next("w1", 10, 100).value().value();
  // w1 stalls past its lease; another node requeues it and w2 takes it.
  auto other = open_node();
  EXPECT_EQ(other->queue().requeue_expired(111).value(), 1);
  auto second = other->queue().claim_next("w2", 10, 112).value().value();
  EXPECT_EQ(second.job.id, job.id);
  EXPECT_EQ(second.job.attempts, 2);
  EXPECT_EQ(store().queue().heartbeat(job.id, "w1", 10, "render", 0.5, 113).value(),
            jobs::LeaseState::kLost);
  EXPECT_FALSE(store().queue().complete(job.id, "w1", video(), 114).value());
  EXPECT_FALSE(store().queue().fail(job.id, "w1", "x", "y", true, 5, 114).value());
  // w2 completes from two threads at once: one video.
  std::atomic<int> videos = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      Store& node = i % 2 ? *other : store();
      for (;;) {
        auto v = node.queue().complete(job.id, "w2", video(), 115);
        if (!v && v.error().code == "database_busy") continue;
        ASSERT_TRUE(v) << v.error().message;
        if (*v) ++videos;
        return;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(videos.load(), 1);
  const Job done = get(job.id);
  EXPECT_EQ(done.status, JobStatus::kSucceeded);
  EXPECT_EQ(done.progress, 1.0);
  const auto v = store().videos().get(done.video_id, org_.id).value().value();
  EXPECT_EQ(v.job_id, job.id);
  EXPECT_EQ(v.product_id, "p1");
  EXPECT_EQ(v.size, 1234);
  EXPECT_EQ(v.duration, 12.5);
  EXPECT_EQ(v.created_at, 115);
  EXPECT_EQ(v.warnings, video().warnings);
  // The outbox has each status change once, in order, and nothing for the lost writes.
  EXPECT_EQ(statuses_of(job.id),
            (std::vector<JobStatus>{JobStatus::kQueued, JobStatus::kRunning, JobStatus::kQueued,
                                    JobStatus::kRunning, JobStatus::kSucceeded}));
}

TEST_P(StoreContract, HeartbeatExtendsTheLeaseAndRecordsProgress) {
  const Job job = enqueue(100);
  store().queue().claim_next("w1", 10, 100).value();
  EXPECT_EQ(store().queue().heartbeat(job.id, "w1", 10, "render", 1.7, 108).value(),
            jobs::LeaseState::kHeld);
  // Expired by the first lease, alive by the renewed one (108 + 10).
  EXPECT_EQ(store().queue().requeue_expired(115).value(), 0);
  const Job j = get(job.id);
  EXPECT_EQ(j.stage, "render");
  EXPECT_EQ(j.progress, 1.0);  // clamped
  EXPECT_EQ(store().queue().heartbeat(job.id, "w1", 10, "", 0.25, 109).value(),
            jobs::LeaseState::kHeld);
  EXPECT_EQ(get(job.id).stage, "render");  // empty stage: unchanged
  EXPECT_EQ(store().queue().requeue_expired(120).value(), 1);
}

TEST_P(StoreContract, RetriesWithBackoffThenFailsForGood) {
  const Job job = enqueue(100, 2);
  store().queue().claim_next("w1", 60, 100).value();
  EXPECT_EQ(store().queue().fail(job.id, "w1", "tts_down", "TTS is down", true, 30, 101).value(),
            JobStatus::kQueued);
  EXPECT_FALSE(store().queue().claim_next("w1", 60, 130).value());  // backing off until 131
  auto again = store().queue().claim_next("w1", 60, 131).value();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->job.attempts, 2);
  EXPECT_EQ(again->job.error_code, "tts_down");
  EXPECT_EQ(store().queue().fail(job.id, "w1", "tts_down", "TTS is down", true, 30, 132).value(),
            JobStatus::kFailed);
  const Job j = get(job.id);
  EXPECT_EQ(j.status, JobStatus::kFailed);
  EXPECT_EQ(j.error_message, "TTS is down");
  const auto events = store().events().for_job(job.id).value();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().status, JobStatus::kFailed);
  EXPECT_EQ(events.back().error_code, "tts_down");
  EXPECT_EQ(events.back().created_at, 132);
}

TEST_P(StoreContract, ExpiredLeasesCountAsAttemptsGracefulRequeuesDoNot) {
  const Job job = enqueue(100, 1);
  store().queue().claim_next("w1", 60, 100).value();
  EXPECT_EQ(store().queue().requeue_owned("w1", 101).value(), 1);
  Job j = get(job.id);
  EXPECT_EQ(j.status, JobStatus::kQueued);
  EXPECT_EQ(j.attempts, 0);
  store().queue().claim_next("w2", 10, 102).value();
  EXPECT_EQ(store().queue().requeue_expired(113).value(), 1);
  j = get(job.id);
  EXPECT_EQ(j.status, JobStatus::kFailed);
  EXPECT_EQ(j.error_code, "worker_lost");
}

TEST_P(StoreContract, CancelQueuedAndRunningJobs) {
  const Job queued = enqueue(100);
  const Job running = enqueue(101);
  EXPECT_EQ(store().jobs().cancel(queued.id, org_.id, 102).value(), jobs::CancelOutcome::kCanceled);
  auto claimed = store().queue().claim_next("w1", 60, 103).value().value();
  EXPECT_EQ(claimed.job.id, running.id);  // the canceled one is never claimed
  EXPECT_EQ(store().jobs().cancel(running.id, org_.id, 104).value(),
            jobs::CancelOutcome::kCancelRequested);
  EXPECT_EQ(store().queue().heartbeat(running.id, "w1", 60, "", 0.5, 105).value(),
            jobs::LeaseState::kCancelRequested);
  EXPECT_TRUE(store().queue().finish_canceled(running.id, "w1", 106).value());
  EXPECT_EQ(get(running.id).status, JobStatus::kCanceled);
  EXPECT_EQ(store().jobs().cancel(running.id, org_.id, 107).value(),
            jobs::CancelOutcome::kAlreadyFinished);
  EXPECT_EQ(store().jobs().cancel(running.id, "other-org", 107).value(),
            jobs::CancelOutcome::kNotFound);
  EXPECT_FALSE(store().jobs().get(running.id, "other-org").value());
}

TEST_P(StoreContract, OneIdempotencyKeyMakesOneJobAcrossNodes) {
  auto other = open_node();
  std::mutex mutex;
  std::set<std::string> ids;
  std::atomic<int> created = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      Store& node = i % 2 ? *other : store();
      for (;;) {
        auto r = node.jobs().create({org_.id, user_.id, "{}", "p1", "key-1", 3, {}}, 100);
        if (!r && r.error().code == "database_busy") continue;
        ASSERT_TRUE(r) << r.error().message;
        if (r->created) ++created;
        std::lock_guard lock(mutex);
        ids.insert(r->job.id);
        return;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(store().jobs().find_by_idempotency_key(user_.id, "key-1").value().value().id,
            *ids.begin());
}

TEST_P(StoreContract, RateLimitAdmitsExactlyTheLimitUnderConcurrency) {
  auto other = open_node();
  std::atomic<int> admitted = 0, limited = 0, other_errors = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 10; ++i) {
    threads.emplace_back([&, i] {
      Store& node = i % 2 ? *other : store();
      for (int n = 0; n < 5; ++n) {
        jobs::NewJob job{org_.id, user_.id, "{}", "p1", "", 3, {}};
        job.admission.per_user_hour = 7;
        auto r = node.jobs().create(job, 1000);
        if (!r && r.error().code == "database_busy") {
          --n;
          continue;
        }
        if (r) {
          ++admitted;
        } else if (r.error().code == "rate_limited") {
          EXPECT_GT(r.error().retry_after_s, 0);
          ++limited;
        } else {
          ++other_errors;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(admitted.load(), 7);
  EXPECT_EQ(limited.load(), 43);
  EXPECT_EQ(other_errors.load(), 0);
  EXPECT_EQ(store().jobs().count_jobs_since(user_.id, 0).value(), 7);
}

// A caller may choose the job's id (to store its inputs under it before the row exists);
// a replay of an idempotency key returns the first job, whatever id the replay brought.
TEST_P(StoreContract, CreateUsesTheCallersJobId) {
  jobs::NewJob job{org_.id, user_.id, "{}", "p1", "k-chosen", 3, {}};
  job.id = new_uuid();
  auto first = store().jobs().create(job, 100);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->job.id, job.id);
  EXPECT_EQ(store().jobs().get(job.id, org_.id).value().value().id, job.id);
  const std::string first_id = job.id;
  job.id = new_uuid();
  auto replay = store().jobs().create(job, 101);
  ASSERT_TRUE(replay);
  EXPECT_FALSE(replay->created);
  EXPECT_EQ(replay->job.id, first_id);
  EXPECT_FALSE(store().jobs().get(job.id, org_.id).value());
}

// A canceled job keeps counting toward the hourly limit, so cancel-and-resubmit cannot
// create more jobs than the limit allows.
TEST_P(StoreContract, CanceledJobsCountTowardTheRateLimit) {
  jobs::NewJob job{org_.id, user_.id, "{}", "p1", "", 3, {}};
  job.admission.per_user_hour = 2;
  auto first = store().jobs().create(job, 1000);
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_TRUE(store().jobs().create(job, 1001));
  ASSERT_EQ(store().jobs().cancel(first->job.id, org_.id, 1002).value(),
            jobs::CancelOutcome::kCanceled);
  EXPECT_EQ(store().jobs().count_jobs_since(user_.id, 0).value(), 2);
  EXPECT_EQ(store().jobs().count_org_jobs_since(org_.id, 0).value(), 2);
  auto third = store().jobs().create(job, 1003);
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code, "rate_limited");
  // The canceled job leaves the window first: the limit frees an hour after it.
  EXPECT_EQ(third.error().retry_after_s, 1000 + 3600 - 1003);
  EXPECT_TRUE(store().jobs().create(job, 1000 + 3601));
}

TEST_P(StoreContract, CheckAdmissionRefusesAsCreateWouldWithoutInserting) {
  jobs::NewJob job{org_.id, user_.id, "{}", "p1", "", 3, {}};
  job.admission.per_user_hour = 2;
  EXPECT_TRUE(store().jobs().check_admission(job, 1000));
  ASSERT_TRUE(store().jobs().create(job, 1000));
  EXPECT_TRUE(store().jobs().check_admission(job, 1010));
  ASSERT_TRUE(store().jobs().create(job, 1010));
  auto limited = store().jobs().check_admission(job, 1020);
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().code, "rate_limited");
  EXPECT_EQ(limited.error().retry_after_s, 1000 + 3600 - 1020);  // when the oldest leaves the hour
  EXPECT_EQ(store().jobs().create(job, 1020).error().code, "rate_limited");
  // Once the first job has left the hour (the window includes its first second), one slot
  // is free again.
  EXPECT_TRUE(store().jobs().check_admission(job, 1000 + 3601));
  job.admission = {};
  job.admission.queue_limit = 2;
  auto full = store().jobs().check_admission(job, 1030);
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code, "queue_full");
  EXPECT_EQ(full.error().retry_after_s, 30);
  // Nothing was inserted by the checks.
  EXPECT_EQ(store().jobs().count_jobs_since(user_.id, 0).value(), 2);
}

TEST_P(StoreContract, QueueLimitAndBadInputHaveStableCodes) {
  jobs::NewJob job{org_.id, user_.id, "{}", "p1", "", 3, {}};
  job.admission.queue_limit = 2;
  ASSERT_TRUE(store().jobs().create(job, 100));
  ASSERT_TRUE(store().jobs().create(job, 100));
  auto full = store().jobs().create(job, 100);
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code, "queue_full");
  EXPECT_EQ(full.error().kind, ErrorKind::kUnavailable);
  EXPECT_EQ(full.error().retry_after_s, 30);
  job.admission = {};
  job.max_attempts = 0;
  EXPECT_EQ(store().jobs().create(job, 100).error().code, "invalid_max_attempts");
  job.max_attempts = 3;
  job.organization_id = "not-an-org";
  EXPECT_EQ(store().jobs().create(job, 100).error().code, "user_not_in_organization");
  EXPECT_EQ(store().orgs().create("Acme", 1).error().code, "organization_exists");
  EXPECT_EQ(store().orgs().create("", 1).error().code, "organization_name_empty");
  EXPECT_EQ(store().users().create("nope", "x@y", Role::kMember, 1).error().code,
            "organization_not_found");
  EXPECT_EQ(store().users().create(org_.id, "x@y", Role::kMember, 1, user_.id).error().code,
            "user_exists");
  EXPECT_EQ(store().api_keys().store("nobody", "pk", "h", 1).error().code, "user_not_found");
  ASSERT_TRUE(store().api_keys().store(user_.id, "pk", "h1", 1));
  EXPECT_EQ(store().api_keys().store(user_.id, "pk", "h1", 1).error().code, "api_key_exists");
  EXPECT_EQ(store().jobs().position_in_queue(enqueue(99).id).value(), 0);
}

TEST_P(StoreContract, ApiKeysAuthenticateRevokeAndTouchCoarsely) {
  const auto id = store().api_keys().store(user_.id, "pk_abc", "hash-1", 10).value();
  auto match = store().api_keys().find_active_by_hash("hash-1").value().value();
  EXPECT_EQ(match.key_id, id);
  EXPECT_EQ(match.principal.organization_id, org_.id);
  EXPECT_EQ(match.principal.role, Role::kAdmin);
  ASSERT_TRUE(store().api_keys().touch(id, 100));
  ASSERT_TRUE(store().api_keys().touch(id, 130));  // within the granularity: not written
  EXPECT_EQ(store().api_keys().list_for_user(user_.id).value().at(0).last_used_at, 100);
  EXPECT_FALSE(store().api_keys().revoke(id, "other-org", 200).value());
  EXPECT_TRUE(store().api_keys().revoke(id, org_.id, 200).value());
  EXPECT_FALSE(store().api_keys().revoke(id, std::nullopt, 201).value());
  EXPECT_FALSE(store().api_keys().find_active_by_hash("hash-1").value());
  EXPECT_EQ(store().api_keys().list_for_org(org_.id).value().at(0).revoked_at, 200);
}

TEST_P(StoreContract, VideosPageNewestFirstAndRemoveOnce) {
  for (int i = 0; i < 5; ++i) {
    const Job job = enqueue(100 + i);
    store().queue().claim_next("w", 60, 200).value();
    ASSERT_TRUE(store().queue().complete(job.id, "w", video(), 300 + i).value());
  }
  auto page = store().videos().list(org_.id, std::nullopt, 2, "").value();
  ASSERT_EQ(page.videos.size(), 2u);
  EXPECT_EQ(page.videos[0].created_at, 304);
  EXPECT_EQ(page.videos[0].warnings, video().warnings);
  std::vector<std::int64_t> seen{page.videos[0].created_at, page.videos[1].created_at};
  while (!page.next_cursor.empty()) {
    page = store().videos().list(org_.id, std::string_view("p1"), 2, page.next_cursor).value();
    for (const auto& v : page.videos) seen.push_back(v.created_at);
  }
  EXPECT_EQ(seen, (std::vector<std::int64_t>{304, 303, 302, 301, 300}));
  EXPECT_EQ(store().videos().list(org_.id, std::nullopt, 2, "garbage").error().code,
            "invalid_cursor");
  const auto first = store().videos().list(org_.id, std::nullopt, 1, "").value().videos.at(0);
  EXPECT_FALSE(store().videos().remove(first.id, "other-org").value());
  EXPECT_TRUE(store().videos().remove(first.id, org_.id).value());
  EXPECT_FALSE(store().videos().remove(first.id, org_.id).value());
  EXPECT_TRUE(get(first.job_id).video_id.empty());
}

TEST_P(StoreContract, OutboxReadsInOrderAfterACursor) {
  const Job a = enqueue(100);
  const Job b = enqueue(101);
  auto all = store().events().after(0, 100).value();
  ASSERT_GE(all.size(), 2u);
  const auto tail = store().events().after(all[all.size() - 2].id, 100).value();
  ASSERT_EQ(tail.size(), 1u);
  EXPECT_EQ(tail[0].job_id, b.id);
  EXPECT_EQ(tail[0].status, JobStatus::kQueued);
  EXPECT_EQ(tail[0].organization_id, org_.id);
  EXPECT_EQ(tail[0].created_at, 101);
  // A progress heartbeat is not a status change: no event.
  store().queue().claim_next("w", 60, 102).value();
  const auto before = store().events().after(0, 100).value().size();
  store().queue().heartbeat(a.id, "w", 60, "render", 0.3, 103).value();
  EXPECT_EQ(store().events().after(0, 100).value().size(), before);
}

TEST_P(StoreContract, ReopeningMigratesNothingAndKeepsData) {
  const Job job = enqueue(100);
  auto again = open_node();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->jobs().get(job.id, org_.id).value().value().id, job.id);
  EXPECT_TRUE(again->ping());
}

PITCHREEL_STORE_CONTRACT_ENGINES(StoreContract);

}  // namespace
}  // namespace pitchreel::db

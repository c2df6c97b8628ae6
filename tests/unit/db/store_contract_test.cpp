// One contract, two engines: every test here runs against the SQLite store and against the
// PostgreSQL store (a private PostgreSQL 15 cluster, tests/support/pg_cluster.h, one schema
// per test). "Nodes" are separate Store objects on one database: separate connections, as
// separate processes would have.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

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
  EXPECT_EQ(third.error().retry_after_s, 1000 + 3600 + 1 - 1003);
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
  EXPECT_EQ(limited.error().retry_after_s, 1000 + 3600 + 1 - 1020);  // when the oldest leaves the hour
  EXPECT_EQ(store().jobs().create(job, 1020).error().code, "rate_limited");
  // Once the first job has left the hour (the window includes its first second), one slot
  // is free again: exactly when Retry-After said, not a second earlier.
  const int wait = limited.error().retry_after_s;
  EXPECT_FALSE(store().jobs().check_admission(job, 1020 + wait - 1));
  EXPECT_TRUE(store().jobs().check_admission(job, 1020 + wait));
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

TEST_P(StoreContract, AMovedUserLeavesJobsAndKeysBehind) {
  const Job job = enqueue(50);
  store().api_keys().store(user_.id, "pk_abc", "hash-1", 10).value();
  const Organization other = store().orgs().create("Other shop", 1).value();
  // Moving into the organisation it is in changes nothing: the key still works.
  EXPECT_EQ(store().users().move_to_organization(user_.id, org_.id, 60).value()->organization_id,
            org_.id);
  EXPECT_TRUE(store().api_keys().find_active_by_hash("hash-1").value());
  EXPECT_EQ(store().users().move_to_organization(user_.id, "nope", 60).error().code,
            "organization_not_found");
  EXPECT_FALSE(store().users().move_to_organization("nobody", other.id, 60).value());

  auto moved = store().users().move_to_organization(user_.id, other.id, 70).value();
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->organization_id, other.id);
  EXPECT_EQ(moved->email, user_.email);
  EXPECT_EQ(store().users().get(user_.id).value()->organization_id, other.id);
  EXPECT_FALSE(store().api_keys().find_active_by_hash("hash-1").value()) << "revoked with the move";
  EXPECT_EQ(store().api_keys().list_for_user(user_.id).value().at(0).revoked_at, 70);
  // The job stays with the organisation it was made in.
  EXPECT_TRUE(store().jobs().get(job.id, org_.id).value());
  EXPECT_FALSE(store().jobs().get(job.id, other.id).value());
  // Two nodes moving the user back at once: one move, one state.
  auto node2 = open_node();
  ASSERT_TRUE(node2);
  std::thread racer([&] { ASSERT_TRUE(node2->users().move_to_organization(user_.id, org_.id, 80)); });
  ASSERT_TRUE(store().users().move_to_organization(user_.id, org_.id, 80));
  racer.join();
  EXPECT_EQ(store().users().get(user_.id).value()->organization_id, org_.id);
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

// ---- batches, fair claims, usage

batches::NewBatch new_batch(const Organization& org, const User& user, int n, int per_org_day = 0) {
  batches::NewBatch b;
  b.organization_id = org.id;
  b.user_id = user.id;
  b.defaults = R"({"height":"720"})";
  for (int i = 0; i < n; ++i) b.items.push_back({i + 2, "{}", "p" + std::to_string(i)});
  b.per_org_day = per_org_day;
  return b;
}

TEST_P(StoreContract, ClaimsServeOrganisationsInTurnAndSingleJobsBeforeBatchItems) {
  // Organisation A queues a batch of 4 long before B submits 2 single jobs: once A has had
  // a claim, B's jobs do not wait for the rest of A's batch: the organisations alternate.
  auto a_batch = store().batches().create(new_batch(org_, user_, 4), 100);
  ASSERT_TRUE(a_batch && a_batch->batch) << (a_batch ? "refused" : a_batch.error().message);
  auto first = store().queue().claim_next("w", 60, 150).value();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->job.batch_id, a_batch->batch->id);
  const Organization b = store().orgs().create("Beta", 1).value();
  const User bu = store().users().create(b.id, "b@beta.test", Role::kMember, 1).value();
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(store().jobs().create({b.id, bu.id, "{}", "b", "", 3, {}}, 200 + i));
  }
  std::vector<std::string> orgs;
  for (;;) {
    auto c = store().queue().claim_next("w", 60, 300).value();
    if (!c) break;
    orgs.push_back(c->job.organization_id == org_.id ? "A" : "B");
  }
  EXPECT_EQ(orgs, (std::vector<std::string>{"B", "A", "B", "A", "A"}));

  // Within one organisation a single job goes before its own batch's items.
  auto more = store().batches().create(new_batch(org_, user_, 2), 400);
  ASSERT_TRUE(more && more->batch);
  const Job single = enqueue(500);
  EXPECT_EQ(store().queue().claim_next("w", 60, 600).value()->job.id, single.id);
}

TEST_P(StoreContract, OrganisationsEqualInTurnAreServedOldestJobFirst) {
  // Six organisations that have never had a claim (equal turns), each with one job, the
  // last created organisation's job the oldest: the claims follow the jobs' age, whatever
  // the organisations' ids.
  std::vector<std::string> expected;
  for (int i = 0; i < 6; ++i) {
    const Organization o = store().orgs().create("Org " + std::to_string(i), 1).value();
    const User u = store().users().create(o.id, "u" + std::to_string(i) + "@o.test",
                                          Role::kMember, 1).value();
    const Job j = store().jobs().create({o.id, u.id, "{}", "p", "", 3, {}}, 100 - i).value().job;
    expected.insert(expected.begin(), j.id);
  }
  std::vector<std::string> claimed;
  while (auto c = store().queue().claim_next("w", 60, 200).value()) claimed.push_back(c->job.id);
  EXPECT_EQ(claimed, expected);
}

TEST_P(StoreContract, ABatchIsCreatedWholeAndCompletesWithItsLastItem) {
  auto made = store().batches().create(new_batch(org_, user_, 3), 100);
  ASSERT_TRUE(made) << made.error().message;
  ASSERT_TRUE(made->batch);
  const batches::Batch& b = *made->batch;
  EXPECT_EQ(b.item_count, 3);
  EXPECT_EQ(b.status, batches::BatchStatus::kRunning);
  EXPECT_EQ(b.counts.at(JobStatus::kQueued), 3);
  EXPECT_EQ(b.defaults, R"({"height":"720"})");
  auto items = store().batches().items(b.id, org_.id).value();
  ASSERT_EQ(items.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(items[i].row, i + 2);
    EXPECT_EQ(items[i].job.batch_id, b.id);
    EXPECT_EQ(items[i].job.product_id, "p" + std::to_string(i));
    EXPECT_EQ(items[i].job.status, JobStatus::kQueued);
  }
  // Another organisation sees nothing.
  const Organization other = store().orgs().create("Other", 1).value();
  EXPECT_FALSE(store().batches().get(b.id, other.id).value());
  EXPECT_TRUE(store().batches().items(b.id, other.id).value().empty());
  EXPECT_EQ(store().batches().list(org_.id, 10).value().size(), 1u);

  // Items finish one way or another; the batch completes with the last, at its time.
  auto c1 = store().queue().claim_next("w1", 60, 110).value().value();
  auto c2 = store().queue().claim_next("w2", 60, 110).value().value();
  auto c3 = store().queue().claim_next("w3", 60, 110).value().value();
  ASSERT_TRUE(store().queue().complete(c1.job.id, "w1", video(), 120).value());
  EXPECT_EQ(store().queue().fail(c2.job.id, "w2", "image_url_unreachable", "down", false, 0, 130)
                .value(),
            JobStatus::kFailed);
  auto mid = store().batches().get(b.id, org_.id).value().value();
  EXPECT_EQ(mid.status, batches::BatchStatus::kRunning);
  EXPECT_FALSE(mid.completed_at);
  ASSERT_TRUE(store().queue().complete(c3.job.id, "w3", video(), 140).value());
  auto done = store().batches().get(b.id, org_.id).value().value();
  EXPECT_EQ(done.status, batches::BatchStatus::kCompleted);
  EXPECT_EQ(done.completed_at, 140);
  EXPECT_EQ(done.counts.at(JobStatus::kSucceeded), 2);
  EXPECT_EQ(done.counts.at(JobStatus::kFailed), 1);
  // Its videos carry the batch id.
  auto v = store().videos().get(get(c1.job.id).video_id, org_.id).value().value();
  EXPECT_EQ(v.batch_id, b.id);
}

TEST_P(StoreContract, TwoNodesFinishingTheLastItemsTogetherCompleteTheBatchOnce) {
  for (int round = 0; round < 5; ++round) {
    auto made = store().batches().create(new_batch(org_, user_, 2), 100 + round);
    ASSERT_TRUE(made && made->batch);
    auto other = open_node();
    ASSERT_TRUE(other);
    auto c1 = store().queue().claim_next("w1", 60, 200).value().value();
    auto c2 = store().queue().claim_next("w2", 60, 200).value().value();
    // SQLite may answer busy under contention: nothing was written, the worker retries.
    const auto finish = [](Store& node, const std::string& job, const std::string& worker) {
      for (;;) {
        auto r = node.queue().complete(job, worker, video(), 300);
        if (!r && r.error().code == "database_busy") continue;
        ASSERT_TRUE(r) << r.error().message;
        ASSERT_TRUE(*r);
        return;
      }
    };
    std::thread t1([&] { finish(store(), c1.job.id, "w1"); });
    std::thread t2([&] { finish(*other, c2.job.id, "w2"); });
    t1.join();
    t2.join();
    auto b = store().batches().get(made->batch->id, org_.id).value().value();
    EXPECT_EQ(b.status, batches::BatchStatus::kCompleted) << "round " << round;
    EXPECT_EQ(b.counts.at(JobStatus::kSucceeded), 2);
  }
  // One batch.completed per batch, however the two last items raced.
  const auto events = store().webhooks().pending_events(1000).value();
  std::set<std::string> batches_announced;
  int announced = 0;
  for (const auto& e : events) {
    if (e.type != "batch.completed") continue;
    ++announced;
    batches_announced.insert(nlohmann::json::parse(e.payload)["id"].get<std::string>());
  }
  EXPECT_EQ(announced, 5);
  EXPECT_EQ(batches_announced.size(), 5u);
}

TEST_P(StoreContract, CancelingABatchCancelsQueuedItemsAndAsksRunningOnesToStop) {
  auto made = store().batches().create(new_batch(org_, user_, 3), 100);
  ASSERT_TRUE(made && made->batch);
  const std::string id = made->batch->id;
  auto running = store().queue().claim_next("w", 60, 110).value().value();
  EXPECT_TRUE(store().batches().cancel(id, org_.id, 120).value());
  const Organization other = store().orgs().create("Other", 1).value();
  EXPECT_FALSE(store().batches().cancel(id, other.id, 120).value());
  auto b = store().batches().get(id, org_.id).value().value();
  EXPECT_TRUE(b.cancel_requested);
  EXPECT_EQ(b.counts.at(JobStatus::kCanceled), 2);
  EXPECT_EQ(b.counts.at(JobStatus::kRunning), 1);
  EXPECT_EQ(b.status, batches::BatchStatus::kRunning);
  EXPECT_FALSE(store().queue().claim_next("w", 60, 130).value());
  EXPECT_EQ(store().queue().heartbeat(running.job.id, "w", 60, "", 0.5, 130).value(),
            jobs::LeaseState::kCancelRequested);
  EXPECT_TRUE(store().queue().finish_canceled(running.job.id, "w", 140).value());
  b = store().batches().get(id, org_.id).value().value();
  EXPECT_EQ(b.status, batches::BatchStatus::kCompleted);
  EXPECT_EQ(b.completed_at, 140);
}

// batch.completed is written by the database in the transaction that completes the batch:
// it exists exactly when the batch is completed (checked after every step, so never
// before), carries the final counts, and is not written again by anything that touches the
// batch's jobs or the batch afterwards (a retried item, a cancel, a late worker).
TEST_P(StoreContract, TheLastItemOfABatchWritesOneBatchCompletedEventWithItsCounts) {
  auto made = store().batches().create(new_batch(org_, user_, 3), 100);
  ASSERT_TRUE(made && made->batch);
  const std::string id = made->batch->id;
  const auto completed_events = [&] {
    std::vector<webhooks::OutboxEvent> found;
    const auto all = store().webhooks().pending_events(1000).value();
    for (const auto& e : all) {
      if (e.type == "batch.completed") found.push_back(e);
    }
    return found;
  };
  // The event exists exactly when the batch says completed.
  const auto consistent = [&](const char* step) {
    const auto b = store().batches().get(id, org_.id).value().value();
    const bool done = b.status == batches::BatchStatus::kCompleted;
    EXPECT_EQ(completed_events().size(), done ? 1u : 0u) << step;
    return done;
  };
  EXPECT_FALSE(consistent("created"));
  auto c1 = store().queue().claim_next("w1", 60, 110).value().value();
  auto c2 = store().queue().claim_next("w2", 60, 110).value().value();
  auto c3 = store().queue().claim_next("w3", 60, 110).value().value();
  ASSERT_TRUE(store().queue().complete(c1.job.id, "w1", video(), 120).value());
  EXPECT_FALSE(consistent("one item succeeded"));
  // A retryable failure puts the item back in the queue: not final, no event.
  EXPECT_EQ(store().queue().fail(c2.job.id, "w2", "tts_failed", "busy", true, 0, 121).value(),
            JobStatus::kQueued);
  EXPECT_FALSE(consistent("one item retried"));
  auto again = store().queue().claim_next("w2", 60, 122).value().value();
  EXPECT_EQ(again.job.id, c2.job.id);
  EXPECT_EQ(store().queue().fail(c2.job.id, "w2", "tts_failed", "down", false, 0, 130).value(),
            JobStatus::kFailed);
  EXPECT_FALSE(consistent("two items final, one running"));
  // Canceling the batch asks the running item to stop; it is not final until it does.
  EXPECT_TRUE(store().batches().cancel(id, org_.id, 135).value());
  EXPECT_FALSE(consistent("cancel requested"));
  // A worker that lost its lease changes nothing, so completes nothing.
  EXPECT_FALSE(store().queue().complete(c3.job.id, "intruder", video(), 138).value());
  EXPECT_FALSE(consistent("intruder"));
  ASSERT_TRUE(store().queue().finish_canceled(c3.job.id, "w3", 140).value());
  EXPECT_TRUE(consistent("last item canceled"));

  const auto events = completed_events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].organization_id, org_.id);
  EXPECT_EQ(events[0].created_at, 140);
  const auto payload = nlohmann::json::parse(events[0].payload);
  EXPECT_EQ(payload["id"], id);
  EXPECT_EQ(payload["status"], "completed");
  EXPECT_EQ(payload["itemCount"], 3);
  EXPECT_EQ(payload["succeeded"], 1);
  EXPECT_EQ(payload["failed"], 1);
  EXPECT_EQ(payload["canceled"], 1);
  EXPECT_EQ(payload["createdAt"], 100);
  EXPECT_EQ(payload["completedAt"], 140);

  // Nothing after completion writes it again: another cancel, canceling a final item, a
  // late completion, an expired-lease sweep.
  EXPECT_TRUE(store().batches().cancel(id, org_.id, 150).value());
  (void)store().jobs().cancel(c1.job.id, org_.id, 151);
  EXPECT_FALSE(store().queue().complete(c3.job.id, "w3", video(), 152).value());
  EXPECT_EQ(store().queue().requeue_expired(10'000).value(), 0);
  EXPECT_EQ(completed_events().size(), 1u);
  // Another batch's completion is its own event.
  auto second = store().batches().create(new_batch(org_, user_, 1), 200);
  ASSERT_TRUE(second && second->batch);
  auto only = store().queue().claim_next("w1", 60, 210).value().value();
  ASSERT_TRUE(store().queue().complete(only.job.id, "w1", video(), 220).value());
  const auto both = completed_events();
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(both[1].payload)["id"], second->batch->id);
  EXPECT_EQ(nlohmann::json::parse(both[1].payload)["succeeded"], 1);
}

TEST_P(StoreContract, ABatchThatDoesNotFitTheDailyQuotaIsRefusedWhole) {
  for (int i = 0; i < 3; ++i) enqueue(1000 + i);
  // 3 used of 5: a batch of 3 does not fit; 2 would now, all 3 once the oldest job
  // (created at 1000) leaves the 24 h window.
  auto refused = store().batches().create(new_batch(org_, user_, 3, 5), 2000);
  ASSERT_TRUE(refused) << refused.error().message;
  ASSERT_FALSE(refused->batch);
  ASSERT_TRUE(refused->refused);
  EXPECT_EQ(refused->refused->fits_now, 2);
  EXPECT_EQ(refused->refused->used, 3);
  EXPECT_EQ(refused->refused->limit, 5);
  EXPECT_EQ(refused->refused->fits_all_in_s, 1000 + 86400 - 2000);
  EXPECT_TRUE(store().batches().list(org_.id, 10).value().empty());
  EXPECT_EQ(store().jobs().queue_depth().value(), 3);
  // Larger than the quota: it never fits.
  auto never = store().batches().create(new_batch(org_, user_, 6, 5), 2000).value();
  ASSERT_TRUE(never.refused);
  EXPECT_EQ(never.refused->fits_all_in_s, 0);
  // A batch that fits is admitted, and then counts against the quota.
  auto fits = store().batches().create(new_batch(org_, user_, 2, 5), 2000).value();
  ASSERT_TRUE(fits.batch);
  EXPECT_EQ(store().jobs().count_org_jobs_since(org_.id, 0).value(), 5);
  // Batch items do not count against the user's hourly limit (nor the queue limit).
  jobs::NewJob single{org_.id, user_.id, "{}", "p", "", 3, {}};
  single.admission.per_user_hour = 4;
  single.admission.queue_limit = 4;
  EXPECT_TRUE(store().jobs().create(single, 2001)) << "3 single jobs + a 2-item batch";
  EXPECT_FALSE(store().batches().create(new_batch(org_, user_, 0), 2000));
  EXPECT_EQ(store().batches().create(new_batch(org_, user_, 1001), 2000).error().code,
            "batch_too_large");
}

TEST_P(StoreContract, UsageSumsTheJobsAndVideosItCovers) {
  const std::int64_t day = 20000 * 86400;  // 00:00 UTC of some day
  struct Run {
    std::int64_t finished;
    bool ok;
    double cpu, gpu, duration;
    std::int64_t size;
  };
  const std::vector<Run> runs = {{day + 10, true, 1.5, 0, 12.5, 1000},
                                 {day + 20, false, 0.25, 2, 0, 0},
                                 {day + 86400 + 5, true, 3, 4, 7.5, 500},
                                 {day + 2 * 86400 + 1, true, 1, 0, 5, 300}};
  for (const Run& r : runs) {
    const Job j = enqueue(r.finished - 5);
    auto c = store().queue().claim_next("w", 60, r.finished - 1).value().value();
    ASSERT_EQ(c.job.id, j.id);
    ASSERT_TRUE(store().queue().add_cpu_seconds(j.id, r.cpu));
    ASSERT_TRUE(store().queue().add_gpu_seconds(j.id, r.gpu));
    if (r.ok) {
      Video v = video();
      v.duration = r.duration;
      v.size = r.size;
      auto stored = store().queue().complete(j.id, "w", v, r.finished).value();
      ASSERT_TRUE(stored);
      EXPECT_DOUBLE_EQ(stored->cpu_seconds, r.cpu);
    } else {
      ASSERT_TRUE(store().queue().fail(j.id, "w", "x", "y", false, 0, r.finished).value());
    }
  }
  const Job waiting = enqueue(day + 30);  // unfinished: not counted
  (void)waiting;
  auto days = store().usage().by_day(org_.id, day, day + 2 * 86400).value();
  ASSERT_EQ(days.size(), 2u);  // the third day is outside [from, to)
  EXPECT_EQ(days[0].day_start, day);
  EXPECT_EQ(days[0].videos, 1);
  EXPECT_EQ(days[0].failed, 1);
  EXPECT_DOUBLE_EQ(days[0].video_seconds, 12.5);
  EXPECT_DOUBLE_EQ(days[0].cpu_seconds, 1.75);
  EXPECT_DOUBLE_EQ(days[0].gpu_seconds, 2);
  EXPECT_EQ(days[1].day_start, day + 86400);
  EXPECT_EQ(days[1].videos, 1);
  EXPECT_DOUBLE_EQ(days[1].gpu_seconds, 4);
  EXPECT_EQ(store().usage().stored_bytes(org_.id).value(), 1800);
  // A deleted video's usage stays; the bytes stored now go down.
  auto page = store().videos().list(org_.id, std::nullopt, 10, "").value();
  ASSERT_TRUE(store().videos().remove(page.videos.back().id, org_.id).value());
  EXPECT_EQ(store().usage().by_day(org_.id, day, day + 86400).value().at(0).video_seconds, 12.5);
  EXPECT_EQ(store().usage().stored_bytes(org_.id).value(), 800);
  const auto totals = store().usage().totals().value();
  ASSERT_EQ(totals.size(), 1u);
  EXPECT_EQ(totals[0].organization_name, "Acme");
  EXPECT_EQ(totals[0].videos, 3);
  EXPECT_EQ(totals[0].failed, 1);
  EXPECT_DOUBLE_EQ(totals[0].video_seconds, 25);
  EXPECT_DOUBLE_EQ(totals[0].cpu_seconds, 5.75);
  EXPECT_DOUBLE_EQ(totals[0].gpu_seconds, 6);
  EXPECT_EQ(totals[0].stored_bytes, 800);
}

PITCHREEL_STORE_CONTRACT_ENGINES(StoreContract);

}  // namespace
}  // namespace pitchreel::db

// Jobs as the API sees them: idempotent creation, tenancy, cancel, counts, rate limits.
#include "db/job_repository.h"

#include <gtest/gtest.h>

#include "db/database.h"
#include "db/job_queue.h"
#include "db/org_repository.h"
#include "db/user_repository.h"
#include "support/test_support.h"

namespace pitchreel::db {
namespace {

class JobRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::open(dir_ / "pitchreel.db");
    ASSERT_TRUE(opened) << opened.error().message;
    db_ = std::move(*opened);
    org_ = orgs::create(db(), "Acme", 1).value();
    other_org_ = orgs::create(db(), "Beta", 1).value();
    user_ = users::create(db(), org_.id, "a@acme.test", Role::kAdmin, 1).value();
    other_user_ = users::create(db(), other_org_.id, "b@beta.test", Role::kAdmin, 1).value();
  }
  Database& db() { return *db_; }

  jobs::NewJob new_job(std::string key = "", const User* user = nullptr) {
    const User& u = user ? *user : user_;
    return {u.organization_id, u.id, R"({"script":"hi"})", "p1", std::move(key), 3, {}};
  }
  Job enqueue(std::int64_t now, const User* user = nullptr) {
    auto r = jobs::create(db(), new_job("", user), now);
    EXPECT_TRUE(r) << r.error().message;
    return r->job;
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
  Organization org_, other_org_;
  User user_, other_user_;
};

TEST_F(JobRepositoryTest, CreateStoresAQueuedJob) {
  auto r = jobs::create(db(), new_job(), 100);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->created);
  const Job& job = r->job;
  EXPECT_EQ(job.id.size(), 36u);
  EXPECT_EQ(job.status, JobStatus::kQueued);
  EXPECT_EQ(job.stage, "queued");
  EXPECT_EQ(job.organization_id, org_.id);
  EXPECT_EQ(job.user_id, user_.id);
  EXPECT_EQ(job.request, R"({"script":"hi"})");
  EXPECT_EQ(job.product_id, "p1");
  EXPECT_EQ(job.idempotency_key, "");
  EXPECT_EQ(job.attempts, 0);
  EXPECT_EQ(job.created_at, 100);
  EXPECT_EQ(job.updated_at, 100);

  auto got = jobs::get(db(), job.id, org_.id);
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->id, job.id);
  EXPECT_EQ((*got)->request, job.request);
}

TEST_F(JobRepositoryTest, IdempotentCreateReturnsTheFirstJob) {
  auto first = jobs::create(db(), new_job("key-1"), 100);
  ASSERT_TRUE(first && first->created);
  auto changed = new_job("key-1");
  changed.request = R"({"script":"different"})";
  auto second = jobs::create(db(), changed, 200);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->job.id, first->job.id);
  EXPECT_EQ(second->job.request, first->job.request);
  EXPECT_EQ(second->job.idempotency_key, "key-1");

  // Keys are per user, and jobs without keys never collide.
  auto other = jobs::create(db(), new_job("key-1", &other_user_), 300);
  ASSERT_TRUE(other && other->created);
  EXPECT_NE(other->job.id, first->job.id);
  auto a = jobs::create(db(), new_job(), 300);
  auto b = jobs::create(db(), new_job(), 300);
  ASSERT_TRUE(a && b && a->created && b->created);
  EXPECT_NE(a->job.id, b->job.id);
  EXPECT_EQ(*jobs::queue_depth(db()), 4);
}

TEST_F(JobRepositoryTest, CreateRefusesAUserOfAnotherOrganization) {
  auto job = new_job();
  job.organization_id = other_org_.id;  // user_ is in org_
  auto r = jobs::create(db(), job, 100);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "user_not_in_organization");
  job = new_job();
  job.max_attempts = 0;
  EXPECT_EQ(jobs::create(db(), job, 100).error().code, "invalid_max_attempts");
  EXPECT_EQ(*jobs::queue_depth(db()), 0);
}

TEST_F(JobRepositoryTest, OtherOrganizationsJobIsNotFound) {
  const Job job = enqueue(100);
  auto got = jobs::get(db(), job.id, other_org_.id);
  ASSERT_TRUE(got);
  EXPECT_FALSE(*got);
  auto canceled = jobs::cancel(db(), job.id, other_org_.id, 101);
  ASSERT_TRUE(canceled);
  EXPECT_EQ(*canceled, jobs::CancelOutcome::kNotFound);
  EXPECT_EQ((*jobs::get(db(), job.id, org_.id))->status, JobStatus::kQueued);
}

TEST_F(JobRepositoryTest, CancelQueuedJobNeverRuns) {
  const Job job = enqueue(100);
  auto r = jobs::cancel(db(), job.id, org_.id, 101);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, jobs::CancelOutcome::kCanceled);
  auto got = jobs::get(db(), job.id, org_.id);
  EXPECT_EQ((*got)->status, JobStatus::kCanceled);
  EXPECT_EQ((*got)->updated_at, 101);
  auto claimed = jobs::claim_next(db(), "w1", 60, 200);
  ASSERT_TRUE(claimed);
  EXPECT_FALSE(*claimed);
  EXPECT_EQ(*jobs::cancel(db(), job.id, org_.id, 102), jobs::CancelOutcome::kAlreadyFinished);
}

TEST_F(JobRepositoryTest, CancelRunningJobIsSeenOnHeartbeat) {
  const Job job = enqueue(100);
  ASSERT_TRUE(jobs::claim_next(db(), "w1", 60, 100).value());
  EXPECT_EQ(*jobs::heartbeat(db(), job.id, "w1", 60, "speech", 0.2, 110), jobs::LeaseState::kHeld);
  EXPECT_EQ(*jobs::cancel(db(), job.id, org_.id, 111), jobs::CancelOutcome::kCancelRequested);
  EXPECT_EQ((*jobs::get(db(), job.id, org_.id))->status, JobStatus::kRunning);
  EXPECT_EQ(*jobs::heartbeat(db(), job.id, "w1", 60, "render", 0.5, 112),
            jobs::LeaseState::kCancelRequested);
  EXPECT_TRUE(*jobs::finish_canceled(db(), job.id, "w1", 113));
  EXPECT_EQ((*jobs::get(db(), job.id, org_.id))->status, JobStatus::kCanceled);
  EXPECT_EQ(*jobs::heartbeat(db(), job.id, "w1", 60, "render", 0.5, 114), jobs::LeaseState::kLost);
}

TEST_F(JobRepositoryTest, QueuePositionAndCounts) {
  const Job a = enqueue(100);
  const Job b = enqueue(100);
  const Job c = enqueue(101);
  EXPECT_EQ(*jobs::position_in_queue(db(), a.id), 0);
  EXPECT_EQ(*jobs::position_in_queue(db(), b.id), 1);
  EXPECT_EQ(*jobs::position_in_queue(db(), c.id), 2);
  ASSERT_TRUE(jobs::claim_next(db(), "w1", 60, 200).value());  // takes a
  EXPECT_EQ(*jobs::position_in_queue(db(), a.id), std::nullopt);
  EXPECT_EQ(*jobs::position_in_queue(db(), b.id), 0);
  EXPECT_EQ(*jobs::position_in_queue(db(), c.id), 1);
  EXPECT_EQ(*jobs::position_in_queue(db(), "no-such-job"), std::nullopt);
  ASSERT_EQ(*jobs::cancel(db(), c.id, org_.id, 201), jobs::CancelOutcome::kCanceled);

  EXPECT_EQ(*jobs::queue_depth(db()), 1);
  auto counts = jobs::count_by_status(db());
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->size(), 5u);
  EXPECT_EQ(counts->at(JobStatus::kQueued), 1);
  EXPECT_EQ(counts->at(JobStatus::kRunning), 1);
  EXPECT_EQ(counts->at(JobStatus::kCanceled), 1);
  EXPECT_EQ(counts->at(JobStatus::kSucceeded), 0);
  EXPECT_EQ(counts->at(JobStatus::kFailed), 0);
}

TEST_F(JobRepositoryTest, RateLimitCountersUseTheTimeWindow) {
  auto second_user = users::create(db(), org_.id, "c@acme.test", Role::kOwner, 1).value();
  enqueue(1000);
  enqueue(1500);
  const Job canceled = enqueue(1600);
  enqueue(1700, &second_user);
  enqueue(1700, &other_user_);
  ASSERT_EQ(*jobs::cancel(db(), canceled.id, org_.id, 1601), jobs::CancelOutcome::kCanceled);

  // Canceled jobs count: cancel-and-resubmit must not get past the limit.
  EXPECT_EQ(*jobs::count_jobs_since(db(), user_.id, 0), 3);
  EXPECT_EQ(*jobs::count_jobs_since(db(), user_.id, 1000), 3);
  EXPECT_EQ(*jobs::count_jobs_since(db(), user_.id, 1001), 2);
  EXPECT_EQ(*jobs::count_jobs_since(db(), user_.id, 1501), 1);
  EXPECT_EQ(*jobs::count_jobs_since(db(), user_.id, 1601), 0);
  EXPECT_EQ(*jobs::count_org_jobs_since(db(), org_.id, 0), 4);
  EXPECT_EQ(*jobs::count_org_jobs_since(db(), org_.id, 1600), 2);
  EXPECT_EQ(*jobs::count_org_jobs_since(db(), other_org_.id, 0), 1);

  // Finished jobs still count: the limit is on jobs started, not jobs waiting.
  auto claimed = jobs::claim_next(db(), "w1", 60, 2000).value();
  ASSERT_TRUE(claimed);
  ASSERT_TRUE(jobs::fail(db(), claimed->job.id, "w1", "x", "y", false, 0, 2001).value());
  EXPECT_EQ(*jobs::count_jobs_since(db(), user_.id, 0), 3);
}

}  // namespace
}  // namespace pitchreel::db

namespace pitchreel::db {
namespace {

TEST_F(JobRepositoryTest, AdmissionLimitsHoldAtomicallyAndNeverRefuseAReplay) {
  auto limited = [&](std::string key, int per_user, int per_org, int queue) {
    auto job = new_job(std::move(key));
    job.admission = {per_user, per_org, queue};
    return job;
  };
  ASSERT_TRUE(jobs::create(db(), limited("k1", 2, 0, 0), 100));
  ASSERT_TRUE(jobs::create(db(), limited("k2", 2, 0, 0), 100));
  auto third = jobs::create(db(), limited("k3", 2, 0, 0), 100);
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code, "rate_limited");
  auto replay = jobs::create(db(), limited("k1", 2, 0, 0), 100);  // already accepted: returned
  ASSERT_TRUE(replay);
  EXPECT_FALSE(replay->created);
  // An hour later the user's window is free again, but the organisation's day is not.
  auto org_day = jobs::create(db(), limited("k4", 2, 2, 0), 100 + 3600);
  ASSERT_FALSE(org_day);
  EXPECT_EQ(org_day.error().code, "rate_limited");
  auto queue = jobs::create(db(), limited("k5", 0, 0, 2), 100 + 3600);
  ASSERT_FALSE(queue);
  EXPECT_EQ(queue.error().code, "queue_full");
  EXPECT_EQ(queue.error().kind, ErrorKind::kUnavailable);
  auto found = jobs::find_by_idempotency_key(db(), user_.id, "k2");
  ASSERT_TRUE(found && *found);
  EXPECT_FALSE(*jobs::find_by_idempotency_key(db(), other_user_.id, "k2"));
}

// Retry-After says when the sliding window admits the next job: the moment the oldest job
// that keeps the count at the limit leaves it, not a guess.
TEST_F(JobRepositoryTest, RateLimitRetryAfterIsWhenTheWindowFreesUp) {
  auto limited = [&](std::string key, int per_user, int per_org) {
    auto job = new_job(std::move(key));
    job.admission = {per_user, per_org, 0};
    return job;
  };
  ASSERT_TRUE(jobs::create(db(), limited("a", 3, 0), 1000));
  ASSERT_TRUE(jobs::create(db(), limited("b", 3, 0), 1200));
  ASSERT_TRUE(jobs::create(db(), limited("c", 3, 0), 1500));
  auto refused = jobs::create(db(), limited("d", 3, 0), 2000);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().retry_after_s, 1000 + 3600 + 1 - 2000);  // "a" leaves the hour
  EXPECT_NE(refused.error().message.find("2601 s"), std::string::npos) << refused.error().message;
  // With a limit of 2 the second-oldest must leave too.
  auto tighter = jobs::create(db(), limited("e", 2, 0), 2000);
  ASSERT_FALSE(tighter);
  EXPECT_EQ(tighter.error().retry_after_s, 1200 + 3600 + 1 - 2000);
  // The organisation's day works the same way.
  auto org = jobs::create(db(), limited("f", 0, 3), 5000);
  ASSERT_FALSE(org);
  EXPECT_EQ(org.error().retry_after_s, 1000 + 86400 + 1 - 5000);
  // At the window's very edge it is still at least one second.
  auto edge = jobs::create(db(), limited("g", 3, 0), 1000 + 3600);
  ASSERT_FALSE(edge);  // "a" is still inside (created_at >= now - 3600)
  EXPECT_EQ(edge.error().retry_after_s, 1);
}

}  // namespace
}  // namespace pitchreel::db

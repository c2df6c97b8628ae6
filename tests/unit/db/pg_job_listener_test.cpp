// Events across nodes: a change committed through one node's store reaches a listener
// started for another node, wakes a Notifier waiter there, and keeps doing so after the
// database restarts.
#include "db/pg_job_listener.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "core/notifier.h"
#include "db/pg_store.h"
#include "support/pg_cluster.h"

namespace pitchreel::db {
namespace {

using namespace std::chrono_literals;

// Notifications as the callback saw them, with a way to wait for one.
class Seen {
 public:
  void add(std::string_view job_id, std::string_view status) {
    {
      std::lock_guard lock(mutex_);
      events_.push_back(std::string(job_id) + " " + std::string(status));
    }
    cv_.notify_all();
  }
  bool wait_for(const std::string& event, std::chrono::seconds deadline) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, deadline, [&] {
      return std::find(events_.begin(), events_.end(), event) != events_.end();
    });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::string> events_;
};

class PgJobListenerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& cluster = testing::shared_pg_cluster();
    if (!cluster.ready()) GTEST_SKIP() << "no PostgreSQL test cluster: " << cluster.error();
    target_ = parse_database_url(cluster.url()).value();
    schema_ = testing::fresh_schema();
    PgStoreOptions o;
    o.target = target_;
    o.schema = schema_;
    node_b_ = open_pg_store(o).value();
    org_ = node_b_->orgs().create("Acme", 1).value();
    user_ = node_b_->users().create(org_.id, "a@acme.test", Role::kOwner, 1).value();
  }
  Job enqueue() {
    return node_b_->jobs().create({org_.id, user_.id, "{}", "", "", 3, {}}, 10).value().job;
  }

  DatabaseTarget target_;
  std::string schema_;
  std::unique_ptr<Store> node_b_;
  Organization org_;
  User user_;
};

TEST_F(PgJobListenerTest, DeliversEveryCommittedChangeFromAnotherNode) {
  Seen seen;
  auto listener = PgJobListener::start(target_, schema_, [&](auto id, auto status) {
    seen.add(id, status);
  });
  ASSERT_TRUE(listener) << listener.error().message;
  const Job job = enqueue();
  EXPECT_TRUE(seen.wait_for(job.id + " queued", 30s));
  ASSERT_TRUE(node_b_->queue().claim_next("w", 60, 11).value());
  EXPECT_TRUE(seen.wait_for(job.id + " running", 30s));
  ASSERT_EQ(node_b_->queue().heartbeat(job.id, "w", 60, "render", 0.5, 12).value(),
            jobs::LeaseState::kHeld);  // progress: a notification without a status change
  Video video;
  video.video_key = "k";
  ASSERT_TRUE(node_b_->queue().complete(job.id, "w", video, 13).value());
  EXPECT_TRUE(seen.wait_for(job.id + " succeeded", 30s));
}

TEST_F(PgJobListenerTest, WakesAnIdleWorkerOnAnotherNode) {
  Notifier work_available;
  auto listener = PgJobListener::start(target_, schema_, [&](auto, auto status) {
    if (status == "queued" || status.empty()) work_available.notify();
  });
  ASSERT_TRUE(listener) << listener.error().message;
  const auto seen = work_available.version();
  std::atomic<std::uint64_t> woke_with{seen};
  // The waiter would sleep the whole 60 s unless a notification arrives: nothing else in
  // this process notifies.
  std::thread worker([&] { woke_with = work_available.wait_for_change(seen, 60s); });
  enqueue();
  worker.join();
  EXPECT_NE(woke_with.load(), seen);
  EXPECT_TRUE(node_b_->queue().claim_next("w", 60, 11).value());
}

// The outbox announces itself: the statement that appends an event (here the trigger of a
// job's final status) notifies the outbox channel when its transaction commits, which wakes
// a waiter on another node (the webhook dispatcher) that would otherwise sleep 60 s. A
// change that appends nothing (a job queued) does not.
TEST_F(PgJobListenerTest, AnAppendedOutboxEventWakesTheOtherNode) {
  Seen seen;
  Notifier outbox;
  auto listener = PgJobListener::start(
      target_, schema_, [&](auto id, auto status) { seen.add(id, status); },
      [&] { outbox.notify(); });
  ASSERT_TRUE(listener) << listener.error().message;
  const auto before = outbox.version();
  const Job job = enqueue();
  // Notifications arrive in commit order: once the queued one is here, an outbox one from
  // the same transaction would have come first.
  ASSERT_TRUE(seen.wait_for(job.id + " queued", 30s));
  EXPECT_EQ(outbox.version(), before) << "a queued job appends no webhook event";
  ASSERT_TRUE(node_b_->queue().claim_next("w", 60, 11).value());
  std::atomic<std::uint64_t> woke_with{before};
  std::thread dispatcher([&] { woke_with = outbox.wait_for_change(before, 60s); });
  ASSERT_TRUE(node_b_->jobs().cancel(job.id, org_.id, 12));
  ASSERT_TRUE(node_b_->queue().finish_canceled(job.id, "w", 13).value());  // job.canceled
  dispatcher.join();
  EXPECT_NE(woke_with.load(), before);
  EXPECT_EQ(node_b_->webhooks().pending_events(10).value().size(), 1u);
}

TEST_F(PgJobListenerTest, ReconnectsAfterTheDatabaseRestarts) {
  auto& cluster = testing::shared_pg_cluster();
  Seen seen;
  auto listener = PgJobListener::start(target_, schema_, [&](auto id, auto status) {
    seen.add(id, status);
  });
  ASSERT_TRUE(listener) << listener.error().message;
  ASSERT_TRUE(cluster.stop());
  ASSERT_TRUE(cluster.start()) << cluster.error();
  EXPECT_TRUE(seen.wait_for(" ", 60s));  // the "re-read everything" call after reconnecting
  EXPECT_EQ((*listener)->reconnects(), 1);
  Result<jobs::CreatedJob> created = fail(Error{});
  for (int i = 0; i < 10 && !created; ++i) {  // node B's pool drops its broken connections
    created = node_b_->jobs().create({org_.id, user_.id, "{}", "", "", 3, {}}, 10);
  }
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_TRUE(seen.wait_for(created->job.id + " queued", 30s));
}

}  // namespace
}  // namespace pitchreel::db

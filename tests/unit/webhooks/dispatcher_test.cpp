// The dispatcher against a real SQLite store and a real HTTP receiver on loopback, with
// the clock injected: the retry schedule is driven by setting the time, never by sleeping.
#include "webhooks/dispatcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "db/sqlite_store.h"
#include "support/loopback_server.h"
#include "support/test_support.h"
#include "webhooks/signature.h"

namespace pitchreel::webhooks {
namespace {

struct Received {
  std::string id, timestamp, signature, body, path;
};

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = db::open_sqlite_store(dir_ / "p.db").value();
    org_ = store_->orgs().create("Acme", 1).value();
    receiver_.http().Post(R"(/(\w+))", [this](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard lock(mutex_);
        received_.push_back({req.get_header_value("webhook-id"),
                             req.get_header_value("webhook-timestamp"),
                             req.get_header_value("webhook-signature"), req.body, req.path});
      }
      const std::string mode = req.matches[1];
      int status = 200;
      {
        std::lock_guard lock(mutex_);
        if (!statuses_.empty()) {
          status = statuses_.front();
          statuses_.erase(statuses_.begin());
        }
      }
      if (mode == "slow") {
        for (int i = 0; i < 100 && !stopping_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      if (mode == "redirect") {
        res.status = 302;
        res.set_header("Location", "/ok");
        return;
      }
      if (mode == "big") {
        res.status = 200;
        res.set_content(std::string(100000, 'x'), "text/plain");
        return;
      }
      res.status = status;
      if (status == 503) res.set_header("Retry-After", "60");
      res.set_content("answer " + std::to_string(status), "text/plain");
    });
    ASSERT_TRUE(receiver_.start());
  }
  void TearDown() override {
    stopping_ = true;
    receiver_.stop();
  }

  db::webhooks::Endpoint endpoint(const std::string& path) {
    return store_->webhooks()
        .create_endpoint({org_.id, receiver_.url() + path, "", {}, new_secret().value()}, 1)
        .value();
  }
  Dispatcher dispatcher(bool allow_private = true,
                        const std::function<void(DispatcherOptions&)>& tweak = {}) {
    DispatcherOptions o;
    o.node_id = "test-node";
    o.sender.allow_private_addresses = allow_private;
    o.sender.timeout = std::chrono::seconds(1);
    o.clock = [this] { return now_.load(); };
    o.jitter = [] { return 0.0; };
    if (tweak) tweak(o);
    return Dispatcher(
        *store_,
        [](const db::webhooks::OutboxEvent& e) -> Result<nlohmann::json> {
          return nlohmann::json::parse(e.payload);
        },
        o);
  }
  std::vector<Received> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }
  db::webhooks::Delivery only_delivery(const std::string& endpoint_id) {
    auto list = store_->webhooks().list_deliveries(endpoint_id, org_.id, 10).value();
    EXPECT_EQ(list.size(), 1u);
    return list.at(0);
  }

  testing::TempDir dir_;
  std::unique_ptr<db::Store> store_;
  Organization org_;
  testing::LoopbackServer receiver_;
  std::mutex mutex_;
  std::vector<Received> received_;
  std::vector<int> statuses_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::int64_t> now_{1'000'000};
};

TEST_F(DispatcherTest, SignsDeliversAndRetriesOnTheScheduleWithTheSameId) {
  const auto e = endpoint("/ok");
  statuses_ = {500};
  store_->webhooks().append_event(org_.id, "batch.completed", R"({"id":"b1"})", 999'000).value();
  auto d = dispatcher();
  EXPECT_EQ(d.run_once(), 2);  // one event fanned out, one attempt
  auto first = received();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].timestamp, "1000000");
  const auto body = nlohmann::json::parse(first[0].body);
  EXPECT_EQ(body["type"], "batch.completed");
  EXPECT_EQ(body["timestamp"], "1970-01-12T13:30:00Z");  // the event's time, 999000
  EXPECT_EQ(body["data"]["id"], "b1");
  EXPECT_TRUE(first[0].id.starts_with("msg_"));
  EXPECT_EQ(first[0].signature, sign(e.secret, first[0].id, 1'000'000, first[0].body).value());

  auto pending = only_delivery(e.id);
  EXPECT_EQ(pending.status, db::webhooks::DeliveryStatus::kPending);
  EXPECT_EQ(pending.next_attempt_at, 1'000'005);
  EXPECT_EQ(pending.attempt_log.at(0).http_status, 500);
  EXPECT_EQ(pending.attempt_log.at(0).response_body, "answer 500");

  now_ = 1'000'004;
  EXPECT_EQ(d.run_once(), 0);  // not due yet
  now_ = 1'000'005;
  EXPECT_EQ(d.run_once(), 1);
  auto all = received();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].id, all[0].id);      // the same webhook-id on the retry
  EXPECT_EQ(all[1].body, all[0].body);  // and the same bytes
  EXPECT_EQ(all[1].signature, sign(e.secret, all[1].id, 1'000'005, all[1].body).value());
  const auto done = only_delivery(e.id);
  EXPECT_EQ(done.status, db::webhooks::DeliveryStatus::kDelivered);
  EXPECT_EQ(done.attempt_log.size(), 2u);
}

TEST_F(DispatcherTest, RetryAfterOf503IsHonoured) {
  const auto e = endpoint("/ok");
  statuses_ = {503};
  store_->webhooks().append_event(org_.id, "batch.completed", "{}", 1).value();
  auto d = dispatcher();
  d.run_once();
  EXPECT_EQ(only_delivery(e.id).next_attempt_at, 1'000'060);
}

TEST_F(DispatcherTest, GoneDisablesTheEndpointWithTheReason) {
  const auto e = endpoint("/ok");
  statuses_ = {410};
  store_->webhooks().append_event(org_.id, "batch.completed", "{}", 1).value();
  store_->webhooks().append_event(org_.id, "batch.completed", "{}", 2).value();
  auto d = dispatcher();
  d.run_once();
  const auto ep = store_->webhooks().get_endpoint(e.id, org_.id).value().value();
  ASSERT_TRUE(ep.disabled_at);
  EXPECT_NE(ep.disabled_reason.find("410"), std::string::npos);
  // Nothing more goes to a disabled endpoint, however long we wait.
  const auto sent = received().size();
  now_ += 86400;
  d.run_once();
  EXPECT_EQ(received().size(), sent);
}

TEST_F(DispatcherTest, RedirectsAreFailuresAndNotFollowed) {
  const auto e = endpoint("/redirect");
  store_->webhooks().append_event(org_.id, "batch.completed", "{}", 1).value();
  auto d = dispatcher();
  d.run_once();
  const auto all = received();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].path, "/redirect");
  const auto delivery = only_delivery(e.id);
  EXPECT_EQ(delivery.status, db::webhooks::DeliveryStatus::kPending);
  EXPECT_EQ(delivery.attempt_log.at(0).http_status, 302);
  EXPECT_NE(delivery.last_error.find("redirect"), std::string::npos);
}

TEST_F(DispatcherTest, ASlowReceiverTimesOutAndIsRetried) {
  const auto e = endpoint("/slow");
  store_->webhooks().append_event(org_.id, "batch.completed", "{}", 1).value();
  auto d = dispatcher();
  d.run_once();
  const auto delivery = only_delivery(e.id);
  EXPECT_EQ(delivery.status, db::webhooks::DeliveryStatus::kPending);
  EXPECT_EQ(delivery.attempt_log.at(0).http_status, 0);
  EXPECT_NE(delivery.last_error.find("no answer within 1 s"), std::string::npos);
  EXPECT_GE(delivery.attempt_log.at(0).latency_ms, 900);
}

TEST_F(DispatcherTest, LongAnswersAreCutAndStillDelivered) {
  const auto e = endpoint("/big");
  store_->webhooks().append_event(org_.id, "batch.completed", "{}", 1).value();
  auto d = dispatcher();
  d.run_once();
  const auto delivery = only_delivery(e.id);
  EXPECT_EQ(delivery.status, db::webhooks::DeliveryStatus::kDelivered);
  EXPECT_LE(delivery.attempt_log.at(0).response_body.size(), 4096u);
}

TEST_F(DispatcherTest, PrivateAddressesAreNotContactedUnlessAllowed) {
  // https, so that the address is what refuses it (plain http would be refused first).
  const auto e = store_->webhooks()
                     .create_endpoint({org_.id, "https://127.0.0.1:" + std::to_string(receiver_.port()) + "/ok",
                                       "", {}, new_secret().value()},
                                      1)
                     .value();
  store_->webhooks().append_event(org_.id, "batch.completed", "{}", 1).value();
  auto d = dispatcher(/*allow_private=*/false);
  d.run_once();
  EXPECT_TRUE(received().empty());
  const auto delivery = only_delivery(e.id);
  EXPECT_EQ(delivery.status, db::webhooks::DeliveryStatus::kPending);
  EXPECT_NE(delivery.last_error.find("loopback"), std::string::npos);
}

TEST_F(DispatcherTest, AnEndpointFailingEveryRetryIsDisabledWithTheReason) {
  const auto e = store_->webhooks()
                     .create_endpoint({org_.id,
                                       "http://127.0.0.1:" + std::to_string(testing::unused_port()) + "/x",
                                       "", {}, new_secret().value()},
                                      1)
                     .value();
  store_->webhooks().append_event(org_.id, "batch.completed", "{}", 1).value();
  auto d = dispatcher();
  for (int i = 0; i < 10; ++i) {
    EXPECT_GE(d.run_once(), 1) << "attempt " << i;
    now_ += 86400;  // past any step of the schedule
  }
  const auto delivery = only_delivery(e.id);
  EXPECT_EQ(delivery.status, db::webhooks::DeliveryStatus::kFailed);
  EXPECT_EQ(delivery.attempt_log.size(), 10u);
  const auto ep = store_->webhooks().get_endpoint(e.id, org_.id).value().value();
  ASSERT_TRUE(ep.disabled_at);
  EXPECT_NE(ep.disabled_reason.find("10 times"), std::string::npos);
  EXPECT_NE(ep.disabled_reason.find("connection refused"), std::string::npos);
}

// Retention with the clock injected: the delivered event goes once it has been done with
// for longer than the retention; the one still being retried stays however old it gets.
TEST_F(DispatcherTest, TheSweepDeletesEventsDoneWithAfterTheRetentionOnly) {
  const auto e = endpoint("/ok");
  constexpr std::int64_t kDay = 86400;
  auto d = dispatcher(true, [](DispatcherOptions& o) { o.retention_s = 30 * kDay; });
  store_->webhooks().append_event(org_.id, "job.succeeded", "{}", now_).value();
  EXPECT_EQ(d.run_once(), 2);  // delivered at 1'000'000
  statuses_ = {500};
  store_->webhooks().append_event(org_.id, "job.failed", "{}", now_).value();
  EXPECT_EQ(d.run_once(), 2);  // pending, a retry to come
  ASSERT_EQ(store_->webhooks().list_deliveries(e.id, org_.id, 10).value().size(), 2u);

  now_ = 1'000'000 + 30 * kDay;
  EXPECT_EQ(d.sweep(), 0) << "done with for exactly the retention: kept";
  now_ = 1'000'000 + 30 * kDay + 1;
  EXPECT_EQ(d.sweep(), 1);
  auto left = store_->webhooks().list_deliveries(e.id, org_.id, 10).value();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].status, db::webhooks::DeliveryStatus::kPending);
  now_ = 1'000'000 + 400 * kDay;
  EXPECT_EQ(d.sweep(), 0) << "an event still to be delivered is never pruned";
  EXPECT_EQ(store_->webhooks().list_deliveries(e.id, org_.id, 10).value().size(), 1u);

  auto forever = dispatcher(true, [](DispatcherOptions& o) { o.retention_s = 0; });
  statuses_ = {};
  EXPECT_EQ(forever.run_once(), 1);  // the retry is delivered now
  now_ = 1'000'000 + 4000 * kDay;
  EXPECT_EQ(forever.sweep(), 0) << "retention 0 keeps every event";
  EXPECT_EQ(store_->webhooks().list_deliveries(e.id, org_.id, 10).value().size(), 1u);
}

// Waits for `done` with a generous deadline (a loaded machine), checking every 20 ms.
bool within(std::chrono::seconds deadline, const std::function<bool()>& done) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

// The running dispatcher sleeps on its notifier: an event announced there is delivered long
// before the 60 s poll would have found it.
TEST_F(DispatcherTest, AnAnnouncedEventIsDeliveredWithoutWaitingForThePoll) {
  const auto e = endpoint("/ok");
  Notifier changes;
  auto d = dispatcher(true, [&changes](DispatcherOptions& o) {
    o.idle_poll = std::chrono::seconds(60);
    o.changes = &changes;
  });
  // A first event, delivered by the first round, shows the loop is running and then idle.
  store_->webhooks().append_event(org_.id, "job.succeeded", "{}", now_).value();
  d.start();
  ASSERT_TRUE(within(std::chrono::seconds(30), [&] {
    auto list = store_->webhooks().list_deliveries(e.id, org_.id, 10).value();
    return list.size() == 1 && list[0].status == db::webhooks::DeliveryStatus::kDelivered;
  }));
  store_->webhooks().append_event(org_.id, "job.failed", "{}", now_).value();
  changes.notify();
  EXPECT_TRUE(within(std::chrono::seconds(30), [&] { return received().size() == 2; }))
      << "the announced event waited for the poll";
  d.stop();
}

}  // namespace
}  // namespace pitchreel::webhooks

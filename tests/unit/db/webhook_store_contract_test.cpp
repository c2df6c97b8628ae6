// The webhook part of the store contract (WebhookStore in store.h), on both engines: the
// outbox written in the transaction of each change, fan-out exactly once across nodes,
// leased claims, attempts and their outcomes, rotation, tenancy.
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "unit/db/store_contract.h"

namespace pitchreel::db {
namespace {

using namespace webhooks;

class WebhookContract : public StoreContract {
 protected:
  static EndpointPatch enabling(bool on) {
    EndpointPatch p;
    p.enabled = on;
    return p;
  }
  static EndpointPatch moving_to(std::string url) {
    EndpointPatch p;
    p.url = std::move(url);
    return p;
  }
  WebhookStore& hooks() { return store().webhooks(); }
  Endpoint endpoint(const std::string& org, std::vector<std::string> events = {}) {
    auto e = hooks().create_endpoint({org, "https://hooks.example.com/x", "", std::move(events),
                                      "whsec_c2VjcmV0"},
                                     10);
    EXPECT_TRUE(e) << e.error().message;
    return *e;
  }
  // Fans out every pending event with a fixed body; returns deliveries created.
  int fan_out_all(std::int64_t now) {
    int created = 0;
    const auto events = hooks().pending_events(1000).value();
    for (const auto& ev : events) {
      auto n = hooks().fan_out(ev.id, "msg_" + std::to_string(ev.id), "{\"type\":\"" + ev.type + "\"}", now);
      EXPECT_TRUE(n) << n.error().message;
      if (n && *n) created += **n;
    }
    return created;
  }
  std::vector<std::string> pending_types() {
    std::vector<std::string> out;
    const auto events = hooks().pending_events(1000).value();
    for (const auto& ev : events) out.push_back(ev.type);
    return out;
  }
};

TEST_P(WebhookContract, EndpointsAreManagedPerOrganisation) {
  const Organization other = store().orgs().create("Other", 1).value();
  const Endpoint a = endpoint(org_.id, {"job.succeeded", "video.deleted"});
  const Endpoint b = endpoint(other.id);
  EXPECT_EQ(a.events, (std::vector<std::string>{"job.succeeded", "video.deleted"}));

  auto listed = hooks().list_endpoints(org_.id).value();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, a.id);
  EXPECT_EQ(listed[0].events, a.events);
  EXPECT_EQ(listed[0].secret, "whsec_c2VjcmV0");
  // Another organisation's endpoint is not found, for reading and for every change.
  EXPECT_FALSE(hooks().get_endpoint(b.id, org_.id).value());
  EXPECT_FALSE(hooks().update_endpoint(b.id, org_.id, moving_to("https://x.test"), 20).value());
  EXPECT_FALSE(hooks().delete_endpoint(b.id, org_.id).value());
  EXPECT_FALSE(hooks().rotate_secret(b.id, org_.id, "whsec_bmV3", 100, 20).value());

  EndpointPatch patch;
  patch.url = "https://hooks.example.com/y";
  patch.events = std::vector<std::string>{};
  patch.enabled = false;
  const Endpoint changed = hooks().update_endpoint(a.id, org_.id, patch, 20).value().value();
  EXPECT_EQ(changed.url, "https://hooks.example.com/y");
  EXPECT_TRUE(changed.events.empty());
  EXPECT_EQ(changed.disabled_at, 20);
  EXPECT_FALSE(changed.disabled_reason.empty());
  const Endpoint enabled =
      hooks().update_endpoint(a.id, org_.id, enabling(true), 21).value().value();
  EXPECT_FALSE(enabled.disabled_at);
  EXPECT_TRUE(enabled.disabled_reason.empty());
  EXPECT_EQ(hooks().get_endpoint(a.id, org_.id).value()->updated_at, 21);

  EXPECT_TRUE(hooks().delete_endpoint(a.id, org_.id).value());
  EXPECT_FALSE(hooks().get_endpoint(a.id, org_.id).value());
  EXPECT_EQ(hooks().list_endpoints(other.id).value().size(), 1u);
}

TEST_P(WebhookContract, JobAndVideoChangesWriteTheOutboxInTheirTransaction) {
  const Job ok = enqueue(100);
  const Job bad = enqueue(100, 1);
  const Job canceled = enqueue(100);
  // Queued and running are not webhook events.
  store().queue().claim_next("w", 60, 101).value();
  store().queue().claim_next("w", 60, 101).value();
  EXPECT_TRUE(pending_types().empty());

  const Video v = store().queue().complete(ok.id, "w", video(), 102).value().value();
  store().queue().fail(bad.id, "w", "tts_failed", "no voice", false, 0, 103).value();
  store().jobs().cancel(canceled.id, org_.id, 104).value();
  // A completion by a worker that lost its lease changes nothing, so announces nothing.
  EXPECT_FALSE(store().queue().complete(ok.id, "intruder", video(), 105).value());

  auto events = hooks().pending_events(100).value();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type, "job.succeeded");
  EXPECT_EQ(events[0].organization_id, org_.id);
  EXPECT_EQ(events[0].created_at, 102);
  auto p0 = nlohmann::json::parse(events[0].payload);
  EXPECT_EQ(p0["jobId"], ok.id);
  EXPECT_EQ(p0["videoId"], v.id);
  EXPECT_EQ(events[1].type, "job.failed");
  EXPECT_EQ(nlohmann::json::parse(events[1].payload)["errorCode"], "tts_failed");
  EXPECT_EQ(events[2].type, "job.canceled");
  EXPECT_EQ(nlohmann::json::parse(events[2].payload)["jobId"], canceled.id);
  EXPECT_LT(events[0].id, events[1].id);

  ASSERT_TRUE(store().videos().remove(v.id, org_.id).value());
  events = hooks().pending_events(100).value();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[3].type, "video.deleted");
  EXPECT_EQ(nlohmann::json::parse(events[3].payload)["id"], v.id);

  const auto id = hooks().append_event(org_.id, "batch.completed", R"({"id":"b1"})", 106).value();
  events = hooks().pending_events(100).value();
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[4].id, id);
  EXPECT_EQ(events[4].payload, R"({"id":"b1"})");
}

TEST_P(WebhookContract, FanOutHappensExactlyOnceAcrossNodesAndRespectsFiltersAndTenancy) {
  const Organization other = store().orgs().create("Other", 1).value();
  const Endpoint all = endpoint(org_.id);
  const Endpoint only_batches = endpoint(org_.id, {"batch.completed"});
  const Endpoint disabled = endpoint(org_.id);
  hooks().update_endpoint(disabled.id, org_.id, enabling(false), 11).value();
  const Endpoint foreign = endpoint(other.id);
  constexpr int kEvents = 40;
  for (int i = 0; i < kEvents; ++i) {
    hooks().append_event(org_.id, i % 4 == 0 ? "batch.completed" : "job.failed", "{}", 100).value();
  }
  auto node2 = open_node();
  ASSERT_TRUE(node2);
  std::atomic<int> won = 0, lost = 0, created = 0, errors = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    Store& node = t % 2 ? *node2 : store();
    threads.emplace_back([&, &node = node] {
      const auto events = node.webhooks().pending_events(1000).value_or(std::vector<OutboxEvent>{});
      for (const auto& ev : events) {
        auto n = node.webhooks().fan_out(ev.id, "msg_" + std::to_string(ev.id), "{}", 200);
        if (!n) {
          ++errors;
        } else if (*n) {
          ++won;
          created += **n;
        } else {
          ++lost;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(won, kEvents);  // each event fanned out by exactly one caller
  EXPECT_EQ(created, kEvents + kEvents / 4);  // `all` gets each, `only_batches` a quarter
  EXPECT_TRUE(hooks().pending_events(10).value().empty());
  EXPECT_EQ(hooks().list_deliveries(all.id, org_.id, 100).value().size(),
            static_cast<std::size_t>(kEvents));
  const auto batch_deliveries = hooks().list_deliveries(only_batches.id, org_.id, 100).value();
  ASSERT_EQ(batch_deliveries.size(), static_cast<std::size_t>(kEvents / 4));
  for (const auto& d : batch_deliveries) EXPECT_EQ(d.type, "batch.completed");
  EXPECT_TRUE(hooks().list_deliveries(disabled.id, org_.id, 100).value().empty());
  EXPECT_TRUE(hooks().list_deliveries(foreign.id, other.id, 100).value().empty());
  // Listing is tenant-scoped too.
  EXPECT_TRUE(hooks().list_deliveries(all.id, other.id, 100).value().empty());
}

TEST_P(WebhookContract, ClaimsAreLeasedAndEachDeliveryGoesToOneNodeAtATime) {
  endpoint(org_.id);
  for (int i = 0; i < 30; ++i) hooks().append_event(org_.id, "job.failed", "{}", 100).value();
  ASSERT_EQ(fan_out_all(100), 30);
  auto node2 = open_node();
  ASSERT_TRUE(node2);
  std::mutex mutex;
  std::multiset<std::string> claimed;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    Store& node = t % 2 ? *node2 : store();
    threads.emplace_back([&, t, &node = node] {
      for (;;) {
        auto tasks = node.webhooks().claim_deliveries("n" + std::to_string(t), 30, 3, 100);
        ASSERT_TRUE(tasks) << tasks.error().message;
        if (tasks->empty()) return;
        std::lock_guard lock(mutex);
        for (const auto& task : *tasks) claimed.insert(task.delivery_id);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(claimed.size(), 30u);
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()).size(), 30u);
  // Leases hold until they expire; then any node may take the delivery again.
  EXPECT_TRUE(hooks().claim_deliveries("late", 30, 100, 129).value().empty());
  auto again = hooks().claim_deliveries("late", 30, 100, 130).value();
  EXPECT_EQ(again.size(), 30u);
}

TEST_P(WebhookContract, AttemptsRetryDeliverFailAndDisable) {
  const Endpoint e = endpoint(org_.id);
  hooks().append_event(org_.id, "job.failed", R"({"jobId":"j"})", 100).value();
  hooks().append_event(org_.id, "job.canceled", "{}", 100).value();
  ASSERT_EQ(fan_out_all(101), 2);

  auto tasks = hooks().claim_deliveries("n1", 30, 10, 101).value();
  ASSERT_EQ(tasks.size(), 2u);
  const DeliveryTask first = tasks[0];
  EXPECT_EQ(first.url, "https://hooks.example.com/x");
  EXPECT_EQ(first.secret, "whsec_c2VjcmV0");
  EXPECT_TRUE(first.previous_secret.empty());
  EXPECT_EQ(first.type, "job.failed");
  EXPECT_EQ(first.body, R"({"type":"job.failed"})");
  EXPECT_FALSE(first.message_id.empty());
  EXPECT_EQ(first.attempts, 0);

  // A stale lease records nothing.
  AttemptRecord retry{500, 42, "HTTP 500", "oops", DeliveryStatus::kPending, 106, ""};
  EXPECT_FALSE(hooks().record_attempt(first.delivery_id, "n1#stale", retry, 102).value());
  EXPECT_TRUE(hooks().record_attempt(first.delivery_id, first.lease, retry, 102).value());
  // Recorded once: the lease is gone with it.
  EXPECT_FALSE(hooks().record_attempt(first.delivery_id, first.lease, retry, 102).value());
  AttemptRecord ok{204, 7, "", "", DeliveryStatus::kDelivered, 0, ""};
  EXPECT_TRUE(hooks().record_attempt(tasks[1].delivery_id, tasks[1].lease, ok, 102).value());

  // Not due before next_attempt_at; then the same message again, one attempt counted.
  EXPECT_TRUE(hooks().claim_deliveries("n1", 30, 10, 105).value().empty());
  tasks = hooks().claim_deliveries("n2", 30, 10, 106).value();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].delivery_id, first.delivery_id);
  EXPECT_EQ(tasks[0].message_id, first.message_id);
  EXPECT_EQ(tasks[0].attempts, 1);

  AttemptRecord gone{410, 9, "HTTP 410", "", DeliveryStatus::kFailed, 0, "the endpoint answered 410 Gone"};
  EXPECT_TRUE(hooks().record_attempt(tasks[0].delivery_id, tasks[0].lease, gone, 107).value());
  const Endpoint disabled = hooks().get_endpoint(e.id, org_.id).value().value();
  EXPECT_EQ(disabled.disabled_at, 107);
  EXPECT_EQ(disabled.disabled_reason, "the endpoint answered 410 Gone");

  const auto log = hooks().list_deliveries(e.id, org_.id, 10).value();
  ASSERT_EQ(log.size(), 2u);
  const auto& failed = log[0].id == first.delivery_id ? log[0] : log[1];
  const auto& delivered = log[0].id == first.delivery_id ? log[1] : log[0];
  EXPECT_EQ(failed.status, DeliveryStatus::kFailed);
  EXPECT_EQ(failed.attempts, 2);
  ASSERT_EQ(failed.attempt_log.size(), 2u);
  EXPECT_EQ(failed.attempt_log[0].http_status, 500);
  EXPECT_EQ(failed.attempt_log[0].latency_ms, 42);
  EXPECT_EQ(failed.attempt_log[0].error, "HTTP 500");
  EXPECT_EQ(failed.attempt_log[0].attempted_at, 102);
  EXPECT_EQ(failed.attempt_log[1].http_status, 410);
  EXPECT_EQ(delivered.status, DeliveryStatus::kDelivered);
  EXPECT_EQ(delivered.attempt_log.size(), 1u);

  // Redelivery of a delivery to a disabled endpoint waits until it is enabled again.
  EXPECT_TRUE(hooks().redeliver(first.delivery_id, e.id, org_.id, 200).value());
  EXPECT_FALSE(hooks().redeliver(first.delivery_id, e.id, "another-org", 200).value());
  EXPECT_TRUE(hooks().claim_deliveries("n1", 30, 10, 200).value().empty());
  hooks().update_endpoint(e.id, org_.id, enabling(true), 201).value();
  tasks = hooks().claim_deliveries("n1", 30, 10, 201).value();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].message_id, first.message_id);
  EXPECT_EQ(tasks[0].attempts, 0);
}

// The delivery log is read as one snapshot: while another node records attempts, every listed
// delivery's counter, last error and attempt log agree with each other.
TEST_P(WebhookContract, TheDeliveryLogIsOneSnapshotWhileAttemptsAreRecorded) {
  const Endpoint e = endpoint(org_.id);
  for (int i = 0; i < 10; ++i) hooks().append_event(org_.id, "job.failed", "{}", 100).value();
  ASSERT_EQ(fan_out_all(100), 10);
  auto node2 = open_node();
  ASSERT_TRUE(node2);
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int round = 0; round < 6; ++round) {
      const std::int64_t now = 100 + round;
      auto tasks = node2->webhooks().claim_deliveries("w", 30, 100, now);
      ASSERT_TRUE(tasks) << tasks.error().message;
      for (const auto& task : *tasks) {
        const std::string error = "attempt " + std::to_string(round);
        AttemptRecord failed{0, 1, error, "", DeliveryStatus::kPending, now + 1, ""};
        ASSERT_TRUE(node2->webhooks().record_attempt(task.delivery_id, task.lease, failed, now).value());
      }
    }
    done = true;
  });
  int listings = 0;
  while (!done || listings == 0) {
    auto log = hooks().list_deliveries(e.id, org_.id, 100);
    ASSERT_TRUE(log) << log.error().message;
    ASSERT_EQ(log->size(), 10u);
    for (const auto& d : *log) {
      ASSERT_EQ(static_cast<std::size_t>(d.attempts), d.attempt_log.size()) << d.id;
      ASSERT_EQ(d.last_error, d.attempt_log.empty() ? "" : d.attempt_log.back().error) << d.id;
    }
    ++listings;
  }
  writer.join();
  const auto final_log = hooks().list_deliveries(e.id, org_.id, 100).value();
  for (const auto& d : final_log) {
    EXPECT_EQ(d.attempts, 6);
    EXPECT_EQ(d.last_error, "attempt 5");
  }
}

TEST_P(WebhookContract, RotatedSecretKeepsSigningUntilItExpires) {
  const Endpoint e = endpoint(org_.id);
  const Endpoint rotated =
      hooks().rotate_secret(e.id, org_.id, "whsec_bmV3", 100 + 86400, 100).value().value();
  EXPECT_EQ(rotated.secret, "whsec_bmV3");
  EXPECT_EQ(rotated.previous_secret, "whsec_c2VjcmV0");
  EXPECT_EQ(rotated.previous_secret_expires_at, 100 + 86400);
  hooks().append_event(org_.id, "job.failed", "{}", 100).value();
  hooks().append_event(org_.id, "job.failed", "{}", 100).value();
  ASSERT_EQ(fan_out_all(100), 2);
  auto tasks = hooks().claim_deliveries("n", 30, 1, 101).value();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].secret, "whsec_bmV3");
  EXPECT_EQ(tasks[0].previous_secret, "whsec_c2VjcmV0");
  tasks = hooks().claim_deliveries("n", 30, 1, 100 + 86400).value();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_TRUE(tasks[0].previous_secret.empty());
}

TEST_P(WebhookContract, PingGoesToOneEndpointOnly) {
  const Endpoint a = endpoint(org_.id);
  const Endpoint b = endpoint(org_.id);
  const auto id = hooks().enqueue_ping(a.id, org_.id, "msg_ping", R"({"type":"ping"})", 100).value();
  ASSERT_TRUE(id);
  EXPECT_FALSE(hooks().enqueue_ping(a.id, "another-org", "m", "{}", 100).value());
  EXPECT_TRUE(hooks().pending_events(10).value().empty());  // never fanned out to others
  auto tasks = hooks().claim_deliveries("n", 30, 10, 100).value();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].delivery_id, *id);
  EXPECT_EQ(tasks[0].endpoint_id, a.id);
  EXPECT_EQ(tasks[0].type, "ping");
  EXPECT_EQ(tasks[0].message_id, "msg_ping");
  EXPECT_TRUE(hooks().list_deliveries(b.id, org_.id, 10).value().empty());
}

// Retention: events done with (fanned out, every delivery final) and older than the cutoff
// go with their deliveries and attempts; an event still to fan out or with a delivery still
// pending stays however old it is. Times are given, so nothing waits for a clock.
TEST_P(WebhookContract, PruneDeletesOnlyEventsDoneWithBeforeTheCutoff) {
  const Endpoint e = endpoint(org_.id);
  const Organization quiet = store().orgs().create("Quiet", 1).value();  // no endpoint
  const auto a = hooks().append_event(org_.id, "job.succeeded", "{}", 100).value();
  const auto b = hooks().append_event(org_.id, "job.failed", "{}", 100).value();
  const auto c = hooks().append_event(org_.id, "job.canceled", "{}", 100).value();
  hooks().append_event(quiet.id, "job.failed", "{}", 100).value();  // fans out to nobody
  ASSERT_EQ(fan_out_all(100), 3);
  const auto pending = hooks().append_event(org_.id, "job.failed", "{}", 100).value();
  const std::map<std::string, std::int64_t> event_of = {
      {"msg_" + std::to_string(a), a}, {"msg_" + std::to_string(b), b},
      {"msg_" + std::to_string(c), c}};
  auto tasks = hooks().claim_deliveries("n", 30, 10, 101).value();
  ASSERT_EQ(tasks.size(), 3u);
  std::map<std::int64_t, DeliveryTask> task_of;
  for (const auto& t : tasks) task_of[event_of.at(t.message_id)] = t;
  const AttemptRecord ok{200, 5, "", "", DeliveryStatus::kDelivered, 0, ""};
  const AttemptRecord given_up{500, 5, "HTTP 500", "", DeliveryStatus::kFailed, 0, ""};
  const AttemptRecord retry{500, 5, "HTTP 500", "", DeliveryStatus::kPending, 5000, ""};
  ASSERT_TRUE(hooks().record_attempt(task_of[a].delivery_id, task_of[a].lease, ok, 110).value());
  ASSERT_TRUE(
      hooks().record_attempt(task_of[b].delivery_id, task_of[b].lease, given_up, 110).value());
  ASSERT_TRUE(hooks().record_attempt(task_of[c].delivery_id, task_of[c].lease, retry, 110).value());
  const auto f = hooks().append_event(org_.id, "job.succeeded", "{}", 400).value();
  ASSERT_EQ(fan_out_all(400), 2);  // f, and `pending` (appended after the first fan-out)
  const auto unfanned = hooks().append_event(org_.id, "job.failed", "{}", 100).value();
  const auto later = hooks().claim_deliveries("n", 30, 10, 401).value();
  for (const auto& t : later) {
    ASSERT_TRUE(hooks().record_attempt(t.delivery_id, t.lease, ok, 402).value());
  }
  const auto remaining = [&] {
    std::set<std::string> ids;
    const auto list = hooks().list_deliveries(e.id, org_.id, 100).value();
    for (const auto& del : list) {
      ids.insert(del.message_id);
    }
    return ids;
  };
  const auto msg = [](std::int64_t id) { return "msg_" + std::to_string(id); };
  ASSERT_EQ(remaining(), (std::set<std::string>{msg(a), msg(b), msg(c), msg(f), msg(pending)}));

  // Nothing was created before 100; deliveries changed at 110 are newer than a 105 cutoff,
  // while Quiet's event (fanned out to nobody at 100) is done with.
  EXPECT_EQ(hooks().prune(100, 100).value(), 0);
  EXPECT_EQ(hooks().prune(105, 100).value(), 1);
  EXPECT_EQ(remaining().size(), 5u);
  // At 300: a (delivered) and b (given up) go; c (a retry to come) stays; f and `pending`
  // (fanned out at 400) are newer; `unfanned` was never fanned out.
  EXPECT_EQ(hooks().prune(300, 100).value(), 2);
  EXPECT_EQ(remaining(), (std::set<std::string>{msg(c), msg(f), msg(pending)}));
  EXPECT_FALSE(hooks().redeliver(task_of[a].delivery_id, e.id, org_.id, 301).value());
  const auto still_pending = hooks().pending_events(100).value();
  ASSERT_EQ(still_pending.size(), 1u);
  EXPECT_EQ(still_pending[0].id, unfanned);

  // c is delivered at 5000 and f is asked for again (pending again): f stays.
  tasks = hooks().claim_deliveries("n", 30, 10, 5000).value();
  ASSERT_EQ(tasks.size(), 1u);
  ASSERT_TRUE(hooks().record_attempt(tasks[0].delivery_id, tasks[0].lease, ok, 5000).value());
  std::string f_delivery;
  const auto listed = hooks().list_deliveries(e.id, org_.id, 100).value();
  for (const auto& del : listed) {
    if (del.message_id == msg(f)) f_delivery = del.id;
  }
  ASSERT_TRUE(hooks().redeliver(f_delivery, e.id, org_.id, 5500).value());
  EXPECT_EQ(hooks().prune(5000, 100).value(), 1) << "`pending` (delivered at 402) only: c "
                                                    "changed at 5000, not before the cutoff";
  EXPECT_EQ(hooks().prune(6000, 100).value(), 1) << "c; f is pending again";
  const auto left = hooks().list_deliveries(e.id, org_.id, 100).value();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].message_id, msg(f));
  EXPECT_EQ(left[0].status, DeliveryStatus::kPending);
  EXPECT_EQ(left[0].attempt_log.size(), 1u) << "a kept delivery keeps its attempts";
  EXPECT_EQ(hooks().pending_events(100).value().size(), 1u) << "never fanned out: kept";
}

TEST_P(WebhookContract, NodesPruningTogetherDeleteEachEventOnce) {
  const Endpoint e = endpoint(org_.id);
  for (int i = 0; i < 40; ++i) hooks().append_event(org_.id, "job.failed", "{}", 100).value();
  ASSERT_EQ(fan_out_all(100), 40);
  for (;;) {
    auto tasks = hooks().claim_deliveries("n", 30, 10, 101).value();
    if (tasks.empty()) break;
    for (const auto& t : tasks) {
      ASSERT_TRUE(hooks()
                      .record_attempt(t.delivery_id, t.lease,
                                      {200, 1, "", "", DeliveryStatus::kDelivered, 0, ""}, 102)
                      .value());
    }
  }
  auto node2 = open_node();
  ASSERT_TRUE(node2);
  std::atomic<int> deleted{0};
  const auto sweep = [&](Store& node) {
    for (;;) {
      auto n = node.webhooks().prune(1000, 3);
      if (!n && n.error().code == "database_busy") continue;  // SQLite: nothing written, retry
      ASSERT_TRUE(n) << n.error().message;
      if (*n == 0) return;
      deleted += *n;
    }
  };
  std::thread t1([&] { sweep(store()); });
  std::thread t2([&] { sweep(*node2); });
  t1.join();
  t2.join();
  EXPECT_EQ(deleted.load(), 40);
  EXPECT_TRUE(hooks().list_deliveries(e.id, org_.id, 100).value().empty());
}

PITCHREEL_STORE_CONTRACT_ENGINES(WebhookContract);

}  // namespace
}  // namespace pitchreel::db

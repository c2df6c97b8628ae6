// usage_report: the query's dates and ranges, days grouped into months, and costs only for
// the prices that are set; over a real SQLite store with finished jobs.
#include "api/usage_report.h"

#include <gtest/gtest.h>

#include "db/sqlite_store.h"
#include "support/test_support.h"

namespace pitchreel::api {
namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t k2026Jan31 = 20484 * kDay;  // 2026-01-31 00:00 UTC

TEST(UsageQuery, DatesAreUtcDaysWithBothEndsIncluded) {
  auto q = parse_usage_query("2026-01-31", "2026-02-01", "month", k2026Jan31 + 5);
  ASSERT_TRUE(q) << q.error().message;
  EXPECT_EQ(q->from, k2026Jan31);
  EXPECT_EQ(q->to, k2026Jan31 + 2 * kDay);
  EXPECT_EQ(q->granularity, Granularity::kMonth);
  // Defaults: the last 30 days up to today, by day.
  auto d = parse_usage_query("", "", "", k2026Jan31 + 100);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->to, k2026Jan31 + kDay);
  EXPECT_EQ(d->from, k2026Jan31 - 29 * kDay);
  EXPECT_EQ(d->granularity, Granularity::kDay);
  EXPECT_EQ(parse_usage_query("2026-02-30", "", "", 0).error().code, "invalid_date");
  EXPECT_EQ(parse_usage_query("yesterday", "", "", 0).error().code, "invalid_date");
  EXPECT_EQ(parse_usage_query("2026-02-02", "2026-02-01", "", 0).error().code, "invalid_range");
  EXPECT_EQ(parse_usage_query("2000-01-01", "2026-01-01", "", 0).error().code, "invalid_range");
  EXPECT_EQ(parse_usage_query("", "", "week", 0).error().code, "invalid_granularity");
}

class UsageReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = db::open_sqlite_store(dir_ / "p.db").value();
    org_ = store_->orgs().create("Acme", 1).value();
    user_ = store_->users().create(org_.id, "a@acme.test", Role::kAdmin, 1).value();
  }
  // A job that finishes at `at` with a video of `seconds`, or fails.
  void finish(std::int64_t at, bool ok, double cpu, double gpu, double seconds) {
    auto job = store_->jobs().create({org_.id, user_.id, "{}", "p", "", 1, {}}, at - 10).value().job;
    auto claimed = store_->queue().claim_next("w", 60, at - 5).value();
    ASSERT_TRUE(claimed);
    ASSERT_EQ(claimed->job.id, job.id);
    ASSERT_TRUE(store_->queue().add_cpu_seconds(job.id, cpu));
    ASSERT_TRUE(store_->queue().add_gpu_seconds(job.id, gpu));
    if (ok) {
      Video v;
      v.video_key = "k/" + job.id;
      v.duration = seconds;
      v.size = 1000;
      ASSERT_TRUE(store_->queue().complete(job.id, "w", v, at).value());
    } else {
      ASSERT_TRUE(store_->queue().fail(job.id, "w", "x", "y", false, 0, at).value());
    }
  }
  testing::TempDir dir_;
  std::unique_ptr<db::Store> store_;
  Organization org_;
  User user_;
};

TEST_F(UsageReportTest, DaysGroupIntoMonthsAndOnlySetPricesCost) {
  finish(k2026Jan31 + 60, true, 36, 720, 10);        // January
  finish(k2026Jan31 + kDay + 60, true, 72, 0, 5);    // February 1st
  finish(k2026Jan31 + kDay + 120, false, 18, 0, 0);  // February 1st, failed
  UsageQuery q{k2026Jan31, k2026Jan31 + 2 * kDay, Granularity::kMonth};
  Prices prices;
  prices.cpu_hour = 1.0;
  auto report = usage_report(*store_, org_.id, q, prices);
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_EQ(report->periods.size(), 2u);
  EXPECT_EQ(report->periods[0].period, "2026-01");
  EXPECT_EQ(report->periods[1].period, "2026-02");
  EXPECT_EQ(report->periods[1].videos, 1);
  EXPECT_EQ(report->periods[1].failed, 1);
  EXPECT_DOUBLE_EQ(report->total.cpu_seconds, 126);
  EXPECT_DOUBLE_EQ(report->total.video_seconds, 15);
  EXPECT_EQ(report->stored_bytes, 2000);
  const auto j = to_json(*report);
  EXPECT_DOUBLE_EQ(j["total"]["cost"]["cpu"].get<double>(), 126.0 / 3600);
  EXPECT_FALSE(j["total"]["cost"].contains("gpu"));
  EXPECT_FALSE(j["total"]["cost"].contains("storagePerMonth"));
  EXPECT_EQ(j["from"], "2026-01-31");
  EXPECT_EQ(j["to"], "2026-02-01");
  // Every price set: GPU and storage appear too; none set: no cost at all.
  prices.gpu_hour = 3.6;
  prices.storage_gb_month = 1e6;
  const auto all = to_json(usage_report(*store_, org_.id, q, prices).value());
  EXPECT_DOUBLE_EQ(all["total"]["cost"]["gpu"].get<double>(), 0.72);
  EXPECT_DOUBLE_EQ(all["total"]["cost"]["storagePerMonth"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(all["total"]["cost"]["total"].get<double>(), 0.72 + 126.0 / 3600);
  const auto none = to_json(usage_report(*store_, org_.id, q, Prices{}).value());
  EXPECT_FALSE(none["total"].contains("cost"));
  EXPECT_FALSE(none["periods"][0].contains("cost"));
  EXPECT_TRUE(none["prices"].empty());
}

}  // namespace
}  // namespace pitchreel::api

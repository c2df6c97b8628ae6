#include "api/usage_report.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>

namespace pitchreel::api {
namespace {

namespace chr = std::chrono;
constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kMaxDays = 3660;

std::optional<std::int64_t> parse_date(const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  char tail = 0;
  if (text.size() != 10 || std::sscanf(text.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3) {
    return std::nullopt;
  }
  const chr::year_month_day ymd{chr::year{y}, chr::month{m}, chr::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return chr::sys_days{ymd}.time_since_epoch().count() * kDay;
}

chr::year_month_day day_of(std::int64_t t) {
  return chr::year_month_day{chr::sys_days{chr::days{t / kDay}}};
}

std::string day_name(std::int64_t t) {
  const auto ymd = day_of(t);
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::string month_name(std::int64_t t) {
  const auto ymd = day_of(t);
  return fmt::format("{:04}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()));
}

std::int64_t month_start(std::int64_t t) {
  const auto ymd = day_of(t);
  return chr::sys_days{ymd.year() / ymd.month() / chr::day{1}}.time_since_epoch().count() * kDay;
}

void add(UsagePeriod& into, const db::usage::Day& d) {
  into.videos += d.videos;
  into.failed += d.failed;
  into.canceled += d.canceled;
  into.video_seconds += d.video_seconds;
  into.cpu_seconds += d.cpu_seconds;
  into.gpu_seconds += d.gpu_seconds;
}

// The costs whose price is set, for a period's figures; nullptr when no price is set.
nlohmann::json cost_json(const UsagePeriod& p, const Prices& prices,
                         std::optional<std::int64_t> stored_bytes) {
  nlohmann::json cost = nlohmann::json::object();
  double total = 0;
  if (prices.gpu_hour) {
    cost["gpu"] = p.gpu_seconds / 3600.0 * *prices.gpu_hour;
    total += cost["gpu"].get<double>();
  }
  if (prices.cpu_hour) {
    cost["cpu"] = p.cpu_seconds / 3600.0 * *prices.cpu_hour;
    total += cost["cpu"].get<double>();
  }
  if (stored_bytes && prices.storage_gb_month) {
    // What keeping today's videos costs per month (not part of the period's total).
    cost["storagePerMonth"] = static_cast<double>(*stored_bytes) / 1e9 * *prices.storage_gb_month;
  }
  if (cost.empty()) return nullptr;
  if (prices.gpu_hour || prices.cpu_hour) cost["total"] = total;
  return cost;
}

nlohmann::json period_json(const UsagePeriod& p, const Prices& prices,
                           std::optional<std::int64_t> stored_bytes) {
  nlohmann::json j = {{"videos", p.videos},
                      {"failed", p.failed},
                      {"canceled", p.canceled},
                      {"videoSeconds", p.video_seconds},
                      {"cpuSeconds", p.cpu_seconds},
                      {"gpuSeconds", p.gpu_seconds}};
  if (!p.period.empty()) {
    j["period"] = p.period;
    j["start"] = p.start;
  }
  if (auto cost = cost_json(p, prices, stored_bytes); !cost.is_null()) j["cost"] = cost;
  return j;
}

}  // namespace

Result<UsageQuery> parse_usage_query(const std::string& from, const std::string& to,
                                     const std::string& granularity, std::int64_t now) {
  UsageQuery q;
  if (granularity.empty() || granularity == "day") {
    q.granularity = Granularity::kDay;
  } else if (granularity == "month") {
    q.granularity = Granularity::kMonth;
  } else {
    return fail(Error::invalid("invalid_granularity",
                               "granularity must be day or month (got \"" +
                                   granularity.substr(0, 16) + "\")."));
  }
  const auto date = [](const std::string& name, const std::string& text) -> Result<std::int64_t> {
    auto t = parse_date(text);
    if (!t) {
      return fail(Error::invalid("invalid_date",
                                 fmt::format("{} must be a date as YYYY-MM-DD (UTC), e.g. "
                                             "2026-12-01 (got \"{}\").",
                                             name, text.substr(0, 16))));
    }
    return *t;
  };
  std::int64_t last_day = (now / kDay) * kDay;
  if (!to.empty()) {
    auto t = date("to", to);
    if (!t) return fail(t.error());
    last_day = *t;
  }
  std::int64_t first_day = last_day - 29 * kDay;
  if (!from.empty()) {
    auto f = date("from", from);
    if (!f) return fail(f.error());
    first_day = *f;
  }
  if (first_day > last_day || (last_day - first_day) / kDay + 1 > kMaxDays) {
    return fail(Error::invalid("invalid_range",
                               fmt::format("from must not be after to, and the range may span at "
                                           "most {} days.",
                                           kMaxDays)));
  }
  q.from = first_day;
  q.to = last_day + kDay;
  return q;
}

Result<UsageReport> usage_report(db::Store& store, const std::string& organization_id,
                                 const UsageQuery& query, const Prices& prices) {
  auto days = store.usage().by_day(organization_id, query.from, query.to);
  if (!days) return fail(days.error());
  auto stored = store.usage().stored_bytes(organization_id);
  if (!stored) return fail(stored.error());
  UsageReport report;
  report.organization_id = organization_id;
  report.query = query;
  report.stored_bytes = *stored;
  report.prices = prices;
  for (const auto& d : *days) {
    const bool by_month = query.granularity == Granularity::kMonth;
    const std::int64_t start = by_month ? month_start(d.day_start) : d.day_start;
    if (report.periods.empty() || report.periods.back().start != start) {
      UsagePeriod p;
      p.start = start;
      p.period = by_month ? month_name(start) : day_name(start);
      report.periods.push_back(p);
    }
    add(report.periods.back(), d);
    add(report.total, d);
  }
  return report;
}

nlohmann::json to_json(const UsageReport& r) {
  nlohmann::json periods = nlohmann::json::array();
  for (const auto& p : r.periods) periods.push_back(period_json(p, r.prices, std::nullopt));
  nlohmann::json prices = nlohmann::json::object();
  if (r.prices.gpu_hour) prices["gpuHour"] = *r.prices.gpu_hour;
  if (r.prices.cpu_hour) prices["cpuHour"] = *r.prices.cpu_hour;
  if (r.prices.storage_gb_month) prices["storageGbMonth"] = *r.prices.storage_gb_month;
  return {{"organizationId", r.organization_id},
          {"from", day_name(r.query.from)},
          {"to", day_name(r.query.to - kDay)},
          {"granularity", r.query.granularity == Granularity::kDay ? "day" : "month"},
          {"periods", periods},
          {"total", period_json(r.total, r.prices, r.stored_bytes)},
          {"storedBytes", r.stored_bytes},
          {"prices", prices}};
}

}  // namespace pitchreel::api

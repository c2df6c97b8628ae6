// Metrics: counters and duration summaries kept in memory and rendered in the Prometheus
// text format for GET /metrics. Gauges that the database knows (jobs by state, queue
// depth) are added by the caller at render time. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace pitchreel {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Metrics {
 public:
  void increment(const std::string& name, const Labels& labels, double by = 1);
  // Records one observation of a duration (seconds) as a summary: _sum and _count.
  void observe(const std::string& name, const Labels& labels, double seconds);
  // Declares the HELP and TYPE lines of a metric.
  void describe(const std::string& name, const std::string& type, const std::string& help);

  // The exposition text; `gauges` are appended as given (name, labels, value). A label
  // named in `hidden` is left out of counters and summaries, and the series that differed
  // only by it are added up: /metrics hides "organization" from anonymous scrapers.
  std::string render(const std::vector<std::tuple<std::string, Labels, double>>& gauges = {},
                     const std::set<std::string>& hidden = {}) const;

 private:
  struct Summary {
    double sum = 0;
    std::uint64_t count = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::string, std::pair<std::string, std::string>> descriptions_;  // type, help
  std::map<std::string, std::map<Labels, double>> counters_;
  std::map<std::string, std::map<Labels, Summary>> summaries_;
};

}  // namespace pitchreel

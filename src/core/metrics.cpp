#include "core/metrics.h"

#include <fmt/format.h>

#include <map>
#include <set>

namespace pitchreel {
namespace {

std::string escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string label_text(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ",";
    out += labels[i].first + "=\"" + escape(labels[i].second) + "\"";
  }
  return out + "}";
}

Labels without(const Labels& labels, const std::set<std::string>& hidden) {
  if (hidden.empty()) return labels;
  Labels out;
  for (const auto& label : labels) {
    if (!hidden.contains(label.first)) out.push_back(label);
  }
  return out;
}

}  // namespace

void Metrics::increment(const std::string& name, const Labels& labels, double by) {
  std::lock_guard lock(mutex_);
  counters_[name][labels] += by;
}

void Metrics::observe(const std::string& name, const Labels& labels, double seconds) {
  std::lock_guard lock(mutex_);
  auto& s = summaries_[name][labels];
  s.sum += seconds;
  ++s.count;
}

void Metrics::describe(const std::string& name, const std::string& type, const std::string& help) {
  std::lock_guard lock(mutex_);
  descriptions_[name] = {type, help};
}

std::string Metrics::render(const std::vector<std::tuple<std::string, Labels, double>>& gauges,
                            const std::set<std::string>& hidden) const {
  std::lock_guard lock(mutex_);
  std::string out;
  std::set<std::string> described;
  auto header = [&](const std::string& name) {
    if (!described.insert(name).second) return;
    if (auto it = descriptions_.find(name); it != descriptions_.end()) {
      out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, it->second.second, name, it->second.first);
    }
  };
  for (const auto& [name, series] : counters_) {
    header(name);
    std::map<Labels, double> shown;
    for (const auto& [labels, value] : series) shown[without(labels, hidden)] += value;
    for (const auto& [labels, value] : shown) out += fmt::format("{}{} {}\n", name, label_text(labels), value);
  }
  for (const auto& [name, series] : summaries_) {
    header(name);
    std::map<Labels, Summary> shown;
    for (const auto& [labels, s] : series) {
      auto& sum = shown[without(labels, hidden)];
      sum.sum += s.sum;
      sum.count += s.count;
    }
    for (const auto& [labels, s] : shown) {
      out += fmt::format("{}_sum{} {}\n{}_count{} {}\n", name, label_text(labels), s.sum, name,
                         label_text(labels), s.count);
    }
  }
  // Gauges too are added up over hidden labels: one series per name and remaining labels,
  // names in the order the caller gave them (their series must stay together).
  std::vector<std::string> names;
  std::map<std::string, std::map<Labels, double>> summed;
  for (const auto& [name, labels, value] : gauges) {
    auto [it, added] = summed.try_emplace(name);
    if (added) names.push_back(name);
    it->second[without(labels, hidden)] += value;
  }
  for (const auto& name : names) {
    header(name);
    for (const auto& [labels, value] : summed[name]) {
      out += fmt::format("{}{} {}\n", name, label_text(labels), value);
    }
  }
  return out;
}

}  // namespace pitchreel

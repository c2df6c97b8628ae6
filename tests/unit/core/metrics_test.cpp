#include "core/metrics.h"

#include <gtest/gtest.h>

namespace pitchreel {
namespace {

TEST(Metrics, RendersPrometheusText) {
  Metrics m;
  m.describe("pitchreel_http_requests_total", "counter", "HTTP requests by route and status.");
  m.increment("pitchreel_http_requests_total", {{"route", "/healthz"}, {"status", "200"}});
  m.increment("pitchreel_http_requests_total", {{"route", "/healthz"}, {"status", "200"}});
  m.observe("pitchreel_stage_seconds", {{"stage", "render"}}, 1.5);
  m.observe("pitchreel_stage_seconds", {{"stage", "render"}}, 0.5);
  const auto text = m.render({{"pitchreel_queue_depth", {}, 3}});
  EXPECT_NE(text.find("# TYPE pitchreel_http_requests_total counter"), std::string::npos);
  EXPECT_NE(text.find("pitchreel_http_requests_total{route=\"/healthz\",status=\"200\"} 2"),
            std::string::npos);
  EXPECT_NE(text.find("pitchreel_stage_seconds_sum{stage=\"render\"} 2"), std::string::npos);
  EXPECT_NE(text.find("pitchreel_stage_seconds_count{stage=\"render\"} 2"), std::string::npos);
  EXPECT_NE(text.find("pitchreel_queue_depth 3"), std::string::npos);
}

TEST(Metrics, EscapesLabelValues) {
  Metrics m;
  m.increment("x_total", {{"route", "a\"b\\c"}});
  EXPECT_NE(m.render().find("x_total{route=\"a\\\"b\\\\c\"} 1"), std::string::npos);
}

TEST(Metrics, HiddenLabelsAreSummedAway) {
  Metrics m;
  m.observe("pitchreel_gpu_seconds", {{"organization", "org-a"}}, 2);
  m.observe("pitchreel_gpu_seconds", {{"organization", "org-b"}}, 3);
  m.increment("jobs_total", {{"organization", "org-a"}, {"status", "ok"}});
  m.increment("jobs_total", {{"organization", "org-b"}, {"status", "ok"}}, 2);
  const auto hidden = m.render({}, {"organization"});
  EXPECT_EQ(hidden.find("org-"), std::string::npos) << hidden;
  EXPECT_NE(hidden.find("pitchreel_gpu_seconds_sum 5\n"), std::string::npos) << hidden;
  EXPECT_NE(hidden.find("pitchreel_gpu_seconds_count 2\n"), std::string::npos) << hidden;
  EXPECT_NE(hidden.find("jobs_total{status=\"ok\"} 3\n"), std::string::npos) << hidden;
  const auto full = m.render();
  EXPECT_NE(full.find("pitchreel_gpu_seconds_sum{organization=\"org-b\"} 3"), std::string::npos) << full;
  // Gauges given at render time are summed the same way.
  const std::vector<std::tuple<std::string, Labels, double>> gauges = {
      {"org_videos", {{"organization", "org-a"}}, 4}, {"org_videos", {{"organization", "org-b"}}, 1}};
  const auto hidden_gauges = m.render(gauges, {"organization"});
  EXPECT_EQ(hidden_gauges.find("org-"), std::string::npos) << hidden_gauges;
  EXPECT_NE(hidden_gauges.find("org_videos 5\n"), std::string::npos) << hidden_gauges;
  EXPECT_NE(m.render(gauges).find("org_videos{organization=\"org-a\"} 4\n"), std::string::npos);
}

}  // namespace
}  // namespace pitchreel

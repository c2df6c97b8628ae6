// End to end against the real `pitchreel serve`: the native API. A job submitted as
// multipart, followed through its server-sent events, listed, replayed with its
// Idempotency-Key, deleted; then the small routes (scripts, voices, OpenAPI, health,
// metrics).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <thread>

#include "support/server_process.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

using nlohmann::json;
using testing::ServerOptions;
using testing::ServerProcess;
using testing::TempDir;

// Reads a job's event stream to its end; returns the `data:` payloads in order.
std::vector<json> read_events(httplib::Client& cli, const std::string& id, int* status) {
  std::vector<json> events;
  std::string buffer;
  auto res = cli.Get("/api/v1/jobs/" + id + "/events", [&](const char* data, std::size_t length) {
    buffer.append(data, length);
    std::size_t end;
    while ((end = buffer.find("\n\n")) != std::string::npos) {
      const std::string block = buffer.substr(0, end);
      buffer.erase(0, end + 2);
      std::size_t pos = 0;
      while (pos < block.size()) {
        const auto nl = std::min(block.find('\n', pos), block.size());
        const std::string line = block.substr(pos, nl - pos);
        if (line.rfind("data: ", 0) == 0) events.push_back(json::parse(line.substr(6), nullptr, false));
        pos = nl + 1;
      }
    }
    return true;
  });
  *status = res ? res->status : -1;
  if (!res) ADD_FAILURE() << "event stream failed: " << httplib::to_string(res.error());
  return events;
}

TEST(ServeNative, JobLifecycleEventsListingIdempotencyAndDelete) {
  TempDir tmp;
  ServerProcess server(ServerOptions(tmp / "data"));
  ASSERT_SERVER_READY(server);
  auto cli = server.client();
  const auto image = testing::product_jpeg();
  const auto form = testing::job_form(image, {{"script", "The Aurora bottle keeps drinks cold. Order yours today."},
                                              {"productId", "sku-a"},
                                              {"height", "720"}});
  const httplib::Headers idem = {{"Idempotency-Key", "order-2024-0001"}};

  auto submitted = cli.Post("/api/v1/jobs", idem, form);
  ASSERT_TRUE(submitted) << httplib::to_string(submitted.error());
  ASSERT_EQ(submitted->status, 202) << submitted->body;
  const auto job = testing::json_body(submitted);
  const std::string id = job.value("id", "");
  ASSERT_FALSE(id.empty()) << job.dump();
  EXPECT_TRUE(job["status"] == "queued" || job["status"] == "running") << job.dump();
  EXPECT_EQ(job["productId"], "sku-a");
  EXPECT_EQ(submitted->get_header_value("Location"), "/api/v1/jobs/" + id);

  // Server-sent events until the job ends.
  int stream_status = 0;
  const auto events = read_events(cli, id, &stream_status);
  EXPECT_EQ(stream_status, 200);
  ASSERT_GE(events.size(), 2u) << "expected the job's state at least before and after its render";
  double last_progress = -1;
  for (const auto& e : events) {
    ASSERT_TRUE(e.is_object()) << "an event that is not JSON";
    EXPECT_EQ(e["id"], id);
    const double p = e.value("progress", -1.0);
    EXPECT_GE(p, last_progress) << "progress went backwards: " << e.dump();
    last_progress = p;
  }
  const auto& final_event = events.back();
  ASSERT_EQ(final_event["status"], "succeeded") << final_event.dump();
  EXPECT_DOUBLE_EQ(final_event.value("progress", 0.0), 1.0);
  ASSERT_TRUE(final_event["video"].is_object()) << final_event.dump();
  const auto video = final_event["video"];
  const std::string video_id = video["id"];
  EXPECT_EQ(video["height"], 720);
  EXPECT_EQ(video["productId"], "sku-a");

  // Listing, with and without the productId filter.
  auto list = cli.Get("/api/v1/videos");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200) << list->body;
  auto videos = testing::json_body(list)["videos"];
  ASSERT_EQ(videos.size(), 1u) << list->body;
  EXPECT_EQ(videos[0]["id"], video_id);
  auto filtered = testing::json_body(cli.Get("/api/v1/videos?productId=sku-a"));
  EXPECT_EQ(filtered["videos"].size(), 1u) << filtered.dump();
  auto other = testing::json_body(cli.Get("/api/v1/videos?productId=sku-b"));
  EXPECT_TRUE(other["videos"].is_array() && other["videos"].empty()) << other.dump();

  // The same Idempotency-Key again: the same job, 200, nothing new queued or stored.
  auto replay = cli.Post("/api/v1/jobs", idem, form);
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->status, 200) << replay->body;
  EXPECT_EQ(testing::json_body(replay)["id"], id);
  EXPECT_EQ(testing::json_body(replay)["status"], "succeeded");
  auto metrics = cli.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(testing::metric_value(metrics->body, "pitchreel_jobs{status=\"succeeded\"}"), 1) << metrics->body;
  EXPECT_EQ(testing::metric_sum(metrics->body, "pitchreel_jobs"), 1) << "a second job was created:\n"
                                                                      << metrics->body;
  EXPECT_EQ(testing::metric_value(metrics->body, "pitchreel_queue_depth"), 0) << metrics->body;
  EXPECT_EQ(testing::json_body(cli.Get("/api/v1/videos"))["videos"].size(), 1u);
  EXPECT_TRUE(testing::files_left_under(server.data_dir() / "uploads").empty())
      << "the replay's (and the finished job's) upload should be gone";

  // Delete: the video, its row and its file all go.
  auto removed = cli.Delete("/api/v1/videos/" + video_id);
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->status, 200) << removed->body;
  auto gone = cli.Get("/api/v1/videos/" + video_id);
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 404) << gone->body;
  auto gone_file = server.anonymous_client().Get(testing::url_path(video["url"]));
  ASSERT_TRUE(gone_file);
  EXPECT_EQ(gone_file->status, 404) << gone_file->body.substr(0, 200);
  EXPECT_TRUE(testing::json_body(cli.Get("/api/v1/videos"))["videos"].empty());
  // The finished job's answer (cached briefly for pollers) no longer offers the video.
  const auto after = testing::json_body(cli.Get("/api/v1/jobs/" + id));
  EXPECT_EQ(after.value("status", ""), "succeeded") << after.dump();
  EXPECT_TRUE(after["video"].is_null()) << after.dump();
  auto again = cli.Delete("/api/v1/videos/" + video_id);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 404);

  EXPECT_EQ(server.terminate(), 0);
}

// A small photo is enlarged until soft: the video is made, and the job, its event, the
// video and the video listing all say so with the stable code.
TEST(ServeNative, RenderWarningsAreStoredWithTheVideoAndShownByTheApi) {
  TempDir tmp;
  ServerProcess server(ServerOptions(tmp / "data"));
  ASSERT_SERVER_READY(server);
  auto cli = server.client();
  const auto form = testing::job_form(testing::product_jpeg(200, 150),
                                      {{"script", "A small photo of a cup."}, {"height", "720"}});
  auto submitted = cli.Post("/api/v1/jobs", form);
  ASSERT_TRUE(submitted);
  ASSERT_EQ(submitted->status, 202) << submitted->body;
  const std::string id = testing::json_body(submitted).value("id", "");
  EXPECT_TRUE(testing::json_body(submitted)["warnings"].empty()) << "no warnings before the render";
  const auto job = testing::wait_for_job(cli, id, {"succeeded", "failed"});
  ASSERT_EQ(job.value("status", ""), "succeeded") << job.dump();
  const auto has_low_resolution = [](const json& warnings) {
    for (const auto& w : warnings) {
      if (w.value("code", "") == "low_resolution_image" && !w.value("message", "").empty()) return true;
    }
    return false;
  };
  EXPECT_TRUE(has_low_resolution(job["warnings"])) << job.dump();
  EXPECT_TRUE(has_low_resolution(job["video"]["warnings"])) << job.dump();
  const auto video = testing::json_body(cli.Get("/api/v1/videos/" + job["video"]["id"].get<std::string>()));
  EXPECT_TRUE(has_low_resolution(video["warnings"])) << video.dump();
  const auto listed = testing::json_body(cli.Get("/api/v1/videos"));
  ASSERT_EQ(listed["videos"].size(), 1u) << listed.dump();
  EXPECT_TRUE(has_low_resolution(listed["videos"][0]["warnings"])) << listed.dump();
  EXPECT_EQ(server.terminate(), 0);
}

// The service's renders take PITCHREEL_X264_THREADING from its configuration (the
// encoder's debug line says what x264 was opened with).
TEST(ServeNative, RendersUseTheConfiguredX264Threading) {
  TempDir tmp;
  ServerProcess server(ServerOptions(
      tmp / "data", {{"PITCHREEL_X264_THREADING", "full"}, {"PITCHREEL_LOG_LEVEL", "debug"}}));
  ASSERT_SERVER_READY(server);
  auto cli = server.client();
  const auto form =
      testing::job_form(testing::product_jpeg(400, 300), {{"script", "A cup."}, {"height", "720"}});
  auto submitted = cli.Post("/api/v1/jobs", form);
  ASSERT_TRUE(submitted);
  ASSERT_EQ(submitted->status, 202) << submitted->body;
  const std::string id = testing::json_body(submitted).value("id", "");
  const auto job = testing::wait_for_job(cli, id, {"succeeded", "failed"});
  ASSERT_EQ(job.value("status", ""), "succeeded") << job.dump();
  EXPECT_TRUE(server.wait_for_log("encoder opened width=1280 height=720")) << server.diagnostics();
  EXPECT_NE(server.stderr_text().find("x264_threading=full"), std::string::npos)
      << server.diagnostics();
  EXPECT_EQ(server.terminate(), 0);
}

TEST(ServeNative, ScriptsVoicesOpenApiHealthAndMetrics) {
  TempDir tmp;
  ServerProcess server(ServerOptions(tmp / "data"));
  ASSERT_SERVER_READY(server);
  auto cli = server.client();

  auto suggest = cli.Post("/api/v1/scripts/suggest",
                          json{{"productName", "Aurora bottle"},
                               {"productDescription", "Keeps drinks cold for 24 hours. Leak-proof lid. Fits cup holders."}}
                              .dump(),
                          "application/json");
  ASSERT_TRUE(suggest);
  ASSERT_EQ(suggest->status, 200) << suggest->body;
  const auto suggestion = testing::json_body(suggest);
  ASSERT_TRUE(suggestion["script"].is_string()) << suggest->body;
  EXPECT_FALSE(suggestion["script"].get<std::string>().empty());
  EXPECT_LE(suggestion.value("characters", 1000), 500);
  EXPECT_NE(suggestion["script"].get<std::string>().find("Aurora"), std::string::npos) << suggest->body;

  auto voices = cli.Get("/api/v1/voices");
  ASSERT_TRUE(voices);
  ASSERT_EQ(voices->status, 200) << voices->body;
  const auto list = testing::json_body(voices)["voices"];
  ASSERT_TRUE(list.is_array() && !list.empty()) << voices->body;
  bool has_default = false;
  for (const auto& v : list) has_default = has_default || v["id"] == "espeak:en-us";
  EXPECT_TRUE(has_default) << "the default voice espeak:en-us is not listed";

  auto anonymous = server.anonymous_client();
  auto openapi = anonymous.Get("/api/v1/openapi.json");
  ASSERT_TRUE(openapi);
  ASSERT_EQ(openapi->status, 200);
  const auto doc = testing::json_body(openapi);
  ASSERT_TRUE(doc.is_object()) << "openapi.json does not parse";
  ASSERT_TRUE(doc["paths"].is_object() && !doc["paths"].empty()) << openapi->body.substr(0, 500);
  EXPECT_TRUE(doc["paths"].contains("/api/v1/jobs"));
  EXPECT_TRUE(doc["paths"].contains("/api/generate-video"));

  for (const char* path : {"/healthz", "/readyz"}) {
    auto res = anonymous.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path << ": " << res->body;
  }
  EXPECT_EQ(testing::json_body(anonymous.Get("/readyz"))["ready"], true);

  auto metrics = anonymous.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("pitchreel_http_requests_total"), std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find("pitchreel_queue_depth"), std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find("route=\"/api/v1/voices\""), std::string::npos) << metrics->body;

  EXPECT_EQ(server.terminate(), 0);
}

// Clients that retry at once (the same Idempotency-Key, in parallel) get one job between them.
TEST(ServeNative, ConcurrentIdempotentSubmissionsMakeOneJob) {
  TempDir tmp;
  ServerProcess server(ServerOptions(tmp / "data"));
  ASSERT_SERVER_READY(server);
  const auto form = testing::job_form(testing::product_jpeg(640, 480),
                                      {{"script", "One job only, please."}, {"height", "720"}, {"captions", "false"}});
  constexpr int kClients = 4;
  std::vector<int> statuses(kClients, 0);
  std::vector<std::string> ids(kClients);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      auto cli = server.client();
      auto res = cli.Post("/api/v1/jobs", {{"Idempotency-Key", "parallel-retry"}}, form);
      statuses[static_cast<std::size_t>(i)] = res ? res->status : -1;
      if (res) ids[static_cast<std::size_t>(i)] = testing::json_body(res).value("id", "");
    });
  }
  for (auto& t : threads) t.join();
  int created = 0;
  for (int i = 0; i < kClients; ++i) {
    EXPECT_TRUE(statuses[i] == 202 || statuses[i] == 200) << "client " << i << ": " << statuses[i];
    created += statuses[i] == 202;
    EXPECT_EQ(ids[i], ids[0]);
  }
  EXPECT_EQ(created, 1);
  auto cli = server.client();
  const auto done = testing::wait_for_job(cli, ids[0], {"succeeded", "failed"});
  EXPECT_EQ(done["status"], "succeeded");
  auto metrics = cli.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(testing::metric_sum(metrics->body, "pitchreel_jobs"), 1) << metrics->body;
  EXPECT_TRUE(testing::files_left_under(server.data_dir() / "uploads").empty());
}

}  // namespace
}  // namespace pitchreel

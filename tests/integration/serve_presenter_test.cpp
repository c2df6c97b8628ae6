// The service with a presenter: POST /api/v1/jobs takes an `avatar` file (or `avatarUrl`)
// and a `layout`; a portrait without a face, or a presenter layout without a portrait, is
// refused at once with nothing stored; an accepted job renders and cleans its uploads.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <span>

#include "media/image.h"
#include "presenter/face_detector.h"
#include "support/loopback_server.h"
#include "support/server_process.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

using nlohmann::json;
using testing::ServerOptions;
using testing::ServerProcess;
using testing::TempDir;

httplib::MultipartFormDataItems with_avatar(httplib::MultipartFormDataItems form,
                                            const std::string& bytes) {
  form.push_back({"avatar", bytes, "portrait.jpg", "image/jpeg"});
  return form;
}

TEST(ServePresenter, AvatarAndLayoutRenderAndBadPortraitsAreRefused) {
  PITCHREEL_REQUIRE_TESTDATA(portrait_path, "portraits/rendered-3d.jpg");
  TempDir tmp;
  ServerProcess server(ServerOptions(tmp / "data"));
  ASSERT_SERVER_READY(server);
  auto cli = server.client();
  const auto product = testing::product_jpeg();
  const auto portrait = testing::read_file(portrait_path);
  const std::map<std::string, std::string> fields = {
      {"script", "Meet Aurora. It keeps drinks cold."}, {"height", "720"}, {"layout", "pip"}};

  // Refusals: 400 with the code, and nothing queued or kept.
  const auto refused = [&](const httplib::Result& res, const std::string& code) {
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << res->body;
    EXPECT_EQ(testing::json_body(res)["code"], code) << res->body;
    EXPECT_TRUE(testing::files_under(server.data_dir() / "uploads").empty());
  };
  refused(cli.Post("/api/v1/jobs", with_avatar(testing::job_form(product, fields), product)),
          "no_face_found");
  refused(cli.Post("/api/v1/jobs", testing::job_form(product, fields)), "avatar_missing");
  auto bad_layout = fields;
  bad_layout["layout"] = "diagonal";
  refused(cli.Post("/api/v1/jobs", with_avatar(testing::job_form(product, bad_layout), portrait)),
          "invalid_layout");

  // Accepted: it renders, and both uploads are gone afterwards.
  auto submitted =
      cli.Post("/api/v1/jobs", with_avatar(testing::job_form(product, fields), portrait));
  ASSERT_TRUE(submitted);
  ASSERT_EQ(submitted->status, 202) << submitted->body;
  const std::string id = testing::json_body(submitted).value("id", "");
  const auto done = testing::wait_for_job(cli, id, {"succeeded", "failed"});
  ASSERT_EQ(done["status"], "succeeded") << done.dump();
  EXPECT_TRUE(testing::files_left_under(server.data_dir() / "uploads").empty());
}

TEST(ServePresenter, AvatarUrlIsFetchedAndAFacelessOneIsRefused) {
  PITCHREEL_REQUIRE_TESTDATA(portrait_path, "portraits/pencil-sketch.jpg");
  const auto product = testing::product_jpeg();
  const auto portrait = testing::read_file(portrait_path);
  // Where the avatars live: a web server on loopback, which the service may reach only
  // because this test allows private addresses.
  testing::LoopbackServer images;
  std::atomic<int> portrait_fetches{0}, faceless_fetches{0};
  images.http().Get("/portrait.jpg", [&](const httplib::Request&, httplib::Response& res) {
    ++portrait_fetches;
    res.set_content(portrait, "image/jpeg");
  });
  images.http().Get("/bottle.jpg", [&](const httplib::Request&, httplib::Response& res) {
    ++faceless_fetches;
    res.set_content(product, "image/jpeg");
  });
  ASSERT_TRUE(images.start());
  TempDir tmp;
  ServerProcess server(
      ServerOptions(tmp / "data", {{"PITCHREEL_ALLOW_PRIVATE_IMAGE_URLS", "true"}}));
  ASSERT_SERVER_READY(server);
  auto cli = server.client();
  const auto job = [&](const std::string& avatar_url) {
    return json{{"imageUrl", images.url() + "/bottle.jpg"},
                {"avatarUrl", avatar_url},
                {"script", "Meet Aurora. It keeps drinks cold."},
                {"height", 720},
                {"layout", "pip"}}
        .dump();
  };

  // A picture without a face: refused at submission, nothing queued or kept.
  auto refused = cli.Post("/api/v1/jobs", job(images.url() + "/bottle.jpg"), "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400) << refused->body;
  EXPECT_EQ(testing::json_body(refused)["code"], "no_face_found") << refused->body;
  EXPECT_EQ(faceless_fetches.load(), 2) << "the product photo and the faceless avatar";
  EXPECT_TRUE(testing::files_under(server.data_dir() / "uploads").empty());
  auto metrics = cli.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(testing::metric_sum(metrics->body, "pitchreel_jobs"), 0) << metrics->body;

  // The portrait: the job renders with the presenter, whose face the poster shows in the
  // pip window (top right).
  auto submitted =
      cli.Post("/api/v1/jobs", job(images.url() + "/portrait.jpg"), "application/json");
  ASSERT_TRUE(submitted);
  ASSERT_EQ(submitted->status, 202) << submitted->body;
  EXPECT_EQ(portrait_fetches.load(), 1);
  const std::string id = testing::json_body(submitted).value("id", "");
  const auto done = testing::wait_for_job(cli, id, {"succeeded", "failed"});
  ASSERT_EQ(done["status"], "succeeded") << done.dump();
  EXPECT_TRUE(testing::files_left_under(server.data_dir() / "uploads").empty());
  const std::string poster_url = done["video"].value("posterUrl", "");
  ASSERT_FALSE(poster_url.empty()) << done.dump();
  auto poster_bytes = server.anonymous_client().Get(testing::url_path(poster_url));
  ASSERT_TRUE(poster_bytes);
  ASSERT_EQ(poster_bytes->status, 200);
  const std::span<const std::uint8_t> bytes(
      reinterpret_cast<const std::uint8_t*>(poster_bytes->body.data()), poster_bytes->body.size());
  auto poster = load_image(bytes, "poster.jpg");
  ASSERT_TRUE(poster.has_value()) << poster.error().message;
  auto face = detect_face(*poster);
  ASSERT_TRUE(face.has_value()) << face.error().message;
  const cv::Point2f centre = (face->face.tl() + face->face.br()) * 0.5f;
  EXPECT_GT(centre.x, poster->cols * 0.5f);
  EXPECT_LT(centre.y, poster->rows * 0.5f);
}

}  // namespace
}  // namespace pitchreel

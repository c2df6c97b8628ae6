// The service with a presenter: POST /api/v1/jobs takes an `avatar` file (or `avatarUrl`)
// and a `layout`; a portrait without a face, or a presenter layout without a portrait, is
// refused at once with nothing stored; an accepted job renders and cleans its uploads.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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
  EXPECT_TRUE(testing::files_under(server.data_dir() / "uploads").empty());
}

}  // namespace
}  // namespace pitchreel

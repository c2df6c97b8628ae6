#include "http/router.h"

#include <gtest/gtest.h>

#include "http/log_text.h"

namespace pitchreel::http {
namespace {

TEST(Router, LabelsAreTemplatesNotPaths) {
  EXPECT_EQ(route_label(R"(/api/v1/jobs/([0-9a-fA-F-]{1,64})/cancel)"), "/api/v1/jobs/:id/cancel");
  EXPECT_EQ(route_label(R"(/files/(.+))"), "/files/:path");
  EXPECT_EQ(route_label(R"(/app\.js)"), "/app.js");
  EXPECT_EQ(route_label("/healthz"), "/healthz");
}

TEST(Router, MatchesByMethodAndWholePath) {
  Router router;
  std::string seen;
  router.add("GET", R"(/api/v1/jobs/([0-9a-f-]{1,64}))", [&](const Request& r, Response&) { seen = r.matches[1]; });
  router.add("POST", "/api/v1/jobs", [&](const Request&, Response&) { seen = "post"; });
  Request req;
  req.method = "GET";
  req.target = "/api/v1/jobs/abc-123?x=1";
  parse_target(req);
  const Route* route = router.match(req);
  ASSERT_NE(route, nullptr);
  Response res;
  route->handler(req, res);
  EXPECT_EQ(seen, "abc-123");
  EXPECT_EQ(route->label, "/api/v1/jobs/:id");

  req.method = "HEAD";  // HEAD uses GET routes
  EXPECT_NE(router.match(req), nullptr);
  req.method = "DELETE";
  EXPECT_EQ(router.match(req), nullptr);
  req.method = "GET";
  req.target = "/api/v1/jobs/abc-123/extra";
  parse_target(req);
  EXPECT_EQ(router.match(req), nullptr);
}

TEST(Request, TargetIsDecoded) {
  Request req;
  req.target = "/files/a%20b+c?sig=x%2By&download=1&empty&q=a+b";
  parse_target(req);
  EXPECT_EQ(req.path, "/files/a b+c");
  EXPECT_EQ(req.get_param_value("sig"), "x+y");
  EXPECT_EQ(req.get_param_value("q"), "a b");
  EXPECT_TRUE(req.has_param("empty"));
  EXPECT_FALSE(req.has_param("missing"));
}

TEST(LogText, ControlCharactersCannotForgeLines) {
  EXPECT_EQ(log_text("/a\nfake level=error"), "/a\\x0afake\\x20level\\x3derror");
  EXPECT_EQ(log_text("\"\\\x7f\xc3\xa9"), "\\x22\\x5c\\x7f\\xc3\\xa9");
  EXPECT_EQ(log_text(std::string(1000, 'a'), 10), "aaaaaaaaaa...");
}

}  // namespace
}  // namespace pitchreel::http

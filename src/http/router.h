// Router: routes by method and path pattern. Patterns are ECMAScript regular expressions
// over the whole decoded path (as routes have always written them, e.g.
// "/api/v1/jobs/([0-9a-fA-F-]{1,64})"); their groups land in Request::matches.
//
// Each route also has a template (its pattern with every group shown as ":name"), used
// as the route's label in metrics and logs, so the number of labels is the number of
// routes whatever paths clients send. Routes are added before serving starts; match() is
// then safe from any thread (the table is read-only).
#pragma once

#include <functional>
#include <regex>
#include <string>
#include <vector>

#include "http/request.h"
#include "http/response.h"

namespace pitchreel::http {

using Handler = std::function<void(const Request&, Response&)>;

struct Route {
  std::string method;
  std::string pattern;
  std::string label;   // the template, e.g. "/api/v1/jobs/:id"
  std::string prefix;  // the pattern's literal start: a cheap filter before the regex
  std::regex regex;
  Handler handler;
};

class Router {
 public:
  void add(std::string method, const std::string& pattern, Handler handler);

  // The route for `req` (HEAD uses GET routes), with req.matches filled; nullptr when none.
  // `req` must not move afterwards while matches are used.
  const Route* match(Request& req) const;

 private:
  std::vector<Route> routes_;
};

// "/api/v1/jobs/([0-9a-f-]{1,64})/cancel" -> "/api/v1/jobs/:id/cancel"; "(.+)" -> ":path";
// "\." -> ".".
std::string route_label(const std::string& pattern);

}  // namespace pitchreel::http

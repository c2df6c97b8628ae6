#include "http/router.h"

#include <cstring>

namespace pitchreel::http {
namespace {

// The characters of a pattern before its first regex operator, unescaped.
std::string literal_prefix(const std::string& pattern) {
  std::string prefix;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size() && std::strchr(".-/", pattern[i + 1])) {
      prefix += pattern[++i];
      continue;
    }
    if (std::strchr("\\^$.|?*+()[]{}", c)) {
      // A quantifier applies to the character before it, which is then not certain.
      if (!prefix.empty() && std::strchr("?*{", c)) prefix.pop_back();
      break;
    }
    prefix += c;
  }
  return prefix;
}

}  // namespace

std::string route_label(const std::string& pattern) {
  std::string label;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      label += pattern[++i];
    } else if (c == '(') {
      int depth = 1;
      const std::size_t start = i;
      while (++i < pattern.size() && depth > 0) {
        if (pattern[i] == '\\') ++i;
        else if (pattern[i] == '(') ++depth;
        else if (pattern[i] == ')') --depth;
      }
      --i;
      label += pattern.compare(start, 4, "(.+)") == 0 ? ":path" : ":id";
    } else {
      label += c;
    }
  }
  return label;
}

void Router::add(std::string method, const std::string& pattern, Handler handler) {
  routes_.push_back(Route{std::move(method), pattern, route_label(pattern), literal_prefix(pattern),
                          std::regex(pattern, std::regex::ECMAScript | std::regex::optimize),
                          std::move(handler)});
}

const Route* Router::match(Request& req) const {
  std::string_view method = req.method;
  if (method == "HEAD") method = "GET";
  for (const auto& route : routes_) {
    if (route.method != method || req.path.compare(0, route.prefix.size(), route.prefix) != 0) continue;
    if (std::regex_match(req.path, req.matches, route.regex)) return &route;
  }
  req.matches = std::smatch();
  return nullptr;
}

}  // namespace pitchreel::http

// Request: one parsed HTTP request as the routes see it, whatever engine received it.
// The member names follow the ones routes have always used (get_header_value, has_param,
// matches, files), so a route reads the same on any engine.
//
// Ownership: the engine builds a Request, fills `matches` from the route's pattern, and
// keeps it alive and unmoved until the route's handler returns (`matches` points into
// `path`). Handlers get it by const reference and must not keep references past return.
#pragma once

#include <map>
#include <regex>
#include <string>
#include <string_view>

#include "http/headers.h"

namespace pitchreel::http {

// One part of a multipart/form-data body.
struct FormPart {
  std::string name;
  std::string content;
  std::string filename;      // "" for a plain field
  std::string content_type;  // the part's own Content-Type, "" when none
};

struct Request {
  std::string method;    // "GET", "POST", ... (HEAD requests reach GET routes as "HEAD")
  std::string target;    // as sent: path and query, percent-encoded
  std::string path;      // percent-decoded, without the query
  Headers headers;
  std::multimap<std::string, std::string> params;  // query parameters, decoded
  std::string body;
  std::multimap<std::string, FormPart> files;  // multipart/form-data parts by name
  std::string remote_addr;
  int remote_port = 0;
  std::smatch matches;  // the route pattern's groups over `path`

  bool has_header(std::string_view name) const { return headers.find(name) != headers.end(); }
  std::string get_header_value(std::string_view name) const { return header_value(headers, name); }
  bool has_param(const std::string& name) const { return params.find(name) != params.end(); }
  std::string get_param_value(const std::string& name) const;
  bool is_multipart_form_data() const;
};

// "%41b+c" -> "Ab c" when plus_is_space (query strings), "Ab+c" otherwise (paths).
// Invalid escapes are kept as they are.
std::string percent_decode(std::string_view text, bool plus_is_space);

// Splits a target into path (decoded) and query parameters.
void parse_target(Request& req);

}  // namespace pitchreel::http

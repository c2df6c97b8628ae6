#include "http/multipart.h"

#include <strings.h>

#include <optional>

namespace pitchreel::http {
namespace {

Error invalid(const std::string& what) {
  return Error::invalid("multipart_invalid",
                        "The multipart/form-data body is malformed: " + what +
                            ". Send the form as a browser or curl -F does.");
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The value of `name` among "; "-separated parameters (quotes removed, \" unescaped).
std::optional<std::string> parameter(std::string_view header, std::string_view name) {
  std::size_t at = header.find(';');
  while (at != std::string_view::npos) {
    std::string_view rest = header.substr(at + 1);
    const auto eq = rest.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    const auto key = trim(rest.substr(0, eq));
    rest = rest.substr(eq + 1);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    std::string value;
    std::size_t end = 0;
    if (!rest.empty() && rest.front() == '"') {
      end = 1;
      while (end < rest.size() && rest[end] != '"') {
        if (rest[end] == '\\' && end + 1 < rest.size()) ++end;
        value += rest[end++];
      }
      if (end >= rest.size()) return std::nullopt;  // unterminated quote
      ++end;
    } else {
      end = rest.find(';');
      if (end == std::string_view::npos) end = rest.size();
      value = std::string(trim(rest.substr(0, end)));
    }
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) return value;
    at = rest.find(';', end);
    if (at == std::string_view::npos) break;
    header = rest;
  }
  return std::nullopt;
}

}  // namespace

Result<std::multimap<std::string, FormPart>> parse_multipart(std::string_view content_type,
                                                             std::string_view body) {
  const auto boundary = parameter(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 200) {
    return fail(invalid("the Content-Type names no boundary"));
  }
  const std::string delimiter = "--" + *boundary;
  std::size_t at = body.find(delimiter);
  if (at == std::string_view::npos) return fail(invalid("the boundary never appears"));
  // Every delimiter after the first is preceded by CRLF, which belongs to it.
  const std::string next_delimiter = "\r\n" + delimiter;
  std::multimap<std::string, FormPart> parts;
  at += delimiter.size();
  for (;;) {
    if (body.substr(at, 2) == "--") return parts;  // the closing delimiter
    // Transport padding, then the CRLF that ends the delimiter line.
    while (at < body.size() && (body[at] == ' ' || body[at] == '\t')) ++at;
    if (body.substr(at, 2) != "\r\n") return fail(invalid("a boundary line does not end with CRLF"));
    at += 2;
    const auto headers_end = body.find("\r\n\r\n", at);
    if (headers_end == std::string_view::npos) return fail(invalid("a part's headers never end"));
    FormPart part;
    bool has_disposition = false;
    std::string_view headers = body.substr(at, headers_end - at);
    while (!headers.empty()) {
      const auto eol = headers.find("\r\n");
      const std::string_view line = headers.substr(0, eol);
      headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
      const auto colon = line.find(':');
      if (colon == std::string_view::npos) return fail(invalid("a part header has no colon"));
      const auto name = trim(line.substr(0, colon));
      const auto value = trim(line.substr(colon + 1));
      if (strncasecmp(name.data(), "Content-Disposition", name.size()) == 0 && name.size() == 19) {
        if (value.substr(0, 9) != "form-data") return fail(invalid("a part is not form-data"));
        auto field = parameter(value, "name");
        if (!field) return fail(invalid("a part has no name"));
        part.name = std::move(*field);
        part.filename = parameter(value, "filename").value_or("");
        has_disposition = true;
      } else if (strncasecmp(name.data(), "Content-Type", name.size()) == 0 && name.size() == 12) {
        part.content_type = std::string(value);
      }
    }
    if (!has_disposition) return fail(invalid("a part has no Content-Disposition"));
    at = headers_end + 4;
    const auto end = body.find(next_delimiter, at);
    if (end == std::string_view::npos) return fail(invalid("the closing boundary is missing"));
    part.content = std::string(body.substr(at, end - at));
    if (parts.size() >= kMaxFormParts) {
      return fail(invalid("it has more than " + std::to_string(kMaxFormParts) + " parts"));
    }
    std::string key = part.name;
    parts.emplace(std::move(key), std::move(part));
    at = end + next_delimiter.size();
  }
}

}  // namespace pitchreel::http

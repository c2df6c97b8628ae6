#include "http/response.h"

namespace pitchreel::http {

void Response::set_header(std::string_view name, std::string value) {
  headers.erase(std::string(name));
  headers.emplace(std::string(name), std::move(value));
}

void Response::set_content(std::string content, std::string_view content_type) {
  body = std::move(content);
  pieces_.clear();
  streamed_ = false;
  set_header("Content-Type", std::string(content_type));
}

void Response::set_content(const char* data, std::size_t size, std::string_view content_type) {
  set_content(std::string(data, size), content_type);
}

void Response::set_pieces(std::vector<BodyPiece> pieces, std::string_view content_type) {
  body.clear();
  pieces_ = std::move(pieces);
  streamed_ = true;
  set_header("Content-Type", std::string(content_type));
}

void Response::set_event_stream(EventStream stream) {
  body.clear();
  pieces_.clear();
  streamed_ = false;
  event_stream_ = std::move(stream);
  set_header("Content-Type", "text/event-stream");
}

std::uint64_t Response::content_length() const {
  if (!streamed_) return body.size();
  std::uint64_t total = 0;
  for (const auto& piece : pieces_) {
    total += std::holds_alternative<std::string>(piece) ? std::get<std::string>(piece).size()
                                                        : std::get<FileSlice>(piece).length;
  }
  return total;
}

}  // namespace pitchreel::http

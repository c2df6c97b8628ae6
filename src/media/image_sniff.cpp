#include "media/image_sniff.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace pitchreel {
namespace {

std::string_view as_text(std::span<const std::uint8_t> bytes, std::size_t max) {
  return {reinterpret_cast<const char*>(bytes.data()), std::min(bytes.size(), max)};
}

bool starts_with(std::span<const std::uint8_t> bytes, std::string_view prefix) {
  return as_text(bytes, prefix.size()) == prefix;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::ranges::transform(out, out.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Skips a UTF-8 byte order mark and leading whitespace, as browsers do before sniffing.
std::string_view text_start(std::span<const std::uint8_t> bytes) {
  std::string_view s = as_text(bytes, 1024);
  if (s.starts_with("\xEF\xBB\xBF")) s.remove_prefix(3);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  return s;
}

// Text if the start has no control bytes other than whitespace; UTF-8 passes.
bool is_text(std::span<const std::uint8_t> bytes) {
  auto head = bytes.first(std::min<std::size_t>(bytes.size(), 4096));
  return std::ranges::none_of(head, [](std::uint8_t c) {
    return c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f';
  });
}

bool is_iso_media(std::span<const std::uint8_t> bytes) {
  return bytes.size() >= 12 && as_text(bytes.subspan(4), 4) == "ftyp";
}

bool ends_with_bytes(std::span<const std::uint8_t> bytes, std::span<const std::uint8_t> tail,
                     std::size_t slack) {
  // Cameras and editors sometimes append a few bytes (padding, vendor trailers) after the
  // end marker, so look for it near the end rather than exactly at it.
  auto window = bytes.last(std::min(bytes.size(), tail.size() + slack));
  return !std::ranges::search(window, tail).empty();
}

}  // namespace

Lookalike sniff_non_image(std::span<const std::uint8_t> bytes, std::string_view subject) {
  const std::string upload = "Upload " + std::string(subject) + " itself";
  const std::string start = lower(text_start(bytes));
  if (start.starts_with("<!doctype html") || start.starts_with("<html") ||
      start.starts_with("<head") || start.starts_with("<body") ||
      (start.starts_with("<") && start.find("<html") != std::string::npos)) {
    return {"HTML", upload + ", not a web page or a link to it."};
  }
  if (start.starts_with("<svg") ||
      (start.starts_with("<?xml") && start.find("<svg") != std::string::npos)) {
    return {"an SVG drawing", "Export it as a PNG and upload that."};
  }
  if (start.starts_with("<?xml")) {
    return {"an XML document", upload + "."};
  }
  if (starts_with(bytes, "%PDF-")) {
    return {"a PDF document", "Export the photo from it as a JPEG or PNG and upload that."};
  }
  if (is_iso_media(bytes) || (bytes.size() >= 4 && starts_with(bytes, "\x1A\x45\xDF\xA3")) ||
      (starts_with(bytes, "RIFF") &&
       as_text(bytes.subspan(std::min<std::size_t>(8, bytes.size())), 4) == "AVI ")) {
    return {"a video", "Upload a still photo: save one frame of the video as a JPEG or PNG."};
  }
  if (starts_with(bytes, "PK\x03\x04") || starts_with(bytes, "PK\x05\x06")) {
    return {"a ZIP archive", "Unpack it and upload the photo inside."};
  }
  if (is_text(bytes)) {
    return {"plain text", upload + ", not a text file or a link to it."};
  }
  return {"unknown binary data", "Save the photo as a JPEG or PNG and upload that."};
}

bool looks_truncated(std::span<const std::uint8_t> bytes) {
  static constexpr std::uint8_t kJpegEnd[] = {0xFF, 0xD9};
  static constexpr std::uint8_t kPngEnd[] = {'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
  static constexpr std::uint8_t kGifEnd[] = {0x3B};
  if (starts_with(bytes, "\xFF\xD8\xFF")) return !ends_with_bytes(bytes, kJpegEnd, 64);
  if (starts_with(bytes, "\x89PNG\r\n\x1A\n")) return !ends_with_bytes(bytes, kPngEnd, 64);
  if (starts_with(bytes, "GIF8")) return !ends_with_bytes(bytes, kGifEnd, 16);
  if (starts_with(bytes, "RIFF") && bytes.size() >= 12 && as_text(bytes.subspan(8), 4) == "WEBP") {
    // The RIFF header states the size of everything after its first 8 bytes.
    const std::uint64_t declared = std::uint64_t{bytes[4]} | std::uint64_t{bytes[5]} << 8 |
                                   std::uint64_t{bytes[6]} << 16 | std::uint64_t{bytes[7]} << 24;
    return bytes.size() < declared + 8;
  }
  return false;
}

}  // namespace pitchreel

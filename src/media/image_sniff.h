// Recognises what a file is when it is not an image we read, so the error can say
// "it looks like HTML" and tell the user what to upload instead. Also spots files
// that end before their format's end marker, which libvips reports only vaguely.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace pitchreel {

struct Lookalike {
  std::string what;    // completes "it looks like ...", e.g. "HTML"
  std::string advice;  // a sentence saying what to upload instead
};

// `subject` names what should have been uploaded ("the product photo").
Lookalike sniff_non_image(std::span<const std::uint8_t> bytes,
                           std::string_view subject = "the product photo");

// True for a JPEG, PNG, GIF or WebP whose bytes stop before the format says the image
// ends. False when the format is another one or the end is intact.
bool looks_truncated(std::span<const std::uint8_t> bytes);

}  // namespace pitchreel

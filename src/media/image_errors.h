// The sentences a user reads when their photo cannot be used. Each names the file,
// says what is wrong with it, and what to upload instead; none quotes a library.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "media/image_sniff.h"

namespace pitchreel::image_errors {

Error not_found(const std::string& path);
Error not_a_file(const std::string& path);
Error cannot_read(const std::string& name, const std::string& reason);
Error empty(const std::string& name);
Error too_many_bytes(const std::string& name, std::uint64_t bytes, std::uint64_t limit);
Error too_many_pixels(const std::string& name, std::uint64_t width, std::uint64_t height,
                      std::uint64_t limit);
Error no_pixels(const std::string& name, const std::string& subject);
Error not_an_image(const std::string& name, const Lookalike& lookalike);
Error unsupported_format(const std::string& name, const std::string& format);
Error truncated(const std::string& name);
Error damaged(const std::string& name, const std::string& format);
Error internal(const std::string& name);

}  // namespace pitchreel::image_errors

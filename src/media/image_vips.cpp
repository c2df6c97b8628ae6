#include "media/image_vips.h"

#include <spdlog/spdlog.h>

#include <mutex>

namespace pitchreel::vips {
namespace {

// libvips reports recoverable oddities (e.g. a bad EXIF block) with g_warning, which
// would otherwise go straight to stderr, outside the structured log.
void forward_to_log(const gchar* domain, GLogLevelFlags level, const gchar* message, gpointer) {
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL)) {
    spdlog::error("libvips domain={} message=\"{}\"", domain ? domain : "", message);
  } else {
    spdlog::debug("libvips domain={} message=\"{}\"", domain ? domain : "", message);
  }
}

bool start() {
  if (VIPS_INIT("pitchreel") != 0) {
    spdlog::error("libvips failed to start error=\"{}\"", take_error());
    return false;
  }
  g_log_set_handler("VIPS", static_cast<GLogLevelFlags>(G_LOG_LEVEL_MASK), forward_to_log, nullptr);
  // Every upload is decoded once: the operation cache would only keep decoded pixels
  // (and the caller's buffer) alive after load_image returns.
  vips_cache_set_max(0);
  vips_cache_set_max_mem(0);
  vips_cache_set_max_files(0);
  return true;
}

}  // namespace

bool started() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] { ok = start(); });
  return ok;
}

std::string take_error() {
  std::string text = vips_error_buffer();
  vips_error_clear();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  // One log line per event: libvips separates its messages with newlines.
  for (std::size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at)) {
    text.replace(at, 1, "; ");
  }
  return text;
}

}  // namespace pitchreel::vips

#include "fetch/curl_handle.h"

#include <mutex>

namespace pitchreel::fetch {

bool ensure_curl_initialized() {
  static std::once_flag once;
  static bool ok = false;
  // Never paired with curl_global_cleanup: other threads may still hold easy handles at exit,
  // and the process reclaims everything anyway.
  std::call_once(once, [] { ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; });
  return ok;
}

}  // namespace pitchreel::fetch

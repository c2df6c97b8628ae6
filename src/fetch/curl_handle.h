// RAII owners for libcurl's C handles, so every early return in the fetch code frees what it
// made. Handles are move-only; none of them may be used from two threads at once (libcurl's rule).
#pragma once

#include <curl/curl.h>

#include <memory>

namespace pitchreel::fetch {

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct CurlUrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlMimeDeleter {
  void operator()(curl_mime* mime) const { curl_mime_free(mime); }
};
struct CurlStringDeleter {
  void operator()(char* text) const { curl_free(text); }
};

using CurlEasyPtr = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlSlistPtr = std::unique_ptr<curl_slist, CurlSlistDeleter>;
using CurlUrlPtr = std::unique_ptr<CURLU, CurlUrlDeleter>;
using CurlMimePtr = std::unique_ptr<curl_mime, CurlMimeDeleter>;
// Strings that libcurl allocated (curl_url_get, curl_easy_escape) must go back through curl_free.
using CurlStringPtr = std::unique_ptr<char, CurlStringDeleter>;

// curl_global_init is not thread-safe and must run once before any other libcurl call; every
// entry point of this module calls this first. Returns false when libcurl could not start.
bool ensure_curl_initialized();

}  // namespace pitchreel::fetch

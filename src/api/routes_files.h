// GET /files/{key}?expires=..&sig=..[&download=1]: stored objects behind expiring signed
// URLs, so <video src> and download links work without an API token. Range requests
// (seeking) are answered with 206 (several ranges as multipart/byteranges, at most 8 after
// merging overlaps, 416 when none is satisfiable); the file is streamed, never loaded whole.
// An invalid or expired link answers 403 "link_expired"; a missing object 404.
#pragma once

#include "api/http_server.h"
#include "storage/object_store.h"
#include "storage/url_signer.h"

namespace pitchreel::api {

void register_file_routes(HttpServer& server, ObjectStore& store, const UrlSigner& signer);

// "/files/{key}?{signature}": the path and query a client uses, valid for `lifetime_s`.
std::string signed_file_path(const UrlSigner& signer, const std::string& key, int lifetime_s);

}  // namespace pitchreel::api

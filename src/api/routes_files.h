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

// With `public_files` (PITCHREEL_PUBLIC_FILES), GET /public/{key} serves finished videos,
// posters and captions without a signature: permanent links, like a public bucket's.
void register_file_routes(HttpServer& server, ObjectStore& store, const UrlSigner& signer,
                          bool public_files);

// True for the keys /public may serve: finished videos' files (kVideoFolder).
bool is_public_file_key(std::string_view key);

// "/files/{key}?{signature}": the path and query a client uses, valid for `lifetime_s`.
std::string signed_file_path(const UrlSigner& signer, const std::string& key, int lifetime_s);

}  // namespace pitchreel::api

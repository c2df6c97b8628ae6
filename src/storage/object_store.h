// ObjectStore: where finished videos, posters and captions live. Two implementations sit
// behind this seam: LocalStore (a folder on this machine, served by `pitchreel serve`
// through signed URLs) and S3Store (an S3-compatible bucket: R2, MinIO, AWS, ...), whose
// objects clients fetch from the bucket itself, by public or presigned URL.
//
// Contract shared by every implementation:
// - Thread safety: every method may be called concurrently from any thread.
// - Keys are built by our own code (object_keys.h) and checked with check_object_key();
//   a malformed key is a bug, reported as Error::internal("invalid_storage_key").
// - put_file() is atomic: readers see either the previous object or the complete new one,
//   never a partial one, and a crash or failure midway leaves no object behind.
//   Putting an existing key replaces it (last writer wins).
// - remove() of a missing key succeeds, so cleanups can be retried.
// - A missing object is reported with code kObjectNotFound (the HTTP layer answers 404).
// - Errors never carry credentials.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace pitchreel {

// Error code for "no object under this key"; stable so the HTTP layer can map it to 404.
inline constexpr std::string_view kObjectNotFound = "object_not_found";

// What an HTTP layer needs to answer a GET or HEAD (Content-Length, Content-Type,
// Cache-Control, Content-Disposition) without opening the object.
struct ObjectInfo {
  std::string key;
  std::uint64_t size = 0;
  std::string content_type;   // never empty: falls back to the key's extension
  std::string cache_control;  // empty: the server's default
  std::string download_name;  // empty: no Content-Disposition
};

// One entry of a listing.
struct ListedObject {
  std::string key;
  std::uint64_t size = 0;
  std::int64_t modified_at = 0;  // Unix seconds UTC, as the store reports it
};

struct PutOptions {
  std::string content_type;  // empty: derived from the key's extension (content_types.h)
  std::string cache_control;
  std::string download_name;  // file name a browser should save the object as
};

class ObjectStore {
 public:
  ObjectStore() = default;
  virtual ~ObjectStore() = default;
  ObjectStore(const ObjectStore&) = delete;
  ObjectStore& operator=(const ObjectStore&) = delete;

  // Copies `source` (a finished file the caller owns and keeps) to `key`, atomically.
  virtual Status put_file(const std::string& key, const std::filesystem::path& source,
                          const PutOptions& options) = 0;

  // Stores `bytes` under `key`, atomically as put_file. The default writes a temporary
  // file and calls put_file; S3Store sends the bytes from memory (no local disk).
  virtual Status put_bytes(const std::string& key, std::string_view bytes,
                           const PutOptions& options);

  // Size and metadata of the object, or kObjectNotFound.
  virtual Result<ObjectInfo> stat(const std::string& key) = 0;

  // The file holding the object, for stores on this machine, so the server can send it with
  // Range support. Overwrites replace the file by rename, so open the path once and take the
  // size from that descriptor (fstat): an open descriptor keeps reading one complete version
  // even if the object is replaced or removed meanwhile. Stores that are not local answer
  // Error::internal("storage_not_local"): they serve through their own URLs instead.
  virtual Result<std::filesystem::path> local_path(const std::string& key);

  // A URL clients fetch the object from directly, valid for at least `lifetime_s` seconds
  // (a public URL never expires); with a `download_name`, one that makes browsers save the
  // file under that name where the store can arrange it. std::nullopt (the default) when the
  // store has no URLs of its own and `pitchreel serve` serves its files (LocalStore).
  virtual std::optional<std::string> direct_url(const std::string& key, int lifetime_s,
                                                std::string_view download_name) const;

  // A permanent URL of the object (a public bucket's), or std::nullopt (the default) when the
  // store has none: then links expire and the API hands out fresh ones.
  virtual std::optional<std::string> public_url(const std::string& key) const;

  // Copies the object into `destination` (created or truncated; the caller owns it): how a
  // worker on any node reads a job's inputs. kObjectNotFound when there is no such object.
  // The default copies local_path() (stores on this machine); S3Store streams a GET to the
  // file, so memory does not grow with the object.
  virtual Status get_file(const std::string& key, const std::filesystem::path& destination);

  // Every object whose key starts with `prefix` (a folder, ending in '/'), in key order,
  // for sweeps. Objects written while listing may or may not appear.
  virtual Result<std::vector<ListedObject>> list(const std::string& prefix) = 0;

  // Deletes the object; a missing object is not an error.
  virtual Status remove(const std::string& key) = 0;

  // Puts and removes a tiny object, for /readyz and `pitchreel doctor`; the error says
  // where and why writing failed.
  virtual Status check_writable() = 0;

  // Deletes what a crash or kill left mid-write (stores whose puts leave nothing behind
  // have nothing to do). Call once at start-up, before this process writes, and only
  // while no other process writes to the store. Returns how many entries were removed.
  virtual Result<std::size_t> sweep_temporaries() { return std::size_t{0}; }

  // For logs and diagnostics, e.g. "local (/var/lib/pitchreel/storage)"; never a secret.
  virtual std::string name() const = 0;
};

}  // namespace pitchreel

// LocalStore: the embedded ObjectStore, a folder on this machine.
//
// Layout under the root:
//   {key}               the object's bytes
//   .meta/{key}.json    sidecar: content type, cache control, download name
//   .tmp/               files being written; renamed into place when complete
// Keys never have a segment starting with '.', so no key can reach .meta or .tmp.
// Temporaries sit under the root, on the same filesystem as the objects, because only a
// same-filesystem rename is atomic.
//
// Concurrency: safe from many threads of one process (see ObjectStore). Several processes may
// read one root, but only one should write to it: locks are per process.
#pragma once

#include <filesystem>
#include <memory>
#include <shared_mutex>
#include <string>

#include "storage/object_store.h"

namespace pitchreel {

class LocalStore final : public ObjectStore {
  struct OpenKey {};  // only open() can name it, so every store's folders exist

 public:
  // Creates the root (and its hidden folders) when missing. Error::unavailable
  // ("storage_not_writable") when that fails.
  static Result<std::unique_ptr<LocalStore>> open(const std::filesystem::path& root);

  Status put_file(const std::string& key, const std::filesystem::path& source,
                  const PutOptions& options) override;
  Result<ObjectInfo> stat(const std::string& key) override;
  Result<std::filesystem::path> local_path(const std::string& key) override;
  Status remove(const std::string& key) override;
  // Walks root/prefix; hidden folders (.tmp, .meta) are never listed.
  Result<std::vector<ListedObject>> list(const std::string& prefix) override;
  Status check_writable() override;
  std::string name() const override;

  // Deletes everything under .tmp/ (see ObjectStore::sweep_temporaries).
  Result<std::size_t> sweep_temporaries() override;

  const std::filesystem::path& root() const { return root_; }

  LocalStore(OpenKey, std::filesystem::path root);

 private:
  std::filesystem::path object_path(const std::string& key) const;
  std::filesystem::path meta_path(const std::string& key) const;
  Status write_error(const std::string& key, const std::string& what, int err) const;

  std::filesystem::path root_;
  // Held exclusively while an object and its sidecar are swapped in or removed, shared while
  // both are read, so stat() never pairs one version's size with another's metadata.
  std::shared_mutex swap_mutex_;
};

}  // namespace pitchreel

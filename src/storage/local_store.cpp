#include "storage/local_store.h"

#include <algorithm>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>
#include <vector>

#include "storage/content_types.h"
#include "storage/object_keys.h"

namespace pitchreel {
namespace {

namespace fs = std::filesystem;

constexpr const char* kTempDir = ".tmp";
constexpr const char* kMetaDir = ".meta";
constexpr const char* kReadyPrefix = ".readyz-";

std::string describe(int err) { return std::error_code(err, std::generic_category()).message(); }

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { close(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Returns errno of a failed close (0 on success): on NFS, close is where a write error
  // can surface first.
  int close() {
    if (fd_ < 0) return 0;
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

// A file being written under .tmp/, deleted unless release()d after a successful rename.
class TempFile {
 public:
  TempFile() = default;
  ~TempFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  // Returns errno on failure.
  int create(const fs::path& dir) {
    std::string name = (dir / "put-XXXXXX").string();
    int fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
      // An operator removed .tmp while we run: recreate it rather than fail every put.
      std::error_code ec;
      fs::create_directories(dir, ec);
      fd = ::mkostemp(name.data(), O_CLOEXEC);
    }
    if (fd < 0) return errno;
    fd_ = std::make_unique<Fd>(fd);
    path_ = name;
    // mkostemp creates 0600; objects are plain data another local reader may serve.
    return ::fchmod(fd, 0644) == 0 ? 0 : errno;
  }
  int write_all(const char* data, std::size_t size) {
    while (size > 0) {
      const auto n = ::write(fd_->get(), data, size);
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno;
      }
      data += n;
      size -= static_cast<std::size_t>(n);
    }
    return 0;
  }
  // fsync before rename: otherwise a crash soon after the rename can leave a visible
  // object whose blocks never reached the disk.
  int finish() {
    if (::fsync(fd_->get()) != 0) return errno;
    return fd_->close();
  }
  const fs::path& path() const { return path_; }
  void release() { path_.clear(); }

 private:
  std::unique_ptr<Fd> fd_;
  fs::path path_;
};

// Makes a completed rename durable. Some filesystems cannot fsync a directory (EINVAL);
// that is no reason to fail a put.
int sync_directory(const fs::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return errno;
  if (::fsync(fd.get()) != 0 && errno != EINVAL) return errno;
  return 0;
}

int rename_into(TempFile& temp, const fs::path& target) {
  if (::rename(temp.path().c_str(), target.c_str()) != 0) return errno;
  temp.release();
  return 0;
}

struct Sidecar {
  std::string content_type, cache_control, download_name;
};

std::string to_json(const Sidecar& meta) {
  const nlohmann::json j = {{"content_type", meta.content_type},
                            {"cache_control", meta.cache_control},
                            {"download_name", meta.download_name}};
  // replace: a download name from user input may not be valid UTF-8, and dump() would throw.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Missing or damaged sidecars read as empty: the object itself is intact, and its type can
// still be derived from the key.
Sidecar read_sidecar(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::stringstream text;
  text << in.rdbuf();
  const auto j = nlohmann::json::parse(text.str(), nullptr, false);
  if (!j.is_object()) return {};
  const auto field = [&](const char* name) {
    const auto it = j.find(name);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  return {field("content_type"), field("cache_control"), field("download_name")};
}

Error not_found(const std::string& key) {
  return Error::invalid(std::string(kObjectNotFound), "No stored object is named " + key + ".");
}

Error not_writable(const fs::path& root, const std::string& what, int err) {
  return Error::unavailable(
      "storage_not_writable",
      fmt::format("The storage folder {} is not writable: {} ({}). Check that it is on a "
                  "writable disk with free space and belongs to the user running pitchreel.",
                  root.string(), what, describe(err)));
}

}  // namespace

LocalStore::LocalStore(OpenKey, fs::path root) : root_(std::move(root)) {}

Result<std::unique_ptr<LocalStore>> LocalStore::open(const fs::path& root) {
  std::error_code ec;
  auto absolute = fs::absolute(root, ec);
  if (ec) absolute = root;
  for (const auto& dir : {absolute, absolute / kTempDir, absolute / kMetaDir}) {
    fs::create_directories(dir, ec);
    if (ec) {
      return fail(not_writable(absolute, "cannot create " + dir.string(), ec.value()));
    }
  }
  return std::make_unique<LocalStore>(OpenKey{}, std::move(absolute));
}

fs::path LocalStore::object_path(const std::string& key) const { return root_ / key; }

fs::path LocalStore::meta_path(const std::string& key) const {
  return root_ / kMetaDir / (key + ".json");
}

Status LocalStore::write_error(const std::string& key, const std::string& what, int err) const {
  return fail(Error::unavailable(
      "storage_write_failed",
      fmt::format("Cannot store {} in {}: {} ({}). Check free disk space and the folder's "
                  "permissions.",
                  key, root_.string(), what, describe(err))));
}

Status LocalStore::put_file(const std::string& key, const fs::path& source,
                            const PutOptions& options) {
  if (auto ok = check_object_key(key); !ok) return ok;

  // The source is a file our pipeline just produced, so failing to read it is our bug.
  const auto unreadable = [&](int err) {
    return fail(Error::internal("storage_source_unreadable",
                                fmt::format("Cannot read {} to store it as {} ({}).",
                                            source.string(), key, describe(err))));
  };
  Fd in(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return unreadable(errno);
  TempFile data;
  if (int err = data.create(root_ / kTempDir)) {
    return write_error(key, "cannot create a temporary file", err);
  }
  std::vector<char> buffer(1 << 20);
  while (true) {
    const auto n = ::read(in.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return unreadable(errno);
    if (n == 0) break;
    if (int err = data.write_all(buffer.data(), static_cast<std::size_t>(n))) {
      return write_error(key, "cannot write the temporary file", err);
    }
  }
  if (int err = data.finish()) return write_error(key, "cannot flush the temporary file", err);

  const Sidecar meta{
      options.content_type.empty() ? content_type_for_key(key) : options.content_type,
      options.cache_control, options.download_name};
  const auto meta_text = to_json(meta);
  TempFile sidecar;
  if (int err = sidecar.create(root_ / kTempDir)) {
    return write_error(key, "cannot create a temporary file", err);
  }
  if (int err = sidecar.write_all(meta_text.data(), meta_text.size());
      err || (err = sidecar.finish())) {
    return write_error(key, "cannot write the metadata file", err);
  }

  const auto target = object_path(key);
  const auto meta_target = meta_path(key);
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (!ec) fs::create_directories(meta_target.parent_path(), ec);
  if (ec) return write_error(key, "cannot create its folder", ec.value());
  {
    std::unique_lock lock(swap_mutex_);
    // Sidecar first: a crash between the renames leaves a sidecar without its object (which
    // stat() ignores) or, on an overwrite, the old bytes under the new metadata; never a
    // partial object, and never a new object without its metadata.
    if (int err = rename_into(sidecar, meta_target)) {
      return write_error(key, "cannot move the metadata into place", err);
    }
    if (int err = rename_into(data, target)) {
      ::unlink(meta_target.c_str());
      return write_error(key, "cannot move the file into place", err);
    }
  }
  if (int err = sync_directory(target.parent_path())) {
    return write_error(key, "cannot sync its folder", err);
  }
  if (int err = sync_directory(meta_target.parent_path()))
    return write_error(key, "cannot sync its folder", err);
  return {};
}

Result<ObjectInfo> LocalStore::stat(const std::string& key) {
  if (auto ok = check_object_key(key); !ok) return fail(ok.error());
  std::shared_lock lock(swap_mutex_);
  struct ::stat st {};
  if (::stat(object_path(key).c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) return fail(not_found(key));
    return fail(Error::unavailable(
        "storage_read_failed",
        fmt::format("Cannot read {} in {} ({}).", key, root_.string(), describe(err))));
  }
  if (!S_ISREG(st.st_mode)) return fail(not_found(key));
  auto meta = read_sidecar(meta_path(key));
  if (meta.content_type.empty()) meta.content_type = content_type_for_key(key);
  return ObjectInfo{key, static_cast<std::uint64_t>(st.st_size), std::move(meta.content_type),
                    std::move(meta.cache_control), std::move(meta.download_name)};
}

Result<fs::path> LocalStore::local_path(const std::string& key) {
  if (auto ok = check_object_key(key); !ok) return fail(ok.error());
  std::error_code ec;
  auto path = object_path(key);
  if (!fs::is_regular_file(path, ec)) return fail(not_found(key));
  return path;
}

Status LocalStore::remove(const std::string& key) {
  if (auto ok = check_object_key(key); !ok) return ok;
  std::unique_lock lock(swap_mutex_);
  // unlink, not fs::remove: a key that names a folder must not delete that folder.
  for (const auto& path : {object_path(key), meta_path(key)}) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT && errno != ENOTDIR) {
      const int err = errno;
      return fail(Error::unavailable(
          "storage_remove_failed",
          fmt::format("Cannot delete {} from {} ({}).", key, root_.string(), describe(err))));
    }
  }
  return {};
}

Result<std::vector<ListedObject>> LocalStore::list(const std::string& prefix) {
  std::vector<ListedObject> out;
  std::string folder = prefix;
  while (!folder.empty() && folder.back() == '/') folder.pop_back();
  if (!folder.empty()) {
    if (auto ok = check_object_key(folder); !ok) return fail(ok.error());
  }
  const fs::path start = folder.empty() ? root_ : object_path(folder);
  std::shared_lock lock(swap_mutex_);
  std::error_code ec;
  for (fs::recursive_directory_iterator it(start, ec), end; !ec && it != end; it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (name.starts_with(".")) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec)) continue;
    const auto key = it->path().lexically_relative(root_).generic_string();
    if (!key.starts_with(prefix)) continue;
    struct ::stat st {};
    if (::stat(it->path().c_str(), &st) != 0) continue;  // removed meanwhile
    out.push_back({key, static_cast<std::uint64_t>(st.st_size), st.st_mtime});
  }
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return fail(Error::unavailable("storage_read_failed",
                                   fmt::format("Cannot list {} in {} ({}).", prefix,
                                               root_.string(), ec.message())));
  }
  std::sort(out.begin(), out.end(),
            [](const ListedObject& a, const ListedObject& b) { return a.key < b.key; });
  return out;
}

Status LocalStore::check_writable() {
  // The same steps as a put (create, write, fsync, rename into the root, delete), under a
  // hidden name that no key can reach.
  TempFile probe;
  if (int err = probe.create(root_ / kTempDir)) {
    return fail(not_writable(root_, "cannot create a file in " + (root_ / kTempDir).string(), err));
  }
  static constexpr char kBytes[] = "ok\n";
  if (int err = probe.write_all(kBytes, sizeof kBytes - 1); err || (err = probe.finish())) {
    return fail(not_writable(root_, "cannot write " + probe.path().string(), err));
  }
  const auto target = root_ / (kReadyPrefix + probe.path().filename().string());
  if (int err = rename_into(probe, target)) {
    return fail(not_writable(root_, "cannot rename a file into " + root_.string(), err));
  }
  if (::unlink(target.c_str()) != 0) {
    const int err = errno;
    return fail(not_writable(root_, "cannot delete " + target.string(), err));
  }
  return {};
}

std::string LocalStore::name() const { return "local (" + root_.string() + ")"; }

// Lists before deleting, and with error codes throughout: directory_iterator's ++ would
// otherwise throw across the module boundary.
Result<std::size_t> LocalStore::sweep_temporaries() {
  std::vector<fs::path> doomed;
  const auto collect = [&](const fs::path& dir, bool probes_only) -> Status {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (!probes_only || it->path().filename().string().starts_with(kReadyPrefix)) {
        doomed.push_back(it->path());
      }
    }
    if (ec && ec != std::errc::no_such_file_or_directory) {
      return fail(not_writable(root_, "cannot list " + dir.string(), ec.value()));
    }
    return {};
  };
  if (auto ok = collect(root_ / kTempDir, false); !ok) return fail(ok.error());
  // Probes left by a check_writable() interrupted between its rename and its delete.
  if (auto ok = collect(root_, true); !ok) return fail(ok.error());
  for (const auto& path : doomed) {
    std::error_code ec;
    fs::remove_all(path, ec);
    if (ec) return fail(not_writable(root_, "cannot delete " + path.string(), ec.value()));
  }
  return doomed.size();
}

}  // namespace pitchreel

#include "storage/object_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace pitchreel {

Result<std::filesystem::path> ObjectStore::local_path(const std::string& key) {
  return fail(Error::internal(
      "storage_not_local",
      "The " + name() + " store has no local file for " + key + "; serve it through its URL."));
}

Status ObjectStore::put_bytes(const std::string& key, std::string_view bytes,
                              const PutOptions& options) {
  // A private temporary file, unlinked whatever happens; put_file copies it atomically.
  std::string path = (std::filesystem::temp_directory_path() / "pitchreel-put-XXXXXX").string();
  const int fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) {
    return fail(Error::unavailable("storage_write_failed",
                                   "Cannot create a temporary file to store " + key + " (" +
                                       std::strerror(errno) + ")."));
  }
  struct Cleanup {
    int fd;
    const std::string& path;
    ~Cleanup() {
      ::close(fd);
      ::unlink(path.c_str());
    }
  } cleanup{fd, path};
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      return fail(Error::unavailable("storage_write_failed",
                                     "Cannot write a temporary file to store " + key + "."));
    }
    done += static_cast<std::size_t>(n);
  }
  return put_file(key, path, options);
}

Status ObjectStore::get_file(const std::string& key, const std::filesystem::path& destination) {
  auto source = local_path(key);
  if (!source) return fail(source.error());
  std::error_code ec;
  std::filesystem::copy_file(*source, destination,
                             std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) {
    return fail(Error::unavailable("storage_read_failed", "Cannot copy " + key + " from " +
                                                              name() + " (" + ec.message() +
                                                              ")."));
  }
  return {};
}

std::optional<std::string> ObjectStore::direct_url(const std::string& /*key*/, int /*lifetime_s*/,
                                                   std::string_view /*download_name*/) const {
  return std::nullopt;
}

std::optional<std::string> ObjectStore::public_url(const std::string& /*key*/) const {
  return std::nullopt;
}

}  // namespace pitchreel

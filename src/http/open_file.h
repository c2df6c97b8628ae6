// OpenFile: a read-only file descriptor (RAII), shared by the pieces of one answer so a
// concurrent replace or delete of the file cannot tear what is being sent. pread() only,
// so one descriptor serves several slices and threads without a shared offset.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

namespace pitchreel::http {

class OpenFile {
 public:
  // nullptr when the file cannot be opened (or is not a regular file).
  static std::shared_ptr<const OpenFile> open(const std::filesystem::path& path);
  ~OpenFile();
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;

  std::uint64_t size() const { return size_; }
  // Reads up to `length` bytes at `offset`; the count read, 0 at end of file, -1 on error.
  long read_at(std::uint64_t offset, char* buffer, std::size_t length) const;

 private:
  OpenFile(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
  int fd_;
  std::uint64_t size_;
};

}  // namespace pitchreel::http

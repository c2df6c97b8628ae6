#include "storage/s3_store.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "storage/content_types.h"
#include "storage/object_keys.h"

namespace pitchreel {
namespace {

constexpr std::uint64_t kMaxParts = 10000;  // S3's limit per multipart upload

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Names in a quoted header parameter: anything that could break out of the quotes is dropped.
std::string safe_file_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\' && c != 0x7f) out += c;
  }
  return out;
}

std::string download_name_from(std::string_view disposition) {
  const auto at = disposition.find("filename=\"");
  if (at == std::string_view::npos) return {};
  const auto start = at + 10;
  const auto end = disposition.find('"', start);
  if (end == std::string_view::npos) return {};
  return std::string(disposition.substr(start, end - start));
}

// The text of every <tag>...</tag> in `xml`, in order (ListObjectsV2 answers; our keys
// need no XML unescaping: check_object_key allows no '&' or '<').
std::vector<std::string_view> xml_all(std::string_view xml, std::string_view tag) {
  std::vector<std::string_view> out;
  const std::string open = fmt::format("<{}>", tag), close = fmt::format("</{}>", tag);
  for (std::size_t at = 0;;) {
    const auto b = xml.find(open, at);
    if (b == std::string_view::npos) break;
    const auto e = xml.find(close, b + open.size());
    if (e == std::string_view::npos) break;
    out.push_back(xml.substr(b + open.size(), e - b - open.size()));
    at = e + close.size();
  }
  return out;
}

std::string xml_first(std::string_view xml, std::string_view tag) {
  auto all = xml_all(xml, tag);
  return all.empty() ? std::string() : std::string(all.front());
}

// "2026-12-04T16:00:00.000Z" -> Unix seconds; 0 when unreadable (a sweep then treats the
// object as old, which is what a store that hides times deserves).
std::int64_t iso8601_seconds(std::string_view text) {
  std::tm tm{};
  const std::string s(text.substr(0, 19));
  if (::strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return 0;
  return static_cast<std::int64_t>(::timegm(&tm));
}

}  // namespace

S3Store::S3Store(std::unique_ptr<S3Client> client) : client_(std::move(client)) {}

Result<std::unique_ptr<S3Store>> S3Store::open(S3Settings settings) {
  auto client = S3Client::create(std::move(settings));
  if (!client) return fail(client.error());
  return std::make_unique<S3Store>(std::move(*client));
}

std::string S3Store::name() const { return "s3 (" + client_->describe() + ")"; }

Status S3Store::put_file(const std::string& key, const std::filesystem::path& source,
                         const PutOptions& options) {
  if (auto s = check_object_key(key); !s) return s;
  FileDescriptor fd(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return fail(Error::internal("storage_source_unreadable",
                                "Cannot read " + source.filename().string() + " to upload it."));
  }
  const auto size = static_cast<std::uint64_t>(st.st_size);
  SigV4Pairs headers;
  headers.emplace_back("Content-Type", options.content_type.empty() ? content_type_for_key(key)
                                                                    : options.content_type);
  if (!options.cache_control.empty()) headers.emplace_back("Cache-Control", options.cache_control);
  if (const auto name = safe_file_name(options.download_name); !name.empty()) {
    headers.emplace_back("Content-Disposition", fmt::format("inline; filename=\"{}\"", name));
  }
  const auto started = std::chrono::steady_clock::now();
  Status status;
  if (size > client_->settings().part_size) {
    status = put_multipart(key, fd.get(), size, headers);
  } else {
    S3Call call{"PUT", key, {}, headers, {}, FileRange{fd.get(), 0, size}};
    auto response = client_->call(call);
    if (!response) status = fail(response.error());
  }
  if (status) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
    spdlog::debug("s3 put key={} bytes={} ms={}", key, size, ms);
  }
  return status;
}

Status S3Store::put_multipart(const std::string& key, int fd, std::uint64_t size,
                              const SigV4Pairs& headers) {
  auto created = client_->call({"POST", key, {{"uploads", ""}}, headers, {}, {}});
  if (!created) return fail(created.error());
  const auto open_tag = created->body.find("<UploadId>");
  const auto close_tag = created->body.find("</UploadId>");
  if (open_tag == std::string::npos || close_tag == std::string::npos || close_tag < open_tag) {
    return fail(Error::internal("storage_bad_answer",
                                "The S3 endpoint started a multipart upload for " + key +
                                    " without an UploadId (" + client_->describe() + ")."));
  }
  const std::string upload_id = created->body.substr(open_tag + 10, close_tag - open_tag - 10);

  // Aborts the upload unless it completed, so a failure leaves no parts behind.
  struct Abort {
    const S3Client& client;
    const std::string& key;
    const std::string& upload_id;
    bool completed = false;
    ~Abort() {
      if (completed) return;
      if (auto r = client.call({"DELETE", key, {{"uploadId", upload_id}}, {}, {}, {}}); !r) {
        spdlog::warn("s3 multipart upload not aborted key={} code={}", key, r.error().code);
      } else {
        spdlog::info("s3 multipart upload aborted key={}", key);
      }
    }
  } abort{*client_, key, upload_id};

  const std::uint64_t part_size =
      std::max(client_->settings().part_size, (size + kMaxParts - 1) / kMaxParts);
  const std::uint64_t parts = (size + part_size - 1) / part_size;
  // Parts go up from a few threads at once (each with its own connection), as the AWS SDKs
  // and rclone do: one stream rarely fills a link. Each thread reads its part from disk as it
  // sends it, so memory stays a few upload buffers whatever the file's size.
  std::vector<std::string> etags(parts);
  std::atomic<std::uint64_t> next{0};
  std::mutex failure_mutex;
  std::optional<Error> failure;
  const auto send_parts = [&] {
    for (std::uint64_t i = next++; i < parts; i = next++) {
      {
        std::lock_guard lock(failure_mutex);
        if (failure) return;
      }
      const std::uint64_t offset = i * part_size;
      S3Call part{"PUT", key, {{"partNumber", std::to_string(i + 1)}, {"uploadId", upload_id}},
                  {},    {},  FileRange{fd, offset, std::min(part_size, size - offset)}};
      auto answer = client_->call(part);
      std::optional<Error> error;
      if (!answer) {
        error = answer.error();
      } else if (auto etag = answer->headers.find("etag"); etag != answer->headers.end()) {
        etags[i] = etag->second;
      } else {
        error = Error::internal("storage_bad_answer",
                                fmt::format("The S3 endpoint accepted part {} of {} without an "
                                            "ETag ({}).",
                                            i + 1, key, client_->describe()));
      }
      if (error) {
        std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::move(error);
        return;
      }
    }
  };
  {
    const int threads = static_cast<int>(std::min<std::uint64_t>(
        parts, static_cast<std::uint64_t>(client_->settings().upload_concurrency)));
    std::vector<std::jthread> senders;
    for (int t = 1; t < threads; ++t) senders.emplace_back(send_parts);
    send_parts();
  }  // joins the senders
  if (failure) return fail(*failure);
  std::string complete = "<CompleteMultipartUpload>";
  for (std::uint64_t i = 0; i < parts; ++i) {
    complete +=
        fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", i + 1, etags[i]);
  }
  complete += "</CompleteMultipartUpload>";
  auto done = client_->call({"POST",
                             key,
                             {{"uploadId", upload_id}},
                             {{"Content-Type", "application/xml"}},
                             complete,
                             {}});
  if (!done) return fail(done.error());
  abort.completed = true;
  return {};
}

Result<ObjectInfo> S3Store::stat(const std::string& key) {
  if (auto s = check_object_key(key); !s) return fail(s.error());
  auto answer = client_->call({"HEAD", key, {}, {}, {}, {}});
  if (!answer) return fail(answer.error());
  ObjectInfo info;
  info.key = key;
  auto header = [&](const char* name) -> std::string {
    auto it = answer->headers.find(name);
    return it == answer->headers.end() ? std::string() : it->second;
  };
  info.size = std::strtoull(header("content-length").c_str(), nullptr, 10);
  info.content_type = header("content-type");
  if (info.content_type.empty()) info.content_type = content_type_for_key(key);
  info.cache_control = header("cache-control");
  info.download_name = download_name_from(header("content-disposition"));
  return info;
}

Status S3Store::remove(const std::string& key) {
  if (auto s = check_object_key(key); !s) return s;
  auto answer = client_->call({"DELETE", key, {}, {}, {}, {}});
  if (!answer && answer.error().code != kObjectNotFound) return fail(answer.error());
  return {};
}

Status S3Store::put_bytes(const std::string& key, std::string_view bytes,
                          const PutOptions& options) {
  if (auto s = check_object_key(key); !s) return s;
  SigV4Pairs headers;
  headers.emplace_back("Content-Type", options.content_type.empty() ? content_type_for_key(key)
                                                                    : options.content_type);
  if (!options.cache_control.empty()) headers.emplace_back("Cache-Control", options.cache_control);
  S3Call call{"PUT", key, {}, headers, std::string(bytes), {}};
  auto response = client_->call(call);
  if (!response) return fail(response.error());
  return {};
}

Status S3Store::get_file(const std::string& key, const std::filesystem::path& destination) {
  if (auto s = check_object_key(key); !s) return s;
  const FileDescriptor fd(::open(destination.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    return fail(Error::unavailable("storage_sink_unwritable",
                                   fmt::format("Cannot create {} for {} ({}).", destination.string(),
                                               key, std::strerror(errno))));
  }
  S3Call call{"GET", key, {}, {}, {}, {}};
  call.sink_fd = fd.get();
  auto answer = client_->call(call);
  if (!answer) return fail(answer.error());
  if (::fsync(fd.get()) != 0) {
    return fail(Error::unavailable("storage_sink_unwritable",
                                   "Cannot flush " + destination.string() + "."));
  }
  return {};
}

Result<std::vector<ListedObject>> S3Store::list(const std::string& prefix) {
  std::vector<ListedObject> out;
  std::string token;
  for (int page = 0; page < 100000; ++page) {
    SigV4Pairs query{{"list-type", "2"}, {"prefix", prefix}};
    if (!token.empty()) query.emplace_back("continuation-token", token);
    auto answer = client_->call({"GET", "", query, {}, {}, {}});
    if (!answer) return fail(answer.error());
    for (const auto contents : xml_all(answer->body, "Contents")) {
      ListedObject o;
      o.key = xml_first(contents, "Key");
      o.size = std::strtoull(xml_first(contents, "Size").c_str(), nullptr, 10);
      o.modified_at = iso8601_seconds(xml_first(contents, "LastModified"));
      if (!o.key.empty()) out.push_back(std::move(o));
    }
    token = xml_first(answer->body, "NextContinuationToken");
    if (xml_first(answer->body, "IsTruncated") != "true" || token.empty()) return out;
  }
  return out;
}

Status S3Store::check_writable() {
  unsigned char random[8];
  if (RAND_bytes(random, sizeof random) != 1) {
    return fail(Error::internal("random_unavailable", "The system random generator failed."));
  }
  std::string key = "pitchreel-ready-check/";
  for (unsigned char b : random) key += fmt::format("{:02x}", b);
  key += ".txt";
  const auto prefix = [&](const Error& e) {
    Error out = e;
    out.message = "The object store is not writable: " + e.message;
    return fail(out);
  };
  S3Call put{"PUT", key, {}, {{"Content-Type", "text/plain"}}, "pitchreel ready check\n", {}};
  if (auto r = client_->call(put); !r) return prefix(r.error());
  if (auto r = client_->call({"DELETE", key, {}, {}, {}, {}}); !r) return prefix(r.error());
  return {};
}

std::optional<std::string> S3Store::public_url(const std::string& key) const {
  const auto& settings = client_->settings();
  if (settings.public_base_url.empty()) return std::nullopt;
  return settings.public_base_url + "/" + key;
}

std::optional<std::string> S3Store::direct_url(const std::string& key, int lifetime_s,
                                               std::string_view download_name) const {
  const auto& settings = client_->settings();
  if (!settings.public_base_url.empty()) return settings.public_base_url + "/" + key;
  return client_->presigned_get(key, lifetime_s, safe_file_name(download_name), unix_now());
}

}  // namespace pitchreel

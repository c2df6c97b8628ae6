// S3Store: the ObjectStore in an S3-compatible bucket (Cloudflare R2, AWS S3, MinIO,
// Backblaze B2, ...), reached through S3Client.
//
// put_file() sends files up to the part size in one PUT and larger ones as a multipart
// upload, a few parts at once, each read from disk as it is sent (memory does not grow
// with the file). S3 only shows a
// multipart object once it is completed, so both ways are atomic; a multipart upload that
// fails is aborted so that no parts linger (and cost) in the bucket. Content-Type,
// Cache-Control and Content-Disposition (inline, with the download name) are set on upload.
//
// URLs: with a public base URL, {base}/{key} (the seed's R2 behaviour); else a presigned
// GET valid for the requested lifetime (a private bucket, the safe default).
#pragma once

#include <memory>

#include "storage/object_store.h"
#include "storage/s3_client.h"

namespace pitchreel {

class S3Store final : public ObjectStore {
 public:
  // Checks the settings (see S3Client::create); talks to nobody yet: call check_writable().
  static Result<std::unique_ptr<S3Store>> open(S3Settings settings);

  Status put_file(const std::string& key, const std::filesystem::path& source,
                  const PutOptions& options) override;
  // One PUT from memory (inputs are bounded by the request size limit).
  Status put_bytes(const std::string& key, std::string_view bytes,
                   const PutOptions& options) override;
  Result<ObjectInfo> stat(const std::string& key) override;
  Status remove(const std::string& key) override;
  // A GET streamed into `destination`; a retried download starts the file over.
  Status get_file(const std::string& key, const std::filesystem::path& destination) override;
  // ListObjectsV2 with the prefix, page after page (1,000 keys each).
  Result<std::vector<ListedObject>> list(const std::string& prefix) override;
  // Puts and deletes pitchreel-ready-check/{random}.txt; the error names the endpoint, the
  // bucket and what the store answered.
  Status check_writable() override;
  std::optional<std::string> direct_url(const std::string& key, int lifetime_s,
                                        std::string_view download_name) const override;
  // S3_PUBLIC_BASE_URL (or NEXT_PUBLIC_R2_PUBLIC_URL) + "/" + key when set.
  std::optional<std::string> public_url(const std::string& key) const override;
  std::string name() const override;

  explicit S3Store(std::unique_ptr<S3Client> client);

 private:
  Status put_multipart(const std::string& key, int fd, std::uint64_t size,
                       const SigV4Pairs& headers);

  std::unique_ptr<S3Client> client_;
};

}  // namespace pitchreel

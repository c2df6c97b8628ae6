#include "api/job_inputs.h"

#include <spdlog/spdlog.h>

#include <fstream>

#include "db/ids.h"
#include "storage/object_keys.h"
#include "worker/input_cleanup.h"

namespace pitchreel::api {

bool inputs_in_object_store(const ServiceConfig& config) { return config.storage == "s3"; }

SubmissionInputs::SubmissionInputs(ServiceContext& ctx, std::string organization_id,
                                   std::string job_id)
    : ctx_(ctx), organization_id_(std::move(organization_id)), job_id_(std::move(job_id)) {}

SubmissionInputs::~SubmissionInputs() {
  if (committed_) return;
  for (const auto& file : files_) {
    std::error_code ec;
    std::filesystem::remove(file, ec);
  }
  for (const auto& key : keys_) {
    if (auto s = ctx_.store->remove(key); !s) {
      // The sweep removes it later: its job id never got a row.
      spdlog::warn("refused submission's input not removed key={} code={}", key, s.error().code);
    }
  }
}

Result<std::string> SubmissionInputs::keep(const std::vector<std::uint8_t>& bytes,
                                           const char* name, bool& in_object_store) {
  in_object_store = inputs_in_object_store(ctx_.config);
  if (in_object_store) {
    auto key = make_input_key(organization_id_, job_id_, name);
    if (!key) return fail(key.error());
    keys_.push_back(*key);  // recorded first: a put that fails midway is removed too
    const std::string_view view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (auto s = ctx_.store->put_bytes(*key, view, {"application/octet-stream", "", ""}); !s) {
      return fail(s.error());
    }
    return *key;
  }
  auto path = local_input_path(ctx_.data.uploads(), organization_id_, job_id_, name);
  if (!path) return fail(path.error());
  // Written under a temporary name and renamed once complete: a process killed mid-write
  // leaves a ".part" file the start-up sweep removes, never a truncated input.
  const std::filesystem::path partial = path->string() + ".part";
  files_.push_back(partial.string());
  files_.push_back(path->string());
  std::ofstream out(partial, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  out.close();
  std::error_code ec;
  if (out) std::filesystem::rename(partial, *path, ec);
  if (!out || ec) {
    return fail(Error::unavailable("upload_not_stored",
                                   "The server could not store the upload; try again."));
  }
  return path->string();
}

Status SubmissionInputs::keep_image(const std::vector<std::uint8_t>& bytes, JobSpec& spec) {
  bool object = false;
  auto where = keep(bytes, "image", object);
  if (!where) return fail(where.error());
  (object ? spec.image_key : spec.image_path) = *where;
  return {};
}

Status SubmissionInputs::keep_avatar(const std::vector<std::uint8_t>& bytes, JobSpec& spec) {
  bool object = false;
  auto where = keep(bytes, "avatar", object);
  if (!where) return fail(where.error());
  (object ? spec.avatar_key : spec.avatar_path) = *where;
  return {};
}

void remove_canceled_job_inputs(ServiceContext& ctx, const std::string& job_id,
                                const std::string& organization_id) {
  auto job = ctx.db->jobs().get(job_id, organization_id);
  if (!job || !*job) return;  // a database error: the sweep removes them later
  auto spec = job_spec_from_json((*job)->request);
  if (!spec) return;
  remove_job_inputs(*spec, *ctx.store, ctx.data.uploads(), job_id);
}

}  // namespace pitchreel::api

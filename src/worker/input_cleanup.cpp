#include "worker/input_cleanup.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <vector>

#include "storage/object_keys.h"

namespace pitchreel {

bool remove_input_file(const std::filesystem::path& file,
                       const std::filesystem::path& uploads_dir) {
  namespace fs = std::filesystem;
  if (uploads_dir.empty() || file.empty()) return false;
  const auto name = file.filename();
  if (name.empty() || name == "." || name == "..") return false;
  std::error_code ec;
  const auto root = fs::weakly_canonical(fs::absolute(uploads_dir, ec), ec);
  if (ec) return false;
  // Resolve the folder but not the file: a symlink named as the input is removed itself.
  const auto folder = fs::weakly_canonical(fs::absolute(file, ec).parent_path(), ec);
  if (ec) return false;
  const auto target = folder / name;
  const auto relative = target.lexically_relative(root);
  if (relative.empty() || *relative.begin() == ".." || relative == ".") return false;
  const auto type = fs::symlink_status(target, ec).type();
  if (ec || (type != fs::file_type::regular && type != fs::file_type::symlink)) return false;
  return fs::remove(target, ec) && !ec;
}

int remove_job_inputs(const JobSpec& spec, ObjectStore& store,
                      const std::filesystem::path& uploads_dir, std::string_view job_id) {
  for (const auto* path : {&spec.image_path, &spec.avatar_path, &spec.music_path}) {
    if (!path->empty() && remove_input_file(*path, uploads_dir)) {
      spdlog::debug("job input removed job_id={} path={}", job_id, *path);
    }
  }
  int failed = 0;
  for (const auto* key : {&spec.image_key, &spec.avatar_key, &spec.music_key}) {
    if (key->empty()) continue;
    if (auto s = store.remove(*key); !s) {
      ++failed;
      spdlog::warn("job input not removed job_id={} key={} code={}", job_id, *key, s.error().code);
    } else {
      spdlog::debug("job input removed job_id={} key={}", job_id, *key);
    }
  }
  return failed;
}

Result<InputSweep> sweep_job_inputs(ObjectStore& store, db::Store& database, std::int64_t now,
                                    std::int64_t grace_s) {
  InputSweep sweep;
  auto orgs = database.orgs().list();
  if (!orgs) return fail(orgs.error());
  for (const auto& org : *orgs) {
    auto listed = store.list(input_prefix(org.id));
    if (!listed) return fail(listed.error());
    std::map<std::string, std::vector<ListedObject>> by_job;
    for (auto& object : *listed) {
      if (auto job_id = job_id_of_input_key(object.key)) by_job[*job_id].push_back(std::move(object));
    }
    for (const auto& [job_id, objects] : by_job) {
      auto job = database.jobs().get(job_id, org.id);
      if (!job) return fail(job.error());
      bool doomed = false;
      if (!*job) {
        // No row: a submission in flight (keep) or one that never committed (remove).
        doomed = std::all_of(objects.begin(), objects.end(), [&](const ListedObject& o) {
          return o.modified_at <= now - grace_s;
        });
      } else {
        const auto status = (*job)->status;
        doomed = status == JobStatus::kSucceeded || status == JobStatus::kFailed ||
                 status == JobStatus::kCanceled;
      }
      if (!doomed) {
        sweep.kept += objects.size();
        continue;
      }
      for (const auto& object : objects) {
        if (auto s = store.remove(object.key); !s) return fail(s.error());
        ++sweep.removed;
      }
      spdlog::info("job inputs swept job_id={} org={} objects={} job_row={}", job_id, org.id,
                   objects.size(), *job ? "finished" : "none");
    }
  }
  return sweep;
}

}  // namespace pitchreel

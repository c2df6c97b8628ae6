#include "worker/input_cleanup.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <utility>
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

namespace {

// Whether a job's inputs may go: the job ended, or it has no row and every input is older
// than the grace (a submission writes its inputs moments before it inserts the row).
bool inputs_doomed(const std::optional<Job>& job, bool all_older_than_grace) {
  if (!job) return all_older_than_grace;
  const auto status = job->status;
  return status == JobStatus::kSucceeded || status == JobStatus::kFailed ||
         status == JobStatus::kCanceled;
}

// "{org}.{job}.{name}" or the same + ".part": the organisation and job ids.
std::optional<std::pair<std::string, std::string>> owner_of_upload(const std::string& file_name) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t dot = file_name.find('.'); ; dot = file_name.find('.', start)) {
    parts.push_back(file_name.substr(start, dot == std::string::npos ? dot : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (parts.size() == 4 && parts[3] == "part") parts.pop_back();
  if (parts.size() != 3) return std::nullopt;
  if (!make_input_key(parts[0], parts[1], parts[2])) return std::nullopt;
  return std::make_pair(parts[0], parts[1]);
}

}  // namespace

Result<std::filesystem::path> local_input_path(const std::filesystem::path& uploads_dir,
                                               std::string_view organization_id,
                                               std::string_view job_id, std::string_view name) {
  // The same rules as the bucket's keys: one segment of [A-Za-z0-9_-] each, so no dots.
  if (auto key = make_input_key(organization_id, job_id, name); !key) return fail(key.error());
  return uploads_dir / fmt::format("{}.{}.{}", organization_id, job_id, name);
}

Result<InputSweep> sweep_local_uploads(const std::filesystem::path& uploads_dir, db::Store& database,
                                       std::int64_t now, std::int64_t grace_s) {
  namespace fs = std::filesystem;
  InputSweep sweep;
  struct Files {
    std::string organization_id;
    std::vector<fs::path> paths;
    bool all_old = true;
  };
  std::map<std::string, Files> by_job;
  std::error_code ec;  // the listing's; a file's own errors must not end the listing
  for (fs::directory_iterator it(uploads_dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code file_ec;
    if (!it->is_regular_file(file_ec)) continue;
    const auto owner = owner_of_upload(it->path().filename().string());
    if (!owner) continue;  // not an input file of this layout: never ours to judge
    auto& files = by_job[owner->second];
    files.organization_id = owner->first;
    files.paths.push_back(it->path());
    const auto modified = fs::last_write_time(it->path(), file_ec);
    const auto modified_s =
        file_ec ? now
           : std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::file_clock::to_sys(modified).time_since_epoch())
                 .count();
    files.all_old = files.all_old && modified_s <= now - grace_s;
  }
  for (const auto& [job_id, files] : by_job) {
    auto job = database.jobs().get(job_id, files.organization_id);
    if (!job) return fail(job.error());
    if (!inputs_doomed(*job, files.all_old)) {
      sweep.kept += files.paths.size();
      continue;
    }
    for (const auto& path : files.paths) {
      if (remove_input_file(path, uploads_dir)) ++sweep.removed;
    }
    spdlog::info("job inputs swept job_id={} org={} files={} job_row={}", job_id,
                 files.organization_id, files.paths.size(), *job ? "finished" : "none");
  }
  return sweep;
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
      const bool old = std::all_of(objects.begin(), objects.end(), [&](const ListedObject& o) {
        return o.modified_at <= now - grace_s;
      });
      if (!inputs_doomed(*job, old)) {
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

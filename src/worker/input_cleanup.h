// Deleting a job's inputs once it ends: the uploaded image and avatar, wherever the job
// keeps them. With local storage they are files under the uploads folder, named by path
// in the stored job request, so a path is checked against the uploads folder before
// anything is deleted: a request that names /etc/passwd, ../x or a symlinked folder
// leading out of uploads_dir deletes nothing. With STORAGE=s3 they are objects under
// {org}/inputs/{job id}/ in the bucket (object_keys.h).
//
// Who calls what:
//   * the worker that finishes a job (succeeded, failed, canceled): remove_job_inputs;
//   * the API when a queued job is canceled before any worker saw it: remove_job_inputs;
//   * every node at start and then periodically: sweep_job_inputs (the bucket) or
//     sweep_local_uploads (local storage), which remove the inputs of jobs that ended
//     without their worker cleaning up (a node killed, a lease that ran out of attempts)
//     and of submissions that never became a job (a crash between the upload and the
//     insert, or in the middle of writing the upload).
// All of them are idempotent and safe to run concurrently on many nodes: removing a
// missing object succeeds.
#pragma once

#include <cstdint>
#include <filesystem>

#include "core/status.h"
#include "db/store.h"
#include "storage/object_store.h"
#include "worker/job_spec.h"

namespace pitchreel {

// Removes `file` (a regular file, or a symlink itself, never its target or a directory)
// when it lies inside `uploads_dir` after resolving symlinks in its folder. Returns true
// when something was removed. An empty uploads_dir disables deletion.
bool remove_input_file(const std::filesystem::path& file, const std::filesystem::path& uploads_dir);

// Removes every input `spec` names: files under uploads_dir and objects in `store`.
// Failures are logged (the sweep retries them later) and counted in the result: how many
// inputs could not be removed.
int remove_job_inputs(const JobSpec& spec, ObjectStore& store,
                      const std::filesystem::path& uploads_dir, std::string_view job_id);

// A submission uploads its inputs under the id its job will have and only then inserts
// the job row, so an input object without a row is either a submission in flight or a
// leftover. It is only removed once older than this (a submission takes seconds).
inline constexpr std::int64_t kOrphanInputGraceSeconds = 600;

struct InputSweep {
  std::size_t removed = 0;  // objects (or files) deleted
  std::size_t kept = 0;     // those of queued or running jobs (or too young to judge)
};

// With local storage an input is the file uploads/{organisation id}.{job id}.{name}, written
// as that name plus ".part" and renamed once complete (the ids and the name are checked
// as for object keys, so they hold no dots). Returns the path; Error::internal
// "invalid_input_key" for ids of another shape.
Result<std::filesystem::path> local_input_path(const std::filesystem::path& uploads_dir,
                                               std::string_view organization_id,
                                               std::string_view job_id, std::string_view name);

// Removes, from the uploads folder, the input files of jobs that ended and of job ids with
// no job row (complete or ".part") whose files are older than grace_s; other files (of
// queued and running jobs, or not named as above) are kept. At start-up, when no
// submission of this data directory can be in flight, grace_s may be 0. Errors: the
// first database error (what was removed before it stays removed).
Result<InputSweep> sweep_local_uploads(const std::filesystem::path& uploads_dir, db::Store& database,
                                       std::int64_t now, std::int64_t grace_s = kOrphanInputGraceSeconds);

// Lists every organisation's {org}/inputs/ folder and removes the objects of jobs that
// ended (succeeded, failed, canceled) and of job ids with no job row whose objects are
// older than grace_s. `now` is Unix seconds UTC. Errors: the first listing or database
// error (what was removed before it stays removed).
Result<InputSweep> sweep_job_inputs(ObjectStore& store, db::Store& database, std::int64_t now,
                                    std::int64_t grace_s = kOrphanInputGraceSeconds);

}  // namespace pitchreel

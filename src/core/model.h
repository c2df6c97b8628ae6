// The service's domain types, shared by the database, authentication and the API.
// Identifiers are UUID strings (the seed's Supabase ids are UUIDs); times are Unix
// seconds (UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/render_warning.h"

namespace pitchreel {

enum class Role { kOwner, kAdmin, kMember };
std::string_view to_string(Role role);
std::optional<Role> parse_role(std::string_view text);
// Generating and deleting videos need admin or owner, as in the seed.
inline bool can_generate(Role role) { return role == Role::kOwner || role == Role::kAdmin; }

struct Organization {
  std::string id;
  std::string name;
  std::int64_t created_at = 0;
};

struct User {
  std::string id;  // a JWT's `sub` maps to this
  std::string organization_id;
  std::string email;
  Role role = Role::kMember;
  std::int64_t created_at = 0;
};

// Who is making a request, once authenticated.
struct Principal {
  std::string user_id;
  std::string organization_id;
  Role role = Role::kMember;
};

enum class JobStatus { kQueued, kRunning, kSucceeded, kFailed, kCanceled };
std::string_view to_string(JobStatus status);
std::optional<JobStatus> parse_job_status(std::string_view text);
inline bool is_final(JobStatus s) {
  return s == JobStatus::kSucceeded || s == JobStatus::kFailed || s == JobStatus::kCanceled;
}

struct Job {
  std::string id;
  std::string organization_id;
  std::string user_id;
  JobStatus status = JobStatus::kQueued;
  std::string stage;      // e.g. "queued", "speech", "render", "upload"
  double progress = 0;    // 0..1
  std::string request;    // the validated request as JSON (GenerateRequest fields)
  std::string product_id;
  std::string idempotency_key;  // empty when none
  int attempts = 0;
  std::string error_code;     // when failed
  std::string error_message;  // when failed
  std::string video_id;       // when succeeded
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  double gpu_seconds = 0;  // GPU wall time over all attempts, failed ones included
  double cpu_seconds = 0;  // render CPU time (user + system) over all attempts
  std::string batch_id;    // the batch it is an item of; empty for a single job
  int batch_row = 0;       // its row in the batch (CSV line or 1-based index)
};

struct Video {
  std::string id;
  std::string organization_id;
  std::string job_id;
  std::string product_id;
  std::string video_key;    // object store keys
  std::string poster_key;
  std::string captions_key;
  std::string file_name;    // download name
  std::int64_t size = 0;    // bytes of the MP4
  double duration = 0;      // seconds
  int width = 0;
  int height = 0;
  std::int64_t created_at = 0;
  double gpu_seconds = 0;  // the GPU wall time its job took (0: rendered on the CPU)
  std::vector<RenderWarning> warnings;  // what the render found and made anyway
  double cpu_seconds = 0;  // the render CPU time its job took
  std::string batch_id;    // its job's batch, empty for a single job
};

}  // namespace pitchreel

#include "core/model.h"

#include <array>
#include <utility>

namespace pitchreel {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 3> kRoles = {
    {{Role::kOwner, "owner"}, {Role::kAdmin, "admin"}, {Role::kMember, "member"}}};
constexpr std::array<std::pair<JobStatus, std::string_view>, 5> kStatuses = {
    {{JobStatus::kQueued, "queued"},
     {JobStatus::kRunning, "running"},
     {JobStatus::kSucceeded, "succeeded"},
     {JobStatus::kFailed, "failed"},
     {JobStatus::kCanceled, "canceled"}}};

template <typename Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "";
}

template <typename Enum, std::size_t N>
std::optional<Enum> value_of(const std::array<std::pair<Enum, std::string_view>, N>& table,
                             std::string_view text) {
  for (const auto& [v, name] : table) {
    if (name == text) return v;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Role role) { return name_of(kRoles, role); }
std::optional<Role> parse_role(std::string_view text) { return value_of(kRoles, text); }
std::string_view to_string(JobStatus status) { return name_of(kStatuses, status); }
std::optional<JobStatus> parse_job_status(std::string_view text) { return value_of(kStatuses, text); }

}  // namespace pitchreel

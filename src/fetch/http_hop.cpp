#include "fetch/http_hop.h"

#include <algorithm>

#include "fetch/http_call.h"

namespace pitchreel::fetch {
namespace {

// A transfer slower than 1 KiB/s for this long is a trickle, not a slow network: give up
// instead of holding a worker for the whole total timeout.
constexpr long kMaxLowSpeedWindowS = 10;

HopError::Kind hop_kind(CallFailure::Kind kind) {
  switch (kind) {
    case CallFailure::Kind::kTooLarge:
      return HopError::Kind::kTooLarge;
    case CallFailure::Kind::kTimeout:
    case CallFailure::Kind::kConnectTimeout:
      return HopError::Kind::kTimeout;
    case CallFailure::Kind::kDns:
    case CallFailure::Kind::kRefused:
      return HopError::Kind::kConnectFailed;
    case CallFailure::Kind::kPinViolation:
      return HopError::Kind::kPinViolation;
    case CallFailure::Kind::kTls:
      return HopError::Kind::kTls;
    case CallFailure::Kind::kReset:
      return HopError::Kind::kBadResponse;
    case CallFailure::Kind::kMalformedUrl:
    case CallFailure::Kind::kAborted:
    case CallFailure::Kind::kSourceFailed:  // hops send no streamed body
    case CallFailure::Kind::kSinkFailed:    // nor stream their answer
    case CallFailure::Kind::kInternal:
      return HopError::Kind::kInternal;
  }
  return HopError::Kind::kInternal;
}

}  // namespace

std::expected<HopResponse, HopError> run_hop(const HopRequest& request) {
  CallRequest call;
  call.method = "GET";
  call.url = request.target.url;
  call.max_bytes = request.max_bytes;
  call.connect_timeout = request.connect_timeout;
  call.total_timeout = request.total_timeout;
  const long total_s = static_cast<long>(request.total_timeout.count() / 1000);
  call.low_speed_window = std::chrono::seconds(std::clamp<long>(total_s, 1, kMaxLowSpeedWindowS));
  call.pinned = request.pinned;
  auto response = http_call(call);
  if (!response) {
    const CallFailure& f = response.error();
    return std::unexpected(HopError{hop_kind(f.kind), f.detail, f.refused_address});
  }
  HopResponse hop;
  hop.status = response->status;
  // As the server sent it, parameters included.
  if (auto it = response->headers.find("content-type"); it != response->headers.end()) {
    hop.content_type = it->second;
  }
  hop.redirect_url = std::move(response->redirect_url);
  hop.effective_url = std::move(response->effective_url);
  hop.body = std::move(response->body);
  return hop;
}

}  // namespace pitchreel::fetch

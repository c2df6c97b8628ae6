#include "db/webhook_types.h"

namespace pitchreel::db::webhooks {

const char* to_string(DeliveryStatus status) {
  switch (status) {
    case DeliveryStatus::kPending:
      return "pending";
    case DeliveryStatus::kDelivered:
      return "delivered";
    case DeliveryStatus::kFailed:
      return "failed";
  }
  return "pending";
}

std::string encode_event_filter(const std::vector<std::string>& events) {
  if (events.empty()) return "";
  std::string out = ",";
  for (const auto& e : events) out += e + ",";
  return out;
}

std::vector<std::string> decode_event_filter(const std::string& stored) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < stored.size()) {
    const std::size_t end = stored.find(',', start);
    const std::size_t stop = end == std::string::npos ? stored.size() : end;
    if (stop > start) out.push_back(stored.substr(start, stop - start));
    start = stop + 1;
  }
  return out;
}

}  // namespace pitchreel::db::webhooks

#include "batch/batch_report.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "batch/csv_table.h"

namespace pitchreel::batch {
namespace {

Status write_replacing(const std::filesystem::path& path, const std::string& text) {
  const auto temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) {
      return fail(Error::internal("batch_report_write_failed",
                                  fmt::format("Cannot write the batch report in {}: is the "
                                              "folder writable and the disk not full?",
                                              path.parent_path().string())));
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    return fail(Error::internal("batch_report_write_failed",
                                fmt::format("Cannot write the batch report in {}: {}.",
                                            path.parent_path().string(), ec.message())));
  }
  return {};
}

std::string file_name(const std::filesystem::path& p) { return p.empty() ? "" : p.string(); }

}  // namespace

std::string item_key(const BatchItem& item) {
  const nlohmann::json key = {item.product_id,
                              item.product_name,
                              item.product_description,
                              item.image_url,
                              item.script.value_or(""),
                              item.voice,
                              item.format.aspect_name(),
                              item.format.height,
                              item.layout ? layout_name(*item.layout) : "",
                              item.avatar_url,
                              item.captions,
                              item.title,
                              item.engine};
  return key.dump();
}

Result<std::vector<ItemOutcome>> BatchReport::load(const std::filesystem::path& dir) {
  const auto path = dir / kJsonName;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::vector<ItemOutcome>{};
  const auto unreadable = [&] {
    return fail(Error::invalid(
        "batch_report_unreadable",
        fmt::format("{} is not a batch report this version can read: remove it to start "
                    "afresh, or run without --resume.",
                    path.string())));
  };
  const auto json = nlohmann::json::parse(in, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("items") ||
      !json["items"].is_array()) {
    return unreadable();
  }
  std::vector<ItemOutcome> out;
  for (const auto& j : json["items"]) {
    if (!j.is_object()) return unreadable();
    ItemOutcome o;
    o.row = j.value("row", 0);
    o.key = j.value("key", "");
    o.status = j.value("status", "");
    o.product_id = j.value("productId", "");
    o.video = j.value("video", "");
    o.poster = j.value("poster", "");
    o.vtt = j.value("vtt", "");
    o.srt = j.value("srt", "");
    o.duration = j.value("durationSec", 0.0);
    out.push_back(std::move(o));
  }
  return out;
}

Status BatchReport::save() const {
  nlohmann::json items = nlohmann::json::array();
  std::ostringstream csv;
  csv << csv_line({"row", "status", "productId", "video", "poster", "vtt", "srt", "durationSec",
                   "errorCode", "errorMessage"})
      << "\r\n";
  int succeeded = 0, failed = 0;
  for (const auto& o : items_) {
    succeeded += o.status == "succeeded";
    failed += o.status == "failed";
    nlohmann::json j = {{"row", o.row},           {"key", o.key},
                        {"status", o.status},     {"productId", o.product_id},
                        {"video", file_name(o.video)}, {"poster", file_name(o.poster)},
                        {"vtt", file_name(o.vtt)}, {"srt", file_name(o.srt)},
                        {"durationSec", o.duration}};
    if (!o.error_code.empty()) j["error"] = {{"code", o.error_code}, {"message", o.error_message}};
    items.push_back(std::move(j));
    csv << csv_line({std::to_string(o.row), o.status, o.product_id, file_name(o.video),
                     file_name(o.poster), file_name(o.vtt), file_name(o.srt),
                     o.duration > 0 ? fmt::format("{:.1f}", o.duration) : "", o.error_code,
                     o.error_message})
        << "\r\n";
  }
  const nlohmann::json report = {
      {"total", items_.size()}, {"succeeded", succeeded}, {"failed", failed}, {"items", items}};
  if (auto s = write_replacing(dir_ / kJsonName, report.dump(2) + "\n"); !s) return s;
  return write_replacing(dir_ / kCsvName, csv.str());
}

}  // namespace pitchreel::batch

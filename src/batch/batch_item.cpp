#include "batch/batch_item.h"

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>

#include "storage/object_keys.h"
#include "tts/script_text.h"

namespace pitchreel::batch {
namespace {

constexpr std::array<std::string_view, 13> kFields = {
    "productId", "productName", "productDescription", "imageUrl", "script",
    "voice",     "aspect",      "height",             "layout",   "avatarUrl",
    "captions",  "title",       "engine"};

std::string folded(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == ' ' || c == '_' || c == '-' || c == '\t') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

std::optional<bool> parse_bool(std::string_view text) {
  const std::string v = folded(text);
  if (v == "true" || v == "yes" || v == "1" || v == "on") return true;
  if (v == "false" || v == "no" || v == "0" || v == "off") return false;
  return std::nullopt;
}

}  // namespace

std::string canonical_field(std::string_view column) {
  const std::string key = folded(column);
  for (auto name : kFields) {
    if (folded(name) == key) return std::string(name);
  }
  return {};
}

std::optional<BatchItem> parse_item(int row, const Fields& fields, const Fields& defaults,
                                    std::vector<ItemProblem>& problems) {
  const std::size_t before = problems.size();
  const auto value = [&](const std::string& name) -> std::string {
    if (auto it = fields.find(name); it != fields.end() && !trimmed(it->second).empty()) {
      return name == "script" || name == "productDescription" ? it->second : trimmed(it->second);
    }
    if (auto it = defaults.find(name); it != defaults.end()) return trimmed(it->second);
    return {};
  };
  const auto problem = [&](std::string field, const Error& e) {
    problems.push_back({row, std::move(field), e.code, e.message});
  };

  BatchItem item;
  item.row = row;
  item.product_name = value("productName");
  item.product_description = value("productDescription");
  item.voice = value("voice");
  item.avatar_url = value("avatarUrl");
  item.engine = value("engine");
  if (const auto id = value("productId"); !id.empty()) {
    if (auto valid = validate_product_id(id); !valid) {
      problem("productId", valid.error());
    } else {
      item.product_id = *valid;
    }
  }
  item.image_url = value("imageUrl");
  if (item.image_url.empty()) {
    problem("imageUrl", Error::invalid("image_missing",
                                       "The product's photo is missing: give its address "
                                       "(https://...) in the imageUrl column."));
  }
  if (const auto script = value("script"); !script.empty()) {
    auto normalized = normalize_script(script);
    if (!normalized) {
      problem("script", normalized.error());
    } else if (auto length = check_script_length(*normalized); !length) {
      problem("script", length.error());
    } else {
      item.script = *normalized;
    }
  } else if (item.product_name.empty()) {
    problem("script", Error::invalid("script_missing",
                                     "Give a script, or a productName (with a "
                                     "productDescription) to have one suggested."));
  }
  if (const auto aspect = value("aspect"); !aspect.empty()) {
    if (auto a = parse_aspect(aspect); !a) {
      problem("aspect", a.error());
    } else {
      item.format.aspect = *a;
    }
  }
  if (const auto height = value("height"); !height.empty()) {
    const bool digits = height.size() <= 5 && std::all_of(height.begin(), height.end(), [](char c) {
                          return c >= '0' && c <= '9';
                        });
    const int h = digits ? std::stoi(height) : 0;
    if (!digits) {
      problem("height", Error::invalid("invalid_height",
                                       fmt::format("The height \"{}\" is not a number: use 720 or "
                                                   "1080.",
                                                   height.substr(0, 16))));
    } else if (auto s = check_height(h); !s) {
      problem("height", s.error());
    } else {
      item.format.height = h;
    }
  }
  if (const auto layout = value("layout"); !layout.empty()) {
    if (auto l = parse_layout(layout); !l) {
      problem("layout", l.error());
    } else {
      item.layout = *l;
    }
  }
  for (const auto* name : {"captions", "title"}) {
    const auto text = value(name);
    if (text.empty()) continue;
    const auto flag = parse_bool(text);
    if (!flag) {
      problem(name, Error::invalid("invalid_boolean",
                                   fmt::format("{} is \"{}\": use true or false.", name,
                                               text.substr(0, 16))));
    } else {
      (std::string_view(name) == "captions" ? item.captions : item.title) = *flag;
    }
  }
  if (item.title && item.product_name.empty()) {
    problem("title", Error::invalid("product_name_missing",
                                    "title shows the product's name: give a productName."));
  }
  if (problems.size() > before) return std::nullopt;
  return item;
}

ParsedBatch parse_table(const CsvTable& table, const Fields& defaults) {
  ParsedBatch out;
  std::vector<std::string> names;  // canonical name per column, "" when ignored
  bool has_image = false;
  for (const auto& column : table.header) {
    names.push_back(canonical_field(column));
    if (names.back().empty()) {
      if (!trimmed(column).empty()) out.ignored_columns.push_back(column);
    } else if (names.back() == "imageUrl") {
      has_image = true;
    }
  }
  if (table.rows.empty()) {
    out.problems.push_back({0, "", "batch_empty",
                            "The batch has no products: add one row per product under the "
                            "header row."});
    return out;
  }
  if (table.rows.size() > kMaxBatchItems) {
    out.problems.push_back(
        {0, "", "batch_too_large",
         fmt::format("The batch has {} products; the limit is {}. Split it into several "
                     "batches.",
                     table.rows.size(), kMaxBatchItems)});
    return out;
  }
  if (!has_image && !defaults.contains("imageUrl")) {
    out.problems.push_back({1, "imageUrl", "image_missing",
                            "The header row has no imageUrl column: add one with each "
                            "product's photo."});
    return out;
  }
  for (const auto& row : table.rows) {
    if (row.fields.size() > names.size()) {
      out.problems.push_back(
          {row.line, "", "csv_extra_fields",
           fmt::format("Row {} has {} fields but the header names {} columns: quote fields "
                       "that contain commas.",
                       row.line, row.fields.size(), names.size())});
      continue;
    }
    Fields fields;
    for (std::size_t i = 0; i < row.fields.size(); ++i) {
      if (!names[i].empty()) fields[names[i]] = row.fields[i];
    }
    if (auto item = parse_item(row.line, fields, defaults, out.problems)) {
      out.items.push_back(std::move(*item));
    }
  }
  return out;
}

}  // namespace pitchreel::batch

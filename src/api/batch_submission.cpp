#include "api/batch_submission.h"

#include <fmt/format.h>

#include <algorithm>

#include "batch/csv_table.h"
#include "engines/engine_factory.h"
#include "tts/voice_registry.h"

namespace pitchreel::api {
namespace {

bool is_web_url(std::string_view url) {
  return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
}

// A JSON object's members as fields by canonical name; other names go to `ignored`.
batch::Fields fields_of(const nlohmann::json& object, std::vector<std::string>* ignored) {
  batch::Fields out;
  for (const auto& [name, value] : object.items()) {
    const std::string field = batch::canonical_field(name);
    if (field.empty()) {
      if (ignored && std::find(ignored->begin(), ignored->end(), name) == ignored->end()) {
        ignored->push_back(name);
      }
      continue;
    }
    if (value.is_string()) {
      out[field] = value.get<std::string>();
    } else if (value.is_boolean()) {
      out[field] = value.get<bool>() ? "true" : "false";
    } else if (value.is_number()) {
      out[field] = value.dump();
    }
  }
  return out;
}

// The service's own checks on an item that passed the row validation.
void check_for_service(const ServiceContext& ctx, VoiceRegistry& voices,
                       const batch::BatchItem& item, std::vector<batch::ItemProblem>& problems) {
  const auto problem = [&](std::string field, std::string code, std::string message) {
    problems.push_back({item.row, std::move(field), std::move(code), std::move(message)});
  };
  if (!is_web_url(item.image_url)) {
    problem("imageUrl", "image_url_invalid",
            "imageUrl must be an http(s) address of the product's photo (https://...).");
  }
  if (!item.avatar_url.empty() && !is_web_url(item.avatar_url)) {
    problem("avatarUrl", "avatar_url_invalid",
            "avatarUrl must be an http(s) address of the presenter's portrait.");
  }
  if (item.layout && *item.layout != Layout::kShowcase && item.avatar_url.empty()) {
    problem("layout", "avatar_missing",
            fmt::format("The {} layout shows a presenter: give an avatarUrl, or use the "
                        "showcase layout.",
                        layout_name(*item.layout)));
  }
  if (!item.voice.empty()) {
    if (auto s = voices.check_voice(item.voice); !s) {
      problem("voice", s.error().code, s.error().message);
    }
  }
  const std::string engine = item.engine.empty() ? ctx.config.default_engine : item.engine;
  if (auto s = check_engine(engine, ctx.config); !s) {
    problem("engine", s.error().code, s.error().message);
  }
}

Result<BatchRequest> read_json(const http::Request& req) {
  const auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return fail(Error::invalid("invalid_json", "The request body is not a JSON object."));
  }
  BatchRequest out;
  if (body.contains("defaults")) {
    if (!body["defaults"].is_object()) {
      return fail(Error::invalid("invalid_json",
                                 "`defaults` must be an object of item fields (voice, aspect, "
                                 "height, layout, avatarUrl, captions, title, engine)."));
    }
    out.defaults = fields_of(body["defaults"], &out.ignored_columns);
  }
  if (!body.contains("items") || !body["items"].is_array()) {
    return fail(Error::invalid("invalid_json",
                               "`items` must be an array with one object per product."));
  }
  const auto& items = body["items"];
  out.rows = items.size();
  if (items.empty()) {
    out.problems.push_back({0, "items", "batch_empty",
                            "The batch has no products: add one object per product to `items`."});
    return out;
  }
  if (items.size() > batch::kMaxBatchItems) {
    out.problems.push_back(
        {0, "items", "batch_too_large",
         fmt::format("The batch has {} products; the limit is {}. Split it into several batches.",
                     items.size(), batch::kMaxBatchItems)});
    return out;
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    const int row = static_cast<int>(i) + 1;
    if (!items[i].is_object()) {
      out.problems.push_back({row, "", "item_not_object",
                              "Each item must be an object with the product's fields."});
      continue;
    }
    auto item = batch::parse_item(row, fields_of(items[i], &out.ignored_columns), out.defaults,
                                  out.problems);
    if (item) out.items.push_back(std::move(*item));
  }
  return out;
}

Result<BatchRequest> read_csv(const http::Request& req) {
  BatchRequest out;
  const http::FormPart* file = nullptr;
  for (const auto& [name, part] : req.files) {
    if (name == "file" || name == "csv") {
      file = &part;
      continue;
    }
    if (const auto field = batch::canonical_field(name); !field.empty()) {
      out.defaults[field] = part.content;
    }
  }
  if (!file) {
    return fail(Error::invalid("batch_file_missing",
                               "Send the CSV as a multipart part named `file` (a header row "
                               "naming the fields, then one row per product)."));
  }
  auto table = batch::parse_csv(file->content);
  if (!table) return fail(table.error());
  out.rows = table->rows.size();
  batch::ParsedBatch parsed = batch::parse_table(*table, out.defaults);
  out.items = std::move(parsed.items);
  out.problems = std::move(parsed.problems);
  out.ignored_columns = std::move(parsed.ignored_columns);
  return out;
}

}  // namespace

Result<BatchRequest> read_batch_request(const ServiceContext& ctx, const http::Request& req) {
  Result<BatchRequest> read = [&]() -> Result<BatchRequest> {
    if (req.is_multipart_form_data()) return read_csv(req);
    if (req.get_header_value("Content-Type").rfind("application/json", 0) == 0) {
      return read_json(req);
    }
    return fail(Error::invalid("unsupported_media_type",
                               "Send the batch as application/json ({defaults, items}) or as "
                               "multipart/form-data with the CSV file as the part `file`."));
  }();
  if (!read) return read;
  const auto voices = make_voice_registry(ctx.config);
  for (const batch::BatchItem& item : read->items) {
    check_for_service(ctx, *voices, item, read->problems);
  }
  std::stable_sort(read->problems.begin(), read->problems.end(),
                   [](const auto& a, const auto& b) { return a.row < b.row; });
  return read;
}

JobSpec item_job_spec(const batch::BatchItem& item) {
  JobSpec spec;
  spec.image_url = item.image_url;
  spec.avatar_url = item.avatar_url;
  spec.script = item.script;
  spec.product_name = item.product_name;
  spec.product_description = item.product_description;
  spec.product_id = item.product_id;
  spec.voice = item.voice;
  spec.aspect = item.format.aspect_name();
  spec.height = item.format.height;
  spec.captions = item.captions;
  spec.title = item.title;
  spec.engine = item.engine;
  if (item.layout) spec.layout = layout_name(*item.layout);
  return spec;
}

nlohmann::json problems_json(const std::vector<batch::ItemProblem>& problems) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : problems) {
    out.push_back({{"row", p.row},
                   {"field", p.field.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.field)},
                   {"code", p.code},
                   {"message", p.message}});
  }
  return out;
}

}  // namespace pitchreel::api

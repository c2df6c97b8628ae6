// One product of a catalogue batch, and how a batch's rows become items. A row (a CSV line,
// or later a JSON item) is a set of named fields laid over the batch's defaults; every row
// is checked before anything is made, and every problem is reported with its row and field,
// so a user fixes the whole sheet in one pass.
//
// Fields (column names compare without case, spaces, '_' or '-': "product_name" is
// productName): productId, productName, productDescription, imageUrl, script, voice,
// aspect, height, layout, avatarUrl, captions, title, engine. Columns with other names are
// ignored and listed, so a shop's full catalogue export can be given as it is.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "batch/csv_table.h"
#include "core/output_format.h"
#include "render/frame_layout.h"

namespace pitchreel::batch {

inline constexpr std::size_t kMaxBatchItems = 1000;

// Field name (canonical spelling, e.g. "productName") -> value as given.
using Fields = std::map<std::string, std::string>;

struct BatchItem {
  int row = 0;  // CSV: the line as a spreadsheet numbers it (header = 1); JSON: 1-based index
  std::string product_id;
  std::string product_name;
  std::string product_description;
  std::string image_url;  // an http(s) URL, or (offline batches) a file path
  std::optional<std::string> script;  // normalised; absent: suggested from name + description
  std::string voice;                  // empty: the default voice
  OutputFormat format;
  std::optional<Layout> layout;
  std::string avatar_url;
  bool captions = true;
  bool title = false;
  std::string engine;  // empty: the default engine
};

struct ItemProblem {
  int row = 0;
  std::string field;  // canonical field name, or "" for the row as a whole
  std::string code;
  std::string message;
};

struct ParsedBatch {
  std::vector<BatchItem> items;       // the rows that passed; none may run if there are problems
  std::vector<ItemProblem> problems;  // in row order
  std::vector<std::string> ignored_columns;
};

// The canonical name of a column ("Product Name" -> "productName"), or "" when unknown.
std::string canonical_field(std::string_view column);

// Checks one row laid over `defaults`; problems are appended to `problems`.
std::optional<BatchItem> parse_item(int row, const Fields& fields, const Fields& defaults,
                                    std::vector<ItemProblem>& problems);

// Every row of a CSV table. Also refuses a table without rows ("batch_empty"), with more
// than kMaxBatchItems rows ("batch_too_large"), or without an imageUrl column.
ParsedBatch parse_table(const CsvTable& table, const Fields& defaults);

}  // namespace pitchreel::batch

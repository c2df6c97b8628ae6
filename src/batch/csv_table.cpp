#include "batch/csv_table.h"

#include <csv.h>

#include <memory>

#include <fmt/format.h>

#include "core/utf8.h"

namespace pitchreel::batch {
namespace {

struct ParserDeleter {
  void operator()(csv_parser* p) const {
    csv_free(p);
    delete p;
  }
};
using ParserHandle = std::unique_ptr<csv_parser, ParserDeleter>;

struct Collector {
  CsvTable table;
  CsvRow current;
  int record = 0;  // records ended so far, those of empty fields included
  bool header_done = false;
};

bool is_utf8(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    const auto d = utf8::decode(text, pos);
    if (!d.valid) return false;
    pos += d.length;
  }
  return true;
}

void on_field(void* data, std::size_t size, void* out) {
  auto& c = *static_cast<Collector*>(out);
  c.current.fields.emplace_back(static_cast<const char*>(data), data ? size : 0);
}

void on_record(int, void* out) {
  auto& c = *static_cast<Collector*>(out);
  ++c.record;
  CsvRow row = std::move(c.current);
  c.current = {};
  bool blank = true;
  for (const auto& f : row.fields) blank = blank && f.empty();
  if (blank) return;
  row.line = c.record;
  if (!c.header_done) {
    c.table.header = std::move(row.fields);
    c.header_done = true;
  } else {
    c.table.rows.push_back(std::move(row));
  }
}

}  // namespace

Result<CsvTable> parse_csv(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  ParserHandle parser(new csv_parser);
  if (csv_init(parser.get(), CSV_STRICT | CSV_STRICT_FINI) != 0) {
    return fail(Error::internal("csv_init_failed", "The CSV reader could not start."));
  }
  Collector c;
  const std::size_t used = csv_parse(parser.get(), text.data(), text.size(), on_field, on_record, &c);
  const bool parsed = used == text.size() && csv_fini(parser.get(), on_field, on_record, &c) == 0;
  if (!parsed) {
    const int error = csv_error(parser.get());
    if (error == CSV_ENOMEM || error == CSV_ETOOBIG) {
      return fail(Error::invalid("csv_malformed", "The CSV file has a field too large to read."));
    }
    // The record being read when the parser gave up is the one after those it ended.
    return fail(Error::invalid(
        "csv_malformed",
        fmt::format("The CSV file is malformed near row {}: a quote is left open or a field "
                    "has a stray quote. Quote fields that contain commas, quotes or line breaks, "
                    "and double the quotes inside them (\"\").",
                    c.record + 1)));
  }
  if (c.table.header.empty()) {
    return fail(Error::invalid("csv_empty",
                               "The CSV file is empty: it needs a header row naming the columns "
                               "(productName, imageUrl, ...) and one row per product."));
  }
  const auto check = [](const CsvRow& row) -> Status {
    for (const auto& f : row.fields) {
      if (!is_utf8(f)) {
        return fail(Error::invalid(
            "csv_not_utf8",
            fmt::format("Row {} of the CSV file is not UTF-8 text. Save the sheet as \"CSV "
                        "UTF-8\" and try again.",
                        row.line)));
      }
    }
    return {};
  };
  if (auto s = check({1, c.table.header}); !s) return fail(s.error());
  for (const auto& row : c.table.rows) {
    if (auto s = check(row); !s) return fail(s.error());
  }
  return std::move(c.table);
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line += ',';
    const std::string& f = fields[i];
    // The reader (libcsv) trims spaces and tabs around unquoted fields: a field that
    // starts or ends with one is quoted, or it would not read back the same.
    const bool padded = !f.empty() && (f.front() == ' ' || f.front() == '\t' || f.back() == ' ' || f.back() == '\t');
    if (!padded && f.find_first_of(",\"\r\n") == std::string::npos) {
      line += f;
      continue;
    }
    std::string quoted(f.size() * 2 + 2, '\0');
    const std::size_t n = csv_write(quoted.data(), quoted.size(), f.data(), f.size());
    quoted.resize(n);
    line += quoted;
  }
  return line;
}

}  // namespace pitchreel::batch

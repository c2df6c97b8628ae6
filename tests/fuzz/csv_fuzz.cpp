// The catalogue CSV reader (batch::parse_csv). Beyond crashes: a table that parsed, written
// back with csv_line, parses to the same header and fields (rows of empty fields aside,
// which the reader leaves out by contract).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "batch/csv_table.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto table = pitchreel::batch::parse_csv(text);
  if (!table) {
    const auto& code = table.error().code;
    if (code != "csv_malformed" && code != "csv_empty" && code != "csv_not_utf8") std::abort();
    return 0;
  }
  std::string again = pitchreel::batch::csv_line(table->header) + "\n";
  for (const auto& row : table->rows) again += pitchreel::batch::csv_line(row.fields) + "\n";
  // Not comparable: a byte order mark is skipped only at the very start of a file, so one
  // that followed leading empty rows stays in the header's first field and, written back,
  // becomes the start; and a header of empty names writes back as an empty line.
  const auto& header = table->header;
  if (!header.empty() && header[0].starts_with("\xEF\xBB\xBF")) return 0;
  if (std::all_of(header.begin(), header.end(), [](const std::string& f) { return f.empty(); })) return 0;
  const auto reread = pitchreel::batch::parse_csv(again);
  if (!reread || reread->header != header || reread->rows.size() != table->rows.size()) std::abort();
  for (std::size_t i = 0; i < table->rows.size(); ++i) {
    if (reread->rows[i].fields != table->rows[i].fields) std::abort();
  }
  return 0;
}

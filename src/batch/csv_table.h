// CsvTable: a CSV file as a header and rows of fields, read with libcsv (RFC 4180: quoted
// fields, doubled quotes, commas and line breaks inside quotes, CRLF or LF). A UTF-8 byte
// order mark before the header, as spreadsheet programs write it, is skipped.
//
// Errors (Error::invalid): "csv_malformed" (a quote left open, a stray quote inside a
// field), "csv_empty" (no header), "csv_not_utf8" (a field that is not UTF-8: save the
// sheet as "CSV UTF-8"), each naming the line where it is.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace pitchreel::batch {

struct CsvRow {
  // The record's number counting the header as 1, as a spreadsheet shows it (a row of empty
  // fields counts; an empty line, which spreadsheets never write, does not).
  int line = 0;
  std::vector<std::string> fields;
};

struct CsvTable {
  std::vector<std::string> header;
  std::vector<CsvRow> rows;  // rows whose fields are all empty are left out
};

Result<CsvTable> parse_csv(std::string_view text);

// One CSV line (no line break) of `fields`, each quoted only when it must be.
std::string csv_line(const std::vector<std::string>& fields);

}  // namespace pitchreel::batch

#pragma once
// CSV as a city's systems and Excel write it: UTF-8 with or without a byte order mark, or Shift_JIS / CP932 with
// its NEC and IBM extensions (髙, 﨑, ①); CRLF or LF; quoted fields holding commas, quotes and line breaks (RFC 4180).
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace roster {

struct CsvRecord {
    int line = 0;  // the line the record starts on, 1-based, as a spreadsheet shows it
    std::vector<std::string> fields;
};

struct CsvFile {
    std::string encoding;  // "UTF-8" or "CP932"
    std::vector<CsvRecord> records;
};

struct CsvError {
    int line = 0;
    std::string message_key;  // catalogue key
};

// Decodes to UTF-8: a BOM or valid UTF-8 is taken as UTF-8, anything else as CP932 (windows-31j).
std::optional<std::string> DecodeToUtf8(std::string_view bytes, std::string& encoding);
// Parses decoded text; an unterminated quote or stray text after a closing quote is an error with its line.
std::variant<CsvFile, CsvError> ParseCsv(std::string_view bytes);

}  // namespace roster

#pragma once
// A register as a file the city opens in Excel: XLSX (libxlsxwriter: a sheet of marks with real dates in its head,
// numbers as numbers, the head and names frozen, printed landscape on A4 one page wide with the site and month in
// the page header; and a sheet of details, a row per child and day with times as times) or CSV (UTF-8 with a byte
// order mark, or CP932 for older Excel). Words come from the catalogue in the reader's language.
#include <optional>
#include <string>
#include <string_view>

#include "reports/register.hpp"
#include "web/catalogue.hpp"

namespace reports {

enum class Format { kXlsx, kCsv, kCsvCp932 };
// "xlsx", "csv" (UTF-8 with BOM) or "csv-cp932".
std::optional<Format> ParseFormat(std::string_view s);
std::string_view ContentType(Format f);
std::string_view Extension(Format f);

struct Labels {
    const web::Catalogue& catalogue;
    std::string lang;
    std::string site_kind;  // the words of the site's kind (休園日 at a nursery)
    std::string site_name;
};

// "2026年11月" / "11/2026": a month in the language's words.
std::string MonthWords(const web::Catalogue& catalogue, std::string_view lang, const common::Date& first);

// The head of the extended-hours column: "延長（18:00以降・30分単位）" / "Extended (after 18:00, 30-min units)".
std::string ExtendedHead(const web::Catalogue& catalogue, std::string_view lang, const plans::ExtendedHours& e);

// The file's bytes (whole: nothing is written anywhere a reader could see half of it).
std::string RegisterFile(const Register& r, Format f, const Labels& labels);

}  // namespace reports

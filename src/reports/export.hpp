#pragma once
// A register as a file the city opens in Excel: XLSX (libxlsxwriter: a sheet of marks with real dates in its head,
// numbers as numbers, the head and names frozen, printed landscape on A4 one page wide with the site and month in
// the page header; and a sheet of details, a row per child and day with times as times) or CSV (UTF-8 with a byte
// order mark, or CP932 for older Excel). Words come from the catalogue in the reader's language.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reports/counts.hpp"
#include "reports/register.hpp"
#include "web/catalogue.hpp"

namespace reports {

enum class Format { kXlsx, kCsv, kCsvCp932, kPdf };
// "xlsx", "csv" (UTF-8 with BOM), "csv-cp932" or "pdf".
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

// The file's bytes (whole: nothing is written anywhere a reader could see half of it). A PDF is landscape A4 with
// the site and month on every page.
std::string RegisterFile(const Register& r, Format f, const Labels& labels);

// Every site's register of a month in one file: a sheet per site (named by the site), a PDF section per site, or
// one CSV with the site's name first on each line.
std::string CityRegisterFile(const std::vector<std::pair<Register, Labels>>& sites, Format f);

// One child's month for the family, on paper: a line a day with the mark, the reason, the times and the extended
// hours, and the month's totals. Nullopt when the child has no row in the register.
std::optional<std::string> ChildMonthPdf(const Register& r, common::ChildId child, const Labels& labels);

// ---- The counts ------------------------------------------------------------------------------------------------

// A school year in words: 1年生 … 6年生, 5歳児 … 0歳児 before school, 中学生以上 after, 不明 without a birth date.
std::string SchoolYearWords(const web::Catalogue& catalogue, std::string_view lang, std::optional<int> year);

// Which table of a month's counts a CSV holds (a workbook and a PDF hold them all): per site, per site and day, or
// per site and school year.
enum class CountsTable { kSites, kDays, kGrades };
std::optional<CountsTable> ParseCountsTable(std::string_view s);
std::string CityMonthFile(const CityMonth& m, Format f, const web::Catalogue& catalogue, const std::string& lang,
                          CountsTable table = CountsTable::kSites);
// The fiscal year's subsidy figures per site, with the children registered on the survey date by school year.
std::string CityYearFile(const CityYear& y, Format f, const web::Catalogue& catalogue, const std::string& lang);

}  // namespace reports

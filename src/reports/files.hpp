#pragma once
// The parts every report file is made of: CSV lines (quoted where needed, UTF-8 or CP932), an XLSX workbook in a
// private temporary file read back whole, and the page header's escaping. The register and the counts use them.
#include <xlsxwriter.h>

#include <string>
#include <vector>

#include "common/dates.hpp"

namespace reports::files {

// One CSV line (RFC 4180 quoting, CRLF).
std::string CsvLine(const std::vector<std::string>& fields);
// UTF-8 → CP932 (Windows-31J), for older Excel; throws when a character has no CP932 form.
std::string ToCp932(const std::string& utf8);
// A number with one decimal ("3.5").
std::string OneDecimal(double v);

// A workbook written by libxlsxwriter to a private temporary file, removed when done.
class Workbook {
 public:
    Workbook();
    ~Workbook();
    Workbook(const Workbook&) = delete;
    Workbook& operator=(const Workbook&) = delete;
    lxw_workbook* get() { return wb_; }
    // Closes the workbook and returns its bytes.
    std::string Finish();

 private:
    std::string dir_, path_;
    lxw_workbook* wb_ = nullptr;
};

lxw_datetime DateOf(const common::Date& d);
lxw_datetime TimeOf(common::Instant t);
// A page header's text: '&' is a code there.
std::string HeaderText(const std::string& s);
// Landscape A4, one page wide, head rows repeated, a header with `left`, `centre` and the page number.
void PrintLandscape(lxw_worksheet* ws, lxw_row_t head_first, lxw_row_t head_last, const std::string& left,
                    const std::string& centre);

}  // namespace reports::files

#include "reports/files.hpp"

#include <unicode/ucnv.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace reports::files {

std::string CsvLine(const std::vector<std::string>& fields) {
    std::string out;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i) out += ',';
        const auto& s = fields[i];
        if (s.find_first_of(",\"\r\n") == std::string::npos) {
            out += s;
            continue;
        }
        out += '"';
        for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
        out += '"';
    }
    return out + "\r\n";
}

std::string ToCp932(const std::string& utf8) {
    UErrorCode status = U_ZERO_ERROR;
    std::string out(utf8.size() * 2 + 16, '\0');
    auto n = ucnv_convert("windows-31j", "UTF-8", out.data(), static_cast<int32_t>(out.size()), utf8.data(),
                          static_cast<int32_t>(utf8.size()), &status);
    if (U_FAILURE(status)) throw std::runtime_error("CP932 conversion failed");
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string OneDecimal(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

Workbook::Workbook() : dir_(std::filesystem::temp_directory_path().string()) {
    path_ = dir_ + "/tadaima-report-XXXXXX";
    int fd = mkstemp(path_.data());
    if (fd < 0) throw std::runtime_error("cannot make a temporary file for the workbook");
    close(fd);
    lxw_workbook_options options{};
    options.tmpdir = dir_.data();
    wb_ = workbook_new_opt(path_.c_str(), &options);
    if (!wb_) {
        std::filesystem::remove(path_);
        throw std::runtime_error("cannot start the workbook");
    }
}

Workbook::~Workbook() {
    if (wb_) workbook_close(wb_);  // not finished (an exception on the way): close to free, then remove
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
}

std::string Workbook::Finish() {
    auto status = workbook_close(wb_);
    wb_ = nullptr;
    if (status != LXW_NO_ERROR) throw std::runtime_error("the workbook could not be written");
    std::ifstream in(path_, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

lxw_datetime DateOf(const common::Date& d) {
    return {static_cast<int>(d.year()),
            static_cast<int>(static_cast<unsigned>(d.month())),
            static_cast<int>(static_cast<unsigned>(d.day())),
            0,
            0,
            0};
}

lxw_datetime TimeOf(common::Instant t) {
    auto hhmm = common::FormatTokyoTime(t);
    return {0, 0, 0, std::stoi(hhmm.substr(0, 2)), std::stoi(hhmm.substr(3, 2)), 0};
}

std::string HeaderText(const std::string& s) {
    std::string out;
    for (char c : s) out += c == '&' ? std::string("&&") : std::string(1, c);
    return out;
}

void PrintLandscape(lxw_worksheet* ws, lxw_row_t head_first, lxw_row_t head_last, const std::string& left,
                    const std::string& centre) {
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);  // A4
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_repeat_rows(ws, head_first, head_last);
    std::string header = "&L" + HeaderText(left) + "&C" + HeaderText(centre) + "&R&P / &N";
    worksheet_set_header(ws, header.c_str());
}

}  // namespace reports::files

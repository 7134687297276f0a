#include "reports/export.hpp"

#include <unicode/unistr.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "families/mails.hpp"
#include "reports/files.hpp"
#include "reports/pdf_tables.hpp"

namespace reports {

std::optional<Format> ParseFormat(std::string_view s) {
    if (s == "xlsx") return Format::kXlsx;
    if (s == "csv") return Format::kCsv;
    if (s == "csv-cp932") return Format::kCsvCp932;
    if (s == "pdf") return Format::kPdf;
    return std::nullopt;
}

std::string_view ContentType(Format f) {
    switch (f) {
        case Format::kXlsx:
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        case Format::kCsv:
            return "text/csv; charset=utf-8";
        case Format::kCsvCp932:
            return "text/csv; charset=Shift_JIS";
        case Format::kPdf:
            return "application/pdf";
    }
    return "application/octet-stream";
}

std::string_view Extension(Format f) { return f == Format::kXlsx ? "xlsx" : f == Format::kPdf ? "pdf" : "csv"; }

namespace {

// The catalogue's word in the site's kind (休園日 at a nursery).
std::string Word(const Labels& l, const std::string& key) { return l.catalogue.GetForKind(l.lang, key, l.site_kind); }

std::string ReasonWord(const Labels& l, const std::string& reason) {
    if (reason == "no_notice") return Word(l, "register_no_notice");
    if (reason.empty()) return Word(l, "register_absent_unknown");
    return Word(l, "absence_reason_" + reason);
}

// The symbol a cell shows (an absence with its reason in the CSV, where there is no second sheet).
std::string Symbol(const Labels& l, const Cell& c, bool with_reason) {
    switch (c.mark) {
        case Mark::kAttended:
            return Word(l, "register_mark_attended");
        case Mark::kAbsent:
            return Word(l, "register_mark_absent") +
                   (with_reason ? Word(l, "p_open") + ReasonWord(l, c.absence_reason) + Word(l, "p_close") : "");
        case Mark::kClosed:
            return Word(l, "register_mark_closed");
        case Mark::kNotEnrolled:
            return Word(l, "register_mark_not_enrolled");
        case Mark::kNoPlan:
        case Mark::kAhead:
            return "";
    }
    return "";
}

// ---- CSV ------------------------------------------------------------------------------------------------------

// The register's lines; for the city's file (`site_column`), each line starts with the site's name, the extended
// columns are always there (empty where a site does not count them) and the head is written once, by the caller.
void CsvLines(std::ostringstream& out, const Register& r, const Labels& l, bool site_column) {
    auto line = [&](std::vector<std::string> fields) {
        if (site_column) fields.insert(fields.begin(), l.site_name);
        out << files::CsvLine(fields);
    };
    const bool extended_columns = r.extended || site_column;
    if (!site_column) {
        std::vector<std::string> head{Word(l, "field_name"), Word(l, "register_kana"), Word(l, "field_grade")};
        for (const auto& d : r.dates) head.push_back(common::FormatDate(d));
        head.push_back(Word(l, "register_attended"));
        head.push_back(Word(l, "register_absent"));
        if (r.extended) {
            head.push_back(ExtendedHead(l.catalogue, l.lang, *r.extended));
            head.push_back(Word(l, "register_extended_minutes"));
        }
        line(head);
    }
    for (const auto& row : r.rows) {
        std::vector<std::string> f{row.name, row.kana, row.grade ? std::to_string(*row.grade) : ""};
        for (const auto& c : row.days) f.push_back(Symbol(l, c, true));
        f.push_back(std::to_string(row.attended));
        f.push_back(std::to_string(row.absent));
        if (extended_columns) {
            f.push_back(r.extended ? std::to_string(row.extended_units) : "");
            f.push_back(r.extended ? std::to_string(row.extended_minutes) : "");
        }
        line(f);
    }
    std::vector<std::string> foot{Word(l, "register_per_day"), "", ""};
    int total = 0;
    for (int n : r.attended_per_day) {
        foot.push_back(std::to_string(n));
        total += n;
    }
    foot.push_back(std::to_string(total));
    foot.push_back("");
    line(foot);
}

std::string Csv(const Register& r, const Labels& l) {
    std::ostringstream out;
    CsvLines(out, r, l, false);
    return out.str();
}

// ---- XLSX -----------------------------------------------------------------------------------------------------

// The cell formats of a register workbook, made once per workbook.
struct Formats {
    lxw_format *bold, *head, *day, *weekday, *cell, *closed, *text, *number, *date, *time;
};

Formats MakeFormats(lxw_workbook* wb, const std::string& lang) {
    lxw_format* bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_format* head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_align(head, LXW_ALIGN_CENTER);
    format_set_border(head, LXW_BORDER_THIN);
    lxw_format* day = workbook_add_format(wb);
    format_set_num_format(day, "dd");  // "d" alone is a date to Excel, not to every reader (openpyxl)
    format_set_bold(day);
    format_set_align(day, LXW_ALIGN_CENTER);
    format_set_border(day, LXW_BORDER_THIN);
    lxw_format* weekday = workbook_add_format(wb);
    format_set_num_format(weekday, lang == "ja" ? "aaa" : "ddd");
    format_set_align(weekday, LXW_ALIGN_CENTER);
    format_set_border(weekday, LXW_BORDER_THIN);
    lxw_format* cell = workbook_add_format(wb);
    format_set_align(cell, LXW_ALIGN_CENTER);
    format_set_border(cell, LXW_BORDER_THIN);
    lxw_format* closed = workbook_add_format(wb);
    format_set_align(closed, LXW_ALIGN_CENTER);
    format_set_border(closed, LXW_BORDER_THIN);
    format_set_bg_color(closed, 0xEEEEEE);
    lxw_format* text = workbook_add_format(wb);
    format_set_border(text, LXW_BORDER_THIN);
    lxw_format* number = workbook_add_format(wb);
    format_set_border(number, LXW_BORDER_THIN);
    format_set_bold(number);
    lxw_format* date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    lxw_format* time = workbook_add_format(wb);
    format_set_num_format(time, "hh:mm");
    return {bold, head, day, weekday, cell, closed, text, number, date, time};
}

// The marks sheet: a row per child, a column per day, the totals, printed landscape on A4 one page wide.
void MarksSheet(lxw_workbook* wb, const Formats& f, const Register& r, const Labels& l, const std::string& sheet) {
    const std::string title = Word(l, "register_title");
    const std::string month = MonthWords(l.catalogue, l.lang, r.dates.front());
    lxw_worksheet* ws = workbook_add_worksheet(wb, sheet.c_str());
    worksheet_write_string(ws, 0, 0, (title + "　" + l.site_name + "　" + month).c_str(), f.bold);
    // Two head rows: the day (a real date shown as its number) and its weekday (the same date shown as a weekday).
    const lxw_col_t first_day = 3;
    worksheet_write_string(ws, 1, 0, Word(l, "field_name").c_str(), f.head);
    worksheet_write_string(ws, 1, 1, Word(l, "register_kana").c_str(), f.head);
    worksheet_write_string(ws, 1, 2, Word(l, "field_grade").c_str(), f.head);
    for (std::size_t i = 0; i < r.dates.size(); ++i) {
        auto dt = files::DateOf(r.dates[i]);
        auto col = static_cast<lxw_col_t>(first_day + i);
        worksheet_write_datetime(ws, 1, col, &dt, f.day);
        worksheet_write_datetime(ws, 2, col, &dt, f.weekday);
    }
    const auto sum_col = static_cast<lxw_col_t>(first_day + r.dates.size());
    worksheet_write_string(ws, 1, sum_col, Word(l, "register_attended").c_str(), f.head);
    worksheet_write_string(ws, 1, sum_col + 1, Word(l, "register_absent").c_str(), f.head);
    if (r.extended) {
        worksheet_write_string(ws, 1, sum_col + 2, ExtendedHead(l.catalogue, l.lang, *r.extended).c_str(), f.head);
        worksheet_write_string(ws, 1, sum_col + 3, Word(l, "register_extended_minutes").c_str(), f.head);
    }
    lxw_row_t row_no = 3;
    for (const auto& row : r.rows) {
        worksheet_write_string(ws, row_no, 0, row.name.c_str(), f.text);
        worksheet_write_string(ws, row_no, 1, row.kana.c_str(), f.text);
        if (row.grade) worksheet_write_number(ws, row_no, 2, *row.grade, f.cell);
        for (std::size_t i = 0; i < row.days.size(); ++i) {
            const auto& c = row.days[i];
            worksheet_write_string(ws, row_no, static_cast<lxw_col_t>(first_day + i), Symbol(l, c, false).c_str(),
                                   c.mark == Mark::kClosed || c.mark == Mark::kNotEnrolled ? f.closed : f.cell);
        }
        worksheet_write_number(ws, row_no, sum_col, row.attended, f.number);
        worksheet_write_number(ws, row_no, sum_col + 1, row.absent, f.number);
        if (r.extended) {
            worksheet_write_number(ws, row_no, sum_col + 2, row.extended_units, f.number);
            worksheet_write_number(ws, row_no, sum_col + 3, row.extended_minutes, f.number);
        }
        ++row_no;
    }
    worksheet_write_string(ws, row_no, 0, Word(l, "register_per_day").c_str(), f.bold);
    int total = 0;
    for (std::size_t i = 0; i < r.attended_per_day.size(); ++i) {
        worksheet_write_number(ws, row_no, static_cast<lxw_col_t>(first_day + i), r.attended_per_day[i], f.number);
        total += r.attended_per_day[i];
    }
    worksheet_write_number(ws, row_no, sum_col, total, f.number);
    worksheet_set_column(ws, 0, 0, 14, nullptr);
    worksheet_set_column(ws, 1, 1, 16, nullptr);
    worksheet_set_column(ws, 2, 2, 5, nullptr);
    worksheet_set_column(ws, first_day, sum_col - 1, 4.5, nullptr);
    worksheet_set_column(ws, sum_col, sum_col + 1, 6, nullptr);
    if (r.extended) worksheet_set_column(ws, sum_col + 2, sum_col + 3, 10, nullptr);
    worksheet_freeze_panes(ws, 3, first_day);
    files::PrintLandscape(ws, 1, 2, l.site_name, title + " " + month);
}

// Details: a row per child and day with something recorded, for the city's own sums.
void DetailsSheet(lxw_workbook* wb, const Formats& f, const Register& r, const Labels& l) {
    const std::string details_name = Word(l, "register_details");
    lxw_worksheet* dws = workbook_add_worksheet(wb, details_name.c_str());
    const std::vector<std::string> cols{Word(l, "register_date"),
                                        Word(l, "field_name"),
                                        Word(l, "register_what"),
                                        Word(l, "register_reason"),
                                        Word(l, "register_in_label"),
                                        Word(l, "register_out_label"),
                                        Word(l, "register_extended_minutes"),
                                        Word(l, "register_extended_units")};
    for (std::size_t i = 0; i < cols.size(); ++i)
        worksheet_write_string(dws, 0, static_cast<lxw_col_t>(i), cols[i].c_str(), f.bold);
    lxw_row_t d = 1;
    for (std::size_t i = 0; i < r.dates.size(); ++i) {
        for (const auto& row : r.rows) {
            const auto& c = row.days[i];
            if (c.mark != Mark::kAttended && c.mark != Mark::kAbsent) continue;
            auto dt = files::DateOf(r.dates[i]);
            worksheet_write_datetime(dws, d, 0, &dt, f.date);
            worksheet_write_string(dws, d, 1, row.name.c_str(), nullptr);
            worksheet_write_string(dws, d, 2,
                                   Word(l, c.mark == Mark::kAttended ? "register_attended" : "register_absent").c_str(),
                                   nullptr);
            if (c.mark == Mark::kAbsent)
                worksheet_write_string(dws, d, 3, ReasonWord(l, c.absence_reason).c_str(), nullptr);
            if (c.in_at) {
                auto t = files::TimeOf(*c.in_at);
                worksheet_write_datetime(dws, d, 4, &t, f.time);
            }
            if (c.out_at) {
                auto t = files::TimeOf(*c.out_at);
                worksheet_write_datetime(dws, d, 5, &t, f.time);
            }
            if (c.extended_minutes > 0) {
                worksheet_write_number(dws, d, 6, c.extended_minutes, nullptr);
                worksheet_write_number(dws, d, 7, c.extended_units, nullptr);
            }
            ++d;
        }
    }
    worksheet_set_column(dws, 0, 0, 12, nullptr);
    worksheet_set_column(dws, 1, 1, 16, nullptr);
    worksheet_freeze_panes(dws, 1, 0);
}

std::string Xlsx(const Register& r, const Labels& l) {
    files::Workbook book;
    const Formats f = MakeFormats(book.get(), l.lang);
    MarksSheet(book.get(), f, r, l, Word(l, "register_title"));
    DetailsSheet(book.get(), f, r, l);
    return book.Finish();
}

// ---- PDF ------------------------------------------------------------------------------------------------------

std::string WeekdayWord(const Labels& l, const common::Date& d) {
    return Word(l, "weekday_short_" + std::to_string(std::chrono::weekday{std::chrono::sys_days(d)}.c_encoding()));
}

PdfSection RegisterSection(const Register& r, const Labels& l) {
    const std::string title = Word(l, "register_title");
    const std::string month = MonthWords(l.catalogue, l.lang, r.dates.front());
    PdfSection s;
    s.title = title + "　" + month;
    s.place = l.site_name;
    s.note = Word(l, "register_legend");
    s.columns.push_back({Word(l, "field_name"), 34, true});
    for (const auto& d : r.dates) {
        s.columns.push_back({std::to_string(static_cast<unsigned>(d.day())) + "\n" + WeekdayWord(l, d), 6.4});
    }
    s.columns.push_back({Word(l, "register_attended"), 10});
    s.columns.push_back({Word(l, "register_absent"), 10});
    if (r.extended) s.columns.push_back({Word(l, "register_extended_units"), 12});
    for (const auto& row : r.rows) {
        std::vector<std::string> cells{row.name};
        std::vector<bool> shade{false};
        for (const auto& c : row.days) {
            cells.push_back(Symbol(l, c, false));
            shade.push_back(c.mark == Mark::kClosed || c.mark == Mark::kNotEnrolled);
        }
        cells.push_back(std::to_string(row.attended));
        cells.push_back(std::to_string(row.absent));
        if (r.extended) cells.push_back(std::to_string(row.extended_units));
        s.rows.push_back(std::move(cells));
        s.shaded.push_back(std::move(shade));
    }
    s.foot.push_back(Word(l, "register_per_day"));
    int total = 0;
    for (int n : r.attended_per_day) {
        s.foot.push_back(std::to_string(n));
        total += n;
    }
    s.foot.push_back(std::to_string(total));
    return s;
}

std::string Pdf(const Register& r, const Labels& l) {
    return PdfTables(
        Word(l, "register_title") + " " + l.site_name + " " + MonthWords(l.catalogue, l.lang, r.dates.front()),
        {RegisterSection(r, l)}, Word(l, "page_of"));
}

// A sheet's name from a site's: without the characters Excel refuses, at most 31 (UTF-16) characters as Excel
// counts them, unique in the book.
std::string SheetName(const std::string& site, std::set<std::string>& taken) {
    icu::UnicodeString text = icu::UnicodeString::fromUTF8(site);
    for (const char16_t refused : std::u16string_view(u"[]:*?/\\"))
        text.findAndReplace(icu::UnicodeString(refused), "");
    if (text.isEmpty()) text = "-";
    auto cut = [&](int32_t length) {
        std::string out;
        text.tempSubString(0, length).toUTF8String(out);
        return out;
    };
    std::string name = cut(31);
    for (int n = 2; taken.count(name); ++n) {
        const std::string suffix = "(" + std::to_string(n) + ")";
        name = cut(31 - static_cast<int32_t>(suffix.size())) + suffix;
    }
    taken.insert(name);
    return name;
}

}  // namespace

std::optional<std::string> ChildMonthPdf(const Register& r, common::ChildId child, const Labels& l) {
    auto row = std::find_if(r.rows.begin(), r.rows.end(), [&](const Row& x) { return x.child == child; });
    if (row == r.rows.end()) return std::nullopt;
    const std::string month = MonthWords(l.catalogue, l.lang, r.dates.front());
    PdfSection s;
    s.title = Word(l, "register_child_title") + "　" + row->name + "　" + month;
    s.place = l.site_name;
    s.columns = {{Word(l, "register_date"), 26, true},
                 {Word(l, "register_what"), 24},
                 {Word(l, "register_reason"), 40},
                 {Word(l, "register_in_label"), 20},
                 {Word(l, "register_out_label"), 20}};
    if (r.extended) s.columns.push_back({ExtendedHead(l.catalogue, l.lang, *r.extended), 50});
    for (std::size_t i = 0; i < r.dates.size(); ++i) {
        const auto& c = row->days[i];
        std::string what;
        switch (c.mark) {
            case Mark::kAttended:
                what = Word(l, "register_attended");
                break;
            case Mark::kAbsent:
                what = Word(l, "register_absent");
                break;
            case Mark::kClosed:
                what = Word(l, "register_mark_closed_word");
                break;
            case Mark::kNotEnrolled:
                what = Word(l, "register_mark_not_enrolled");
                break;
            case Mark::kNoPlan:
            case Mark::kAhead:
                break;
        }
        std::vector<std::string> cells{
            common::FormatDate(r.dates[i]) + " " + Word(l, "p_open") + WeekdayWord(l, r.dates[i]) + Word(l, "p_close"),
            what, c.mark == Mark::kAbsent ? ReasonWord(l, c.absence_reason) : "",
            c.in_at ? common::FormatTokyoTime(*c.in_at) : "", c.out_at ? common::FormatTokyoTime(*c.out_at) : ""};
        if (r.extended) cells.push_back(c.extended_units > 0 ? std::to_string(c.extended_units) : "");
        s.rows.push_back(std::move(cells));
        s.shaded.push_back(std::vector<bool>(s.columns.size(), c.mark == Mark::kClosed));
    }
    s.foot = {Word(l, "register_month_total"), Word(l, "register_attended") + " " + std::to_string(row->attended),
              Word(l, "register_absent") + " " + std::to_string(row->absent), "", ""};
    if (r.extended) s.foot.push_back(std::to_string(row->extended_units));
    return PdfTables(s.title, {s}, Word(l, "page_of"));
}

std::string CityRegisterFile(const std::vector<std::pair<Register, Labels>>& sites, Format f) {
    if (sites.empty()) return f == Format::kCsvCp932 ? "" : f == Format::kCsv ? "\xEF\xBB\xBF" : "";
    const Labels& first = sites.front().second;
    switch (f) {
        case Format::kXlsx: {
            files::Workbook book;
            const Formats formats = MakeFormats(book.get(), first.lang);
            std::set<std::string> taken;
            for (const auto& [r, l] : sites) MarksSheet(book.get(), formats, r, l, SheetName(l.site_name, taken));
            return book.Finish();
        }
        case Format::kPdf: {
            std::vector<PdfSection> sections;
            for (const auto& [r, l] : sites) sections.push_back(RegisterSection(r, l));
            return PdfTables(Word(first, "register_title") + " " +
                                 MonthWords(first.catalogue, first.lang, sites.front().first.dates.front()),
                             sections, Word(first, "page_of"));
        }
        case Format::kCsv:
        case Format::kCsvCp932: {
            std::ostringstream out;
            const Register& r0 = sites.front().first;
            std::vector<std::string> head{Word(first, "counts_site"), Word(first, "field_name"),
                                          Word(first, "register_kana"), Word(first, "field_grade")};
            for (const auto& d : r0.dates) head.push_back(common::FormatDate(d));
            for (const char* key :
                 {"register_attended", "register_absent", "register_extended_units", "register_extended_minutes"})
                head.push_back(Word(first, key));
            out << files::CsvLine(head);
            for (const auto& [r, l] : sites) CsvLines(out, r, l, true);
            return f == Format::kCsv ? "\xEF\xBB\xBF" + out.str() : files::ToCp932(out.str());
        }
    }
    return "";
}

std::string MonthWords(const web::Catalogue& catalogue, std::string_view lang, const common::Date& first) {
    return families::Fill(catalogue.Get(lang, "month_label"),
                          {{"y", std::to_string(static_cast<int>(first.year()))},
                           {"m", std::to_string(static_cast<unsigned>(first.month()))}});
}

std::string ExtendedHead(const web::Catalogue& catalogue, std::string_view lang, const plans::ExtendedHours& e) {
    return families::Fill(catalogue.Get(lang, "register_extended_head"),
                          {{"after", common::FormatTimeOfDay(e.after)}, {"unit", std::to_string(e.unit)}});
}

std::string RegisterFile(const Register& r, Format f, const Labels& labels) {
    switch (f) {
        case Format::kXlsx:
            return Xlsx(r, labels);
        case Format::kCsv:
            return "\xEF\xBB\xBF" + Csv(r, labels);
        case Format::kCsvCp932:
            return files::ToCp932(Csv(r, labels));
        case Format::kPdf:
            return Pdf(r, labels);
    }
    return "";
}

}  // namespace reports

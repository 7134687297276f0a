// The counts as files: XLSX (a sheet per table, numbers as numbers, dates as dates, frozen heads, landscape A4),
// CSV (one table, UTF-8 with BOM or CP932) and PDF (every table, a section each).
#include <map>

#include "families/mails.hpp"
#include "reports/export.hpp"
#include "reports/files.hpp"
#include "reports/pdf_tables.hpp"

namespace reports {
namespace {

struct Words {
    const web::Catalogue& catalogue;
    const std::string& lang;
    std::string operator()(const std::string& key) const { return catalogue.Get(lang, key); }
};

std::string N(int v) { return std::to_string(v); }

// ---- A table, drawn three ways ---------------------------------------------------------------------------------

// A cell: text, a whole number or a date (a workbook keeps each as itself).
struct Value {
    enum class Kind { kText, kInt, kDecimal, kDate } kind = Kind::kText;
    std::string text;
    double number = 0;
    common::Date date;
};
Value Text(std::string s) { return {Value::Kind::kText, std::move(s), 0, {}}; }
Value Int(int v) { return {Value::Kind::kInt, N(v), static_cast<double>(v), {}}; }
Value Decimal(double v) { return {Value::Kind::kDecimal, files::OneDecimal(v), v, {}}; }
Value DateValue(const common::Date& d) { return {Value::Kind::kDate, common::FormatDate(d), 0, d}; }

struct Table {
    std::string name;   // the sheet's name and the PDF section's title
    std::string place;  // the PDF section's place (the month, the year)
    std::vector<PdfColumn> columns;
    std::vector<std::vector<Value>> rows;
    std::vector<Value> foot;
    std::string note;  // on paper, under the title
};

std::string Csv(const Table& t) {
    std::string out;
    std::vector<std::string> head;
    for (const auto& c : t.columns) {
        std::string h = c.head;
        for (auto& ch : h)
            if (ch == '\n') ch = ' ';
        head.push_back(h);
    }
    out += files::CsvLine(head);
    auto line = [&](const std::vector<Value>& row) {
        std::vector<std::string> f;
        for (const auto& v : row) f.push_back(v.text);
        out += files::CsvLine(f);
    };
    for (const auto& row : t.rows) line(row);
    if (!t.foot.empty()) line(t.foot);
    return out;
}

std::string Xlsx(const std::vector<Table>& tables, const std::string& title) {
    files::Workbook book;
    lxw_workbook* wb = book.get();
    lxw_format* head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_text_wrap(head);
    format_set_align(head, LXW_ALIGN_CENTER);
    format_set_border(head, LXW_BORDER_THIN);
    lxw_format* text = workbook_add_format(wb);
    format_set_border(text, LXW_BORDER_THIN);
    lxw_format* number = workbook_add_format(wb);
    format_set_border(number, LXW_BORDER_THIN);
    lxw_format* decimal = workbook_add_format(wb);
    format_set_border(decimal, LXW_BORDER_THIN);
    format_set_num_format(decimal, "0.0");
    lxw_format* date = workbook_add_format(wb);
    format_set_border(date, LXW_BORDER_THIN);
    format_set_num_format(date, "yyyy-mm-dd");
    lxw_format* bold = workbook_add_format(wb);
    format_set_bold(bold);
    format_set_border(bold, LXW_BORDER_THIN);
    for (const auto& t : tables) {
        lxw_worksheet* ws = workbook_add_worksheet(wb, t.name.c_str());
        for (std::size_t c = 0; c < t.columns.size(); ++c) {
            auto col = static_cast<lxw_col_t>(c);
            std::string h = t.columns[c].head;
            worksheet_write_string(ws, 0, col, h.c_str(), head);
            worksheet_set_column(ws, col, col, c == 0 ? 22 : std::max(6.0, t.columns[c].width_mm / 2.2), nullptr);
        }
        auto write = [&](lxw_row_t r, const std::vector<Value>& row, bool total) {
            for (std::size_t c = 0; c < row.size(); ++c) {
                auto col = static_cast<lxw_col_t>(c);
                const auto& v = row[c];
                switch (v.kind) {
                    case Value::Kind::kText:
                        if (!v.text.empty()) worksheet_write_string(ws, r, col, v.text.c_str(), total ? bold : text);
                        break;
                    case Value::Kind::kInt:
                        worksheet_write_number(ws, r, col, v.number, total ? bold : number);
                        break;
                    case Value::Kind::kDecimal:
                        worksheet_write_number(ws, r, col, v.number, decimal);
                        break;
                    case Value::Kind::kDate: {
                        auto dt = files::DateOf(v.date);
                        worksheet_write_datetime(ws, r, col, &dt, date);
                        break;
                    }
                }
            }
        };
        lxw_row_t r = 1;
        for (const auto& row : t.rows) write(r++, row, false);
        if (!t.foot.empty()) write(r, t.foot, true);
        worksheet_freeze_panes(ws, 1, 1);
        files::PrintLandscape(ws, 0, 0, t.place, title);
    }
    return book.Finish();
}

std::string Pdf(const std::vector<Table>& tables, const std::string& title, const std::string& page_words,
                std::vector<PdfSection> extra) {
    std::vector<PdfSection> sections;
    for (const auto& t : tables) {
        PdfSection s{t.name, t.place, t.columns, {}, {}, {}, t.note};
        for (const auto& row : t.rows) {
            std::vector<std::string> cells;
            for (const auto& v : row) cells.push_back(v.text);
            s.rows.push_back(std::move(cells));
        }
        for (const auto& v : t.foot) s.foot.push_back(v.text);
        sections.push_back(std::move(s));
    }
    for (auto& s : extra) sections.push_back(std::move(s));
    return PdfTables(title, sections, page_words);
}

std::string Encode(const std::string& csv, Format f) {
    return f == Format::kCsvCp932 ? files::ToCp932(csv) : "\xEF\xBB\xBF" + csv;
}

// ---- The month ---------------------------------------------------------------------------------------------------

Table SitesTable(const CityMonth& m, const Words& w, const std::string& place) {
    Table t{w("counts_sheet_sites"), place, {}, {}, {}, ""};
    t.columns = {{w("counts_site"), 50, true}, {w("counts_kind"), 26},        {w("counts_enrolled"), 16},
                 {w("counts_open_days"), 16},  {w("counts_open_so_far"), 18}, {w("counts_attendances"), 18},
                 {w("counts_absences"), 18},   {w("counts_average"), 16},     {w("counts_extended_units"), 20}};
    MonthCounts total;
    int extended = 0;
    double average = 0;
    for (const auto& s : m.sites) {
        t.rows.push_back({Text(s.site.name), Text(w("site_kind_" + s.site.kind)), Int(s.counts.enrolled),
                          Int(s.counts.open_days), Int(s.counts.open_days_so_far), Int(s.counts.attendances),
                          Int(s.counts.absences), Decimal(s.counts.average),
                          s.counts_extended ? Int(s.extended_units) : Text("")});
        total.enrolled += s.counts.enrolled;
        total.attendances += s.counts.attendances;
        total.absences += s.counts.absences;
        average += s.counts.average;
        extended += s.extended_units;
    }
    t.foot = {
        Text(w("counts_total")), Text(""),         Int(total.enrolled), Text(""), Text(""), Int(total.attendances),
        Int(total.absences),     Decimal(average), Int(extended)};
    return t;
}

Table DaysTable(const CityMonth& m, const Words& w, const std::string& place) {
    Table t{w("counts_sheet_days"), place, {}, {}, {}, ""};
    t.columns = {{w("counts_site"), 50, true}, {w("register_date"), 24},  {w("counts_day_open"), 14},
                 {w("counts_enrolled"), 16},   {w("counts_planned"), 16}, {w("counts_attended"), 16},
                 {w("counts_absent"), 16}};
    for (const auto& s : m.sites) {
        for (const auto& d : s.days) {
            t.rows.push_back({Text(s.site.name), DateValue(d.date), Text(d.open ? w("counts_open_mark") : ""),
                              Int(d.enrolled), Int(d.planned), Int(d.attended), Int(d.absent)});
        }
    }
    return t;
}

Table GradesTable(const CityMonth& m, const Words& w, const std::string& place) {
    Table t{w("counts_sheet_grades"), place, {}, {}, {}, ""};
    t.columns = {{w("counts_site"), 50, true},
                 {w("field_grade"), 24},
                 {w("counts_enrolled"), 16},
                 {w("counts_attendances"), 18},
                 {w("counts_absences"), 18}};
    std::map<int, GradeCounts> city;
    for (const auto& s : m.sites) {
        for (const auto& g : s.grades) {
            t.rows.push_back({Text(s.site.name), Text(SchoolYearWords(w.catalogue, w.lang, g.school_year)),
                              Int(g.enrolled), Int(g.attendances), Int(g.absences)});
            auto& c = city[g.school_year.value_or(1000)];
            c.school_year = g.school_year;
            c.enrolled += g.enrolled;
            c.attendances += g.attendances;
            c.absences += g.absences;
        }
    }
    for (const auto& [key, g] : city) {
        t.rows.push_back({Text(w("counts_city")), Text(SchoolYearWords(w.catalogue, w.lang, g.school_year)),
                          Int(g.enrolled), Int(g.attendances), Int(g.absences)});
    }
    return t;
}

// On paper the days are columns (the register's habit): a row per site, the children attending each day.
PdfSection DaysOnPaper(const CityMonth& m, const Words& w, const std::string& place) {
    PdfSection s{w("counts_sheet_days"), place, {}, {}, {}, {}, w("counts_days_note")};
    s.columns.push_back({w("counts_site"), 40, true});
    for (const auto& d : m.dates) s.columns.push_back({N(static_cast<int>(static_cast<unsigned>(d.day()))), 7});
    s.columns.push_back({w("counts_total"), 12});
    std::vector<int> per_day(m.dates.size(), 0);
    for (const auto& site : m.sites) {
        std::vector<std::string> cells{site.site.name};
        std::vector<bool> shade{false};
        int total = 0;
        for (std::size_t i = 0; i < site.days.size(); ++i) {
            cells.push_back(site.days[i].open || site.days[i].attended ? N(site.days[i].attended) : "");
            shade.push_back(!site.days[i].open);
            total += site.days[i].attended;
            if (i < per_day.size()) per_day[i] += site.days[i].attended;
        }
        cells.push_back(N(total));
        s.rows.push_back(std::move(cells));
        s.shaded.push_back(std::move(shade));
    }
    s.foot.push_back(w("counts_total"));
    int all = 0;
    for (int n : per_day) {
        s.foot.push_back(N(n));
        all += n;
    }
    s.foot.push_back(N(all));
    return s;
}

}  // namespace

std::string SchoolYearWords(const web::Catalogue& catalogue, std::string_view lang, std::optional<int> year) {
    if (!year) return catalogue.Get(lang, "school_year_unknown");
    if (*year >= 1 && *year <= 6) return catalogue.Get(lang, "grade_" + N(*year));
    if (*year > 6) return catalogue.Get(lang, "school_year_after");
    return families::Fill(catalogue.Get(lang, "school_year_age_class"), {{"n", N(std::max(0, *year + 5))}});
}

std::optional<CountsTable> ParseCountsTable(std::string_view s) {
    if (s == "sites" || s.empty()) return CountsTable::kSites;
    if (s == "days") return CountsTable::kDays;
    if (s == "grades") return CountsTable::kGrades;
    return std::nullopt;
}

std::string CityMonthFile(const CityMonth& m, Format f, const web::Catalogue& catalogue, const std::string& lang,
                          CountsTable table) {
    Words w{catalogue, lang};
    const auto bounds = MonthBounds(m.month);
    const std::string place = MonthWords(catalogue, lang, bounds->first);
    const std::string title = w("counts_title") + " " + place;
    switch (f) {
        case Format::kXlsx:
            return Xlsx({SitesTable(m, w, place), DaysTable(m, w, place), GradesTable(m, w, place)}, title);
        case Format::kPdf:
            return Pdf({SitesTable(m, w, place), GradesTable(m, w, place)}, title, w("page_of"),
                       {DaysOnPaper(m, w, place)});
        case Format::kCsv:
        case Format::kCsvCp932: {
            const Table t = table == CountsTable::kDays     ? DaysTable(m, w, place)
                            : table == CountsTable::kGrades ? GradesTable(m, w, place)
                                                            : SitesTable(m, w, place);
            return Encode(Csv(t), f);
        }
    }
    return "";
}

std::string CityYearFile(const CityYear& y, Format f, const web::Catalogue& catalogue, const std::string& lang) {
    Words w{catalogue, lang};
    const std::string place = families::Fill(w("counts_year_label"), {{"y", N(y.year)}});
    const std::string survey = families::Fill(
        w("counts_registered_on"),
        {{"date",
          families::Fill(w("month_day"), {{"m", N(static_cast<int>(static_cast<unsigned>(y.survey.month())))},
                                          {"d", N(static_cast<int>(static_cast<unsigned>(y.survey.day())))}})}});
    Table t{w("counts_sheet_year"), place, {}, {}, {}, ""};
    t.columns = {{w("counts_site"), 44, true},       {w("counts_days_open"), 14},    {w("counts_weekdays_open"), 14},
                 {w("counts_holidays_open"), 14},    {w("counts_days_past_18"), 16}, {w("counts_weekdays_over_6h"), 18},
                 {w("counts_holidays_over_8h"), 18}, {w("counts_attendances"), 16},  {w("counts_average"), 14},
                 {w("counts_extended_units"), 16}};
    for (int g = 1; g <= 6; ++g) t.columns.push_back({survey + "\n" + w("grade_" + N(g)), 13});
    t.columns.push_back({survey + "\n" + w("counts_registered_other"), 13});
    t.columns.push_back({survey + "\n" + w("counts_total"), 13});
    YearFigures total;
    for (const auto& s : y.sites) {
        const auto& fig = s.figures;
        std::vector<Value> row{Text(s.site.name),         Int(fig.days_open),    Int(fig.weekdays_open),
                               Int(fig.holidays_open),    Int(fig.days_past_18), Int(fig.weekdays_over_6h),
                               Int(fig.holidays_over_8h), Int(fig.attendances),  Decimal(fig.average),
                               Int(fig.extended_units)};
        int school = 0;
        for (int g = 1; g <= 6; ++g) {
            auto it = fig.registered_by_year.find(g);
            const int n = it == fig.registered_by_year.end() ? 0 : it->second;
            row.push_back(Int(n));
            school += n;
            total.registered_by_year[g] += n;
        }
        row.push_back(Int(fig.registered - school));
        row.push_back(Int(fig.registered));
        t.rows.push_back(std::move(row));
        total.attendances += fig.attendances;
        total.extended_units += fig.extended_units;
        total.registered += fig.registered;
    }
    std::vector<Value> foot{Text(w("counts_total")),
                            Text(""),
                            Text(""),
                            Text(""),
                            Text(""),
                            Text(""),
                            Text(""),
                            Int(total.attendances),
                            Text(""),
                            Int(total.extended_units)};
    int school = 0;
    for (int g = 1; g <= 6; ++g) {
        foot.push_back(Int(total.registered_by_year[g]));
        school += total.registered_by_year[g];
    }
    foot.push_back(Int(total.registered - school));
    foot.push_back(Int(total.registered));
    t.foot = std::move(foot);
    const std::string title = w("counts_year_title") + " " + place;
    switch (f) {
        case Format::kXlsx:
            return Xlsx({t}, title);
        case Format::kPdf: {
            // On paper the registered children's heads are the grades alone, the survey day in the note.
            Table paper = t;
            const std::size_t first = paper.columns.size() - 8;
            for (int g = 1; g <= 6; ++g) paper.columns[first + g - 1].head = w("grade_" + N(g));
            paper.columns[first + 6].head = w("counts_registered_other");
            paper.columns[first + 7].head = w("counts_total");
            paper.note = families::Fill(w("counts_registered_note"), {{"survey", survey}});
            return Pdf({paper}, title, w("page_of"), {});
        }
        case Format::kCsv:
        case Format::kCsvCp932:
            return Encode(Csv(t), f);
    }
    return "";
}

}  // namespace reports

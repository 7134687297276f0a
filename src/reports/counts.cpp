#include "reports/counts.hpp"

#include <algorithm>

#include "common/holidays.hpp"

namespace reports {

std::vector<DayCounts> DailyCounts(const Register& r) {
    std::vector<DayCounts> out;
    for (std::size_t i = 0; i < r.dates.size(); ++i) {
        DayCounts d{r.dates[i], !r.closed[i]};
        for (const auto& row : r.rows) {
            const Cell& c = row.days[i];
            if (c.mark == Mark::kNotEnrolled) continue;
            ++d.enrolled;
            if (c.planned) ++d.planned;
            if (c.mark == Mark::kAttended) ++d.attended;
            if (c.mark == Mark::kAbsent) ++d.absent;
        }
        out.push_back(d);
    }
    return out;
}

std::vector<GradeCounts> CountsByGrade(const Register& r) {
    // 1000 stands for "birth date unknown", so that it sorts last.
    std::map<int, GradeCounts> by;
    for (const auto& row : r.rows) {
        const bool enrolled =
            std::any_of(row.days.begin(), row.days.end(), [](const Cell& c) { return c.mark != Mark::kNotEnrolled; });
        if (!enrolled) continue;
        auto& g = by[row.school_year.value_or(1000)];
        g.school_year = row.school_year;
        ++g.enrolled;
        g.attendances += row.attended;
        g.absences += row.absent;
    }
    std::vector<GradeCounts> out;
    for (auto& [key, g] : by) out.push_back(g);
    return out;
}

int FiscalYearOf(const common::Date& d) {
    return static_cast<int>(d.year()) - (d.month() < std::chrono::April ? 1 : 0);
}

std::vector<std::string> MonthsOfFiscalYear(int year) {
    std::vector<std::string> out;
    for (int i = 0; i < 12; ++i) {
        const int m = 4 + i;
        const int y = year + (m > 12 ? 1 : 0);
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d-%02d", y, m > 12 ? m - 12 : m);
        out.emplace_back(buf);
    }
    return out;
}

YearFigures FiguresOfYear(const std::vector<Register>& months, const WeekHours& hours, const common::Date& today,
                          const std::vector<std::optional<int>>& registered) {
    YearFigures f;
    constexpr int k18 = 18 * 60;
    for (const auto& r : months) {
        for (std::size_t i = 0; i < r.dates.size(); ++i) {
            const auto& date = r.dates[i];
            if (date > today || r.closed[i]) continue;
            const int wd = static_cast<int>(std::chrono::weekday{std::chrono::sys_days(date)}.c_encoding());
            auto h = hours.find(wd);
            if (h == hours.end()) continue;  // not closed, yet no hours: cannot be (ClosedDays says closed)
            const int length = h->second.second - h->second.first;
            ++f.days_open;
            if (common::IsWeekendOrHoliday(date)) {
                ++f.holidays_open;
                if (length > 8 * 60) ++f.holidays_over_8h;
            } else {
                ++f.weekdays_open;
                if (length > 6 * 60) ++f.weekdays_over_6h;
            }
            if (h->second.second > k18) ++f.days_past_18;
            f.attendances += r.attended_per_day[i];
        }
        for (const auto& row : r.rows) f.extended_units += row.extended_units;
    }
    if (f.days_open > 0) f.average = static_cast<double>(f.attendances) / f.days_open;
    for (const auto& year : registered) {
        ++f.registered;
        if (year) ++f.registered_by_year[*year];
    }
    return f;
}

SiteYear LoadYear(db::ReadTx& tx, common::SiteId site, int year, const common::Date& survey,
                  const common::Date& today) {
    SiteYear out;
    for (const auto& month : MonthsOfFiscalYear(year)) {
        auto bounds = MonthBounds(month);
        if (bounds->first > today) break;
        out.months.push_back(BuildRegister(site, month, today, LoadRegisterInputs(tx, site, month, std::nullopt)));
    }
    WeekHours hours;
    for (const auto& r :
         tx.Query("SELECT weekday, opens_at, closes_at FROM site_opening_hours WHERE site_id = ?", site)) {
        auto opens = common::ParseTimeOfDay(r.Text(1)), closes = common::ParseTimeOfDay(r.Text(2));
        if (opens && closes) hours[static_cast<int>(r.Int(0))] = {*opens, *closes};
    }
    const std::string day = common::FormatDate(survey);
    std::vector<std::optional<int>> registered;
    for (const auto& r :
         tx.Query("SELECT DISTINCT ch.id, ch.birth_date FROM child_placement p JOIN child ch ON ch.id = "
                  "p.child_id WHERE p.site_id = ? AND p.start_date <= ? AND (p.end_date IS NULL OR "
                  "p.end_date >= ?)",
                  site, day, day)) {
        auto birth = common::ParseDate(r.Text(1));
        registered.push_back(birth ? std::optional<int>(common::SchoolYearOn(*birth, survey)) : std::nullopt);
    }
    out.figures = FiguresOfYear(out.months, hours, today, registered);
    return out;
}

CityMonth LoadCityMonth(db::ReadTx& tx, const std::vector<SiteLine>& sites, const std::string& month,
                        const common::Date& today) {
    CityMonth out{month, {}, {}};
    for (const auto& site : sites) {
        auto reg = BuildRegister(site.site, month, today, LoadRegisterInputs(tx, site.site, month, std::nullopt));
        if (out.dates.empty()) out.dates = reg.dates;
        SiteMonth m{site, CountsOf(reg, today), DailyCounts(reg), CountsByGrade(reg), 0, reg.extended.has_value()};
        for (const auto& row : reg.rows) m.extended_units += row.extended_units;
        out.sites.push_back(std::move(m));
    }
    if (out.dates.empty()) {
        if (auto bounds = MonthBounds(month)) {
            for (auto d = std::chrono::sys_days(bounds->first); d <= std::chrono::sys_days(bounds->second);
                 d += std::chrono::days(1))
                out.dates.emplace_back(d);
        }
    }
    return out;
}

CityYear LoadCityYear(db::ReadTx& tx, const std::vector<SiteLine>& sites, int year, const common::Date& survey,
                      const common::Date& today) {
    CityYear out{year, survey, {}};
    for (const auto& site : sites) out.sites.push_back({site, LoadYear(tx, site.site, year, survey, today).figures});
    return out;
}

common::Date SurveyDay(int year) { return common::Date{std::chrono::year{year} / std::chrono::May / 1}; }

std::variant<YearAsked, MonthProblem> CheckYear(const std::optional<std::string>& year,
                                                const std::optional<std::string>& survey, const common::Date& today) {
    YearAsked out{FiscalYearOf(today), {}};
    if (year) {
        if (year->size() != 4 || year->find_first_not_of("0123456789") != std::string::npos || *year < "2000")
            return MonthProblem{"error_year"};
        out.year = std::stoi(*year);
    }
    if (out.year > FiscalYearOf(today)) return MonthProblem{"error_year_future"};
    out.survey = SurveyDay(out.year);
    if (survey && !survey->empty()) {
        auto d = common::ParseDate(*survey);
        if (!d || FiscalYearOf(*d) != out.year) return MonthProblem{"error_survey_date"};
        out.survey = *d;
    }
    return out;
}

}  // namespace reports

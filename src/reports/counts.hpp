#pragma once
// The counts (H1) a city reports: per day and per school year of a site's month, and the fiscal year's figures the
// 放課後児童健全育成事業 subsidy report asks for. Pure over registers and the site's hours (unit-tested on a hand-made
// month); LoadYear reads them. A month's figures in total are reports::CountsOf in register.hpp.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reports/register.hpp"

namespace reports {

// One day of a site's month: children placed there, planned to come, attended and absent.
struct DayCounts {
    common::Date date;
    bool open = false;
    int enrolled = 0;
    int planned = 0;
    int attended = 0;
    int absent = 0;
};
std::vector<DayCounts> DailyCounts(const Register& r);

// A school year's line of a site's month (school year from the birth date: 1–6 at school, 0 and below before it;
// none when the birth date is unknown).
struct GradeCounts {
    std::optional<int> school_year;
    int enrolled = 0;
    int attendances = 0;
    int absences = 0;
};
// In order of school year, the unknown last; only the years with a child.
std::vector<GradeCounts> CountsByGrade(const Register& r);

// ---- The fiscal year for the subsidy report --------------------------------------------------------------------

// The site's regular hours per weekday (0 = Sunday … 6): opens and closes in minutes after midnight.
using WeekHours = std::map<int, std::pair<int, int>>;

struct YearFigures {
    int days_open = 0;                      // days the site opened, up to today in a year in progress
    int weekdays_open = 0;                  // of them, school days (not Saturday, Sunday or a national holiday)
    int holidays_open = 0;                  // of them, Saturdays, Sundays and national holidays
    int days_past_18 = 0;                   // days it stayed open past 18:00
    int weekdays_over_6h = 0;               // school days open more than 6 hours
    int holidays_over_8h = 0;               // holidays open more than 8 hours
    int attendances = 0;                    // child-days attended
    double average = 0;                     // attendances per day open
    int extended_units = 0;                 // extended-hours units in the year (sites that count them)
    std::map<int, int> registered_by_year;  // children placed on the survey date, by school year
    int registered = 0;                     // all of them (with or without a birth date)
};

// The year's figures from its months' registers (April to March, as far as they go), the site's hours, and the
// school years of the children placed on the survey date (nullopt: birth date unknown).
YearFigures FiguresOfYear(const std::vector<Register>& months, const WeekHours& hours, const common::Date& today,
                          const std::vector<std::optional<int>>& registered);

// The fiscal year (年度) a date belongs to: April to March.
int FiscalYearOf(const common::Date& d);
// "2026" → the months "2026-04" … "2027-03".
std::vector<std::string> MonthsOfFiscalYear(int year);

struct SiteYear {
    YearFigures figures;
    std::vector<Register> months;
};
// A site's fiscal year read from the database: the months up to today and the children placed on `survey`.
SiteYear LoadYear(db::ReadTx& tx, common::SiteId site, int year, const common::Date& survey, const common::Date& today);

// ---- Every site the reader may see ------------------------------------------------------------------------------

struct SiteLine {
    common::SiteId site;
    std::string name, kind;
};

struct SiteMonth {
    SiteLine site;
    MonthCounts counts;
    std::vector<DayCounts> days;
    std::vector<GradeCounts> grades;
    int extended_units = 0;
    bool counts_extended = false;
};
struct CityMonth {
    std::string month;
    std::vector<common::Date> dates;
    std::vector<SiteMonth> sites;
};
// Each site's month, read in the caller's one read transaction.
CityMonth LoadCityMonth(db::ReadTx& tx, const std::vector<SiteLine>& sites, const std::string& month,
                        const common::Date& today);

struct SiteYearLine {
    SiteLine site;
    YearFigures figures;
};
struct CityYear {
    int year = 0;
    common::Date survey;
    std::vector<SiteYearLine> sites;
};
CityYear LoadCityYear(db::ReadTx& tx, const std::vector<SiteLine>& sites, int year, const common::Date& survey,
                      const common::Date& today);
// The survey date of a fiscal year by default: 1 May (the national survey's day).
common::Date SurveyDay(int year);

// A fiscal year asked for (none: this one) with its survey day (none or empty: 1 May): refuses, by catalogue key,
// a year that is not four digits from 2000 (error_year), one still to come (error_year_future) or a survey day
// outside the year (error_survey_date). The page and the command line ask through it.
struct YearAsked {
    int year = 0;
    common::Date survey;
};
std::variant<YearAsked, MonthProblem> CheckYear(const std::optional<std::string>& year,
                                                const std::optional<std::string>& survey, const common::Date& today);

}  // namespace reports

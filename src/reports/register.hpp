#pragma once
// The monthly register (出席簿) of a site: one row per child enrolled that month, one cell per day, each cell one
// mark, with the days attended and absent per child and the children attending per day. BuildRegister is pure over
// what LoadRegister reads (placements, effective marks, plans, staff's "absent without notice", closed days), so the
// marks are unit-tested on hand-made months; the page, the exports and the command line draw from the same result.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "attendance/attendance.hpp"
#include "common/dates.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"
#include "plans/rules.hpp"

namespace reports {

enum class Mark {
    kNotEnrolled,  // not placed at the site that day (before joining, after leaving, or at another site)
    kClosed,       // the site did not open (a closure day or a weekday without hours)
    kAttended,     // an effective entry that day (出席 〇), with the times
    kAbsent,       // reported absent, or planned and never came on a past day (absent without notice)
    kNoPlan,       // enrolled, open, no plan and no entry
    kAhead,        // today or later without an entry: not yet known
};
std::string_view MarkName(Mark m);

// Why a child was absent: the family's reason (illness, family, other), or no_notice.
struct Cell {
    Mark mark = Mark::kNoPlan;
    std::optional<common::Instant> in_at, out_at;  // attended: the first entry and the last exit
    std::string absence_reason;                    // absent: illness | family | other | no_notice | "" (unknown)
    int extended_minutes = 0;                      // attended: minutes from the site's extended-hours time to the exit
    int extended_units = 0;                        // those minutes in the site's units, rounded its way
    bool planned = false;                          // the family had planned the child to come that day
};

struct Row {
    common::ChildId child;
    std::string name, kana;
    std::optional<int> grade;        // as staff entered it
    std::optional<int> school_year;  // from the birth date on the month's first day (common::SchoolYearOn)
    std::vector<Cell> days;          // one per day of the month
    int attended = 0;
    int absent = 0;
    int extended_days = 0;  // days with extended-hours use
    int extended_minutes = 0;
    int extended_units = 0;
};

struct Register {
    common::SiteId site;
    std::string month;                // YYYY-MM
    std::vector<common::Date> dates;  // every day of the month
    std::vector<bool> closed;         // per day
    std::vector<Row> rows;            // by kana
    std::vector<int> attended_per_day;
    int open_days = 0;
    std::optional<plans::ExtendedHours> extended;  // how the site counts extended hours (none: it does not)
};

// ---- What BuildRegister works from ---------------------------------------------------------------------------

struct ChildInput {
    common::ChildId child;
    std::string name, kana;
    std::optional<int> grade;
    std::optional<common::Date> birth;
    // The periods the child is placed at this site (start, end or none), by date "YYYY-MM-DD".
    std::vector<std::pair<std::string, std::optional<std::string>>> placements;
};
struct PlanInput {
    bool attending = true;
    std::string absence_reason;
};
struct Inputs {
    std::vector<ChildInput> children;
    std::set<std::string> closed_days;
    // Effective marks by child and facility date.
    std::map<std::pair<common::ChildId, std::string>, std::vector<attendance::Mark>> marks;
    std::map<std::pair<common::ChildId, std::string>, PlanInput> plans;
    std::set<std::pair<common::ChildId, std::string>> absent_without_notice;  // staff's answer to an alert
    std::optional<plans::ExtendedHours> extended;                             // the site's counting, if any
};

// The month (YYYY-MM) of one site; `today` (Tokyo) separates what is known from what is ahead.
Register BuildRegister(common::SiteId site, const std::string& month, const common::Date& today, const Inputs& in);

// Reads the inputs for the site's month (children placed there on any day of it, in one group if given).
Inputs LoadRegisterInputs(db::ReadTx& tx, common::SiteId site, const std::string& month,
                          std::optional<common::GroupId> group);

// A site's register for a month as its page, its exports and the command line ask for it: refuses (by catalogue
// key) a month that is not YYYY-MM (error_month), still to come (error_month_future) or before the site took its
// first child (error_month_before_site). The caller checks who may see the site and audits.
struct MonthProblem {
    std::string key;
};
// A month asked for: not YYYY-MM (error_month) or still to come (error_month_future), else nothing wrong.
std::optional<MonthProblem> CheckMonth(const std::string& month, const common::Date& today);
std::variant<Register, MonthProblem> SiteRegister(db::ReadTx& tx, common::SiteId site, const std::string& month,
                                                  std::optional<common::GroupId> group, const common::Date& today);

// A site's month in figures (H1), from its register: children enrolled on any day of it, days open in the month and
// up to today, attendances and absences, and the children attending on an average open day so far.
struct MonthCounts {
    int enrolled = 0;
    int open_days = 0;
    int open_days_so_far = 0;  // up to and including today
    int attendances = 0;
    int absences = 0;
    double average = 0;  // attendances per open day so far (0 before the first)
};
MonthCounts CountsOf(const Register& r, const common::Date& today);

// The month's first and last day, when `month` is a valid YYYY-MM.
std::optional<std::pair<common::Date, common::Date>> MonthBounds(const std::string& month);

}  // namespace reports

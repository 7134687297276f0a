#include "reports/register.hpp"

#include <algorithm>

#include "children/rollover.hpp"
#include "common/holidays.hpp"
#include "plans/plans.hpp"
#include "sites/groups.hpp"

namespace reports {

std::string_view MarkName(Mark m) {
    switch (m) {
        case Mark::kNotEnrolled:
            return "not_enrolled";
        case Mark::kClosed:
            return "closed";
        case Mark::kAttended:
            return "attended";
        case Mark::kAbsent:
            return "absent";
        case Mark::kNoPlan:
            return "no_plan";
        case Mark::kAhead:
            return "ahead";
    }
    return "no_plan";
}

std::optional<std::pair<common::Date, common::Date>> MonthBounds(const std::string& month) {
    if (month.size() != 7 || month[4] != '-') return std::nullopt;
    auto first = common::ParseDate(month + "-01");
    if (!first) return std::nullopt;
    common::Date last{std::chrono::year_month_day_last{first->year(), std::chrono::month_day_last{first->month()}}};
    return std::pair{*first, last};
}

namespace {

bool PlacedOn(const ChildInput& c, const std::string& day) {
    return std::any_of(c.placements.begin(), c.placements.end(),
                       [&](const auto& p) { return p.first <= day && (!p.second || *p.second >= day); });
}

Cell CellOf(const ChildInput& c, const std::string& day, const common::Date& date, bool closed,
            const common::Date& today, const Inputs& in) {
    Cell cell;
    if (!PlacedOn(c, day)) {
        cell.mark = Mark::kNotEnrolled;
        return cell;
    }
    const std::pair key{c.child, day};
    auto plan = in.plans.find(key);
    cell.planned = plan != in.plans.end() && plan->second.attending && !closed;
    // Came in: attended, whatever the plan or the calendar said (a child let in on a closure day is still recorded).
    if (auto it = in.marks.find(key); it != in.marks.end()) {
        for (const auto& m : it->second) {
            if (m.direction == attendance::Direction::kIn) {
                if (!cell.in_at || m.at < *cell.in_at) cell.in_at = m.at;
            } else if (!cell.out_at || m.at > *cell.out_at) {
                cell.out_at = m.at;
            }
        }
        if (cell.in_at) {
            cell.mark = Mark::kAttended;
            if (cell.out_at && *cell.out_at < *cell.in_at) cell.out_at.reset();
            // Extended hours run to the exit (none recorded: nothing counted), measured from the facility day's own
            // clock, so an exit after midnight still counts against the day it belongs to.
            if (in.extended && cell.out_at) {
                auto past = std::chrono::duration_cast<std::chrono::minutes>(
                                *cell.out_at - common::TokyoInstant(date, in.extended->after))
                                .count();
                if (past > 0) {
                    cell.extended_minutes = static_cast<int>(past);
                    cell.extended_units = plans::ExtendedUnits(cell.extended_minutes, *in.extended);
                }
            }
            return cell;
        }
        cell.out_at.reset();
    }
    if (closed) {
        cell.mark = Mark::kClosed;
        return cell;
    }
    if (plan != in.plans.end() && !plan->second.attending) {
        cell.mark = Mark::kAbsent;
        cell.absence_reason = plan->second.absence_reason;
        return cell;
    }
    if (in.absent_without_notice.count(key)) {
        cell.mark = Mark::kAbsent;
        cell.absence_reason = "no_notice";
        return cell;
    }
    if (date >= today) {
        cell.mark = Mark::kAhead;
        return cell;
    }
    if (plan != in.plans.end()) {  // planned to come, a past day, never came
        cell.mark = Mark::kAbsent;
        cell.absence_reason = "no_notice";
        return cell;
    }
    cell.mark = Mark::kNoPlan;
    return cell;
}

}  // namespace

Register BuildRegister(common::SiteId site, const std::string& month, const common::Date& today, const Inputs& in) {
    Register r;
    r.site = site;
    r.month = month;
    r.extended = in.extended;
    auto bounds = MonthBounds(month);
    if (!bounds) return r;
    for (auto d = std::chrono::sys_days(bounds->first); d <= std::chrono::sys_days(bounds->second);
         d += std::chrono::days(1)) {
        common::Date date{d};
        r.dates.push_back(date);
        bool closed = in.closed_days.count(common::FormatDate(date)) > 0;
        r.closed.push_back(closed);
        if (!closed) ++r.open_days;
    }
    r.attended_per_day.assign(r.dates.size(), 0);
    std::vector<const ChildInput*> children;
    for (const auto& c : in.children) children.push_back(&c);
    std::sort(children.begin(), children.end(), [](const ChildInput* a, const ChildInput* b) {
        return std::tie(a->kana, a->child.value) < std::tie(b->kana, b->child.value);
    });
    for (const ChildInput* c : children) {
        Row row{c->child, c->name, c->kana, c->grade, std::nullopt, {}};
        if (c->birth) row.school_year = common::SchoolYearOn(*c->birth, bounds->first);
        for (std::size_t i = 0; i < r.dates.size(); ++i) {
            Cell cell = CellOf(*c, common::FormatDate(r.dates[i]), r.dates[i], r.closed[i], today, in);
            if (cell.mark == Mark::kAttended) {
                ++row.attended;
                ++r.attended_per_day[i];
            }
            if (cell.mark == Mark::kAbsent) ++row.absent;
            if (cell.extended_minutes > 0) {
                ++row.extended_days;
                row.extended_minutes += cell.extended_minutes;
                row.extended_units += cell.extended_units;
            }
            row.days.push_back(std::move(cell));
        }
        r.rows.push_back(std::move(row));
    }
    return r;
}

MonthCounts CountsOf(const Register& r, const common::Date& today) {
    MonthCounts c;
    c.open_days = r.open_days;
    for (std::size_t i = 0; i < r.dates.size(); ++i) {
        if (!r.closed[i] && r.dates[i] <= today) ++c.open_days_so_far;
    }
    for (const auto& row : r.rows) {
        bool enrolled = std::any_of(row.days.begin(), row.days.end(),
                                    [](const Cell& cell) { return cell.mark != Mark::kNotEnrolled; });
        if (enrolled) ++c.enrolled;
        c.attendances += row.attended;
        c.absences += row.absent;
    }
    if (c.open_days_so_far > 0) c.average = static_cast<double>(c.attendances) / c.open_days_so_far;
    return c;
}

std::optional<MonthProblem> CheckMonth(const std::string& month, const common::Date& today) {
    auto bounds = MonthBounds(month);
    if (!bounds) return MonthProblem{"error_month"};
    if (bounds->first > today) return MonthProblem{"error_month_future"};
    return std::nullopt;
}

std::variant<Register, MonthProblem> SiteRegister(db::ReadTx& tx, common::SiteId site, const std::string& month,
                                                  std::optional<common::GroupId> group, const common::Date& today) {
    if (auto problem = CheckMonth(month, today)) return *problem;
    auto bounds = MonthBounds(month);
    // The site's first day: when it was made, or its first placement when that is earlier (an imported history).
    auto made = tx.QueryOptional("SELECT created_at FROM site WHERE id = ?", site);
    if (!made) return MonthProblem{"error_site_unknown"};
    std::string since = common::CanonicalInstant(made->Text(0)).substr(0, 10);
    if (auto first = tx.QueryOne("SELECT MIN(start_date) FROM child_placement WHERE site_id = ?", site).OptText(0);
        first && *first < since) {
        since = *first;
    }
    if (common::FormatDate(bounds->second) < since) return MonthProblem{"error_month_before_site"};
    return BuildRegister(site, month, today, LoadRegisterInputs(tx, site, month, group));
}

Inputs LoadRegisterInputs(db::ReadTx& tx, common::SiteId site, const std::string& month,
                          std::optional<common::GroupId> group) {
    Inputs in;
    auto bounds = MonthBounds(month);
    if (!bounds) return in;
    const std::string first = common::FormatDate(bounds->first), last = common::FormatDate(bounds->second);
    std::map<common::ChildId, ChildInput> children;
    std::string sql =
        "SELECT ch.id, ch.family_name, ch.given_name, ch.family_kana, ch.given_kana, " +
        std::string(children::kGradeOn) +
        ", p.start_date, p.end_date, ch.birth_date FROM child_placement p JOIN child ch ON ch.id = p.child_id WHERE "
        "p.site_id = ? AND p.start_date <= ? AND (p.end_date IS NULL OR p.end_date >= ?)";
    // The grade the child had in that month, even after a school-year rollover.
    std::vector<db::Value> params{first, site, last, first};
    if (group) {
        sql += sites::kInGroupBetween;
        params.insert(params.end(), {*group, last, first});
    }
    for (const auto& r : tx.QueryParams(sql, params)) {
        auto id = r.Id<common::ChildId>(0);
        auto& c = children[id];
        c.child = id;
        c.name = r.Text(1) + " " + r.Text(2);
        c.kana = r.Text(3) + " " + r.Text(4);
        if (auto g = r.OptInt(5)) c.grade = static_cast<int>(*g);
        c.placements.emplace_back(r.Text(6), r.OptText(7));
        c.birth = common::ParseDate(r.Text(8));
    }
    for (auto& [id, c] : children) in.children.push_back(std::move(c));
    in.closed_days = plans::ClosedDays(tx, site, bounds->first, bounds->second);
    in.extended = plans::GetSiteRules(tx, site).extended;
    in.marks = attendance::SiteMarksBetween(tx, site, first, last);
    for (const auto& r : tx.Query("SELECT child_id, plan_date, attending, absence_reason FROM attendance_plan WHERE "
                                  "site_id = ? AND plan_date >= ? AND plan_date <= ?",
                                  site, first, last)) {
        in.plans[{r.Id<common::ChildId>(0), r.Text(1)}] = PlanInput{r.Bool(2), r.OptText(3).value_or("")};
    }
    for (const auto& r :
         tx.Query("SELECT child_id, alert_date FROM child_alert WHERE site_id = ? AND alert_date >= ? AND alert_date "
                  "<= ? AND resolution = 'absent_without_notice'",
                  site, first, last)) {
        in.absent_without_notice.insert({r.Id<common::ChildId>(0), r.Text(1)});
    }
    return in;
}

}  // namespace reports

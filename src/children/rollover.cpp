#include "children/rollover.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <set>
#include <tuple>

#include "auth/audit.hpp"
#include "children/children.hpp"
#include "common/holidays.hpp"
#include "common/log.hpp"

namespace children {

namespace {

namespace json = boost::json;

constexpr int kLastSchoolGrade = 6;

struct Membership {
    std::int64_t id;
    std::string start;
    common::GroupId group;
    common::SiteId site;
    std::string kind;
    std::optional<int> grade;
    std::optional<std::string> end;
};

// The plan and the rows it changes.
struct Work {
    RolloverPlan plan;
    struct Period {
        std::int64_t id;
        std::string start;
    };
    std::vector<Period> end_placements, end_memberships;  // ended the day before
    struct NewMembership {
        common::ChildId child;
        common::GroupId group;
        std::optional<std::string> end;
    };
    std::vector<NewMembership> new_memberships;
    struct GradeChange {
        common::ChildId child;
        int before, after;
    };
    std::vector<GradeChange> grades;
};

Work Compute(db::ReadTx& tx, const common::Date& date) {
    Work w;
    w.plan.date = date;
    const std::string on = common::FormatDate(date);
    const std::string before = DayBefore(on);

    struct SiteInfo {
        std::string name, kind;
        std::optional<int> top_grade;
    };
    std::map<common::SiteId, SiteInfo> sites;
    for (const auto& r :
         tx.Query("SELECT s.id, s.name, s.kind, (SELECT MAX(g.grade) FROM child_group g WHERE g.site_id = s.id AND "
                  "g.kind = 'grade' AND g.deactivated_at IS NULL) FROM site s")) {
        std::optional<int> top;
        if (auto g = r.OptInt(3)) top = static_cast<int>(*g);
        sites[r.Id<common::SiteId>(0)] = {r.Text(1), r.Text(2), top};
    }
    // Active groups with a grade number, by site, kind and grade: where a member moves to.
    std::map<std::tuple<common::SiteId, std::string, int>, std::vector<common::GroupId>> next_groups;
    for (const auto& r : tx.Query("SELECT id, site_id, kind, grade FROM child_group WHERE deactivated_at IS NULL AND "
                                  "grade IS NOT NULL AND kind IN ('grade', 'class')")) {
        next_groups[{r.Id<common::SiteId>(1), r.Text(2), static_cast<int>(r.Int(3))}].push_back(
            r.Id<common::GroupId>(0));
    }
    // Memberships that span the night from the old year into the new one, by child.
    std::map<common::ChildId, std::vector<Membership>> memberships;
    for (const auto& r :
         tx.Query("SELECT m.id, m.child_id, m.group_id, g.site_id, g.kind, g.grade, m.end_date, m.start_date FROM "
                  "child_group_membership m JOIN child_group g ON g.id = m.group_id WHERE m.start_date <= ? AND "
                  "(m.end_date IS NULL OR m.end_date "
                  ">= ?) ORDER BY m.id",
                  before, on)) {
        Membership m{r.Int(0), r.Text(7),   r.Id<common::GroupId>(2), r.Id<common::SiteId>(3), r.Text(4),
                     {},       r.OptText(6)};
        if (auto g = r.OptInt(5)) m.grade = static_cast<int>(*g);
        memberships[r.Id<common::ChildId>(1)].push_back(std::move(m));
    }

    std::map<common::SiteId, RolloverSite> out;
    auto site_entry = [&](common::SiteId id) -> RolloverSite& {
        auto [it, added] = out.try_emplace(id);
        if (added) {
            it->second.site = id;
            const auto& info = sites[id];
            it->second.name = info.name;
            it->second.last_grade = info.kind == "nursery" ? 0 : info.top_grade.value_or(kLastSchoolGrade);
        }
        return it->second;
    };
    std::map<common::ChildId, int> old_year_grades;  // children placed on the last day of the old year
    std::set<common::ChildId> in_old_year;
    for (const auto& r :
         tx.Query("SELECT p.id, p.child_id, p.site_id, p.start_date, p.end_date, ch.grade, ch.birth_date FROM "
                  "child_placement p JOIN child ch ON ch.id = p.child_id WHERE ch.deactivated_at IS NULL AND "
                  "p.start_date <= ? AND (p.end_date IS NULL OR p.end_date >= ?) ORDER BY p.child_id, p.id",
                  on, before)) {
        const auto child = r.Id<common::ChildId>(1);
        const auto site_id = r.Id<common::SiteId>(2);
        const std::string start = r.Text(3);
        const auto end = r.OptText(4);
        std::optional<int> grade;
        if (auto g = r.OptInt(5)) grade = static_cast<int>(*g);
        if (start == on) {
            ++site_entry(site_id).starting;  // next year's: as entered
            continue;
        }
        in_old_year.insert(child);
        if (grade) old_year_grades[child] = *grade;
        if (end && *end < on) continue;  // ends with the old year anyway
        // The school year the child is in from the day: the grade up, or counted from the birth date.
        std::optional<int> year;
        if (grade) {
            year = *grade + 1;
        } else if (auto birth = common::ParseDate(r.Text(6))) {
            year = common::SchoolYearOn(*birth, date);
        }
        RolloverSite& site = site_entry(site_id);
        auto& mine = memberships[child];
        if (year && *year > site.last_grade) {
            site.leaving.push_back(child);
            w.end_placements.push_back({r.Int(0), start});
            for (const auto& m : mine) {
                if (m.site == site_id) w.end_memberships.push_back({m.id, m.start});
            }
            continue;
        }
        ++site.staying;
        bool unplaced = false;
        for (const auto& m : mine) {
            if (m.site != site_id || !m.grade || (m.kind != "grade" && m.kind != "class")) continue;
            w.end_memberships.push_back({m.id, m.start});
            auto next = next_groups.find({site_id, m.kind, *m.grade + 1});
            if (next != next_groups.end() && next->second.size() == 1) {
                w.new_memberships.push_back({child, next->second.front(), m.end});
                ++site.group_moves;
            } else {
                unplaced = true;
            }
        }
        if (unplaced) site.to_place.push_back(child);
    }
    for (const auto& [child, grade] : old_year_grades) {
        if (grade < kLastSchoolGrade) w.grades.push_back({child, grade, grade + 1});
    }
    w.plan.grades_up = static_cast<int>(w.grades.size());
    for (auto& [_, s] : out) {
        if (s.staying || !s.leaving.empty() || s.starting) w.plan.sites.push_back(std::move(s));
    }
    std::sort(w.plan.sites.begin(), w.plan.sites.end(), [](const RolloverSite& a, const RolloverSite& b) {
        return std::tie(a.name, a.site) < std::tie(b.name, b.site);
    });
    return w;
}

std::string Summary(const RolloverPlan& p) {
    int moves = 0;
    for (const auto& s : p.sites) moves += s.group_moves;
    return json::serialize(json::object{{"grades_up", p.grades_up},
                                        {"leaving", p.leaving()},
                                        {"to_place", p.to_place()},
                                        {"group_moves", moves},
                                        {"sites", p.sites.size()}});
}

void Audit(db::WriteTx& tx, std::string action, std::int64_t id, std::optional<common::UserId> by, std::string role,
           const common::Clock& clock) {
    auth::AuditEvent ev;
    ev.actor = by;
    ev.actor_role = std::move(role);
    ev.action = std::move(action);
    ev.target_kind = "rollover";
    ev.target_id = id;
    ev.outcome = "ok";
    auth::WriteAudit(tx, ev, clock);
}

// Applies the rollover recorded as `id` (planned or new) in the caller's transaction.
RolloverPlan Apply(db::WriteTx& tx, std::int64_t id, const common::Date& date, const common::Clock& clock) {
    Work w = Compute(tx, date);
    const std::string now = common::FormatInstant(clock.Now());
    const std::string on = common::FormatDate(date);
    for (const auto& p : w.end_placements) EndPeriod(tx, "child_placement", p.id, p.start, on);
    for (const auto& m : w.end_memberships) EndPeriod(tx, "child_group_membership", m.id, m.start, on);
    for (const auto& m : w.new_memberships) StartMembership(tx, m.child, m.group, on, m.end, now);
    for (const auto& g : w.grades) {
        tx.Exec("UPDATE child SET grade = ?, updated_at = ? WHERE id = ?", g.after, now, g.child);
        tx.Exec(
            "INSERT INTO rollover_child (rollover_id, child_id, grade_before, grade_after, created_at) VALUES (?, "
            "?, ?, ?, ?)",
            id, g.child, g.before, g.after, now);
    }
    tx.Exec("UPDATE rollover SET state = 'done', summary = ?, finished_at = ? WHERE id = ?", Summary(w.plan), now, id);
    return std::move(w.plan);
}

RolloverRecord ReadRecord(const db::Row& r) {
    RolloverRecord rec;
    rec.id = r.Int(0);
    rec.effective_date = r.Text(1);
    rec.state = r.Text(2);
    rec.by = r.OptText(3).value_or("");
    rec.created_at = common::CanonicalInstant(r.Text(4));
    rec.finished_at = common::CanonicalInstant(r.OptText(5).value_or(""));
    boost::system::error_code ec;
    auto summary = json::parse(r.Text(6), ec);
    if (!ec && summary.is_object()) {
        auto get = [&](const char* k) {
            auto* v = summary.as_object().if_contains(k);
            return v && v->is_int64() ? static_cast<int>(v->as_int64()) : 0;
        };
        rec.grades_up = get("grades_up");
        rec.leaving = get("leaving");
        rec.to_place = get("to_place");
    }
    return rec;
}

constexpr std::string_view kRecordColumns =
    "SELECT r.id, r.effective_date, r.state, u.display_name, r.created_at, r.finished_at, r.summary FROM rollover r "
    "LEFT JOIN staff_user u ON u.id = r.by_user_id ";

}  // namespace

int RolloverPlan::leaving() const {
    int n = 0;
    for (const auto& s : sites) n += static_cast<int>(s.leaving.size());
    return n;
}

int RolloverPlan::to_place() const {
    int n = 0;
    for (const auto& s : sites) n += static_cast<int>(s.to_place.size());
    return n;
}

common::Date RolloverDate(std::string_view text) {
    auto d = common::ParseDate(text);
    if (!d || d->month() != std::chrono::April || d->day() != std::chrono::day{1}) {
        throw RolloverDateError("the school year starts on 1 April: give a date YYYY-04-01");
    }
    return *d;
}

bool RolloverTooLate(const common::Date& date, const common::Date& today) {
    return today >= date + std::chrono::months{1};
}

common::Date NextRolloverDate(db::ReadTx& tx, const common::Date& today) {
    const common::Date this_year{today.year(), std::chrono::April, std::chrono::day{1}};
    if (today.month() == std::chrono::April && !RolloverFor(tx, this_year)) return this_year;
    return today < this_year
               ? this_year
               : common::Date{today.year() + std::chrono::years{1}, std::chrono::April, std::chrono::day{1}};
}

RolloverPlan PlanRollover(db::ReadTx& tx, const common::Date& date) { return Compute(tx, date).plan; }

std::vector<RolloverRecord> ListRollovers(db::ReadTx& tx) {
    std::vector<RolloverRecord> out;
    for (const auto& r : tx.Query(std::string(kRecordColumns) + "ORDER BY r.effective_date DESC, r.id DESC LIMIT 50")) {
        out.push_back(ReadRecord(r));
    }
    return out;
}

std::optional<RolloverRecord> RolloverFor(db::ReadTx& tx, const common::Date& date) {
    auto r = tx.QueryOptional(std::string(kRecordColumns) + "WHERE r.effective_date = ? AND r.state <> 'cancelled'",
                              common::FormatDate(date));
    if (!r) return std::nullopt;
    return ReadRecord(*r);
}

RolloverResult RequestRollover(db::Database& db, const common::Date& date, std::optional<common::UserId> by,
                               const common::Clock& clock) {
    RolloverResult out;
    db.Write([&](db::WriteTx& tx) {
        auto existing = RolloverFor(tx, date);
        const std::string now = common::FormatInstant(clock.Now());
        const std::string role = by ? "municipal_admin" : "operator";
        if (existing && existing->state == "done") {
            out = {RolloverOutcome::kAlreadyDone, existing->id, {}};
            return;
        }
        if (RolloverTooLate(date, common::TokyoDate(clock.Now()))) {
            throw RolloverDateError("the rollover of " + common::FormatDate(date) +
                                    " is past: a rollover applies until the end of April of its year");
        }
        if (date > common::TokyoDate(clock.Now())) {
            out.plan = Compute(tx, date).plan;
            if (existing) {
                out.outcome = RolloverOutcome::kAlreadyPlanned;
                out.id = existing->id;
                return;
            }
            out.outcome = RolloverOutcome::kPlanned;
            out.id = tx.QueryOne(
                           "INSERT INTO rollover (effective_date, state, by_user_id, created_at) VALUES (?, "
                           "'planned', ?, ?) RETURNING id",
                           common::FormatDate(date), by, now)
                         .Int(0);
            jobs::PlanOptions when;
            when.run_at = common::TokyoInstant(date, 0);
            jobs::Plan(tx, kRolloverJob, {{"rollover_id", out.id}}, clock, when);
            Audit(tx, "rollover.planned", out.id, by, role, clock);
            return;
        }
        out.outcome = RolloverOutcome::kApplied;
        out.id = existing ? existing->id
                          : tx.QueryOne(
                                  "INSERT INTO rollover (effective_date, state, by_user_id, created_at) VALUES "
                                  "(?, 'planned', ?, ?) RETURNING id",
                                  common::FormatDate(date), by, now)
                                .Int(0);
        out.plan = Apply(tx, out.id, date, clock);
        Audit(tx, "rollover.done", out.id, by, role, clock);
    });
    return out;
}

bool CancelRollover(db::Database& db, std::int64_t id, std::optional<common::UserId> by, const common::Clock& clock) {
    bool cancelled = false;
    db.Write([&](db::WriteTx& tx) {
        auto r = tx.QueryOptional("SELECT 1 FROM rollover WHERE id = ? AND state = 'planned'", id);
        if (!r) return;
        tx.Exec("UPDATE rollover SET state = 'cancelled', finished_at = ? WHERE id = ?",
                common::FormatInstant(clock.Now()), id);
        Audit(tx, "rollover.cancelled", id, by, by ? "municipal_admin" : "operator", clock);
        cancelled = true;
    });
    return cancelled;
}

void RegisterRolloverJob(jobs::Runner& runner, db::Database& db, const common::Clock& clock) {
    runner.Register(std::string(kRolloverJob), [&db, &clock](const jobs::Job& job) {
        const auto* v = job.payload.if_contains("rollover_id");
        if (!v || !v->is_int64()) throw jobs::PermanentError("rollover job without a rollover id");
        const std::int64_t id = v->as_int64();
        db.Write([&](db::WriteTx& tx) {
            auto r = tx.QueryOptional(
                "SELECT effective_date, by_user_id FROM rollover WHERE id = ? AND state = "
                "'planned'",
                id);
            if (!r) return;  // cancelled, or done by hand meanwhile
            auto date = common::ParseDate(r->Text(0));
            if (!date) throw jobs::PermanentError("rollover with a bad date");
            if (*date > common::TokyoDate(clock.Now())) {
                throw jobs::RetryLater("rollover not due yet", std::chrono::seconds(60));
            }
            std::optional<common::UserId> by;
            if (auto u = r->OptInt(1)) by = common::UserId(*u);
            auto plan = Apply(tx, id, *date, clock);
            Audit(tx, "rollover.done", id, by, "scheduled", clock);
            common::LogInfo("rollover applied",
                            {{"rollover_id", id}, {"grades_up", plan.grades_up}, {"leaving", plan.leaving()}});
        });
    });
}

}  // namespace children

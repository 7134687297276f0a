#include "plans/alerts.hpp"

#include <algorithm>
#include <set>

#include "attendance/live.hpp"
#include "jobs/jobs.hpp"
#include "live/feed.hpp"
#include "notify/notify.hpp"
#include "sites/groups.hpp"

namespace plans {

std::string_view ResolutionName(Resolution r) {
    switch (r) {
        case Resolution::kArrivedLate:
            return "arrived_late";
        case Resolution::kAbsentWithoutNotice:
            return "absent_without_notice";
        case Resolution::kFound:
            return "found";
        case Resolution::kPickedUp:
            return "picked_up";
        case Resolution::kLeft:
            return "left";
    }
    return "found";
}

std::optional<Resolution> ParseResolution(std::string_view s) {
    for (auto r : {Resolution::kArrivedLate, Resolution::kAbsentWithoutNotice, Resolution::kFound,
                   Resolution::kPickedUp, Resolution::kLeft}) {
        if (ResolutionName(r) == s) return r;
    }
    return std::nullopt;
}

bool ResolutionFits(AlertKind kind, Resolution r) {
    switch (kind) {
        case AlertKind::kNotArrived:
            return r == Resolution::kArrivedLate || r == Resolution::kAbsentWithoutNotice || r == Resolution::kFound;
        case AlertKind::kAfterClosing:
            return r == Resolution::kLeft || r == Resolution::kFound;
        case AlertKind::kPickupUnconfirmed:
            return r == Resolution::kPickedUp;
    }
    return false;
}

std::map<common::ChildId, ChildOutlook> SiteOutlook(db::ReadTx& tx, common::SiteId site, const common::Date& date,
                                                    common::Instant now,
                                                    const std::vector<attendance::RosterRow>& rows) {
    const std::string day = common::FormatDate(date);
    std::map<common::ChildId, StoredPlan> plan_of;
    for (const auto& r : tx.Query(
             "SELECT p.child_id, p.attending, p.leave_time, p.way_home, p.pickup_person_id, COALESCE(pp.name, ''), "
             "p.absence_reason, p.note FROM attendance_plan p LEFT JOIN pickup_person pp ON pp.id = "
             "p.pickup_person_id WHERE p.site_id = ? AND p.plan_date = ?",
             site, day)) {
        StoredPlan p;
        p.date = day;
        p.site = site;
        p.plan.attending = r.Bool(1);
        if (auto t = r.OptText(2)) p.plan.leave_minutes = common::ParseTimeOfDay(*t);
        p.plan.way_home = ParseWayHome(r.Text(3)).value_or(WayHome::kAlone);
        if (auto id = r.OptInt(4)) p.pickup_person = common::PickupPersonId(*id);
        p.pickup_name = r.Text(5);
        p.absence_reason = r.OptText(6);
        p.note = r.Text(7);
        plan_of.emplace(r.Id<common::ChildId>(0), std::move(p));
    }
    std::map<common::ChildId, std::set<AlertKind>> resolved, unresolved;
    std::set<common::ChildId> absent_without_notice;
    std::map<common::ChildId, common::Instant> first_raised;
    for (const auto& r : tx.Query("SELECT child_id, kind, resolved_at, resolution, raised_at FROM child_alert WHERE "
                                  "site_id = ? AND alert_date = ?",
                                  site, day)) {
        auto child = r.Id<common::ChildId>(0);
        auto k = ParseAlertKind(r.Text(1));
        if (!k) continue;
        (r.IsNull(2) ? unresolved : resolved)[child].insert(*k);
        if (r.OptText(3) == ResolutionName(Resolution::kAbsentWithoutNotice)) absent_without_notice.insert(child);
        if (r.IsNull(2)) {
            if (auto at = common::ParseInstant(r.Text(4))) {
                auto [it, fresh] = first_raised.emplace(child, *at);
                if (!fresh && *at < it->second) it->second = *at;
            }
        }
    }
    const auto rules = GetSiteRules(tx, site);
    std::map<int, SiteDay> site_day;  // by grade (-1: none)
    std::map<common::ChildId, ChildOutlook> out;
    for (const auto& row : rows) {
        int g = row.grade.value_or(-1);
        auto it = site_day.find(g);
        if (it == site_day.end()) it = site_day.emplace(g, LoadSiteDay(tx, site, rules, date, row.grade)).first;
        ChildOutlook o;
        if (auto p = plan_of.find(row.child); p != plan_of.end()) o.plan = p->second;
        std::optional<DayPlan> plan;
        if (o.plan) plan = o.plan->plan;
        static const std::set<AlertKind> kNone;
        auto r = resolved.find(row.child);
        o.outlook = Outlook(date, it->second, plan, row.day, false, r == resolved.end() ? kNone : r->second, now);
        // A recorded alert stays open until staff resolve it, even once the child turned up: what happened is
        // part of the day's record.
        if (auto u = unresolved.find(row.child); u != unresolved.end()) {
            for (AlertKind k : u->second) {
                auto& list = o.outlook.alerts;
                if (std::find(list.begin(), list.end(), k) == list.end()) list.push_back(k);
            }
        }
        o.absent_without_notice = absent_without_notice.count(row.child) > 0;
        if (auto f = first_raised.find(row.child); f != first_raised.end()) o.first_raised = f->second;
        o.standing = StandingOf(row.day.state, o.outlook.expectation, o.absent_without_notice);
        out.emplace(row.child, std::move(o));
    }
    return out;
}

std::map<Standing, int> DayAheadCounts(db::ReadTx& tx, common::SiteId site, const common::Date& date,
                                       std::optional<common::GroupId> group) {
    const std::string day = common::FormatDate(date);
    const bool closed = LoadSiteDay(tx, site, GetSiteRules(tx, site), date, std::nullopt).closed;
    std::string sql =
        "SELECT ap.attending FROM child_placement p JOIN child ch ON ch.id = p.child_id LEFT JOIN attendance_plan ap "
        "ON ap.child_id = p.child_id AND ap.site_id = p.site_id AND ap.plan_date = ? WHERE p.site_id = ? AND "
        "p.start_date <= ? AND (p.end_date IS NULL OR p.end_date >= ?) AND ch.deactivated_at IS NULL";
    std::vector<db::Value> params{day, site, day, day};
    if (group) {
        sql += sites::kInGroupBetween;
        params.insert(params.end(), {*group, day, day});
    }
    std::map<Standing, int> out;
    for (const auto& r : tx.QueryParams(sql, params)) {
        Expectation e = closed        ? Expectation::kClosed
                        : r.IsNull(0) ? Expectation::kNotPlanned
                        : r.Bool(0)   ? Expectation::kExpected
                                      : Expectation::kAbsent;
        ++out[StandingOf(attendance::State::kNotArrived, e, false)];
    }
    return out;
}

std::vector<RaisedAlert> RaiseAlerts(db::WriteTx& tx, common::SiteId site, const common::Date& date,
                                     const common::Clock& clock) {
    const auto now = clock.Now();
    const std::string day = common::FormatDate(date);
    auto roster = attendance::SiteRoster(tx, site, day, std::nullopt);
    auto outlooks = SiteOutlook(tx, site, date, now, roster.rows);
    const bool notify = GetSiteRules(tx, site).notify_guardians;
    const std::string stamp = common::FormatInstant(now);
    std::vector<RaisedAlert> raised;
    for (const auto& [child, o] : outlooks) {
        for (AlertKind kind : o.outlook.alerts) {
            auto row = tx.QueryOptional(
                "INSERT INTO child_alert (child_id, site_id, alert_date, kind, raised_at, created_at) VALUES (?, ?, "
                "?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
                child, site, day, AlertKindName(kind), stamp, stamp);
            if (!row) continue;  // recorded before
            auto id = row->Id<common::AlertId>(0);
            raised.push_back({id, child, kind});
            // The open rosters of the site show it at once, on every server.
            live::Append(tx, site, day, live::kAlert, child, attendance::AlertJson(child, AlertKindName(kind)), clock);
            if (!notify) continue;
            notify::Notify(tx,
                           {notify::Kind::kAlert,
                            site,
                            child,
                            {{"alert", id.value}, {"alert_kind", AlertKindName(kind)}, {"date", day}},
                            true},
                           clock);
        }
    }
    return raised;
}

int RaiseAllAlerts(db::Database& db, const common::Clock& clock) {
    auto sites = db.Read([](db::ReadTx& tx) {
        std::vector<common::SiteId> out;
        for (const auto& r : tx.Query("SELECT id FROM site WHERE deactivated_at IS NULL ORDER BY id")) {
            out.push_back(r.Id<common::SiteId>(0));
        }
        return out;
    });
    const auto today = common::TokyoDate(clock.Now());
    const std::string day = common::FormatDate(today);
    int raised = 0;
    for (auto site : sites) {
        // Looked at in a read first: most minutes at most sites raise nothing, and need not take the writer.
        bool anything_new = db.Read([&](db::ReadTx& tx) {
            auto roster = attendance::SiteRoster(tx, site, day, std::nullopt);
            std::set<std::pair<std::int64_t, std::string>> recorded;
            for (const auto& r :
                 tx.Query("SELECT child_id, kind FROM child_alert WHERE site_id = ? AND alert_date = ?", site, day)) {
                recorded.emplace(r.Int(0), r.Text(1));
            }
            for (const auto& [child, o] : SiteOutlook(tx, site, today, clock.Now(), roster.rows)) {
                for (AlertKind k : o.outlook.alerts) {
                    if (!recorded.count({child.value, std::string(AlertKindName(k))})) return true;
                }
            }
            return false;
        });
        if (!anything_new) continue;
        auto fresh = db.Write([&](db::WriteTx& tx) { return RaiseAlerts(tx, site, today, clock); });
        raised += static_cast<int>(fresh.size());
    }
    return raised;
}

int PlanReminders(db::Database& db, const common::Clock& clock) {
    const auto now = clock.Now();
    const auto today = common::TokyoDate(now);
    if (now < common::TokyoInstant(today, 9 * 60)) return 0;  // not in the middle of the night
    const common::Date first = common::Date{today.year(), today.month(), std::chrono::day{1}} + std::chrono::months(1);
    const common::Date last{std::chrono::year_month_day_last{first.year(), std::chrono::month_day_last{first.month()}}};
    const std::string month = common::FormatDate(first).substr(0, 7);
    const int day = static_cast<int>(static_cast<unsigned>(today.day()));
    auto sites = db.Read([&](db::ReadTx& tx) {
        std::vector<common::SiteId> out;
        for (const auto& r : tx.Query("SELECT id FROM site WHERE deactivated_at IS NULL AND plan_reminder_day > 0 AND "
                                      "plan_reminder_day <= ? ORDER BY id",
                                      day)) {
            out.push_back(r.Id<common::SiteId>(0));
        }
        return out;
    });
    static const std::string kDue =
        "SELECT DISTINCT l.account_id, p.child_id FROM child_placement p JOIN child ch ON ch.id = p.child_id AND "
        "ch.deactivated_at IS NULL JOIN guardian_account_child l ON l.child_id = p.child_id AND l.ended_at IS NULL AND "
        "l.role = 'full' JOIN guardian_account a ON a.id = l.account_id AND a.deactivated_at IS NULL AND "
        "a.confirmed_at IS NOT NULL WHERE p.site_id = ? AND p.start_date <= ? AND (p.end_date IS NULL OR p.end_date >= "
        "?) AND NOT EXISTS (SELECT 1 FROM attendance_plan ap WHERE ap.child_id = p.child_id AND ap.plan_date >= ? AND "
        "ap.plan_date <= ?) AND NOT EXISTS (SELECT 1 FROM plan_reminder r WHERE r.account_id = l.account_id AND "
        "r.child_id = p.child_id AND r.plan_month = ?) ORDER BY l.account_id, p.child_id";
    const std::string from = common::FormatDate(first), to = common::FormatDate(last);
    int planned = 0;
    for (auto site : sites) {
        // Looked at in a read first; most minutes nobody is due.
        auto due = db.Read([&](db::ReadTx& tx) { return tx.Query(kDue, site, to, from, from, to, month); });
        if (due.empty()) continue;
        planned += db.Write([&](db::WriteTx& tx) {
            int n = 0;
            for (const auto& r : tx.Query(kDue, site, to, from, from, to, month)) {
                auto row = tx.QueryOptional(
                    "INSERT INTO plan_reminder (account_id, child_id, plan_month, created_at) VALUES (?, ?, ?, ?) ON "
                    "CONFLICT DO NOTHING RETURNING id",
                    r.Int(0), r.Int(1), month, common::FormatInstant(now));
                if (!row) continue;
                jobs::Plan(tx, "mail.plan_reminder", {{"reminder_id", row->Int(0)}}, clock);
                ++n;
            }
            return n;
        });
    }
    return planned;
}

namespace {
constexpr std::string_view kSweep = "alerts.sweep";
constexpr auto kSweepEvery = std::chrono::seconds(60);
}  // namespace

void RegisterAlertSweep(jobs::Runner& runner, db::Database& db, const common::Clock& clock) {
    runner.Register(std::string(kSweep), [&db, &clock](const jobs::Job&) {
        RaiseAllAlerts(db, clock);
        PlanReminders(db, clock);
        db.Write([&](db::WriteTx& tx) { jobs::PlanRecurring(tx, kSweep, clock.Now() + kSweepEvery, clock); });
    });
}

void EnsureAlertSweep(db::Database& db, const common::Clock& clock) {
    db.Write([&](db::WriteTx& tx) { jobs::PlanRecurring(tx, kSweep, clock.Now(), clock); });
}

bool ResolveAlert(db::WriteTx& tx, common::SiteId site, common::ChildId child, const common::Date& date, AlertKind kind,
                  Resolution resolution, const std::string& note, common::UserId by, const common::Clock& clock) {
    const std::string stamp = common::FormatInstant(clock.Now());
    const std::string day = common::FormatDate(date);
    // Resolved before the sweep recorded it: the record starts here.
    tx.Exec(
        "INSERT INTO child_alert (child_id, site_id, alert_date, kind, raised_at, created_at) VALUES (?, ?, ?, ?, ?, "
        "?) ON CONFLICT DO NOTHING",
        child, site, day, AlertKindName(kind), stamp, stamp);
    return tx.Exec(
               "UPDATE child_alert SET resolution = ?, resolution_note = ?, resolved_at = ?, resolved_by = ? WHERE "
               "child_id = ? AND alert_date = ? AND kind = ? AND resolved_at IS NULL",
               ResolutionName(resolution), note, stamp, by, child, day, AlertKindName(kind)) > 0;
}

std::vector<AlertRecord> AlertsOfChildDay(db::ReadTx& tx, common::ChildId child, const common::Date& date) {
    std::vector<AlertRecord> out;
    for (const auto& r : tx.Query(
             "SELECT a.id, a.kind, a.raised_at, a.resolution, a.resolution_note, a.resolved_at, "
             "COALESCE(s.display_name, '') FROM child_alert a LEFT JOIN staff_user s ON s.id = a.resolved_by WHERE "
             "a.child_id = ? AND a.alert_date = ? ORDER BY a.raised_at, a.id",
             child, common::FormatDate(date))) {
        AlertRecord a;
        a.id = r.Id<common::AlertId>(0);
        a.kind = ParseAlertKind(r.Text(1)).value_or(AlertKind::kNotArrived);
        a.raised_at = common::CanonicalInstant(r.Text(2));
        a.resolution = r.OptText(3);
        a.resolution_note = r.Text(4);
        if (auto t = r.OptText(5)) a.resolved_at = common::CanonicalInstant(*t);
        a.resolved_by_name = r.Text(6);
        out.push_back(std::move(a));
    }
    return out;
}

}  // namespace plans

// The roster page: what needs action first (open alerts, with the family's phone numbers and one tap to record
// what happened), counts that add up (each a filter), name search, and any date — past for the record, future for
// the plans and absences ahead.
#include <algorithm>

#include "app/validate.hpp"
#include "attendance/attendance.hpp"
#include "attendance/handlers.hpp"
#include "auth/audit.hpp"
#include "common/dates.hpp"
#include "families/mails.hpp"
#include "guardians/guardians.hpp"
#include "guardians/handlers.hpp"
#include "plans/alerts.hpp"
#include "plans/present.hpp"
#include "sites/groups.hpp"
#include "sites/handlers.hpp"
#include "sites/sites.hpp"

namespace attendance {

using app::Ctx;
using auth::Action;
using kainjow::mustache::data;
using plans::Standing;

namespace {

constexpr int kPastDays = 400;  // how far back the roster opens (the record)
constexpr int kAheadDays = 62;  // how far ahead (plans are entered about a month ahead)
constexpr std::size_t kQueryMax = 50;

std::string OptTime(const std::optional<common::Instant>& t) { return t ? common::FormatTokyoTime(*t) : ""; }

// The order rows take under the default sort: what a carer must act on first, those gone home last.
int StandingRank(Standing s) {
    switch (s) {
        case Standing::kExpected:
            return 0;
        case Standing::kIn:
            return 1;
        case Standing::kNoPlan:
            return 2;
        case Standing::kLeft:
            return 3;
        case Standing::kAbsent:
            return 4;
    }
    return 5;
}

// A row with what the page needs of its day.
struct Line {
    const RosterRow* row;
    const plans::ChildOutlook* outlook;  // null: none computed (not expected)
    Standing standing;
    Standing base;  // its standing while it has no marks (what the live feed falls back to)
};

}  // namespace

http::Response Handlers::Roster(Ctx& ctx) const {
    auto site_id = app::SiteIdParam(ctx);
    ctx.RequireAtSite(Action::kAttendanceView, site_id);
    std::optional<common::GroupId> group;
    if (auto g = app::ParseId(ctx.req.query.GetOr("group"))) group = common::GroupId(*g);
    auto now = ctx.svc.clock.Now();
    const auto today = common::TokyoDate(now);
    using std::chrono::days;
    using std::chrono::sys_days;
    common::Date day = today;
    if (auto d = common::ParseDate(ctx.req.query.GetOr("date"))) {
        if (sys_days(*d) >= sys_days(today) - days(kPastDays) && sys_days(*d) <= sys_days(today) + days(kAheadDays))
            day = *d;
    }
    const bool is_today = day == today;
    const std::string date = common::FormatDate(day);
    const common::Date tomorrow{sys_days(today) + days(1)};
    std::string filter = ctx.req.query.GetOr("state");
    if (filter != "alert" && !plans::ParseStanding(filter)) filter.clear();
    std::string query = app::Trimmed(ctx.req.query.GetOr("q"));
    if (query.size() > kQueryMax) query.clear();
    std::string sort = ctx.req.query.GetOr("sort");
    if (sort != "kana" && sort != "in_at") sort.clear();
    std::optional<common::EventId> recorded_id;
    if (auto e = app::ParseId(ctx.req.query.GetOr("recorded"))) recorded_id = common::EventId(*e);

    struct Loaded {
        sites::Site site;
        std::vector<sites::Group> groups;
        attendance::Roster roster;
        std::map<common::ChildId, plans::ChildOutlook> outlook;
        std::vector<plans::Contact> contacts;
        std::map<common::ChildId, std::vector<guardians::Link>> phones;
        std::optional<Event> recorded;
        std::optional<std::map<Standing, int>> tomorrow;
        plans::SiteDay site_day;
    };
    auto loaded = ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto site = sites::GetSite(tx, site_id);
        if (!site) throw http::NotFound();
        Loaded l{*site, sites::ListGroups(tx, site_id, false), SiteRoster(tx, site_id, date, group), {}, {}, {}, {}, {},
                 {}};
        l.outlook = plans::SiteOutlook(tx, site_id, day, now, l.roster.rows);
        l.contacts = plans::ContactsForDay(tx, site_id, day);
        l.site_day = plans::LoadSiteDay(tx, site_id, plans::GetSiteRules(tx, site_id), day, std::nullopt);
        // The families of today's alerted children, to call (alerts are acted on today only).
        if (is_today) {
            std::vector<common::ChildId> alerted;
            for (const auto& [child, o] : l.outlook) {
                if (!o.outlook.alerts.empty()) alerted.push_back(child);
            }
            l.phones = guardians::GuardiansOfChildren(tx, alerted);
        }
        if (recorded_id) {
            if (auto e = GetEvent(tx, *recorded_id); e && e->site == site_id && e->facility_date == date)
                l.recorded = e;
        }
        if (is_today) l.tomorrow = plans::DayAheadCounts(tx, site_id, tomorrow, group);
        auth::WriteAudit(tx, ctx.Audit("roster.view", "site", site_id.value, site_id), ctx.svc.clock);
        if (!l.phones.empty())
            auth::WriteAudit(tx, ctx.Audit("roster.phones", "site", site_id.value, site_id), ctx.svc.clock);
        return l;
    });
    const auto& roster = loaded.roster;
    ctx.site_kind = loaded.site.fields.kind;  // 登園/降園 at a nursery

    std::map<common::GroupId, std::string> group_names;
    for (const auto& g : loaded.groups) group_names[g.id] = g.fields.name;

    // Each row's standing, and the counts.
    std::vector<Line> lines;
    std::map<Standing, int> tally;
    int alerted_children = 0;
    for (const auto& r : roster.rows) {
        Line line{&r, nullptr, StandingOf(r.day.state, plans::Expectation::kNotPlanned, false), Standing::kNoPlan};
        if (auto o = loaded.outlook.find(r.child); o != loaded.outlook.end()) {
            line.outlook = &o->second;
            line.standing = o->second.standing;
            line.base =
                plans::StandingOf(State::kNotArrived, o->second.outlook.expectation, o->second.absent_without_notice);
            if (!o->second.outlook.alerts.empty()) ++alerted_children;
        }
        ++tally[line.standing];
        lines.push_back(line);
    }
    auto alerted = [](const Line& l) { return l.outlook && !l.outlook->outlook.alerts.empty(); };
    // Alerts first (the oldest first), then by standing or by time of entry as chosen, each in kana order.
    std::stable_sort(lines.begin(), lines.end(), [&](const Line& a, const Line& b) {
        if (alerted(a) != alerted(b)) return alerted(a);
        if (alerted(a)) {
            auto fa = a.outlook->first_raised.value_or(now), fb = b.outlook->first_raised.value_or(now);
            if (fa != fb) return fa < fb;
            return false;
        }
        if (sort.empty() && StandingRank(a.standing) != StandingRank(b.standing))
            return StandingRank(a.standing) < StandingRank(b.standing);
        if (sort == "in_at" && a.row->day.in_at != b.row->day.in_at) {
            if (!a.row->day.in_at || !b.row->day.in_at) return a.row->day.in_at.has_value();
            return *a.row->day.in_at < *b.row->day.in_at;
        }
        return false;
    });

    const std::string base = "/sites/" + site_id.ToString() + "/roster";
    std::string keep;  // the query that brings the carer back to this view
    auto add = [&](const std::string& k, const std::string& v) {
        if (!v.empty()) keep += (keep.empty() ? "?" : "&") + k + "=" + http::UrlEncode(v);
    };
    add("date", is_today ? "" : date);
    add("group", group ? group->ToString() : "");
    add("sort", sort);
    const std::string next = base + keep;
    auto link_with = [&](const std::string& k, const std::string& v) {
        return next + (keep.empty() ? "?" : "&") + k + "=" + http::UrlEncode(v);
    };

    data body;
    body.set("site_id", site_id.ToString());
    body.set("site_name", loaded.site.fields.name);
    body.set("date", date);
    body.set("date_label", app::DateWithWeekday(ctx, day));
    if (is_today) body.set("is_today", true);
    if (day > today) body.set("is_future", true);
    if (day < today) body.set("is_past", true);
    if (loaded.site_day.closed) body.set("closed", true);
    // Outside opening hours now: said at the top, as a hand entry will ask before it is taken.
    if (is_today && !loaded.site_day.closed &&
        plans::OffHoursOf(loaded.site_day, attendance::Direction::kIn,
                          *common::ParseTimeOfDay(common::FormatTokyoTime(now))) != plans::OffHours::kNone) {
        std::string hours;
        if (loaded.site_day.opens && loaded.site_day.closes)
            hours = common::FormatTimeOfDay(*loaded.site_day.opens) + "–" +
                    common::FormatTimeOfDay(*loaded.site_day.closes);
        body.set("off_hours", ctx.TK("roster_off_hours") + (hours.empty() ? "" : " " + hours));
    }
    body.set("prev_date", common::FormatDate(common::Date{sys_days(day) - days(1)}));
    body.set("next_date", common::FormatDate(common::Date{sys_days(day) + days(1)}));
    body.set("min_date", common::FormatDate(common::Date{sys_days(today) - days(kPastDays)}));
    body.set("max_date", common::FormatDate(common::Date{sys_days(today) + days(kAheadDays)}));
    body.set("events_url", base + "/events?after=" + std::to_string(roster.feed_position));
    body.set("q", query);
    body.set("next", next);
    body.set("group_value", group ? group->ToString() : "");

    // The counts: each a link that shows only those children (the link again shows everyone).
    data counts{data::type::list};
    auto count_item = [&](const std::string& key, int n, const std::string& label) {
        data c;
        c.set("key", key);
        c.set("count", std::to_string(n));
        c.set("label", label);
        bool on = filter == key;
        c.set("href", on ? next : link_with("state", key));
        if (on) c.set("current", true);
        counts.push_back(c);
    };
    if (is_today && alerted_children > 0) count_item("alert", alerted_children, ctx.T("roster_count_alert"));
    for (auto s : plans::kStandings) {
        std::string name(plans::StandingName(s));
        count_item(name, tally[s], ctx.TK("standing_" + name));
    }
    body.set("counts", counts);
    body.set("count_total", std::to_string(roster.rows.size()));
    if (!filter.empty()) {
        body.set("filtered", true);
        body.set("filter_label", filter == "alert" ? ctx.T("roster_count_alert") : ctx.TK("standing_" + filter));
    }
    if (loaded.tomorrow) {
        auto t = *loaded.tomorrow;
        data tm;
        tm.set("href", base + "?date=" + common::FormatDate(tomorrow) + (group ? "&group=" + group->ToString() : ""));
        tm.set("label", app::DateWithWeekday(ctx, tomorrow));
        tm.set("expected", std::to_string(t[Standing::kExpected]));
        tm.set("absent", std::to_string(t[Standing::kAbsent]));
        tm.set("no_plan", std::to_string(t[Standing::kNoPlan]));
        body.set("tomorrow", tm);
    }

    body.set("groups", sites::GroupOptions(loaded.groups, group));
    data sorts{data::type::list};
    for (const char* s : {"", "kana", "in_at"}) {
        data d;
        d.set("value", std::string(s));
        d.set("label", ctx.T(std::string("roster_sort_") + (*s ? s : "state")));
        if (sort == s) d.set("selected", true);
        sorts.push_back(d);
    }
    body.set("sorts", sorts);

    const bool can_edit = is_today && auth::Can(*ctx.actor, Action::kAttendanceEdit, site_id);
    data rows{data::type::list};
    data alert_list{data::type::list};
    for (const auto& line : lines) {
        const auto& r = *line.row;
        data d;
        d.set("id", r.child.ToString());
        d.set("name", r.display_name);
        d.set("kana", r.kana);
        std::string names;
        for (auto g : r.groups) {
            if (auto it = group_names.find(g); it != group_names.end())
                names += (names.empty() ? "" : "・") + it->second;
        }
        d.set("groups", names);
        d.set("state", std::string(StateName(r.day.state)));
        d.set("standing", std::string(plans::StandingName(line.standing)));
        d.set("base", std::string(plans::StandingName(line.base)));
        d.set("standing_label", ctx.TK("standing_" + std::string(plans::StandingName(line.standing))));
        d.set("in_at", OptTime(r.day.in_at));
        d.set("out_at", OptTime(r.day.out_at));
        d.set("day_href", "/children/" + r.child.ToString() + "/attendance" + (is_today ? "" : "?date=" + date));
        bool match =
            filter.empty() || filter == plans::StandingName(line.standing) || (filter == "alert" && alerted(line));
        if (!query.empty() && r.display_name.find(query) == std::string::npos &&
            r.kana.find(query) == std::string::npos) {
            match = false;
        }
        if (!match) d.set("hidden", true);
        if (can_edit) {
            bool inside = r.day.state == State::kIn;
            d.set("can_edit", true);
            d.set("direction", inside ? "out" : "in");
            d.set("direction_label", ctx.TK(inside ? "check_out" : "check_in"));
        }
        if (line.outlook) {
            const auto& o = *line.outlook;
            d.set("expectation", std::string(plans::ExpectationName(o.outlook.expectation)));
            if (o.plan) d.set("plan", plans::PlanSummary(ctx, *o.plan));
            if (!o.outlook.alerts.empty()) {
                d.set("alerted", true);
                data a;
                a.set("id", r.child.ToString());
                a.set("name", r.display_name);
                a.set("kana", r.kana);
                a.set("groups", names);
                if (o.plan) a.set("plan", plans::PlanSummary(ctx, *o.plan));
                if (o.outlook.due_by) a.set("due_by", common::FormatTokyoTime(*o.outlook.due_by));
                auto phones = guardians::PhoneList(ctx, loaded.phones[r.child], true);
                if (phones.is_empty_list()) a.set("no_phone", true);
                a.set("phones", phones);
                data kinds{data::type::list};
                std::string labels;
                for (auto kind : o.outlook.alerts) {
                    data k;
                    std::string kn(plans::AlertKindName(kind));
                    k.set("kind", kn);
                    k.set("label", ctx.T("roster_alert_" + kn));
                    labels += (labels.empty() ? "" : "・") + ctx.T("roster_alert_" + kn);
                    if (can_edit) {
                        k.set("can_resolve", true);
                        data options{data::type::list};
                        for (auto res :
                             {plans::Resolution::kArrivedLate, plans::Resolution::kAbsentWithoutNotice,
                              plans::Resolution::kFound, plans::Resolution::kPickedUp, plans::Resolution::kLeft}) {
                            if (!plans::ResolutionFits(kind, res)) continue;
                            data opt;
                            opt.set("value", std::string(plans::ResolutionName(res)));
                            opt.set("label", ctx.T("resolution_" + std::string(plans::ResolutionName(res))));
                            options.push_back(opt);
                        }
                        k.set("options", options);
                    }
                    kinds.push_back(k);
                }
                a.set("kinds", kinds);
                d.set("alert_labels", labels);
                alert_list.push_back(a);
            }
        }
        rows.push_back(d);
    }
    body.set("rows", rows);
    if (is_today && alerted_children > 0) {
        body.set("alerts", alert_list);
        body.set("has_alerts", true);
        body.set("count_alerts", std::to_string(alerted_children));
    }
    if (can_edit) body.set("can_edit", true);

    // What was just recorded by hand, by name, with a way to take it back.
    if (loaded.recorded) {
        const auto& e = *loaded.recorded;
        auto row = std::find_if(roster.rows.begin(), roster.rows.end(),
                                [&](const RosterRow& r) { return r.child == e.child; });
        if (row != roster.rows.end()) {
            data rec;
            rec.set("event", e.id.ToString());
            rec.set("child", e.child.ToString());
            rec.set("name", row->display_name);
            rec.set("what", ctx.TK(e.kind == "in" ? "check_in" : e.kind == "out" ? "check_out" : "event_void"));
            rec.set("time", common::FormatTokyoTime(*common::ParseInstant(e.occurred_at)));
            if (can_edit && e.kind != "void" && !e.corrected_by) rec.set("can_undo", true);
            body.set("recorded", rec);
        }
    }

    // The day's contacts: every absence and change reported for this date, newest first; unconfirmed ones stand out.
    data clist{data::type::list};
    int unconfirmed = 0;
    for (const auto& c : loaded.contacts) {
        data d = plans::ContactData(ctx, c);
        if (!c.confirmed_at) {
            ++unconfirmed;
            if (can_edit) d.set("can_confirm", true);
        }
        d.set("next", next);
        clist.push_back(d);
    }
    body.set("contacts", clist);
    if (loaded.contacts.empty()) body.set("no_contacts", true);
    body.set("count_unconfirmed", std::to_string(unconfirmed));
    if (unconfirmed > 0) body.set("has_unconfirmed", true);
    if (roster.rows.empty()) body.set("no_children", true);
    for (auto s : plans::kStandings) {
        std::string name(plans::StandingName(s));
        body.set("label_" + name, ctx.TK("standing_" + name));
    }
    body.set("label_check_in", ctx.TK("check_in"));
    body.set("label_check_out", ctx.TK("check_out"));
    data words;
    for (const char* k : {"roster_title", "roster_in_at", "roster_out_at", "roster_times", "closed_day"})
        words.set(k, ctx.TK(k));
    body.set("w", words);
    if (is_today) {
        ctx.scripts.push_back(ctx.svc.assets.Url("alarm.js"));
        ctx.scripts.push_back(ctx.svc.assets.Url("roster.js"));
    }
    ctx.wide = true;
    return app::RenderPage(ctx, roster_, "roster_title", body);
}

}  // namespace attendance

#include "plans/handlers.hpp"

#include "app/validate.hpp"
#include "auth/audit.hpp"
#include "children/handlers.hpp"
#include "families/mails.hpp"
#include "plans/alerts.hpp"
#include "plans/plans.hpp"
#include "plans/present.hpp"
#include "rights/rights.hpp"
#include "sites/sites.hpp"

#include <set>

namespace plans {

using app::Ctx;
using auth::Action;

namespace {

// Back to the page the form came from (the roster), with a notice.
http::Response Back(const Ctx& ctx, const std::string& fallback, const std::string& notice) {
    std::string next = ctx.form.GetOr("next");
    std::string path = next.empty() ? fallback : app::SafeLocalPath(next);
    return http::Response::Redirect(path + (path.find('?') == std::string::npos ? "?" : "&") + "notice=" + notice);
}

using kainjow::mustache::data;

constexpr int kGrades = 6;

}  // namespace

// ---- The site's schedule ---------------------------------------------------------------------------------------

http::Response Handlers::RenderSchedule(Ctx& ctx, common::SiteId site_id, const app::FormErrors& errors, bool from_form,
                                        int status) const {
    auto today = common::TokyoDate(ctx.svc.clock.Now());
    auto until = common::Date{std::chrono::sys_days(today) + std::chrono::days(400)};
    auto [site, rules, dismissals, closures] = ctx.svc.db.Read([&](db::ReadTx& tx) {
        auto site = sites::GetSite(tx, site_id);
        if (!site) throw http::NotFound();
        return std::tuple{*site, GetSiteRules(tx, site_id), ListDismissals(tx, site_id),
                          ListClosures(tx, site_id, today, until)};
    });
    data body = errors.ToData(ctx);
    body.set("site_id", site_id.ToString());
    body.set("site_name", site.fields.name);
    // What was posted, when showing errors; else what is stored.
    auto value = [&](const std::string& name, const std::string& stored) {
        return from_form ? ctx.form.GetOr(name) : stored;
    };
    body.set("deadline_days_before", value("deadline_days_before", std::to_string(rules.deadline_days_before)));
    body.set("deadline_time", value("deadline_time", common::FormatTimeOfDay(rules.deadline_minutes)));
    body.set("late_after_minutes", value("late_after_minutes", std::to_string(rules.late_after.count())));
    body.set("reminder_day", value("reminder_day", std::to_string(rules.reminder_day)));
    if (from_form ? ctx.form.GetOr("notify_guardians") == "1" : rules.notify_guardians) body.set("notify", true);
    const ExtendedHours extended = rules.extended.value_or(ExtendedHours{});
    body.set("extended_after",
             value("extended_after", rules.extended ? common::FormatTimeOfDay(rules.extended->after) : ""));
    body.set("extended_unit", value("extended_unit", std::to_string(extended.unit)));
    const std::string rounding = value("extended_rounding", std::string(RoundingName(extended.rounding)));
    data roundings{data::type::list};
    for (auto r : {Rounding::kUp, Rounding::kDown, Rounding::kNearest}) {
        data d;
        d.set("value", std::string(RoundingName(r)));
        d.set("label", ctx.T("rounding_" + std::string(RoundingName(r))));
        if (rounding == RoundingName(r)) d.set("selected", true);
        roundings.push_back(d);
    }
    body.set("roundings", roundings);
    data weekdays{data::type::list};
    for (int wd = 1; wd <= 6; ++wd) {
        data d;
        d.set("label", ctx.T("weekday_" + std::to_string(wd)));
        weekdays.push_back(d);
    }
    body.set("weekdays", weekdays);
    data grades{data::type::list};
    for (int g = 0; g <= kGrades; ++g) {
        data row;
        std::string label = ctx.T(g == 0 ? "schedule_every_grade" : "grade_" + std::to_string(g));
        row.set("label", label);
        data cells{data::type::list};
        for (int wd = 1; wd <= 6; ++wd) {
            std::string name = "dis_" + std::to_string(g) + "_" + std::to_string(wd);
            data c;
            c.set("name", name);
            c.set("label", label + " " + ctx.T("weekday_" + std::to_string(wd)));
            std::string stored;
            if (auto it = dismissals.find({g, wd}); it != dismissals.end())
                stored = common::FormatTimeOfDay(it->second);
            c.set("value", value(name, stored));
            if (errors.Has(name)) c.set("error", true);
            cells.push_back(c);
        }
        row.set("cells", cells);
        grades.push_back(row);
    }
    body.set("grades", grades);
    data clist{data::type::list};
    for (const auto& c : closures) {
        data d;
        d.set("date", c.date);
        d.set("reason", c.reason);
        if (auto date = common::ParseDate(c.date)) d.set("weekday", ctx.T("weekday_" + std::to_string(Weekday(*date))));
        clist.push_back(d);
    }
    body.set("closures", clist);
    if (closures.empty()) body.set("no_closures", true);
    return app::RenderPage(ctx, schedule_, "schedule_title", body, status);
}

http::Response Handlers::Schedule(Ctx& ctx) const {
    auto site = app::SiteIdParam(ctx);
    ctx.RequireAtSite(Action::kSiteEdit, site);
    return RenderSchedule(ctx, site, {}, false, 200);
}

http::Response Handlers::SaveSchedule(Ctx& ctx) const {
    auto site = app::SiteIdParam(ctx);
    ctx.RequireAtSite(Action::kSiteEdit, site);
    app::FormErrors errors;
    SiteRules rules;
    auto days = app::IntField(ctx.form, "deadline_days_before", errors, 0, 31);
    auto time = common::ParseTimeOfDay(app::Trimmed(ctx.form.GetOr("deadline_time")));
    if (!time) errors.Add("deadline_time", "error_time_of_day");
    auto late = app::IntField(ctx.form, "late_after_minutes", errors, 0, 240);
    auto reminder = app::IntField(ctx.form, "reminder_day", errors, 0, 28);
    // Extended hours: counted from a time, or (no time) not counted.
    std::optional<ExtendedHours> extended;
    if (std::string after = app::Trimmed(ctx.form.GetOr("extended_after")); !after.empty()) {
        auto at = common::ParseTimeOfDay(after);
        if (!at) errors.Add("extended_after", "error_time_of_day");
        auto unit = app::IntField(ctx.form, "extended_unit", errors, 1, 240);
        auto rounding = ParseRounding(ctx.form.GetOr("extended_rounding"));
        if (!rounding) errors.Add("extended_rounding", "error_rounding");
        if (at && unit && rounding) extended = ExtendedHours{*at, *unit, *rounding};
    }
    std::map<std::pair<int, int>, std::optional<int>> dismissal;
    for (int g = 0; g <= kGrades; ++g) {
        for (int wd = 1; wd <= 6; ++wd) {
            std::string name = "dis_" + std::to_string(g) + "_" + std::to_string(wd);
            std::string text = app::Trimmed(ctx.form.GetOr(name));
            if (text.empty()) {
                dismissal[{g, wd}] = std::nullopt;
                continue;
            }
            auto m = common::ParseTimeOfDay(text);
            if (!m) {
                errors.Add(name, "error_time_of_day");
                errors.Add("dismissal", "error_time_of_day");
            }
            dismissal[{g, wd}] = m;
        }
    }
    if (!errors.empty()) return RenderSchedule(ctx, site, errors, true, 422);
    rules.deadline_days_before = *days;
    rules.deadline_minutes = *time;
    rules.late_after = std::chrono::minutes(*late);
    rules.reminder_day = *reminder;
    rules.notify_guardians = ctx.form.GetOr("notify_guardians") == "1";
    rules.extended = extended;
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        UpdateSiteRules(tx, site, rules, ctx.svc.clock);
        for (const auto& [key, minutes] : dismissal) {
            SetDismissal(tx, site, key.first, key.second, minutes, ctx.svc.clock);
        }
        auth::WriteAudit(tx, ctx.Audit("site.schedule", "site", site.value, site), ctx.svc.clock);
    });
    return http::Response::Redirect("/sites/" + site.ToString() + "/schedule?notice=saved");
}

http::Response Handlers::AddClosure(Ctx& ctx) const {
    auto site = app::SiteIdParam(ctx);
    ctx.RequireAtSite(Action::kSiteEdit, site);
    app::FormErrors errors;
    auto date = app::DateField(ctx.form, "date", errors, true);
    std::string reason = app::TextField(ctx.form, "reason", errors, false, 100);
    auto today = common::TokyoDate(ctx.svc.clock.Now());
    if (date && *common::ParseDate(*date) < today) errors.Add("date", "error_plan_past_date");
    if (!errors.empty()) return RenderSchedule(ctx, site, errors, false, 422);
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        plans::AddClosure(tx, site, *common::ParseDate(*date), reason, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit("site.closure_add", "site", site.value, site), ctx.svc.clock);
    });
    return http::Response::Redirect("/sites/" + site.ToString() + "/schedule?notice=saved");
}

http::Response Handlers::RemoveClosure(Ctx& ctx) const {
    auto site = app::SiteIdParam(ctx);
    ctx.RequireAtSite(Action::kSiteEdit, site);
    auto date = common::ParseDate(ctx.form.GetOr("date"));
    if (!date) throw http::HttpError(422, "error_date");
    bool removed = ctx.svc.db.Write([&](db::WriteTx& tx) {
        bool r = plans::RemoveClosure(tx, site, *date);
        if (r) auth::WriteAudit(tx, ctx.Audit("site.closure_remove", "site", site.value, site), ctx.svc.clock);
        return r;
    });
    if (!removed) throw http::NotFound();
    return http::Response::Redirect("/sites/" + site.ToString() + "/schedule?notice=saved");
}

// ---- Staff, from the roster ------------------------------------------------------------------------------------

http::Response Handlers::ConfirmContact(Ctx& ctx) const {
    const auto& actor = ctx.RequireActor();
    auto id = common::ContactId(app::IdParam(ctx));
    auto outcome = ctx.svc.db.Write([&](db::WriteTx& tx) -> std::optional<std::pair<bool, common::SiteId>> {
        common::SiteId site;
        auto contact = GetContact(tx, id, &site);
        if (!contact) return std::nullopt;
        // Another site's contact does not exist for this actor; the child must still be at the site.
        rights::RequireAtSite(tx, actor, Action::kAttendanceEdit, site, contact->child,
                              common::FormatDate(common::TokyoDate(ctx.svc.clock.Now())), true);
        bool confirmed = plans::ConfirmContact(tx, id, actor.user_id, ctx.svc.clock);
        if (confirmed) {
            auth::WriteAudit(tx, ctx.Audit("contact.confirm", "child", contact->child.value, site), ctx.svc.clock);
        }
        return std::pair{confirmed, site};
    });
    if (!outcome) throw http::NotFound();
    return Back(ctx, "/sites/" + outcome->second.ToString() + "/roster",
                outcome->first ? "contact_confirmed" : "contact_already_confirmed");
}

http::Response Handlers::ResolveAlert(Ctx& ctx) const {
    const auto& actor = ctx.RequireActor();
    auto id = common::ChildId(app::IdParam(ctx));
    auto now = ctx.svc.clock.Now();
    auto today = common::TokyoDate(now);
    auto kind = ParseAlertKind(ctx.form.GetOr("kind"));
    auto resolution = ParseResolution(ctx.form.GetOr("resolution"));
    app::FormErrors errors;
    std::string note = app::TextField(ctx.form, "note", errors, false, 500);
    // Visibility and permission before anything is said about the input.
    auto reached = ctx.svc.db.Read(
        [&](db::ReadTx& tx) { return children::ChildForActor(tx, actor, id, Action::kAttendanceEdit, today); });
    if (!reached) throw http::NotFound();
    const common::SiteId site = reached->grant.site;
    if (!kind || !resolution || !ResolutionFits(*kind, *resolution) || !errors.empty()) {
        throw http::HttpError(422, "error_alert_resolution");
    }
    bool resolved = ctx.svc.db.Write([&](db::WriteTx& tx) {
        bool r = plans::ResolveAlert(tx, site, id, today, *kind, *resolution, note, actor.user_id, ctx.svc.clock);
        if (r) auth::WriteAudit(tx, ctx.Audit("alert.resolve", "child", id.value, site), ctx.svc.clock);
        return r;
    });
    return Back(ctx, "/sites/" + site.ToString() + "/roster", resolved ? "alert_resolved" : "alert_already_resolved");
}

}  // namespace plans

// ---- Guardians -------------------------------------------------------------------------------------------------

namespace plans {
namespace {

// The guardian's child, when the account may do `action` for it; another family's child does not exist (404).
// A family member who may see but not change plans is told so (403).
common::ChildId RequireChild(const Ctx& ctx, auth::FamilyAction action) {
    const auto& g = ctx.RequireGuardian();
    auto id = common::ChildId(app::IdParam(ctx));
    if (!g.Can(auth::FamilyAction::kChildView, id)) throw http::NotFound();
    if (!g.Can(action, id)) throw http::Forbidden();
    return id;
}

struct ChildHeader {
    std::string name;
    std::optional<common::SiteId> site;  // today's placement
};
ChildHeader LoadChildHeader(db::ReadTx& tx, common::ChildId child, const common::Date& today) {
    auto r = tx.QueryOne("SELECT family_name || ' ' || given_name FROM child WHERE id = ?", child);
    return ChildHeader{r.Text(0), PlacementOn(tx, child, today)};
}

using families::Fill;  // the catalogue texts' {key} marks, as in the mails

// The plan fields of a form (attending, leave time, way home, pick-up person, absence reason, note).
PlanInput ReadPlanInput(const http::Params& form, app::FormErrors& errors) {
    PlanInput in;
    std::string attending = form.GetOr("attending");
    if (attending != "1" && attending != "0") errors.Add("attending", "error_choose");
    in.attending = attending != "0";
    std::string leave = app::Trimmed(form.GetOr("leave_time"));
    if (in.attending && !leave.empty()) {
        in.leave_minutes = common::ParseTimeOfDay(leave);
        if (!in.leave_minutes) errors.Add("leave_time", "error_time_of_day");
    }
    auto way = ParseWayHome(form.GetOr("way_home", "alone"));
    if (!way) errors.Add("way_home", "error_choose");
    in.way_home = way.value_or(WayHome::kAlone);
    if (in.attending && in.way_home == WayHome::kPickup) {
        auto person = app::ParseId(form.GetOr("pickup_person"));
        if (!person) {
            errors.Add("pickup_person", "error_plan_unknown_pickup_person");
        } else {
            in.pickup_person = common::PickupPersonId(*person);
        }
    }
    if (!in.attending) {
        std::string reason = form.GetOr("absence_reason", "other");
        if (reason != "illness" && reason != "family" && reason != "other")
            errors.Add("absence_reason", "error_choose");
        in.absence_reason = reason;
    }
    in.note = app::TextField(form, "note", errors, false, 200);
    return in;
}

// Each refused date with its message, in the guardian's language, naming the date itself.
std::vector<std::string> ProblemTexts(const Ctx& ctx, const std::vector<DateProblem>& problems) {
    std::vector<std::string> out;
    for (const auto& p : problems) {
        std::string text = ctx.T("error_plan_" + std::string(PlanProblemName(p.problem)));
        if (auto d = common::ParseDate(p.date)) text = DateLabel(ctx, *d) + ctx.T("p_colon") + text;
        out.push_back(text);
    }
    return out;
}

data PickupOptions(const std::vector<PickupPerson>& people, const std::string& selected) {
    data list{data::type::list};
    for (const auto& p : people) {
        data d;
        d.set("id", p.id.ToString());
        d.set("name", p.name);
        d.set("relation", p.relation);
        d.set("phone", p.phone);
        if (selected == p.id.ToString()) d.set("selected", true);
        list.push_back(d);
    }
    return list;
}

// The plan fields of the plans and contact forms, as posted (or their defaults), and the refused dates.
void FillPlanForm(const Ctx& ctx, data& body, const std::vector<PickupPerson>& people,
                  const std::vector<std::string>& problems, const char* default_reason) {
    if (!problems.empty()) {
        data list{data::type::list};
        for (const auto& p : problems) list.push_back(data(p));
        body.set("problems", list);
        body.set("has_problems", true);
    }
    body.set("leave_time", ctx.form.GetOr("leave_time"));
    body.set("note", ctx.form.GetOr("note"));
    body.set(ctx.form.GetOr("way_home") == "pickup" ? "way_pickup" : "way_alone", true);
    body.set("people", PickupOptions(people, ctx.form.GetOr("pickup_person")));
    if (people.empty()) body.set("no_people", true);
    body.set(std::string("reason_") + ctx.form.GetOr("absence_reason", default_reason), true);
}

}  // namespace

http::Response Handlers::RenderPlans(Ctx& ctx, common::ChildId child, const std::string& month_text,
                                     const app::FormErrors& errors, const std::vector<std::string>& problems,
                                     int status) const {
    ctx.family_page = true;
    const auto& g = ctx.RequireGuardian();
    const auto today = common::TokyoDate(ctx.svc.clock.Now());
    auto month = common::ParseDate(month_text + "-01");
    if (!month) month = common::Date{today.year(), today.month(), std::chrono::day{1}};
    const common::Date first{month->year(), month->month(), std::chrono::day{1}};
    const common::Date last{
        std::chrono::year_month_day_last{month->year(), std::chrono::month_day_last{month->month()}}};
    const bool can_edit = g.Can(auth::FamilyAction::kPlanEdit, child);
    auto [header, stored, people, closed, rules] = ctx.svc.db.Read([&](db::ReadTx& tx) {
        auto header = LoadChildHeader(tx, child, today);
        // The days the site is closed: closure days and weekdays without opening hours (a 学童's Sundays).
        std::set<std::string> closed;
        SiteRules rules;
        if (header.site) {
            rules = GetSiteRules(tx, *header.site);
            closed = ClosedDays(tx, *header.site, first, last);
        }
        return std::tuple{header, PlansOfChild(tx, child, first, last), ListPickupPersons(tx, child), closed, rules};
    });
    std::map<std::string, const StoredPlan*> by_date;
    for (const auto& p : stored) by_date[p.date] = &p;
    std::set<std::string> picked;
    for (const auto& d : ctx.form.GetAll("day")) picked.insert(d);

    data body = errors.ToData(ctx);
    FillPlanForm(ctx, body, people, problems, "other");
    body.set("child_id", child.ToString());
    body.set("child_name", header.name);
    body.set("month_label", Fill(ctx.T("month_label"), {{"y", std::to_string(static_cast<int>(first.year()))},
                                                        {"m", std::to_string(static_cast<unsigned>(first.month()))}}));
    auto prev = common::Date{first.year(), first.month(), std::chrono::day{1}} - std::chrono::months(1);
    auto next = common::Date{first.year(), first.month(), std::chrono::day{1}} + std::chrono::months(1);
    body.set("prev_month", common::FormatDate(prev).substr(0, 7));
    body.set("next_month", common::FormatDate(next).substr(0, 7));
    body.set("month", common::FormatDate(first).substr(0, 7));
    body.set("deadline", Fill(ctx.TN("plans_deadline_rule", rules.deadline_days_before),
                              {{"days", std::to_string(rules.deadline_days_before)},
                               {"time", common::FormatTimeOfDay(rules.deadline_minutes)}}));
    if (can_edit) body.set("can_edit", true);
    // The calendar: weeks from Sunday, each day with its plan.
    data weeks{data::type::list};
    data week{data::type::list};
    int in_week = 0;
    auto day = std::chrono::sys_days(first);
    for (; in_week < Weekday(first); ++in_week) week.push_back(data(data::type::object));
    for (; day <= std::chrono::sys_days(last); day += std::chrono::days(1)) {
        common::Date d{day};
        std::string date = common::FormatDate(d);
        data cell;
        cell.set("date", date);
        cell.set("day", std::to_string(static_cast<unsigned>(d.day())));
        cell.set("label", DateLabel(ctx, d));
        cell.set("real", true);
        bool past = day < std::chrono::sys_days(today);
        if (date == common::FormatDate(today)) cell.set("today", true);
        // In the cell, a word and the time that fit a phone's seventh of a screen; the whole plan for screen readers.
        if (closed.count(date)) {
            cell.set("closed", true);
            cell.set("short", ctx.T("plan_closed"));
            cell.set("status", ctx.T("plan_closed"));
        } else if (auto it = by_date.find(date); it != by_date.end()) {
            const auto& p = *it->second;
            cell.set(p.plan.attending ? "attending" : "absent", true);
            cell.set("short", ctx.T(p.plan.attending ? "plan_cell_attending" : "plan_cell_absent"));
            if (p.plan.attending && p.plan.leave_minutes)
                cell.set("time", common::FormatTimeOfDay(*p.plan.leave_minutes));
            if (p.plan.attending && p.plan.way_home == WayHome::kPickup) cell.set("pickup", ctx.T("plan_cell_pickup"));
            cell.set("status", PlanSummary(ctx, p));
        } else {
            cell.set("short", ctx.T("plan_cell_none"));
            cell.set("status", ctx.T("plan_none"));
            cell.set("none", true);
        }
        if (can_edit && !past && !closed.count(date)) {
            cell.set("pickable", true);
            if (picked.count(date)) cell.set("picked", true);
        }
        week.push_back(cell);
        ++in_week;
        if (Weekday(d) == 6) {
            data w;
            w.set("days", week);
            weeks.push_back(w);
            week = data(data::type::list);
            in_week = 0;
        }
    }
    if (in_week > 0) {
        data w;
        w.set("days", week);
        weeks.push_back(w);
    }
    body.set("weeks", weeks);
    data weekday_heads{data::type::list};
    for (int wd = 0; wd < 7; ++wd) weekday_heads.push_back(data(ctx.T("weekday_short_" + std::to_string(wd))));
    body.set("weekday_heads", weekday_heads);
    // The pattern and plan fields, as posted or with their defaults.
    data pattern{data::type::list};
    std::set<std::string> wds;
    for (const auto& w : ctx.form.GetAll("weekday")) wds.insert(w);
    for (int wd = 1; wd <= 6; ++wd) {
        data d;
        d.set("value", std::to_string(wd));
        d.set("label", ctx.T("weekday_" + std::to_string(wd)));
        if (wds.count(std::to_string(wd))) d.set("checked", true);
        pattern.push_back(d);
    }
    body.set("pattern", pattern);
    std::string from = ctx.form.GetOr("from", common::FormatDate(std::max(first, today)));
    body.set("from", from);
    body.set("to", ctx.form.GetOr("to", common::FormatDate(last)));
    body.set(ctx.form.GetOr("attending") == "0" ? "attending_no" : "attending_yes", true);
    if (auto saved = ctx.req.query.Get("saved")) {
        body.set("saved_text", Fill(ctx.TN("plans_saved", app::ParseId(*saved).value_or(0)), {{"n", *saved}}));
        if (auto skipped = ctx.req.query.Get("skipped"); skipped && *skipped != "0") {
            body.set("skipped_text",
                     Fill(ctx.TN("plans_skipped_closed", app::ParseId(*skipped).value_or(0)), {{"n", *skipped}}));
        }
        if (auto late = ctx.req.query.Get("late"); late && *late != "0") {
            body.set("late_text", Fill(ctx.T("plans_late"), {{"n", *late}}));
        }
    }
    return app::RenderPage(ctx, plans_, "plans_title", body, status);
}

http::Response Handlers::FamilyPlans(Ctx& ctx) const {
    auto child = RequireChild(ctx, auth::FamilyAction::kChildView);
    return RenderPlans(ctx, child, ctx.req.query.GetOr("month"), {}, {}, 200);
}

http::Response Handlers::SaveFamilyPlans(Ctx& ctx) const {
    auto child = RequireChild(ctx, auth::FamilyAction::kPlanEdit);
    const auto& g = ctx.RequireGuardian();
    std::string month = ctx.form.GetOr("month");
    app::FormErrors errors;
    PlanInput in = ReadPlanInput(ctx.form, errors);
    // Either a weekly pattern over a range (closure days left out), or the days picked on the calendar.
    std::vector<common::Date> dates;
    std::set<int> weekdays;
    for (const auto& w : ctx.form.GetAll("weekday")) {
        if (w.size() == 1 && w[0] >= '0' && w[0] <= '6') weekdays.insert(w[0] - '0');
    }
    bool pattern = !weekdays.empty();
    if (pattern) {
        auto from = app::DateField(ctx.form, "from", errors, true);
        auto to = app::DateField(ctx.form, "to", errors, true);
        if (from && to) {
            auto f = *common::ParseDate(*from), t = *common::ParseDate(*to);
            if (t < f) errors.Add("to", "error_plan_range");
            if (std::chrono::sys_days(t) - std::chrono::sys_days(f) > std::chrono::days(366)) {
                errors.Add("to", "error_plan_too_far");
            }
            dates = DatesOnWeekdays(f, t, weekdays);
        }
    } else {
        for (const auto& d : ctx.form.GetAll("day")) {
            auto date = common::ParseDate(d);
            if (!date) {
                errors.Add("day", "error_date");
            } else {
                dates.push_back(*date);
            }
        }
        if (dates.empty() && errors.empty()) errors.Add("day", "error_plan_no_days");
        if (dates.size() > 62) errors.Add("day", "error_plan_too_many");
    }
    if (!errors.empty()) return RenderPlans(ctx, child, month, errors, {}, 422);
    auto result = ctx.svc.db.Write([&](db::WriteTx& tx) {
        return SetPlans(tx, g.account_id, child, dates, in, ContactKind::kPlan, pattern, ctx.svc.clock);
    });
    if (!result.problems.empty()) return RenderPlans(ctx, child, month, {}, ProblemTexts(ctx, result.problems), 422);
    return http::Response::Redirect("/family/children/" + child.ToString() + "/plans?month=" + http::UrlEncode(month) +
                                    "&saved=" + std::to_string(result.saved) +
                                    "&skipped=" + std::to_string(result.skipped_closed.size()) +
                                    "&late=" + std::to_string(result.late));
}

http::Response Handlers::RenderContact(Ctx& ctx, common::ChildId child, const app::FormErrors& errors,
                                       const std::vector<std::string>& problems, int status) const {
    ctx.family_page = true;
    const auto today = common::TokyoDate(ctx.svc.clock.Now());
    auto [header, people] = ctx.svc.db.Read([&](db::ReadTx& tx) {
        return std::pair{LoadChildHeader(tx, child, today), ListPickupPersons(tx, child)};
    });
    data body = errors.ToData(ctx);
    FillPlanForm(ctx, body, people, problems, "illness");
    body.set("child_id", child.ToString());
    body.set("child_name", header.name);
    body.set("date", ctx.form.GetOr("date", ctx.req.query.GetOr("date", common::FormatDate(today))));
    body.set("min_date", common::FormatDate(today));
    body.set(ctx.form.GetOr("kind") == "change" ? "kind_change" : "kind_absence", true);
    return app::RenderPage(ctx, contact_, "contact_title", body, status);
}

http::Response Handlers::ContactForm(Ctx& ctx) const {
    auto child = RequireChild(ctx, auth::FamilyAction::kAbsenceReport);
    return RenderContact(ctx, child, {}, {}, 200);
}

http::Response Handlers::SendContact(Ctx& ctx) const {
    auto child = RequireChild(ctx, auth::FamilyAction::kAbsenceReport);
    const auto& g = ctx.RequireGuardian();
    app::FormErrors errors;
    auto date = app::DateField(ctx.form, "date", errors, true);
    std::string kind = ctx.form.GetOr("kind");
    if (kind != "absence" && kind != "change") errors.Add("kind", "error_choose");
    // An absence is "not attending"; a change keeps the child coming with another time or way home.
    http::Params fields;
    for (const auto& [k, v] : ctx.form.items()) {
        if (k != "attending") fields.Add(k, v);
    }
    fields.Add("attending", kind == "absence" ? "0" : "1");
    PlanInput in = ReadPlanInput(fields, errors);
    if (kind == "change" && !in.leave_minutes && in.way_home == WayHome::kAlone && errors.empty()) {
        errors.Add("leave_time", "error_contact_change_empty");
    }
    if (!errors.empty()) return RenderContact(ctx, child, errors, {}, 422);
    auto result = ctx.svc.db.Write([&](db::WriteTx& tx) {
        return SetPlans(tx, g.account_id, child, {*common::ParseDate(*date)}, in,
                        kind == "absence" ? ContactKind::kAbsence : ContactKind::kChange, false, ctx.svc.clock);
    });
    if (!result.problems.empty()) return RenderContact(ctx, child, {}, ProblemTexts(ctx, result.problems), 422);
    return http::Response::Redirect("/family?notice=" +
                                    std::string(kind == "absence" ? "absence_sent" : "change_sent"));
}

http::Response Handlers::RenderPickup(Ctx& ctx, common::ChildId child, const app::FormErrors& errors,
                                      int status) const {
    ctx.family_page = true;
    const auto& g = ctx.RequireGuardian();
    const auto today = common::TokyoDate(ctx.svc.clock.Now());
    auto [header, people] = ctx.svc.db.Read([&](db::ReadTx& tx) {
        return std::pair{LoadChildHeader(tx, child, today), ListPickupPersons(tx, child)};
    });
    data body = errors.ToData(ctx);
    body.set("form", app::FormValues(ctx.form));
    body.set("child_id", child.ToString());
    body.set("child_name", header.name);
    body.set("people", PickupOptions(people, ""));
    if (people.empty()) body.set("no_people", true);
    if (g.Can(auth::FamilyAction::kPlanEdit, child)) body.set("can_edit", true);
    return app::RenderPage(ctx, pickup_, "pickup_title", body, status);
}

http::Response Handlers::Pickup(Ctx& ctx) const {
    auto child = RequireChild(ctx, auth::FamilyAction::kChildView);
    return RenderPickup(ctx, child, {}, 200);
}

http::Response Handlers::AddPickup(Ctx& ctx) const {
    auto child = RequireChild(ctx, auth::FamilyAction::kPlanEdit);
    const auto& g = ctx.RequireGuardian();
    app::FormErrors errors;
    PickupPerson p;
    p.name = app::TextField(ctx.form, "name", errors, true, 50);
    p.relation = app::TextField(ctx.form, "relation", errors, true, 30);
    p.phone = app::PhoneField(ctx.form, "phone", errors);
    if (p.phone.empty() && !errors.Has("phone")) errors.Add("phone", "error_required");
    if (!errors.empty()) return RenderPickup(ctx, child, errors, 422);
    ctx.svc.db.Write([&](db::WriteTx& tx) { AddPickupPerson(tx, child, p, g.account_id, ctx.svc.clock); });
    return http::Response::Redirect("/family/children/" + child.ToString() + "/pickup?notice=saved");
}

http::Response Handlers::RemovePickup(Ctx& ctx) const {
    auto child = RequireChild(ctx, auth::FamilyAction::kPlanEdit);
    auto person = common::PickupPersonId(app::IdParam(ctx, "person"));
    bool removed =
        ctx.svc.db.Write([&](db::WriteTx& tx) { return RemovePickupPerson(tx, child, person, ctx.svc.clock); });
    if (!removed) throw http::NotFound();
    return http::Response::Redirect("/family/children/" + child.ToString() + "/pickup?notice=deactivated");
}

}  // namespace plans

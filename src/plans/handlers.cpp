#include "plans/handlers.hpp"

#include "app/validate.hpp"
#include "auth/audit.hpp"
#include "children/handlers.hpp"
#include "plans/alerts.hpp"
#include "plans/plans.hpp"
#include "sites/sites.hpp"

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

// A site the actor may see (else 404) and manage (else 403).
void RequireManager(const Ctx& ctx, common::SiteId site) {
    const auto& actor = ctx.RequireActor();
    if (!auth::Can(actor, Action::kSiteView, site)) throw http::NotFound();
    ctx.Require(Action::kSiteEdit, site);
}

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
    RequireManager(ctx, site);
    return RenderSchedule(ctx, site, {}, false, 200);
}

http::Response Handlers::SaveSchedule(Ctx& ctx) const {
    auto site = app::SiteIdParam(ctx);
    RequireManager(ctx, site);
    app::FormErrors errors;
    SiteRules rules;
    auto days = app::IntField(ctx.form, "deadline_days_before", errors, 0, 31);
    auto time = common::ParseTimeOfDay(app::Trimmed(ctx.form.GetOr("deadline_time")));
    if (!time) errors.Add("deadline_time", "error_time_of_day");
    auto late = app::IntField(ctx.form, "late_after_minutes", errors, 0, 240);
    auto reminder = app::IntField(ctx.form, "reminder_day", errors, 0, 28);
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
    RequireManager(ctx, site);
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
    RequireManager(ctx, site);
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
        // Another site's contact does not exist for this actor.
        if (!contact || !auth::Can(actor, Action::kSiteView, site)) return std::nullopt;
        ctx.Require(Action::kAttendanceEdit, site);
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
    auto child = ctx.svc.db.Read(
        [&](db::ReadTx& tx) { return children::ChildForActor(tx, actor, id, Action::kAttendanceEdit, today); });
    if (!child) throw http::NotFound();
    if (!kind || !resolution || !ResolutionFits(*kind, *resolution) || !errors.empty()) {
        throw http::HttpError(422, "error_alert_resolution");
    }
    bool resolved = ctx.svc.db.Write([&](db::WriteTx& tx) {
        bool r = plans::ResolveAlert(tx, child->fields.site_id, id, today, *kind, *resolution, note, actor.user_id,
                                     ctx.svc.clock);
        if (r)
            auth::WriteAudit(tx, ctx.Audit("alert.resolve", "child", id.value, child->fields.site_id), ctx.svc.clock);
        return r;
    });
    return Back(ctx, "/sites/" + child->fields.site_id.ToString() + "/roster",
                resolved ? "alert_resolved" : "alert_already_resolved");
}

}  // namespace plans

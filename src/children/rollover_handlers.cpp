#include "children/rollover_handlers.hpp"

#include "auth/audit.hpp"
#include "children/rollover.hpp"
#include "families/mails.hpp"

namespace children {

namespace {

using app::Ctx;
using auth::Action;
using kainjow::mustache::data;

std::string N(std::size_t n) { return std::to_string(n); }

std::string When(const std::string& instant) {
    auto at = common::ParseInstant(instant);
    return at ? common::FormatDate(common::TokyoDate(*at)) + " " + common::FormatTokyoTime(*at) : "";
}

}  // namespace

http::Response RolloverHandlers::RenderList(Ctx& ctx, const app::FormErrors& errors, int status) const {
    ctx.Require(Action::kRollover);
    data body = errors.ToData(ctx);
    data rows{data::type::list};
    ctx.svc.db.Read([&](db::ReadTx& tx) {
        const auto& params = ctx.req.method == "GET" ? ctx.req.query : ctx.form;
        auto date = params.Get("date");
        body.set("date",
                 date ? *date : common::FormatDate(NextRolloverDate(tx, common::TokyoDate(ctx.svc.clock.Now()))));
        for (const auto& r : ListRollovers(tx)) {
            data d;
            d.set("id", std::to_string(r.id));
            d.set("date", r.effective_date);
            d.set("state", ctx.T("rollover_state_" + r.state));
            d.set("state_class", r.state);
            if (r.state == "planned") d.set("can_cancel", true);
            if (r.state == "done") {
                d.set("done", true);
                d.set("grades_up", std::to_string(r.grades_up));
                d.set("leaving", std::to_string(r.leaving));
                d.set("to_place", std::to_string(r.to_place));
            }
            d.set("at", When(r.state == "planned" ? r.created_at : r.finished_at));
            d.set("by", r.by.empty() ? ctx.T("erasure_by_operator") : r.by);
            rows.push_back(d);
        }
    });
    body.set("rows", rows);
    if (rows.is_empty_list()) body.set("none", true);
    return app::RenderPage(ctx, list_, "rollovers_title", body, status);
}

http::Response RolloverHandlers::List(Ctx& ctx) const { return RenderList(ctx, {}, 200); }

http::Response RolloverHandlers::Preview(Ctx& ctx) const {
    ctx.Require(Action::kRollover);
    common::Date date;
    try {
        date = RolloverDate(ctx.req.query.GetOr("date"));
    } catch (const RolloverDateError&) {
        app::FormErrors errors;
        errors.Add("date", "error_rollover_date");
        return RenderList(ctx, errors, 422);
    }
    data body;
    const auto today = common::TokyoDate(ctx.svc.clock.Now());
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto existing = RolloverFor(tx, date);
        if (existing) body.set("existing", ctx.T("rollover_state_" + existing->state));
        if (existing && existing->state == "done") {
            // What it did, as recorded: a plan read now would be a second rollover's, which never happens.
            body.set("already_done", true);
            body.set("grades_up", std::to_string(existing->grades_up));
            body.set("leaving", std::to_string(existing->leaving));
            body.set("to_place", std::to_string(existing->to_place));
            return;
        }
        auto plan = PlanRollover(tx, date);
        data sites{data::type::list}, to_place{data::type::list};
        int staying = 0, starting = 0;
        for (const auto& s : plan.sites) {
            data d;
            d.set("name", s.name);
            d.set("id", std::to_string(s.site.value));
            d.set("staying", N(static_cast<std::size_t>(s.staying)));
            d.set("leaving", N(s.leaving.size()));
            d.set("to_place", N(s.to_place.size()));
            if (!s.to_place.empty()) d.set("has_to_place", true);
            d.set("starting", N(static_cast<std::size_t>(s.starting)));
            d.set("until", s.last_grade == 0
                               ? ctx.T("rollover_until_school")
                               : families::Fill(ctx.T("rollover_until_grade"), {{"n", std::to_string(s.last_grade)}}));
            sites.push_back(d);
            staying += s.staying;
            starting += s.starting;
            // The children a carer must place by hand: named (an audited read), at most a page of them.
            for (auto c : s.to_place) {
                if (to_place.list_value().size() >= 200) break;
                auto row = tx.QueryOptional(
                    "SELECT family_name || ' ' || given_name, family_kana || ' ' || given_kana FROM child WHERE id = ?",
                    c);
                if (!row) continue;
                data p;
                p.set("id", std::to_string(c.value));
                p.set("name", row->Text(0));
                p.set("kana", row->Text(1));
                p.set("site", s.name);
                to_place.push_back(p);
            }
        }
        body.set("sites", sites);
        if (sites.is_empty_list()) body.set("no_sites", true);
        body.set("to_place_children", to_place);
        if (!to_place.is_empty_list()) body.set("has_to_place", true);
        body.set("grades_up", N(static_cast<std::size_t>(plan.grades_up)));
        body.set("leaving", N(static_cast<std::size_t>(plan.leaving())));
        body.set("to_place", N(static_cast<std::size_t>(plan.to_place())));
        body.set("staying", N(static_cast<std::size_t>(staying)));
        body.set("starting", N(static_cast<std::size_t>(starting)));
        auth::WriteAudit(
            tx, ctx.Audit("rollover.preview", "rollover", existing ? std::optional(existing->id) : std::nullopt),
            ctx.svc.clock);
    });
    body.set("date", common::FormatDate(date));
    if (RolloverTooLate(date, today)) {
        body.set("too_late", true);
    } else {
        body.set(date > today ? "future" : "due", true);
    }
    if (ctx.req.query.GetOr("unconfirmed") == "1") body.set("unconfirmed", true);
    return app::RenderPage(ctx, preview_, "rollover_preview_title", body);
}

http::Response RolloverHandlers::Apply(Ctx& ctx) const {
    const auto& actor = ctx.Require(Action::kRollover);
    common::Date date;
    try {
        date = RolloverDate(ctx.form.GetOr("date"));
    } catch (const RolloverDateError&) {
        app::FormErrors errors;
        errors.Add("date", "error_rollover_date");
        return RenderList(ctx, errors, 422);
    }
    const std::string d = common::FormatDate(date);
    if (ctx.form.GetOr("confirm") != "1") {
        return http::Response::Redirect("/rollover/preview?date=" + d + "&unconfirmed=1", 303);
    }
    RolloverResult result;
    try {
        result = RequestRollover(ctx.svc.db, date, actor.user_id, ctx.svc.clock);
    } catch (const RolloverDateError&) {
        app::FormErrors errors;
        errors.Add("date", "error_rollover_too_late");
        return RenderList(ctx, errors, 422);
    }
    const char* notice = result.outcome == RolloverOutcome::kApplied          ? "rollover_done"
                         : result.outcome == RolloverOutcome::kPlanned        ? "rollover_planned"
                         : result.outcome == RolloverOutcome::kAlreadyPlanned ? "rollover_already_planned"
                                                                              : "rollover_already_done";
    return http::Response::Redirect(std::string("/rollover?notice=") + notice, 303);
}

http::Response RolloverHandlers::Cancel(Ctx& ctx) const {
    const auto& actor = ctx.Require(Action::kRollover);
    const auto id = app::IdParam(ctx);
    if (!CancelRollover(ctx.svc.db, id, actor.user_id, ctx.svc.clock)) throw http::NotFound();
    return http::Response::Redirect("/rollover?notice=rollover_cancelled", 303);
}

}  // namespace children

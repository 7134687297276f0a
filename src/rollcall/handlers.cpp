#include "rollcall/handlers.hpp"

#include <boost/json/serialize.hpp>

#include "app/validate.hpp"
#include "auth/audit.hpp"
#include "common/dates.hpp"
#include "families/mails.hpp"
#include "guardians/guardians.hpp"
#include "live/feed.hpp"
#include "plans/plans.hpp"
#include "print/pdf.hpp"
#include "rollcall/rollcall.hpp"
#include "sites/sites.hpp"

namespace rollcall {

using app::Ctx;
using auth::Action;
using kainjow::mustache::data;

namespace {

std::string Base(common::SiteId site) { return "/sites/" + site.ToString() + "/rollcall"; }

std::string Time(const std::optional<common::Instant>& t) { return t ? common::FormatTokyoTime(*t) : ""; }

// A guardian's relationship is kept as its code (mother, …), someone else's as typed.
std::string Relation(const Ctx& ctx, const std::string& r) {
    return ctx.svc.catalogue.Has("relationship_" + r) ? ctx.T("relationship_" + r) : r;
}

// The roll-call at this site named in the path; another site's does not exist here.
SiteCall RequireCall(Ctx& ctx, Action action) {
    auto site = app::SiteIdParam(ctx);
    ctx.RequireAtSite(action, site);
    const common::RollcallSiteId id(app::IdParam(ctx, "call"));
    auto call = ctx.svc.db.Read([&](db::ReadTx& tx) { return GetSiteCall(tx, id); });
    if (!call || call->site != site) throw http::NotFound();
    return *call;
}

common::ChildId ChildParam(const Ctx& ctx) { return common::ChildId(app::IdParam(ctx, "child")); }

[[noreturn]] void Refuse(Problem p) {
    throw http::HttpError(p == Problem::kNotListed                                 ? 404
                          : p == Problem::kIdentity || p == Problem::kUnknownAdult ? 422
                                                                                   : 409,
                          std::string(ProblemKey(p)));
}

http::Response Back(const SiteCall& call, const std::string& notice, std::optional<common::ChildId> child = {}) {
    return http::Response::Redirect(Base(call.site) + "?call=" + call.id.ToString() + "&notice=" + notice +
                                    (child ? "#c" + child->ToString() : ""));
}

data CallData(const Ctx& ctx, const SiteCall& c) {
    data d;
    d.set("id", c.id.ToString());
    d.set("site_name", c.site_name);
    d.set("reason", ctx.T("rollcall_reason_" + std::string(ReasonName(c.reason))));
    d.set("note", c.note);
    d.set("started_at", common::FormatDate(common::TokyoDate(c.started_at)) + " " + Time(c.started_at));
    d.set("started_by", c.started_by);
    if (c.city_wide) d.set("city_wide", true);
    if (c.closed_at) {
        d.set("closed_at", common::FormatDate(common::TokyoDate(*c.closed_at)) + " " + Time(c.closed_at));
        d.set("closed_by", c.closed_by);
    } else {
        d.set("open", true);
    }
    d.set("url", Base(c.site) + "?call=" + c.id.ToString());
    return d;
}

}  // namespace

http::Response Handlers::New(Ctx& ctx) const {
    const auto& actor = ctx.Require(Action::kRollcallStart);
    auto options = ctx.svc.db.Read([&](db::ReadTx& tx) { return sites::ListSiteOptions(tx, actor.Scope()); });
    std::optional<common::SiteId> chosen;
    if (auto s = app::ParseId(ctx.req.query.GetOr("site"))) chosen = common::SiteId(*s);
    data body;
    data sites{data::type::list};
    for (const auto& o : options) {
        if (!auth::Can(actor, Action::kRollcallStart, o.id)) continue;
        data d;
        d.set("id", o.id.ToString());
        d.set("name", o.name);
        if (chosen && *chosen == o.id) d.set("selected", true);
        sites.push_back(d);
    }
    body.set("sites", sites);
    if (auth::Can(actor, Action::kRollcallCity)) body.set("can_city", true);
    data reasons{data::type::list};
    for (auto r : kReasons) {
        data d;
        d.set("value", std::string(ReasonName(r)));
        d.set("label", ctx.T("rollcall_reason_" + std::string(ReasonName(r))));
        if (r == Reason::kEarthquake) d.set("checked", true);
        reasons.push_back(d);
    }
    body.set("reasons", reasons);
    return app::RenderPage(ctx, new_, "rollcall_new_title", body);
}

http::Response Handlers::Start(Ctx& ctx) const {
    const auto& actor = ctx.Require(Action::kRollcallStart);
    const bool city = ctx.form.GetOr("scope") == "all";
    std::vector<common::SiteId> sites;
    if (city) {
        ctx.Require(Action::kRollcallCity);
        for (const auto& o : ctx.svc.db.Read([](db::ReadTx& tx) { return sites::ListSiteOptions(tx, {}); }))
            sites.push_back(o.id);
    } else {
        auto id = app::ParseId(ctx.form.GetOr("site"));
        if (!id) throw http::HttpError(422, "error_rollcall_site");
        ctx.RequireAtSite(Action::kRollcallStart, common::SiteId(*id));
        sites.push_back(common::SiteId(*id));
    }
    auto reason = ParseReason(ctx.form.GetOr("reason"));
    app::FormErrors errors;
    std::string note = app::TextField(ctx.form, "note", errors, false, 500);
    if (!reason || !errors.empty()) throw http::HttpError(422, "error_rollcall_reason");
    auto started = ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto s = rollcall::Start(tx, sites, *reason, note, city, actor.user_id, ctx.svc.clock);
        for (const auto& [site, call] : s.opened)
            auth::WriteAudit(tx, ctx.Audit("rollcall.start", "rollcall", call.value, site), ctx.svc.clock);
        return s;
    });
    if (city) return http::Response::Redirect("/overview?notice=rollcall_started_city");
    if (started.opened.empty()) {
        // One is open at this site already: the carer goes to it rather than starting another.
        return http::Response::Redirect(Base(sites.front()) + "?notice=rollcall_already_open");
    }
    return http::Response::Redirect(Base(sites.front()) + "?call=" + started.opened.front().second.ToString());
}

http::Response Handlers::Site(Ctx& ctx) const {
    auto site_id = app::SiteIdParam(ctx);
    const auto& actor = ctx.RequireAtSite(Action::kRollcallMark, site_id);
    std::optional<common::RollcallSiteId> asked;
    if (auto id = app::ParseId(ctx.req.query.GetOr("call"))) asked = common::RollcallSiteId(*id);
    struct Loaded {
        sites::Site site;
        std::optional<SiteCall> call;
        std::vector<ChildLine> children;
        std::vector<SiteCall> history;
        std::int64_t feed_position = 0;
    };
    auto loaded = ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto site = sites::GetSite(tx, site_id);
        if (!site) throw http::NotFound();
        Loaded l{*site,
                 asked ? GetSiteCall(tx, *asked) : OpenAt(tx, site_id),
                 {},
                 History(tx, site_id, 20),
                 live::Position(tx, site_id)};
        if (l.call && l.call->site != site_id) throw http::NotFound();
        if (l.call) {
            l.children = Children(tx, l.call->id);
            auth::WriteAudit(tx, ctx.Audit("rollcall.view", "rollcall", l.call->id.value, site_id), ctx.svc.clock);
        }
        return l;
    });
    ctx.site_kind = loaded.site.fields.kind;
    data body;
    body.set("site_id", site_id.ToString());
    body.set("site_name", loaded.site.fields.name);
    if (auth::Can(actor, Action::kRollcallStart, site_id)) body.set("can_start", true);
    body.set("start_url", "/rollcall/new?site=" + site_id.ToString());
    data history{data::type::list};
    for (const auto& h : loaded.history) history.push_back(CallData(ctx, h));
    body.set("history", history);
    if (!loaded.history.empty()) body.set("has_history", true);
    if (!loaded.call) return app::RenderPage(ctx, site_, "rollcall_title", body);

    const auto& call = *loaded.call;
    const bool open = !call.closed_at;
    body.set("call", CallData(ctx, call));
    if (open && auth::Can(actor, Action::kRollcallStart, site_id)) body.set("can_close", true);
    body.set("print_url", Base(site_id) + "/" + call.id.ToString() + "/print");
    reports::RollcallProgress progress;
    progress.children = static_cast<int>(loaded.children.size());
    data rows{data::type::list};
    for (const auto& c : loaded.children) {
        data r;
        r.set("child", c.child.ToString());
        r.set("name", c.name);
        r.set("kana", c.kana);
        if (c.grade) r.set("grade", ctx.T("grade_" + std::to_string(*c.grade)));
        r.set("entered_at", Time(c.entered_at));
        const std::string state(ChildStateName(c.state));
        r.set("state", state);
        r.set("state_label", ctx.T("rollcall_state_" + state));
        r.set("note", c.note);
        if (c.checked_at) r.set("checked", Time(c.checked_at) + " " + c.checked_by);
        if (c.state == ChildState::kUnchecked) ++progress.unchecked;
        if (c.handed_at) {
            ++progress.handed;
            r.set("handed", true);
            r.set("handed_line",
                  families::Fill(ctx.T("rollcall_handed_line"), {{"time", Time(c.handed_at)},
                                                                 {"name", c.handed_name},
                                                                 {"relation", Relation(ctx, c.handed_relation)},
                                                                 {"by", c.handed_by}}));
        } else if (open) {
            r.set("open", true);
            data states{data::type::list};
            for (auto s : {ChildState::kSafe, ChildState::kNotFound, ChildState::kInjured}) {
                data d;
                d.set("value", std::string(ChildStateName(s)));
                d.set("label", ctx.T("rollcall_state_" + std::string(ChildStateName(s))));
                if (s == c.state) d.set("current", true);
                states.push_back(d);
            }
            r.set("states", states);
            if (c.state == ChildState::kSafe || c.state == ChildState::kInjured)
                r.set("handover_url",
                      Base(site_id) + "/" + call.id.ToString() + "/children/" + c.child.ToString() + "/handover");
        }
        rows.push_back(r);
    }
    body.set("rows", rows);
    if (loaded.children.empty()) body.set("no_children", true);
    body.set("progress", reports::ProgressWords(ctx.svc.catalogue, ctx.lang, progress));
    body.set("action_base", Base(site_id) + "/" + call.id.ToString());
    if (open) {
        body.set("events_url",
                 "/sites/" + site_id.ToString() + "/roster/events?after=" + std::to_string(loaded.feed_position));
        ctx.scripts.push_back(ctx.svc.assets.Url("rollcall.js"));
    }
    ctx.wide = true;
    return app::RenderPage(ctx, site_, "rollcall_title", body);
}

http::Response Handlers::Confirm(Ctx& ctx) const {
    auto call = RequireCall(ctx, Action::kRollcallMark);
    auto child = ChildParam(ctx);
    auto state = ParseChildState(ctx.form.GetOr("state"));
    app::FormErrors errors;
    std::string note = app::TextField(ctx.form, "note", errors, false, 500);
    if (!state || *state == ChildState::kUnchecked || !errors.empty())
        throw http::HttpError(422, "error_rollcall_state");
    auto problem = ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto p = rollcall::Confirm(tx, call, child, *state, note, ctx.actor->user_id, ctx.svc.clock);
        if (!p) auth::WriteAudit(tx, ctx.Audit("rollcall.confirm", "child", child.value, call.site), ctx.svc.clock);
        return p;
    });
    if (problem) Refuse(*problem);
    return Back(call, "rollcall_confirmed", child);
}

namespace {

struct Adults {
    ChildLine line;
    std::vector<guardians::Link> guardians;
    std::vector<plans::PickupPerson> pickup;
};

}  // namespace

http::Response Handlers::HandoverForm(Ctx& ctx) const {
    auto call = RequireCall(ctx, Action::kRollcallMark);
    auto child = ChildParam(ctx);
    auto adults = ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto line = GetChild(tx, call.id, child);
        if (!line) throw http::NotFound();
        auto links = guardians::GuardiansOfChildren(tx, {child});
        auth::WriteAudit(tx, ctx.Audit("rollcall.handover_form", "child", child.value, call.site), ctx.svc.clock);
        return Adults{*line, links[child], plans::ListPickupPersons(tx, child)};
    });
    if (adults.line.handed_at) Refuse(Problem::kHanded);
    if (call.closed_at) Refuse(Problem::kClosed);
    if (adults.line.state != ChildState::kSafe && adults.line.state != ChildState::kInjured)
        Refuse(Problem::kNotConfirmed);
    ctx.site_kind = call.site_kind;
    data body;
    body.set("site_id", call.site.ToString());
    body.set("site_name", call.site_name);
    body.set("name", adults.line.name);
    body.set("kana", adults.line.kana);
    body.set("state_label", ctx.T("rollcall_state_" + std::string(ChildStateName(adults.line.state))));
    body.set("action", Base(call.site) + "/" + call.id.ToString() + "/children/" + child.ToString() + "/handover");
    body.set("back_url", Base(call.site) + "?call=" + call.id.ToString() + "#c" + child.ToString());
    data people{data::type::list};
    bool first = true;
    for (const auto& g : adults.guardians) {
        if (!g.active) continue;
        data d;
        d.set("value", "guardian:" + g.guardian_id.ToString());
        d.set("name", g.name);
        d.set("relation", Relation(ctx, g.relationship));
        d.set("phone", g.phone);
        d.set("kind", ctx.T("rollcall_to_guardian"));
        if (first) d.set("checked", true);
        first = false;
        people.push_back(d);
    }
    for (const auto& p : adults.pickup) {
        data d;
        d.set("value", "pickup:" + p.id.ToString());
        d.set("name", p.name);
        d.set("relation", p.relation);
        d.set("phone", p.phone);
        d.set("kind", ctx.T("rollcall_to_pickup"));
        if (first) d.set("checked", true);
        first = false;
        people.push_back(d);
    }
    body.set("people", people);
    if (first) body.set("other_checked", true);
    body.set("form", app::FormValues(ctx.form));
    return app::RenderPage(ctx, handover_, "rollcall_handover_title", body);
}

http::Response Handlers::Handover(Ctx& ctx) const {
    auto call = RequireCall(ctx, Action::kRollcallMark);
    auto child = ChildParam(ctx);
    rollcall::Handover h;
    std::string to = ctx.form.GetOr("to");
    app::FormErrors errors;
    if (to.starts_with("guardian:")) {
        h.to = HandedTo::kGuardian;
        if (auto id = app::ParseId(to.substr(9))) h.guardian = common::GuardianId(*id);
    } else if (to.starts_with("pickup:")) {
        h.to = HandedTo::kPickup;
        if (auto id = app::ParseId(to.substr(7))) h.pickup = common::PickupPersonId(*id);
    } else if (to == "other") {
        h.to = HandedTo::kOther;
        h.name = app::TextField(ctx.form, "other_name", errors, false, 100);
        h.relation = app::TextField(ctx.form, "other_relation", errors, false, 50);
        h.identity_checked = ctx.form.GetOr("identity_checked") == "1";
    } else {
        throw http::HttpError(422, "error_rollcall_adult");
    }
    if (!errors.empty()) throw http::HttpError(422, "error_rollcall_identity");
    h.exit_reason = ctx.T("rollcall_exit_reason");
    auto outcome = ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto r = rollcall::HandOver(tx, call, child, h, ctx.actor->user_id, ctx.svc.clock);
        if (std::holds_alternative<common::EventId>(r))
            auth::WriteAudit(tx, ctx.Audit("rollcall.handover", "child", child.value, call.site), ctx.svc.clock);
        return r;
    });
    if (auto* p = std::get_if<Problem>(&outcome)) Refuse(*p);
    return Back(call, "rollcall_handed", child);
}

http::Response Handlers::Close(Ctx& ctx) const {
    auto call = RequireCall(ctx, Action::kRollcallStart);
    bool closed = ctx.svc.db.Write([&](db::WriteTx& tx) {
        bool c = rollcall::Close(tx, call, ctx.actor->user_id, ctx.svc.clock);
        if (c) auth::WriteAudit(tx, ctx.Audit("rollcall.close", "rollcall", call.id.value, call.site), ctx.svc.clock);
        return c;
    });
    if (!closed) Refuse(Problem::kClosed);
    return Back(call, "rollcall_closed");
}

// The list on paper: a site without power still has it. A4 portrait; every child a row with boxes to tick by hand
// where nothing is recorded yet.
http::Response Handlers::Print(Ctx& ctx) const {
    auto call = RequireCall(ctx, Action::kRollcallMark);
    auto children = ctx.svc.db.Write([&](db::WriteTx& tx) {
        auth::WriteAudit(tx, ctx.Audit("rollcall.print", "rollcall", call.id.value, call.site), ctx.svc.clock);
        return Children(tx, call.id);
    });
    print::PdfDocument doc(ctx.T("rollcall_title") + " " + call.site_name);
    constexpr double kLeft = 12, kTop = 12, kRowH = 8.5, kBottom = 285;
    // Columns: no., name (kana), grade, entered, state, handed to, time, by.
    const double cols[] = {kLeft, kLeft + 8, kLeft + 50, kLeft + 64, kLeft + 78, kLeft + 98, kLeft + 144, kLeft + 156};
    const double right = 198;
    const std::string heads[] = {"No.",
                                 ctx.T("field_name"),
                                 ctx.T("rollcall_col_grade"),
                                 ctx.T("rollcall_col_entered"),
                                 ctx.T("rollcall_col_state"),
                                 ctx.T("rollcall_col_handed_to"),
                                 ctx.T("rollcall_col_time"),
                                 ctx.T("rollcall_col_by")};
    int page = 1;
    double y = 0;
    auto header = [&]() {
        y = kTop;
        y += doc.Text(kLeft, y, ctx.T("rollcall_title") + "　" + call.site_name, {14, true});
        std::string line = ctx.T("rollcall_started") + " " + common::FormatDate(common::TokyoDate(call.started_at)) +
                           " " + Time(call.started_at) + "　" +
                           ctx.T("rollcall_reason_" + std::string(ReasonName(call.reason))) +
                           (call.note.empty() ? "" : "（" + call.note + "）") + "　" + ctx.T("rollcall_printed") + " " +
                           Time(ctx.svc.clock.Now()) + "　p." + std::to_string(page);
        y += doc.Text(kLeft, y + 1, line, {9, false, right - kLeft}) + 3;
        for (int i = 0; i < 8; ++i) doc.Text(cols[i] + 1, y + 2, heads[i], {8, true});
        doc.Line(kLeft, y, right, y, 0.8);
        y += kRowH;
        doc.Line(kLeft, y, right, y, 0.8);
    };
    header();
    int n = 0;
    for (const auto& c : children) {
        if (y + kRowH > kBottom) {
            doc.NextPage();
            ++page;
            header();
        }
        ++n;
        doc.Text(cols[0] + 1, y + 1.5, std::to_string(n), {9});
        doc.Text(cols[1] + 1, y + 0.5, c.name, {10, true, 41});
        doc.Text(cols[1] + 1, y + 5, c.kana, {6, false, 41});
        if (c.grade) doc.Text(cols[2] + 1, y + 1.5, ctx.T("grade_" + std::to_string(*c.grade)), {9});
        doc.Text(cols[3] + 1, y + 1.5, Time(c.entered_at), {9});
        if (c.state == ChildState::kUnchecked) {
            doc.Box(cols[4] + 2, y + 2, 4, 4, 0.5);  // to tick by hand
        } else {
            doc.Text(cols[4] + 1, y + 1.5, ctx.T("rollcall_state_" + std::string(ChildStateName(c.state))), {9});
        }
        if (c.handed_at) {
            doc.Text(cols[5] + 1, y + 1.5,
                     c.handed_name + (c.handed_relation.empty() ? "" : "（" + Relation(ctx, c.handed_relation) + "）"),
                     {9, false, 46});
            doc.Text(cols[6] + 1, y + 1.5, Time(c.handed_at), {9});
            doc.Text(cols[7] + 1, y + 1.5, c.handed_by, {8, false, right - cols[7] - 1});
        }
        y += kRowH;
        doc.Line(kLeft, y, right, y, 0.3);
    }
    if (children.empty()) doc.Text(kLeft, y + 2, ctx.T("rollcall_no_children"), {10});
    return app::Download(doc.Finish(), "application/pdf",
                         "rollcall-" + call.site.ToString() + "-" + call.id.ToString() + ".pdf", false);
}

}  // namespace rollcall

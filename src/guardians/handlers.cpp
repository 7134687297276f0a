#include "guardians/handlers.hpp"

#include <algorithm>

#include "app/validate.hpp"
#include "children/children.hpp"
#include "common/kana.hpp"
#include "guardians/guardians.hpp"
#include "rights/rights.hpp"

namespace guardians {

kainjow::mustache::data PhoneList(const app::Ctx& ctx, const std::vector<Link>& links, bool with_phone_only) {
    kainjow::mustache::data list{kainjow::mustache::data::type::list};
    for (const auto& l : links) {
        if (!l.active || (with_phone_only && l.phone.empty())) continue;
        kainjow::mustache::data p;
        const std::string& relation = ctx.T("relationship_" + l.relationship);
        p.set("who", relation + " " + l.name);
        p.set("relation", relation);
        p.set("name", l.name);
        if (!l.phone.empty()) {  // a mustache section shows for any string, even an empty one
            p.set("phone", l.phone);
            p.set("tel", TelTarget(l.phone));
        }
        list.push_back(p);
    }
    return list;
}

using app::Ctx;
using app::FormErrors;
using auth::Action;
using kainjow::mustache::data;

namespace {

std::pair<GuardianInput, FormErrors> ValidateGuardian(const http::Params& form) {
    FormErrors errors;
    GuardianInput in;
    in.family_name = app::TextField(form, "family_name", errors, true, 50);
    in.given_name = app::TextField(form, "given_name", errors, true, 50);
    in.family_kana = app::KanaField(form, "family_kana", errors, true);
    in.given_kana = app::KanaField(form, "given_kana", errors, true);
    in.email = app::EmailField(form, "email", errors, false);
    in.phone = app::PhoneField(form, "phone", errors);
    in.language = form.GetOr("language", "ja");
    if (std::none_of(std::begin(kLanguages), std::end(kLanguages), [&](const char* l) { return in.language == l; })) {
        errors.Add("language", "error_choose");
    }
    return {std::move(in), std::move(errors)};
}

data Options(const Ctx& ctx, const char* prefix, std::span<const char* const> values, const std::string& selected) {
    data list{data::type::list};
    for (const char* v : values) {
        data d;
        d.set("value", v);
        d.set("label", ctx.T(std::string(prefix) + v));
        if (selected == v) d.set("selected", true);
        list.push_back(d);
    }
    return list;
}

data GuardianData(const Guardian& g) {
    data d;
    d.set("id", g.id.ToString());
    d.set("name", g.fields.family_name + " " + g.fields.given_name);
    d.set("kana", g.fields.family_kana + " " + g.fields.given_kana);
    d.set("email", g.fields.email);
    // For a narrow column: the address may break after its @ (and only there).
    if (auto at = g.fields.email.find('@'); at != std::string::npos) {
        d.set("email_local", g.fields.email.substr(0, at + 1));
        d.set("email_domain", g.fields.email.substr(at + 1));
    }
    d.set("phone", g.fields.phone);
    if (!g.active) d.set("inactive", true);
    return d;
}

std::string Today(const Ctx& ctx) { return common::FormatDate(common::TokyoDate(ctx.svc.clock.Now())); }

// The guardian, if the actor reaches them by the one rule (rights::RequireGuardian: through a child placed at one
// of their sites today) — audited; 404 otherwise.
Guardian LoadGuardianForActor(Ctx& ctx, common::GuardianId id, Action action, const char* audit_action) {
    const auto& actor = ctx.RequireActor();
    auto found = ctx.svc.db.Write([&](db::WriteTx& tx) -> std::optional<Guardian> {
        auto g = GetGuardian(tx, id);
        if (!g) return std::nullopt;
        auto gsites = rights::RequireGuardian(tx, actor, id, action, Today(ctx));
        std::optional<common::SiteId> site;
        for (auto s : gsites) {
            if (!site && actor.RoleAt(s)) site = s;
        }
        if (audit_action) auth::WriteAudit(tx, ctx.Audit(audit_action, "guardian", id.value, site), ctx.svc.clock);
        return g;
    });
    if (!found) throw http::NotFound();
    return *found;
}

http::Response RenderForm(Ctx& ctx, const web::TemplateRef& tmpl, const std::optional<Guardian>& g,
                          std::optional<common::ChildId> child, const http::Params* posted, const FormErrors& errors,
                          int status) {
    data body = errors.ToData(ctx);
    std::string lang = "ja", rel = "mother";
    if (posted) {
        body.set("form", app::FormValues(*posted));
        lang = posted->GetOr("language", "ja");
        rel = posted->GetOr("relationship", "mother");
    } else if (g) {
        data f;
        f.set("family_name", g->fields.family_name);
        f.set("given_name", g->fields.given_name);
        f.set("family_kana", g->fields.family_kana);
        f.set("given_kana", g->fields.given_kana);
        f.set("email", g->fields.email);
        f.set("phone", g->fields.phone);
        body.set("form", f);
        lang = g->fields.language;
    }
    body.set("languages", Options(ctx, "language_", kLanguages, lang));
    if (g) {
        body.set("action", "/guardians/" + g->id.ToString());
        body.set("guardian_id", g->id.ToString());
        body.set("editing", true);
        if (!g->active) body.set("inactive", true);
    } else {
        body.set("action", "/guardians");
        body.set("child_id", child->ToString());
        body.set("relationships", Options(ctx, "relationship_", kRelationships, rel));
    }
    return app::RenderPage(ctx, tmpl, g ? "guardian_edit_title" : "guardian_new_title", body, status);
}

// The child a new guardian is being added to: a change to the child's family, so the guardians' edit right at
// every site the child is at today (a child the actor does not reach is "not found", so ids cannot be probed).
common::ChildId ChildForNewGuardian(Ctx& ctx, const std::string& raw) {
    const auto& actor = ctx.RequireActor();
    auto id = app::ParseId(raw);
    if (!id) throw http::BadRequest("error_bad_request");
    common::ChildId child(*id);
    ctx.svc.db.Read([&](db::ReadTx& tx) {
        if (!children::ChildExists(tx, child)) throw http::NotFound();
        rights::RequireChild(tx, actor, child, Action::kGuardianEdit, Today(ctx));
    });
    return child;
}

}  // namespace

http::Response Handlers::List(Ctx& ctx) const {
    const auto& actor = ctx.Require(Action::kGuardianView);
    auto paging = app::ParsePaging(ctx.req);
    GuardianFilter filter{actor.Scope(), Today(ctx), common::FoldForSearch(ctx.req.query.GetOr("q")),
                          ctx.req.query.GetOr("inactive") == "1"};
    auto [rows, total] = ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto rows = ListGuardians(tx, filter, paging.per_page, paging.Offset());
        auto total = CountGuardians(tx, filter);
        auth::WriteAudit(tx, ctx.Audit("guardian.list", "guardian", std::nullopt), ctx.svc.clock);
        return std::make_pair(std::move(rows), total);
    });
    data body;
    data list{data::type::list};
    for (const auto& g : rows) list.push_back(GuardianData(g));
    body.set("guardians", list);
    if (rows.empty()) body.set("empty", true);
    body.set("q", ctx.req.query.GetOr("q"));
    if (filter.include_inactive) body.set("inactive", true);
    body.set("pager", app::PagerData(ctx, paging, total));
    return app::RenderPage(ctx, list_, "guardians_title", body);
}

http::Response Handlers::View(Ctx& ctx) const {
    auto id = common::GuardianId(app::IdParam(ctx));
    auto g = LoadGuardianForActor(ctx, id, Action::kGuardianView, "guardian.view");
    const auto& actor = *ctx.actor;
    const std::string today = Today(ctx);
    // Only the children the actor reaches today: the guardian's children at other sites are not theirs to see.
    auto [links, can_edit] = ctx.svc.db.Read([&](db::ReadTx& tx) {
        auto links = ChildrenOfGuardian(tx, id);
        std::vector<common::ChildId> ids;
        for (const auto& l : links) ids.push_back(l.child_id);
        auto standings = rights::LoadStandings(tx, ids);
        std::erase_if(links, [&](const Link& l) {
            auto d = rights::DecideChild(actor, Action::kChildView, standings.at(l.child_id), today);
            return d.verdict != rights::Verdict::kAllowed || d.grant.history;
        });
        bool edit = rights::DecideGuardian(actor, Action::kGuardianEdit, rights::GuardianSites(tx, id, today)) ==
                    rights::Verdict::kAllowed;
        return std::pair{links, edit};
    });
    data body = GuardianData(g);
    body.set("language", ctx.T("language_" + g.fields.language));
    data clist{data::type::list};
    for (const auto& l : links) {
        data d;
        d.set("id", l.child_id.ToString());
        d.set("name", l.name);
        d.set("kana", l.kana);
        d.set("relationship", ctx.T("relationship_" + l.relationship));
        clist.push_back(d);
    }
    body.set("children", clist);
    if (can_edit) body.set("can_edit", true);
    return app::RenderPage(ctx, view_, "guardian_title", body);
}

http::Response Handlers::NewForm(Ctx& ctx) const {
    auto child = ChildForNewGuardian(ctx, ctx.req.query.GetOr("child_id"));
    return RenderForm(ctx, form_, std::nullopt, child, nullptr, {}, 200);
}

http::Response Handlers::Create(Ctx& ctx) const {
    auto child = ChildForNewGuardian(ctx, ctx.form.GetOr("child_id"));
    auto [in, errors] = ValidateGuardian(ctx.form);
    std::string rel = ctx.form.GetOr("relationship");
    if (!IsRelationship(rel)) errors.Add("relationship", "error_choose");
    if (!errors.empty()) return RenderForm(ctx, form_, std::nullopt, child, &ctx.form, errors, 422);
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto id = InsertGuardian(tx, in, ctx.svc.clock);
        LinkGuardian(tx, id, child, rel, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit("guardian.create", "guardian", id.value), ctx.svc.clock);
    });
    return http::Response::Redirect("/children/" + child.ToString() + "?notice=saved");
}

http::Response Handlers::EditForm(Ctx& ctx) const {
    auto g = LoadGuardianForActor(ctx, common::GuardianId(app::IdParam(ctx)), Action::kGuardianEdit, "guardian.view");
    return RenderForm(ctx, form_, g, std::nullopt, nullptr, {}, 200);
}

http::Response Handlers::Update(Ctx& ctx) const {
    auto g = LoadGuardianForActor(ctx, common::GuardianId(app::IdParam(ctx)), Action::kGuardianEdit, nullptr);
    auto [in, errors] = ValidateGuardian(ctx.form);
    if (!errors.empty()) return RenderForm(ctx, form_, g, std::nullopt, &ctx.form, errors, 422);
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        UpdateGuardian(tx, g.id, in, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit("guardian.update", "guardian", g.id.value), ctx.svc.clock);
    });
    return http::Response::Redirect("/guardians/" + g.id.ToString() + "?notice=saved");
}

http::Response Handlers::SetActive(Ctx& ctx, bool active) const {
    auto g = LoadGuardianForActor(ctx, common::GuardianId(app::IdParam(ctx)), Action::kGuardianEdit, nullptr);
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        SetGuardianActive(tx, g.id, active, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit(active ? "guardian.reactivate" : "guardian.deactivate", "guardian", g.id.value),
                         ctx.svc.clock);
    });
    return http::Response::Redirect("/guardians/" + g.id.ToString() +
                                    "?notice=" + (active ? "reactivated" : "deactivated"));
}

}  // namespace guardians

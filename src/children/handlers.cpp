#include "children/handlers.hpp"

#include <algorithm>

#include "app/validate.hpp"
#include "children/children.hpp"
#include "common/kana.hpp"
#include "families/families.hpp"
#include "guardians/guardians.hpp"
#include "sites/groups.hpp"
#include "sites/sites.hpp"

namespace children {

using app::Ctx;
using app::FormErrors;
using auth::Action;
using kainjow::mustache::data;

namespace {

// Active sites in the actor's scope where `action` is allowed, for filters and forms.
std::vector<sites::SiteOption> SitesFor(const Ctx& ctx, const auth::Actor& actor, Action action) {
    auto all = ctx.svc.db.Read([&](db::ReadTx& tx) { return sites::ListSiteOptions(tx, actor.Scope()); });
    std::erase_if(all, [&](const sites::SiteOption& s) { return !auth::Can(actor, action, s.id); });
    return all;
}

data SiteOptions(const std::vector<sites::SiteOption>& sites, std::optional<common::SiteId> selected) {
    data list{data::type::list};
    for (const auto& s : sites) {
        data d;
        d.set("value", s.id.ToString());
        d.set("label", s.name);
        if (selected && *selected == s.id) d.set("selected", true);
        list.push_back(d);
    }
    return list;
}

data ChildData(const Ctx& ctx, const Child& c) {
    data d;
    d.set("id", c.id.ToString());
    d.set("name", c.fields.family_name + " " + c.fields.given_name);
    d.set("kana", c.fields.family_kana + " " + c.fields.given_kana);
    d.set("birth_date", c.fields.birth_date);
    d.set("grade", c.fields.grade ? ctx.T("grade_" + std::to_string(*c.fields.grade)) : "");
    d.set("site_name", c.site_name);
    d.set("site_id", c.fields.site_id.ToString());
    d.set("start_date", c.fields.start_date);
    d.set("end_date", c.fields.end_date.value_or(""));
    if (!c.active) d.set("inactive", true);
    if (c.left) d.set("left", true);
    return d;
}

struct Validated {
    ChildInput in;
    FormErrors errors;
};

Validated ValidateChild(const Ctx& ctx, const auth::Actor& actor, const http::Params& form) {
    Validated v;
    auto& in = v.in;
    auto& errors = v.errors;
    in.family_name = app::TextField(form, "family_name", errors, true, 50);
    in.given_name = app::TextField(form, "given_name", errors, true, 50);
    in.family_kana = app::KanaField(form, "family_kana", errors, true);
    in.given_kana = app::KanaField(form, "given_kana", errors, true);
    auto today = common::TokyoDate(ctx.svc.clock.Now());
    if (auto b = app::DateField(form, "birth_date", errors, true)) {
        if (*b > common::FormatDate(today)) {
            errors.Add("birth_date", "error_birth_date_future");
        } else {
            in.birth_date = *b;
        }
    }
    in.grade = app::IntField(form, "grade", errors, 1, 6);
    auto site = app::ParseId(form.GetOr("site_id"));
    if (!site || !auth::Can(actor, Action::kChildEdit, common::SiteId(*site))) {
        errors.Add("site_id", "error_choose");
    } else {
        in.site_id = common::SiteId(*site);
    }
    if (auto s = app::DateField(form, "start_date", errors, true)) in.start_date = *s;
    in.end_date = app::DateField(form, "end_date", errors, false);
    if (in.end_date && !in.start_date.empty() && *in.end_date < in.start_date) {
        errors.Add("end_date", "error_end_before_start");
    }
    if (!errors.Has("site_id")) {
        auto groups = ctx.svc.db.Read([&](db::ReadTx& tx) { return sites::ListGroups(tx, in.site_id, false); });
        for (const auto& raw : form.GetAll("group_id")) {
            auto gid = app::ParseId(raw);
            bool ok = gid && std::any_of(groups.begin(), groups.end(),
                                         [&](const sites::Group& g) { return g.id.value == *gid; });
            if (!ok) {
                errors.Add("groups", "error_group_not_at_site");
                continue;
            }
            in.group_ids.emplace_back(*gid);
        }
    }
    return v;
}

http::Response RenderForm(Ctx& ctx, const web::TemplateRef& tmpl, const auth::Actor& actor,
                          const std::optional<Child>& child, common::SiteId site, const http::Params* posted,
                          const FormErrors& errors, int status) {
    data body = errors.ToData(ctx);
    std::vector<common::GroupId> selected;
    if (posted) {
        body.set("form", app::FormValues(*posted));
        for (const auto& g : posted->GetAll("group_id")) {
            if (auto id = app::ParseId(g)) selected.emplace_back(*id);
        }
    } else if (child) {
        const auto& f = child->fields;
        data d;
        d.set("family_name", f.family_name);
        d.set("given_name", f.given_name);
        d.set("family_kana", f.family_kana);
        d.set("given_kana", f.given_kana);
        d.set("birth_date", f.birth_date);
        d.set("grade", f.grade ? std::to_string(*f.grade) : "");
        d.set("start_date", f.start_date);
        d.set("end_date", f.end_date.value_or(""));
        body.set("form", d);
        selected = f.group_ids;
    } else {
        data d;
        d.set("start_date", common::FormatDate(common::TokyoDate(ctx.svc.clock.Now())));
        body.set("form", d);
    }
    body.set("sites", SiteOptions(SitesFor(ctx, actor, Action::kChildEdit), site));
    auto groups = ctx.svc.db.Read([&](db::ReadTx& tx) { return sites::ListGroups(tx, site, false); });
    data glist{data::type::list};
    for (const auto& g : groups) {
        data d;
        d.set("id", g.id.ToString());
        d.set("name", g.fields.name);
        if (std::find(selected.begin(), selected.end(), g.id) != selected.end()) d.set("checked", true);
        glist.push_back(d);
    }
    body.set("groups", glist);
    if (groups.empty()) body.set("no_groups", true);
    data grades{data::type::list};
    std::string grade = posted                         ? posted->GetOr("grade")
                        : child && child->fields.grade ? std::to_string(*child->fields.grade)
                                                       : "";
    for (int g = 1; g <= 6; ++g) {
        data d;
        d.set("value", std::to_string(g));
        d.set("label", ctx.T("grade_" + std::to_string(g)));
        if (grade == std::to_string(g)) d.set("selected", true);
        grades.push_back(d);
    }
    body.set("grades", grades);
    if (child) {
        body.set("action", "/children/" + child->id.ToString());
        body.set("child_id", child->id.ToString());
        body.set("editing", true);
        if (!child->active) body.set("inactive", true);
    } else {
        body.set("action", "/children");
    }
    return app::RenderPage(ctx, tmpl, child ? "child_edit_title" : "child_new_title", body, status);
}

}  // namespace

std::optional<Reached> ChildForActor(db::ReadTx& tx, const auth::Actor& actor, common::ChildId id, auth::Action action,
                                     const common::Date& today) {
    auto child = GetChild(tx, id, today);
    if (!child) return std::nullopt;
    const std::string day = common::FormatDate(today);
    auto standing = rights::LoadStanding(tx, id);
    auto decision = rights::DecideChild(actor, action, standing, day);
    if (decision.verdict == rights::Verdict::kHidden) return std::nullopt;
    if (decision.verdict == rights::Verdict::kForbidden) throw http::Forbidden();
    const auto& grant = decision.grant;
    if (!actor.municipal) {
        // Through the placement the access comes through, never another site's.
        const rights::Period* shown = nullptr;
        for (const auto& p : grant.history ? grant.history_periods : standing.periods) {
            if (p.site == grant.site && (grant.history || !p.EndedBefore(day))) shown = &p;
        }
        if (shown) ShowPlacement(tx, *child, *shown, day);
        if (grant.history) {
            child->groups.clear();
            child->fields.group_ids.clear();
        }
    }
    return Reached{std::move(*child), grant, std::move(standing)};
}

namespace {

// Loads a child the actor may reach, auditing the read; 404 for children outside their sites, so that existence
// does not leak.
Reached LoadChildForActor(Ctx& ctx, common::ChildId id, Action action, const char* audit_action) {
    const auto& actor = ctx.RequireActor();
    auto today = common::TokyoDate(ctx.svc.clock.Now());
    auto found = ctx.svc.db.Write([&](db::WriteTx& tx) -> std::optional<Reached> {
        auto reached = ChildForActor(tx, actor, id, action, today);
        if (!reached) return std::nullopt;
        if (audit_action) {
            auth::WriteAudit(tx, ctx.Audit(audit_action, "child", id.value, reached->grant.site), ctx.svc.clock);
        }
        return reached;
    });
    if (!found) throw http::NotFound();
    return std::move(*found);
}

std::string Today(const Ctx& ctx) { return common::FormatDate(common::TokyoDate(ctx.svc.clock.Now())); }

}  // namespace

http::Response Handlers::List(Ctx& ctx) const {
    const auto& actor = ctx.Require(Action::kChildView);
    auto paging = app::ParsePaging(ctx.req);
    ChildFilter filter{actor.Scope(),
                       Today(ctx),
                       std::nullopt,
                       common::FoldForSearch(ctx.req.query.GetOr("q")),
                       ctx.req.query.GetOr("inactive") == "1",
                       ctx.req.query.GetOr("former") == "1"};
    if (auto s = app::ParseId(ctx.req.query.GetOr("site_id"))) filter.site = common::SiteId(*s);
    auto [rows, total] = ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto rows = ListChildren(tx, filter, paging.per_page, paging.Offset());
        auto total = CountChildren(tx, filter);
        // A list of children is personal data too: one audit row per page viewed.
        auth::WriteAudit(tx, ctx.Audit("child.list", "child", std::nullopt, filter.site), ctx.svc.clock);
        return std::make_pair(std::move(rows), total);
    });
    data body;
    data list{data::type::list};
    for (const auto& c : rows) list.push_back(ChildData(ctx, c));
    body.set("children", list);
    if (rows.empty()) body.set("empty", true);
    body.set("q", ctx.req.query.GetOr("q"));
    if (filter.include_inactive) body.set("inactive", true);
    if (filter.include_former) body.set("former", true);
    body.set("sites", SiteOptions(SitesFor(ctx, actor, Action::kChildView), filter.site));
    body.set("pager", app::PagerData(ctx, paging, total));
    if (auth::Can(actor, Action::kChildEdit)) body.set("can_create", true);
    if (auth::Can(actor, Action::kRollover)) body.set("can_rollover", true);
    return app::RenderPage(ctx, list_, "children_title", body);
}

http::Response Handlers::View(Ctx& ctx) const {
    auto id = common::ChildId(app::IdParam(ctx));
    auto reached = LoadChildForActor(ctx, id, Action::kChildView, "child.view");
    const auto& child = reached.child;
    const auto& actor = *ctx.actor;
    const std::string today = Today(ctx);
    data body = ChildData(ctx, child);
    body.set("child_id", child.id.ToString());
    data groups{data::type::list};
    for (const auto& g : child.groups) {
        data d;
        d.set("name", g.name);
        groups.push_back(d);
    }
    body.set("groups", groups);
    if (reached.May(actor, Action::kAttendanceView, today)) body.set("can_attendance", true);
    if (!reached.grant.history && reached.May(actor, Action::kNotebookView, today) &&
        sites::KeepsNotebooks(child.site_kind))
        body.set("can_notebook", true);
    if (reached.grant.history) {
        // A site the child has left: its own days with the child, nothing of the family or of where it went.
        body.set("history", true);
        return app::RenderPage(ctx, view_, "child_title", body);
    }
    // The guardians on the roster, their own accounts (the app) and the registration letter, each guardian's data
    // read audited, in one transaction.
    auto [links, accounts, letter] = ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto links = guardians::GuardiansOfChild(tx, id);
        for (const auto& l : links) {
            auth::WriteAudit(tx, ctx.Audit("guardian.view", "guardian", l.guardian_id.value, reached.grant.site),
                             ctx.svc.clock);
        }
        auto accounts = families::AccountsOfChild(tx, id);
        for (const auto& a : accounts) {
            auth::WriteAudit(tx, ctx.Audit("guardian_account.view", "guardian_account", a.id.value, reached.grant.site),
                             ctx.svc.clock);
        }
        return std::tuple{links, accounts, families::LatestLetter(tx, id, ctx.svc.clock)};
    });
    data glist{data::type::list};
    for (const auto& l : links) {
        data d;
        d.set("id", l.guardian_id.ToString());
        d.set("name", l.name);
        d.set("kana", l.kana);
        d.set("relationship", ctx.T("relationship_" + l.relationship));
        if (!l.active) d.set("inactive", true);
        glist.push_back(d);
    }
    body.set("guardians", glist);
    if (links.empty()) body.set("no_guardians", true);
    bool can_edit = reached.May(actor, Action::kChildEdit, today);
    if (can_edit) body.set("can_edit", true);
    // Linking an existing guardian (a sibling's parent): search among the guardians the actor reaches.
    if (auto q = ctx.req.query.Get("guardian_q"); q && can_edit && !app::Trimmed(*q).empty()) {
        body.set("guardian_q", *q);
        guardians::GuardianFilter f{actor.Scope(), today, common::FoldForSearch(*q), false};
        auto found = ctx.svc.db.Read([&](db::ReadTx& tx) { return guardians::ListGuardians(tx, f, 10, 0); });
        data matches{data::type::list};
        for (const auto& g : found) {
            data d;
            d.set("id", g.id.ToString());
            d.set("name", g.fields.family_name + " " + g.fields.given_name);
            d.set("kana", g.fields.family_kana + " " + g.fields.given_kana);
            matches.push_back(d);
        }
        body.set("matches", matches);
        body.set("searched", true);
        if (found.empty()) body.set("no_matches", true);
    }
    data rels{data::type::list};
    for (const char* r : guardians::kRelationships) {
        data d;
        d.set("value", r);
        d.set("label", ctx.T(std::string("relationship_") + r));
        rels.push_back(d);
    }
    body.set("relationships", rels);
    if (child.active && reached.May(actor, Action::kCardIssue, today)) body.set("can_card", true);
    bool can_letter = reached.May(actor, Action::kLetterIssue, today);
    data alist{data::type::list};
    for (const auto& a : accounts) {
        data d;
        d.set("id", a.id.ToString());
        d.set("name", a.display_name);
        d.set("role", ctx.T("family_role_" + std::string(auth::FamilyRoleName(a.role))));
        d.set("since", a.since.substr(0, 10));
        if (can_letter) d.set("can_end", true);
        alist.push_back(d);
    }
    body.set("accounts", alist);
    if (accounts.empty()) body.set("no_accounts", true);
    if (letter) {
        data l;
        l.set("created_at", letter->created_at.substr(0, 10));
        l.set("expires_at", letter->expires_at.substr(0, 10));
        l.set("state", ctx.T(letter->used      ? "letter_state_used"
                             : letter->revoked ? "letter_state_revoked"
                             : letter->expired ? "letter_state_expired"
                                               : "letter_state_open"));
        body.set("letter", l);
    }
    if (can_letter) body.set("can_letter", true);
    body.set("letter_days_default", std::to_string(families::kDefaultLetterDays));
    return app::RenderPage(ctx, view_, "child_title", body);
}

http::Response Handlers::NewForm(Ctx& ctx) const {
    const auto& actor = ctx.Require(Action::kChildEdit);
    auto sites = SitesFor(ctx, actor, Action::kChildEdit);
    std::optional<common::SiteId> site;
    if (auto s = app::ParseId(ctx.req.query.GetOr("site_id"))) {
        if (!auth::Can(actor, Action::kChildEdit, common::SiteId(*s))) throw http::Forbidden();
        site = common::SiteId(*s);
    } else if (sites.size() == 1) {
        site = sites.front().id;
    }
    if (!site) {
        // The groups offered depend on the site, so the site comes first.
        data body;
        body.set("sites", SiteOptions(sites, std::nullopt));
        body.set("action", "/children/new");
        return app::RenderPage(ctx, choose_site_, "child_new_title", body);
    }
    return RenderForm(ctx, form_, actor, std::nullopt, *site, nullptr, {}, 200);
}

http::Response Handlers::Create(Ctx& ctx) const {
    const auto& actor = ctx.Require(Action::kChildEdit);
    auto v = ValidateChild(ctx, actor, ctx.form);
    if (!v.errors.empty()) {
        auto site = app::ParseId(ctx.form.GetOr("site_id"));
        auto fallback = SitesFor(ctx, actor, Action::kChildEdit);
        common::SiteId shown = site && auth::Can(actor, Action::kChildEdit, common::SiteId(*site))
                                   ? common::SiteId(*site)
                                   : (fallback.empty() ? common::SiteId() : fallback.front().id);
        return RenderForm(ctx, form_, actor, std::nullopt, shown, &ctx.form, v.errors, 422);
    }
    auto id = ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto id = InsertChild(tx, v.in, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit("child.create", "child", id.value, v.in.site_id), ctx.svc.clock);
        return id;
    });
    return http::Response::Redirect("/children/" + id.ToString() + "?notice=saved");
}

http::Response Handlers::EditForm(Ctx& ctx) const {
    auto child = LoadChildForActor(ctx, common::ChildId(app::IdParam(ctx)), Action::kChildEdit, "child.view").child;
    common::SiteId site = child.fields.site_id;
    if (auto s = app::ParseId(ctx.req.query.GetOr("site_id"))) site = common::SiteId(*s);
    if (!auth::Can(*ctx.actor, Action::kChildEdit, site)) throw http::Forbidden();
    return RenderForm(ctx, form_, *ctx.actor, child, site, nullptr, {}, 200);
}

http::Response Handlers::Update(Ctx& ctx) const {
    auto child = LoadChildForActor(ctx, common::ChildId(app::IdParam(ctx)), Action::kChildEdit, nullptr).child;
    const auto& actor = *ctx.actor;
    auto v = ValidateChild(ctx, actor, ctx.form);
    if (!v.errors.empty()) {
        common::SiteId shown = v.errors.Has("site_id") ? child.fields.site_id : v.in.site_id;
        return RenderForm(ctx, form_, actor, child, shown, &ctx.form, v.errors, 422);
    }
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        UpdateChild(tx, child.id, v.in, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit("child.update", "child", child.id.value, v.in.site_id), ctx.svc.clock);
    });
    return http::Response::Redirect("/children/" + child.id.ToString() + "?notice=saved");
}

http::Response Handlers::SetActive(Ctx& ctx, bool active) const {
    auto child = LoadChildForActor(ctx, common::ChildId(app::IdParam(ctx)), Action::kChildEdit, nullptr).child;
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        SetChildActive(tx, child.id, active, ctx.svc.clock);
        auth::WriteAudit(
            tx,
            ctx.Audit(active ? "child.reactivate" : "child.deactivate", "child", child.id.value, child.fields.site_id),
            ctx.svc.clock);
    });
    return http::Response::Redirect("/children/" + child.id.ToString() +
                                    "?notice=" + (active ? "reactivated" : "deactivated"));
}

http::Response Handlers::LinkGuardian(Ctx& ctx) const {
    auto child = LoadChildForActor(ctx, common::ChildId(app::IdParam(ctx)), Action::kChildEdit, nullptr).child;
    const auto& actor = *ctx.actor;
    auto gid = app::ParseId(ctx.form.GetOr("guardian_id"));
    std::string rel = ctx.form.GetOr("relationship");
    if (!gid || !guardians::IsRelationship(rel)) throw http::BadRequest("error_bad_request");
    common::GuardianId guardian(*gid);
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        if (!guardians::GetGuardian(tx, guardian)) throw http::NotFound();
        // A guardian the actor does not reach may not be linked by guessing an id.
        rights::RequireGuardian(tx, actor, guardian, Action::kGuardianView, Today(ctx));
        guardians::LinkGuardian(tx, guardian, child.id, rel, ctx.svc.clock);
        auto ev = ctx.Audit("guardian.link", "guardian", guardian.value, child.fields.site_id);
        auth::WriteAudit(tx, ev, ctx.svc.clock);
    });
    return http::Response::Redirect("/children/" + child.id.ToString() + "?notice=saved");
}

http::Response Handlers::UnlinkGuardian(Ctx& ctx) const {
    auto child = LoadChildForActor(ctx, common::ChildId(app::IdParam(ctx)), Action::kChildEdit, nullptr).child;
    auto gid = app::ParseId(ctx.req.PathParam("guardian_id"));
    if (!gid) throw http::NotFound();
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        guardians::UnlinkGuardian(tx, common::GuardianId(*gid), child.id);
        auth::WriteAudit(tx, ctx.Audit("guardian.unlink", "guardian", *gid, child.fields.site_id), ctx.svc.clock);
    });
    return http::Response::Redirect("/children/" + child.id.ToString() + "?notice=saved");
}

}  // namespace children

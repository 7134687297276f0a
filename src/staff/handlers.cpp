#include "staff/handlers.hpp"

#include <algorithm>

#include "app/validate.hpp"
#include "auth/passwords.hpp"
#include "auth/throttle.hpp"
#include "common/dates.hpp"
#include "rights/rights.hpp"
#include "sites/sites.hpp"
#include "staff/staff.hpp"

namespace staff {

using app::Ctx;
using app::FormErrors;
using auth::Action;
using auth::Role;
using kainjow::mustache::data;

namespace {

// Sites whose staff roles this actor may assign.
std::vector<sites::SiteOption> EditableSites(const Ctx& ctx, const auth::Actor& actor) {
    auto all = ctx.svc.db.Read([&](db::ReadTx& tx) { return sites::ListSiteOptions(tx, actor.Scope()); });
    std::erase_if(all, [&](const sites::SiteOption& s) { return !auth::Can(actor, Action::kStaffEdit, s.id); });
    return all;
}

struct Input {
    std::string login_id;
    std::string display_name;
    std::string password;
    std::string language;
    std::map<common::SiteId, Role> roles;
    std::optional<bool> municipal;  // only when the actor may grant it
};

// With roles_only (an account that also works where the actor may not manage it) only the roles at the actor's
// sites are read; the rest of the account stays as it is.
Input Validate(const Ctx& ctx, const auth::Actor& actor, const std::vector<sites::SiteOption>& editable,
               const std::optional<StaffUser>& existing, bool roles_only, FormErrors& errors) {
    const auto& form = ctx.form;
    Input in;
    if (roles_only) {
        in.display_name = existing->display_name;
        in.language = existing->language;
    }
    if (!existing) {
        in.login_id = app::Trimmed(form.GetOr("login_id"));
        bool ok = in.login_id.size() >= 3 && in.login_id.size() <= 64;
        for (char c : in.login_id) {
            ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-');
        }
        if (in.login_id.empty()) {
            errors.Add("login_id", "error_required");
        } else if (!ok) {
            errors.Add("login_id", "error_login_id");
        } else if (ctx.svc.db.Read([&](db::ReadTx& tx) { return LoginIdTaken(tx, in.login_id); })) {
            errors.Add("login_id", "error_login_id_taken");
        }
    }
    if (!roles_only) {
        in.display_name = app::TextField(form, "display_name", errors, true, 50);
        in.password = form.GetOr("password");
        if (!existing || !in.password.empty()) {
            if (auto bad = auth::CheckPasswordPolicy(in.password, existing ? existing->login_id : in.login_id)) {
                errors.Add("password", *bad);
            }
        }
        in.language = form.GetOr("language", "ja");
        if (in.language != "ja" && in.language != "en") errors.Add("language", "error_choose");
    }
    for (const auto& s : editable) {
        std::string v = form.GetOr("role_" + s.id.ToString());
        if (v.empty()) continue;
        auto role = auth::ParseRole(v);
        if (!role || *role == Role::kMunicipalAdmin) {
            errors.Add("roles", "error_choose");
            continue;
        }
        in.roles[s.id] = *role;
    }
    if (auth::Can(actor, Action::kGrantMunicipal)) in.municipal = form.GetOr("municipal") == "1";
    // Roles the actor cannot change still count towards "has some role".
    bool other_roles =
        existing && (existing->municipal ||
                     std::any_of(existing->site_roles.begin(), existing->site_roles.end(),
                                 [&](const auto& kv) { return !auth::Can(actor, Action::kStaffEdit, kv.first); }));
    if (in.roles.empty() && !in.municipal.value_or(false) && !(other_roles && !in.municipal.has_value())) {
        errors.Add("roles", "error_role_required");
    }
    return in;
}

http::Response RenderForm(Ctx& ctx, const web::TemplateRef& tmpl, const auth::Actor& actor,
                          const std::optional<StaffUser>& user, bool roles_only, const FormErrors& errors, bool posted,
                          int status) {
    auto editable = EditableSites(ctx, actor);
    data body = errors.ToData(ctx);
    std::string lang = posted ? ctx.form.GetOr("language", "ja") : user ? user->language : "ja";
    if (posted) {
        body.set("form", app::FormValues(ctx.form));
    } else if (user) {
        data f;
        f.set("display_name", user->display_name);
        body.set("form", f);
    }
    data langs{data::type::list};
    for (const char* l : {"ja", "en"}) {
        data d;
        d.set("value", l);
        d.set("label", ctx.T(std::string("language_") + l));
        if (lang == l) d.set("selected", true);
        langs.push_back(d);
    }
    body.set("languages", langs);
    data rows{data::type::list};
    for (const auto& s : editable) {
        std::string current;
        if (posted) {
            current = ctx.form.GetOr("role_" + s.id.ToString());
        } else if (user) {
            auto it = user->site_roles.find(s.id);
            if (it != user->site_roles.end()) current = std::string(auth::RoleName(it->second));
        }
        data d;
        d.set("site_id", s.id.ToString());
        d.set("site_name", s.name);
        data opts{data::type::list};
        for (const char* r : {"", "site_manager", "lead", "staff"}) {
            data o;
            o.set("value", r);
            o.set("label", ctx.T(*r ? std::string("role_") + r : std::string("role_none")));
            if (current == r) o.set("selected", true);
            opts.push_back(o);
        }
        d.set("options", opts);
        rows.push_back(d);
    }
    body.set("site_roles", rows);
    if (auth::Can(actor, Action::kGrantMunicipal)) {
        body.set("can_grant_municipal", true);
        bool m = posted ? ctx.form.GetOr("municipal") == "1" : user && user->municipal;
        if (m) body.set("municipal_checked", true);
    }
    if (user) {
        body.set("action", "/staff/" + user->id.ToString());
        body.set("user_id", user->id.ToString());
        body.set("login_id", user->login_id);
        body.set("editing", true);
        if (!user->active) body.set("inactive", true);
        if (roles_only) {
            // The account also works at sites this actor does not manage: only its roles here are theirs to change.
            body.set("roles_only", true);
            body.set("display_name", user->display_name);
            return app::RenderPage(ctx, tmpl, "staff_edit_title", body, status);
        }
        if (user->id != actor.user_id) body.set("can_deactivate", true);
        auto sessions = ctx.svc.db.Read(
            [&](db::ReadTx& tx) { return auth::LiveSessions(tx, user->id, ctx.svc.clock, ctx.svc.session_policy); });
        data list{data::type::list};
        for (const auto& s : sessions) {
            data d;
            d.set("created_at", s.created_at);
            d.set("last_seen_at", s.last_seen_at);
            d.set("address", s.address);
            d.set("user_agent", s.user_agent);
            list.push_back(d);
        }
        body.set("sessions", list);
        if (!sessions.empty()) body.set("has_sessions", true);
        if (user->locked_until) {
            auto until = common::ParseInstant(*user->locked_until);
            if (until && ctx.svc.clock.Now() < *until) {
                // Shown in Tokyo time, as staff read clocks.
                auto tokyo = std::chrono::floor<std::chrono::minutes>(*until + common::kTokyoOffset);
                auto minutes = (tokyo - std::chrono::floor<std::chrono::days>(tokyo)).count();
                body.set("locked_until", common::FormatTimeOfDay(static_cast<int>(minutes)));
            }
        }
    } else {
        body.set("action", "/staff");
    }
    return app::RenderPage(ctx, tmpl, user ? "staff_edit_title" : "staff_new_title", body, status);
}

// The account and whether the actor manages it as a whole, by the one rule (rights::DecideAccount): a municipal
// admin any account; a manager an account whose every role is at a site they manage. An account that also works
// elsewhere: only its roles at the manager's sites (roles_only). Accounts with no role at the actor's sites are 404,
// so that the list of accounts does not leak.
struct Editable {
    StaffUser user;
    bool roles_only = false;
};
Editable LoadForEdit(Ctx& ctx, const auth::Actor& actor) {
    auto id = common::UserId(app::IdParam(ctx));
    auto u = ctx.svc.db.Read([&](db::ReadTx& tx) { return GetStaff(tx, id); });
    if (!u) throw http::NotFound();
    auto verdict = rights::DecideAccount(actor, Action::kStaffEdit, {u->municipal, u->site_roles});
    if (verdict == rights::Verdict::kHidden) throw http::NotFound();
    if (verdict == rights::Verdict::kAllowed) return {*u, false};
    bool some_role_here = !u->municipal && std::any_of(u->site_roles.begin(), u->site_roles.end(), [&](const auto& kv) {
        return rights::MayChangeRoleAt(actor, kv.first);
    });
    if (!some_role_here) throw http::Forbidden();
    return {*u, true};
}

// The whole account (password, sessions, activation, lock): Forbidden unless the actor manages it all.
StaffUser LoadForManaging(Ctx& ctx, const auth::Actor& actor) {
    auto e = LoadForEdit(ctx, actor);
    if (e.roles_only) throw http::Forbidden();
    return e.user;
}

std::vector<common::SiteId> Ids(const std::vector<sites::SiteOption>& sites) {
    std::vector<common::SiteId> out;
    for (const auto& s : sites) out.push_back(s.id);
    return out;
}

}  // namespace

http::Response Handlers::List(Ctx& ctx) const {
    const auto& actor = ctx.Require(Action::kStaffView);
    auto paging = app::ParsePaging(ctx.req);
    StaffFilter filter{actor.Scope(), app::Trimmed(ctx.req.query.GetOr("q")), ctx.req.query.GetOr("inactive") == "1"};
    auto [rows, total] = ctx.svc.db.Read([&](db::ReadTx& tx) {
        return std::make_pair(ListStaff(tx, filter, paging.per_page, paging.Offset()), CountStaff(tx, filter));
    });
    auto site_names = ctx.svc.db.Read([&](db::ReadTx& tx) {
        std::map<common::SiteId, std::string> names;
        for (const auto& s : sites::ListSiteOptions(tx, {}, true)) names[s.id] = s.name;
        return names;
    });
    data list{data::type::list};
    for (const auto& u : rows) {
        data d;
        d.set("id", u.id.ToString());
        d.set("login_id", u.login_id);
        d.set("display_name", u.display_name);
        std::string roles;
        if (u.municipal) roles = ctx.T("role_municipal_admin");
        for (const auto& [site, role] : u.site_roles) {
            if (!roles.empty()) roles += ctx.T("p_comma");
            roles += site_names[site] + ctx.T("p_open") + ctx.T("role_" + std::string(auth::RoleName(role))) +
                     ctx.T("p_close");
        }
        d.set("roles", roles);
        if (!u.active) d.set("inactive", true);
        list.push_back(d);
    }
    data body;
    body.set("users", list);
    if (rows.empty()) body.set("empty", true);
    body.set("q", ctx.req.query.GetOr("q"));
    if (filter.include_inactive) body.set("inactive", true);
    body.set("pager", app::PagerData(ctx, paging, total));
    if (auth::Can(actor, Action::kStaffEdit)) body.set("can_create", true);
    return app::RenderPage(ctx, list_, "staff_title", body);
}

http::Response Handlers::NewForm(Ctx& ctx) const {
    const auto& actor = ctx.Require(Action::kStaffEdit);
    return RenderForm(ctx, form_, actor, std::nullopt, false, {}, false, 200);
}

http::Response Handlers::Create(Ctx& ctx) const {
    const auto& actor = ctx.Require(Action::kStaffEdit);
    auto editable = EditableSites(ctx, actor);
    FormErrors errors;
    auto in = Validate(ctx, actor, editable, std::nullopt, false, errors);
    if (!errors.empty()) return RenderForm(ctx, form_, actor, std::nullopt, false, errors, true, 422);
    std::string hash = auth::HashPassword(in.password);
    common::UserId id;
    try {
        id = ctx.svc.db.Write([&](db::WriteTx& tx) {
            auto id = InsertStaff(tx, in.login_id, in.display_name, hash, in.language, ctx.svc.clock);
            ReplaceRoles(tx, id, Ids(editable), in.roles, in.municipal, ctx.svc.clock);
            auth::WriteAudit(tx, ctx.Audit("staff.create", "staff_user", id.value), ctx.svc.clock);
            return id;
        });
    } catch (const db::ConstraintViolation&) {
        errors.Add("login_id", "error_login_id_taken");  // lost a race with another create of the same id
        return RenderForm(ctx, form_, actor, std::nullopt, false, errors, true, 422);
    }
    return http::Response::Redirect("/staff?notice=saved");
}

http::Response Handlers::EditForm(Ctx& ctx) const {
    const auto& actor = ctx.Require(Action::kStaffEdit);
    auto e = LoadForEdit(ctx, actor);
    return RenderForm(ctx, form_, actor, e.user, e.roles_only, {}, false, 200);
}

http::Response Handlers::Update(Ctx& ctx) const {
    const auto& actor = ctx.Require(Action::kStaffEdit);
    auto [u, roles_only] = LoadForEdit(ctx, actor);
    // A password for an account that also works elsewhere would let this manager sign in as it there.
    if (roles_only && !ctx.form.GetOr("password").empty()) throw http::Forbidden();
    auto editable = EditableSites(ctx, actor);
    FormErrors errors;
    auto in = Validate(ctx, actor, editable, u, roles_only, errors);
    if (u.id == actor.user_id && in.municipal && !*in.municipal) errors.Add("roles", "error_cannot_demote_self");
    if (!errors.empty()) return RenderForm(ctx, form_, actor, u, roles_only, errors, true, 422);
    std::optional<std::string> hash;
    if (!in.password.empty()) hash = auth::HashPassword(in.password);
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        UpdateStaff(tx, u.id, in.display_name, in.language, ctx.svc.clock);
        ReplaceRoles(tx, u.id, Ids(editable), in.roles, in.municipal, ctx.svc.clock);
        if (hash) {
            SetPasswordHash(tx, u.id, *hash, ctx.svc.clock);
            // A changed password ends every session of the account, the changer's own included.
            auth::EndAllSessions(tx, u.id, ctx.svc.clock);
        }
        auth::WriteAudit(tx, ctx.Audit(hash ? "staff.update_password" : "staff.update", "staff_user", u.id.value),
                         ctx.svc.clock);
    });
    if (hash && u.id == actor.user_id) return http::Response::Redirect("/login?notice=password_changed");
    return http::Response::Redirect("/staff?notice=saved");
}

http::Response Handlers::SetActive(Ctx& ctx, bool active) const {
    const auto& actor = ctx.Require(Action::kStaffEdit);
    auto u = LoadForManaging(ctx, actor);
    if (u.id == actor.user_id) throw http::Conflict("error_cannot_deactivate_self");
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        SetStaffActive(tx, u.id, active, ctx.svc.clock);
        if (!active) auth::EndAllSessions(tx, u.id, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit(active ? "staff.reactivate" : "staff.deactivate", "staff_user", u.id.value),
                         ctx.svc.clock);
    });
    return http::Response::Redirect("/staff?notice=" + std::string(active ? "reactivated" : "deactivated"));
}

http::Response Handlers::Unlock(Ctx& ctx) const {
    const auto& actor = ctx.Require(Action::kStaffEdit);
    auto u = LoadForManaging(ctx, actor);
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        auth::UnlockAccount(tx, u.id, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit("staff.unlock", "staff_user", u.id.value), ctx.svc.clock);
    });
    return http::Response::Redirect("/staff/" + u.id.ToString() + "/edit?notice=unlocked");
}

http::Response Handlers::EndSessions(Ctx& ctx) const {
    const auto& actor = ctx.Require(Action::kStaffEdit);
    auto u = LoadForManaging(ctx, actor);
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        auth::EndAllSessions(tx, u.id, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit("staff.end_sessions", "staff_user", u.id.value), ctx.svc.clock);
    });
    if (u.id == actor.user_id) return http::Response::Redirect("/login?notice=signed_out");
    return http::Response::Redirect("/staff/" + u.id.ToString() + "/edit?notice=sessions_ended");
}

http::Response Handlers::OwnPasswordForm(Ctx& ctx) const {
    const auto& actor = ctx.RequireActor();
    data body;
    body.set("login_id", actor.login_id);
    return app::RenderPage(ctx, own_password_, "own_password_title", body);
}

http::Response Handlers::ChangeOwnPassword(Ctx& ctx) const {
    const auto& actor = ctx.RequireActor();
    const std::string current = ctx.form.GetOr("current_password");
    const std::string wanted = ctx.form.GetOr("new_password");
    FormErrors errors;
    // The current password proves that whoever holds this session is the account's owner, not someone at a
    // browser left signed in.
    auto hash = ctx.svc.db.Read([&](db::ReadTx& tx) { return PasswordHashOf(tx, actor.user_id); });
    if (current.empty() || current.size() > 1024 || !auth::VerifyPassword(hash, current)) {
        errors.Add("current_password", "error_current_password");
    }
    if (auto bad = auth::CheckPasswordPolicy(wanted, actor.login_id)) {
        errors.Add("new_password", *bad);
    } else if (wanted == current) {
        errors.Add("new_password", "error_password_unchanged");
    }
    if (ctx.form.GetOr("confirm_password") != wanted) errors.Add("confirm_password", "error_password_mismatch");
    if (!errors.empty()) {
        ctx.svc.db.Write([&](db::WriteTx& tx) {
            auto ev = ctx.Audit("staff.password_own", "staff_user", actor.user_id.value);
            ev.outcome = errors.Has("current_password") ? "failed" : "invalid";
            auth::WriteAudit(tx, ev, ctx.svc.clock);
        });
        data body = errors.ToData(ctx);
        body.set("login_id", actor.login_id);
        return app::RenderPage(ctx, own_password_, "own_password_title", body, 422);
    }
    std::string new_hash = auth::HashPassword(wanted);
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        SetPasswordHash(tx, actor.user_id, new_hash, ctx.svc.clock);
        // Every session ends, this one included: a browser that had the old password is signed out everywhere.
        auth::EndAllSessions(tx, actor.user_id, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit("staff.password_own", "staff_user", actor.user_id.value), ctx.svc.clock);
    });
    return http::Response::Redirect("/login?notice=password_changed");
}

}  // namespace staff

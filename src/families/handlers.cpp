#include "families/handlers.hpp"

#include "app/validate.hpp"
#include "attendance/attendance.hpp"
#include "auth/audit.hpp"
#include "auth/passwords.hpp"
#include "auth/tokens.hpp"
#include "children/children.hpp"
#include "children/handlers.hpp"
#include "common/dates.hpp"
#include "families/families.hpp"
#include "families/letter.hpp"
#include "plans/plans.hpp"
#include "plans/present.hpp"
#include "rights/rights.hpp"
#include "sites/sites.hpp"

namespace families {

using app::Ctx;
using auth::FamilyAction;
using kainjow::mustache::data;

namespace {

const char* kCodeStateKeys[] = {"", "error_code_unknown", "error_code_used", "error_code_expired",
                                "error_code_revoked"};

std::string Today(const Ctx& ctx) { return common::FormatDate(common::TokyoDate(ctx.svc.clock.Now())); }

auth::AuditEvent GuardianAudit(const Ctx& ctx, std::string action, std::optional<common::AccountId> account,
                               std::string outcome = "ok") {
    auto ev = ctx.Audit(std::move(action), "guardian_account", account ? std::optional(account->value) : std::nullopt);
    ev.actor = std::nullopt;
    ev.actor_role = "guardian";
    ev.outcome = std::move(outcome);
    return ev;
}

data LanguageOptions(const Ctx& ctx, const std::string& selected) {
    data list{data::type::list};
    for (const char* l : {"ja", "en"}) {
        data d;
        d.set("value", l);
        d.set("label", ctx.svc.catalogue.Get(l, "language_name"));
        if (selected == l) d.set("selected", true);
        list.push_back(d);
    }
    return list;
}

// Validates the account fields of a registration or invitation form.
struct AccountFields {
    std::string display_name;
    std::string email;
    std::string password;
    std::string language;
};
AccountFields ValidateAccount(const Ctx& ctx, app::FormErrors& errors, bool with_email) {
    AccountFields f;
    f.display_name = app::TextField(ctx.form, "display_name", errors, true, 50);
    if (with_email) f.email = NormaliseEmail(app::EmailField(ctx.form, "email", errors, true));
    f.password = ctx.form.GetOr("password");
    if (auto bad = auth::CheckPasswordPolicy(f.password, f.email)) errors.Add("password", *bad);
    f.language = ctx.form.GetOr("language", "ja");
    if (!ctx.svc.catalogue.HasLanguage(f.language)) errors.Add("language", "error_choose");
    return f;
}

// {errors, has_errors, form}: the errors beside each field and what the user typed.
data WithValues(const Ctx& ctx, const app::FormErrors& errors) {
    data body = errors.ToData(ctx);
    body.set("form", app::FormValues(ctx.form));
    return body;
}

}  // namespace

// ---- Registration from a letter -----------------------------------------------------------------------------------

http::Response Handlers::RenderRegister(Ctx& ctx, const app::FormErrors& errors, int status) const {
    ctx.family_page = true;
    data body = WithValues(ctx, errors);
    if (ctx.req.method == "GET") {
        data values;
        values.set("code", ctx.req.query.GetOr("code"));
        body.set("form", values);
    }
    std::string language = ctx.req.method == "GET" ? ctx.lang : ctx.form.GetOr("language", ctx.lang);
    body.set("languages", LanguageOptions(ctx, language));
    body.set("min_password", std::to_string(auth::kMinPasswordLength));
    if (ctx.guardian) {
        body.set("signed_in", true);
        body.set("display_name", ctx.guardian->display_name);
    }
    return app::RenderPage(ctx, register_, "register_title", body, status);
}

http::Response Handlers::RegisterForm(Ctx& ctx) const { return RenderRegister(ctx, {}, 200); }

http::Response Handlers::Register(Ctx& ctx) const {
    const auto& svc = ctx.svc;
    const std::string& address = ctx.req.remote_address;
    app::FormErrors errors;
    std::string code = ctx.form.GetOr("code");
    // Guessing codes is held back per address before any lookup.
    if (svc.db.Read([&](db::ReadTx& tx) {
            return CodeAttemptsThrottled(tx, address, svc.clock, svc.throttle_policy.code_failures);
        })) {
        svc.db.Write([&](db::WriteTx& tx) {
            auth::WriteAudit(tx, GuardianAudit(ctx, "register.code", std::nullopt, "throttled"), svc.clock);
        });
        errors.Add("code", "error_code_throttled");
        auto res = RenderRegister(ctx, errors, 429);
        res.SetHeader("Retry-After", "3600");
        return res;
    }
    AccountFields account;
    if (!ctx.guardian) account = ValidateAccount(ctx, errors, true);
    if (app::Trimmed(code).empty()) errors.Add("code", "error_required");
    if (!errors.empty()) return RenderRegister(ctx, errors, 422);

    auto letter = svc.db.Read([&](db::ReadTx& tx) { return FindLetter(tx, code, svc.clock); });
    if (letter.state != CodeState::kUsable) {
        svc.db.Write([&](db::WriteTx& tx) {
            RecordCodeAttempt(tx, address, false, svc.clock);
            auth::WriteAudit(tx, GuardianAudit(ctx, "register.code", std::nullopt, "failed"), svc.clock);
        });
        errors.Add("code", kCodeStateKeys[static_cast<int>(letter.state)]);
        return RenderRegister(ctx, errors, 422);
    }

    if (ctx.guardian) {
        // A sibling's letter, entered by a signed-in guardian: linked at once.
        auto child = svc.db.Write([&](db::WriteTx& tx) {
            RecordCodeAttempt(tx, address, true, svc.clock);
            auto c = UseLetter(tx, letter.letter_id, ctx.guardian->account_id, svc.clock);
            auto ev = GuardianAudit(ctx, "register.letter", ctx.guardian->account_id, c ? "ok" : "failed");
            ev.site = letter.site;
            auth::WriteAudit(tx, ev, svc.clock);
            return c;
        });
        if (!child) {
            errors.Add("code", "error_code_used");
            return RenderRegister(ctx, errors, 422);
        }
        return http::Response::Redirect("/family?notice=child_added");
    }

    std::string hash = auth::HashPassword(account.password);
    svc.db.Write([&](db::WriteTx& tx) {
        RecordCodeAttempt(tx, address, true, svc.clock);
        auto start = StartRegistration(tx, account.email, account.display_name, hash, account.language,
                                       letter.letter_id, svc.clock);
        auto ev = GuardianAudit(ctx, start.already_registered ? "register.existing" : "register.start", start.account);
        ev.site = letter.site;
        auth::WriteAudit(tx, ev, svc.clock);
    });
    // The same page whether or not the address already had an account: nobody learns who is registered.
    ctx.family_page = true;
    data body;
    body.set("email", account.email);
    return app::RenderPage(ctx, sent_, "register_sent_title", body, 200);
}

http::Response Handlers::ConfirmForm(Ctx& ctx) const {
    ctx.family_page = true;
    std::string token = ctx.req.query.GetOr("t");
    auto id = auth::VerifyToken(ctx.svc.config.secret, "confirm", token);
    data body;
    body.set("token", token);
    if (!id || !ctx.svc.db.Read([&](db::ReadTx& tx) { return ConfirmationUsable(tx, *id, ctx.svc.clock); })) {
        body.set("error", ctx.T("error_link_unusable"));
        return app::RenderPage(ctx, confirm_, "confirm_title", body, id ? 410 : 404);
    }
    return app::RenderPage(ctx, confirm_, "confirm_title", body, 200);
}

http::Response Handlers::Confirm(Ctx& ctx) const {
    ctx.family_page = true;
    std::string token = ctx.form.GetOr("t");
    auto id = auth::VerifyToken(ctx.svc.config.secret, "confirm", token);
    data body;
    body.set("token", token);
    if (!id) {
        body.set("error", ctx.T("error_link_unusable"));
        return app::RenderPage(ctx, confirm_, "confirm_title", body, 404);
    }
    auto result = ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto r = ConfirmEmail(tx, *id, ctx.svc.clock);
        bool ok = r.outcome == ConfirmOutcome::kConfirmed || r.outcome == ConfirmOutcome::kConfirmedLetterUnusable;
        auth::WriteAudit(tx, GuardianAudit(ctx, "register.confirm", r.account, ok ? "ok" : "failed"), ctx.svc.clock);
        return r;
    });
    if (result.outcome != ConfirmOutcome::kConfirmed && result.outcome != ConfirmOutcome::kConfirmedLetterUnusable) {
        body.set("error", ctx.T("error_link_unusable"));
        return app::RenderPage(ctx, confirm_, "confirm_title", body, 410);
    }
    return SignedIn(ctx, result.account,
                    result.outcome == ConfirmOutcome::kConfirmed ? "/family?notice=registered"
                                                                 : "/family?notice=registered_code_unusable");
}

// ---- Sign-in ------------------------------------------------------------------------------------------------------

http::Response Handlers::SignedIn(Ctx& ctx, common::AccountId account, const std::string& next) const {
    const auto& svc = ctx.svc;
    auto session = svc.db.Write([&](db::WriteTx& tx) {
        if (ctx.guardian) auth::EndSessionIn(tx, auth::kGuardianSessions, ctx.guardian->session_id, svc.clock);
        auth::WriteAudit(tx, GuardianAudit(ctx, "signin.guardian", account), svc.clock);
        // This browser is trusted for the account from now on (its own throttling, not the address's).
        auth::TrustDevice(tx, auth::OwnerKind::kGuardian, account.value, ctx.DeviceToken(), svc.clock);
        return auth::CreateSessionIn(tx, auth::kGuardianSessions, account.value, svc.clock, svc.guardian_session_policy,
                                     ctx.req.remote_address, ctx.req.Header("user-agent"));
    });
    auto res = http::Response::Redirect(next);
    auto max_age = std::chrono::duration_cast<std::chrono::seconds>(svc.guardian_session_policy.absolute).count();
    res.cookies.push_back({app::CookieName(svc.config, app::kFamilySessionCookie), session.token,
                           static_cast<int>(max_age), true, svc.config.secure_cookies, "Lax"});
    return res;
}

http::Response Handlers::LoginForm(Ctx& ctx) const {
    ctx.family_page = true;
    std::string next = app::SafeLocalPath(ctx.req.query.GetOr("next", "/family"));
    if (ctx.guardian) return http::Response::Redirect(next);
    data body;
    body.set("next", next);
    return app::RenderPage(ctx, login_, "family_login_title", body, 200);
}

http::Response Handlers::Login(Ctx& ctx) const {
    ctx.family_page = true;
    const auto& svc = ctx.svc;
    const std::string& address = ctx.req.remote_address;
    std::string email = NormaliseEmail(ctx.form.GetOr("email"));
    std::string password = ctx.form.GetOr("password");
    std::string next = app::SafeLocalPath(ctx.form.GetOr("next", "/family"));
    if (next == "/") next = "/family";
    auto fail = [&](const char* key, int status) {
        data body;
        body.set("next", next);
        body.set("email", email);
        body.set("error", ctx.T(key));
        return app::RenderPage(ctx, login_, "family_login_title", body, status);
    };
    if (email.empty() || password.empty() || email.size() > 254 || password.size() > auth::kMaxPasswordLength) {
        return fail("error_family_signin_failed", 401);
    }
    const std::string device_token = ctx.SentDeviceToken();
    // An address that keeps failing waits (a phone carrier's shared address too) — not a browser this account signed
    // in from before.
    auto wait = svc.db.Read([&](db::ReadTx& tx) {
        if (TrustedGuardianDevice(tx, email, device_token)) return std::chrono::seconds(0);
        return auth::AddressWait(tx, address, svc.clock, svc.throttle_policy);
    });
    if (wait.count() > 0) {
        auto res = fail("error_signin_throttled", 429);
        res.SetHeader("Retry-After", std::to_string(wait.count()));
        return res;
    }
    auto check = svc.db.Read(
        [&](db::ReadTx& tx) { return CheckSignIn(tx, email, password, device_token, svc.clock, svc.throttle_policy); });
    svc.db.Write([&](db::WriteTx& tx) {
        RecordSignIn(tx, email, address, check.device, check.account.has_value(), svc.clock);
        if (!check.account) {
            auth::WriteAudit(
                tx, GuardianAudit(ctx, "signin.guardian", std::nullopt, check.locked ? "locked" : "failed"), svc.clock);
        }
    });
    if (!check.account) return fail("error_family_signin_failed", 401);
    return SignedIn(ctx, *check.account, next);
}

http::Response Handlers::Logout(Ctx& ctx) const {
    if (ctx.guardian) {
        ctx.svc.db.Write([&](db::WriteTx& tx) {
            auth::EndSessionIn(tx, auth::kGuardianSessions, ctx.guardian->session_id, ctx.svc.clock);
            auth::WriteAudit(tx, GuardianAudit(ctx, "signout.guardian", ctx.guardian->account_id), ctx.svc.clock);
        });
    }
    auto res = http::Response::Redirect("/family/login?notice=signed_out");
    res.cookies.push_back({app::CookieName(ctx.svc.config, app::kFamilySessionCookie), "", 0, true,
                           ctx.svc.config.secure_cookies, "Lax"});
    return res;
}

// ---- Home -----------------------------------------------------------------------------------------------------------

http::Response Handlers::Home(Ctx& ctx) const {
    ctx.family_page = true;
    const auto& g = ctx.RequireGuardian();
    auto today = Today(ctx);
    const auto now = ctx.svc.clock.Now();
    const auto day = common::TokyoDate(now);
    const auto week_end = common::Date{std::chrono::sys_days(day) + std::chrono::days(7)};
    struct Extra {
        attendance::DayState state;
        std::vector<plans::StoredPlan> plans;
    };
    auto [kids, members, extras] = ctx.svc.db.Read([&](db::ReadTx& tx) {
        auto kids = ChildrenOfAccount(tx, g.account_id, today);
        std::vector<std::vector<LinkedAccount>> members;
        std::vector<Extra> extras;
        for (const auto& k : kids) {
            members.push_back(AccountsOfChild(tx, k.id));
            extras.push_back({attendance::ChildDay(tx, k.id, today), plans::PlansOfChild(tx, k.id, day, week_end)});
        }
        return std::tuple{kids, members, extras};
    });
    data body;
    body.set("display_name", g.display_name);
    data list{data::type::list};
    bool can_invite = false, entrance = false;
    for (std::size_t i = 0; i < kids.size(); ++i) {
        const auto& k = kids[i];
        entrance = entrance || sites::TakesFamilyStamps(k.site_kind);
        data d;
        if (sites::KeepsNotebooks(k.site_kind)) d.set("notebook", true);
        d.set("id", k.id.ToString());
        d.set("name", k.name);
        d.set("kana", k.kana);
        d.set("site_name", k.site_name);
        d.set("role", ctx.T("family_role_" + std::string(auth::FamilyRoleName(k.role))));
        data mlist{data::type::list};
        const bool manages = g.Can(FamilyAction::kFamilyInvite, k.id);
        for (const auto& m : members[i]) {
            data md;
            md.set("name", m.display_name);
            md.set("role", ctx.T("family_role_" + std::string(auth::FamilyRoleName(m.role))));
            if (m.id == g.account_id) md.set("me", true);
            if (m.role == auth::FamilyRole::kFamily) {
                md.set("reports", ctx.T(m.may_report ? "family_may_report" : "family_may_not_report"));
                // The full guardian switches it; the button says what it will do.
                if (manages) {
                    md.set("account", m.id.ToString());
                    md.set("allow", m.may_report ? "0" : "1");
                    md.set("switch", ctx.T(m.may_report ? "family_reporting_stop" : "family_reporting_allow"));
                }
            }
            mlist.push_back(md);
        }
        d.set("members", mlist);
        // Today: in since / left at, else what the plan says.
        const auto& x = extras[i];
        std::string state;
        const plans::StoredPlan* today_plan = nullptr;
        for (const auto& p : x.plans) {
            if (p.date == today) today_plan = &p;
        }
        if (x.state.state == attendance::State::kIn) {
            state = ctx.T("family_state_in") + " " + common::FormatTokyoTime(*x.state.in_at);
            d.set("state", "in");
        } else if (x.state.state == attendance::State::kLeft) {
            state = ctx.T("family_state_left") + " " + common::FormatTokyoTime(*x.state.out_at);
            d.set("state", "left");
        } else if (today_plan && !today_plan->plan.attending) {
            state = ctx.T("family_state_absent");
            d.set("state", "absent");
        } else if (today_plan) {
            state = ctx.T("family_state_expected");
            d.set("state", "expected");
        } else {
            state = ctx.T("family_state_none");
            d.set("state", "none");
        }
        d.set("today_state", state);
        data upcoming{data::type::list};
        for (const auto& p : x.plans) {
            if (p.date == today) continue;
            data u;
            u.set("date", plans::DateLabel(ctx, *common::ParseDate(p.date)));
            u.set("what", plans::PlanSummary(ctx, p));
            upcoming.push_back(u);
        }
        d.set("upcoming", upcoming);
        if (x.plans.empty() || (x.plans.size() == 1 && today_plan)) d.set("no_upcoming", true);
        if (g.Can(FamilyAction::kAbsenceReport, k.id)) d.set("can_contact", true);
        list.push_back(d);
        can_invite = can_invite || g.Can(FamilyAction::kFamilyInvite, k.id);
    }
    body.set("children", list);
    if (kids.empty()) body.set("no_children", true);
    if (can_invite) body.set("can_invite", true);
    if (entrance) body.set("entrance", true);  // a nursery's entrance takes the family pass
    return app::RenderPage(ctx, home_, "family_home_title", body, 200);
}

// ---- Family invitations -----------------------------------------------------------------------------------------

http::Response Handlers::RenderInvite(Ctx& ctx, const app::FormErrors& errors, int status) const {
    ctx.family_page = true;
    const auto& g = ctx.RequireGuardian();
    auto kids = ctx.svc.db.Read([&](db::ReadTx& tx) { return ChildrenOfAccount(tx, g.account_id, Today(ctx)); });
    data body = WithValues(ctx, errors);
    auto chosen = ctx.form.GetAll("child_id");
    data list{data::type::list};
    for (const auto& k : kids) {
        if (!g.Can(FamilyAction::kFamilyInvite, k.id)) continue;
        data d;
        d.set("id", k.id.ToString());
        d.set("name", k.name);
        bool checked =
            ctx.req.method == "GET" || std::find(chosen.begin(), chosen.end(), k.id.ToString()) != chosen.end();
        if (checked) d.set("checked", true);
        list.push_back(d);
    }
    body.set("children", list);
    std::string role = ctx.form.GetOr("role", "family");
    body.set(role == "full" ? "role_full" : "role_family", true);
    return app::RenderPage(ctx, invite_, "family_invite_title", body, status);
}

http::Response Handlers::InviteForm(Ctx& ctx) const {
    const auto& g = ctx.RequireGuardian();
    bool any = false;
    for (const auto& [child, _] : g.children) any = any || g.Can(FamilyAction::kFamilyInvite, child);
    if (!any) throw http::Forbidden();
    return RenderInvite(ctx, {}, 200);
}

http::Response Handlers::Invite(Ctx& ctx) const {
    const auto& g = ctx.RequireGuardian();
    app::FormErrors errors;
    std::string email = NormaliseEmail(app::EmailField(ctx.form, "email", errors, true));
    auto role = auth::ParseFamilyRole(ctx.form.GetOr("role"));
    if (!role) errors.Add("role", "error_choose");
    std::vector<common::ChildId> children;
    for (const auto& v : ctx.form.GetAll("child_id")) {
        auto id = app::ParseId(v);
        if (!id) throw http::BadRequest("error_bad_request");
        // Only their own children, and only where they may invite: another family's child is "not found".
        ctx.RequireFamily(FamilyAction::kFamilyInvite, common::ChildId(*id));
        children.push_back(common::ChildId(*id));
    }
    if (children.empty()) errors.Add("child_id", "error_choose_child");
    if (!email.empty() && email == g.email) errors.Add("email", "error_invite_self");
    if (!errors.empty()) return RenderInvite(ctx, errors, 422);
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto id = CreateInvitation(tx, g.account_id, email, *role, children, ctx.svc.clock);
        auto ev = GuardianAudit(ctx, "family.invite", g.account_id);
        ev.target_kind = "family_invitation";
        ev.target_id = id;
        auth::WriteAudit(tx, ev, ctx.svc.clock);
    });
    return http::Response::Redirect("/family?notice=invitation_sent");
}

// The full guardian lets a family member (a grandparent, say) report absences and changes for the child, or stops it.
http::Response Handlers::SetReporting(Ctx& ctx) const {
    const auto& g = ctx.RequireGuardian();
    auto child = common::ChildId(app::IdParam(ctx));
    auto account = common::AccountId(app::IdParam(ctx, "account_id"));
    ctx.RequireFamily(FamilyAction::kFamilyInvite, child);
    bool allow = ctx.form.GetOr("allow") == "1";
    bool changed = ctx.svc.db.Write([&](db::WriteTx& tx) {
        if (!SetMayReport(tx, child, account, allow)) return false;
        auto ev = GuardianAudit(ctx, allow ? "family.reporting_allow" : "family.reporting_stop", g.account_id);
        ev.target_kind = "guardian_account";
        ev.target_id = account.value;
        auth::WriteAudit(tx, ev, ctx.svc.clock);
        return true;
    });
    if (!changed) throw http::NotFound();
    return http::Response::Redirect("/family?notice=saved#child-" + child.ToString());
}

http::Response Handlers::RenderInvitation(Ctx& ctx, const std::string& token, const app::FormErrors& errors,
                                          int status) const {
    ctx.family_page = true;
    auto id = auth::VerifyToken(ctx.svc.config.secret, "invite", token);
    data body = WithValues(ctx, errors);
    body.set("token", token);
    auto inv =
        id ? ctx.svc.db.Read([&](db::ReadTx& tx) { return GetInvitation(tx, *id, ctx.svc.clock); }) : std::nullopt;
    if (!inv || !inv->Usable()) {
        body.set("error", ctx.T("error_link_unusable"));
        return app::RenderPage(ctx, invitation_, "invitation_title", body, inv ? 410 : 404);
    }
    body.set("inviter", inv->inviter_name);
    body.set("role", ctx.T("family_role_" + std::string(auth::FamilyRoleName(inv->role))));
    body.set("email", inv->email);
    if (ctx.guardian) {
        if (ctx.guardian->email == inv->email) {
            body.set("accept", true);
        } else {
            body.set("other_account", true);
        }
    } else if (ctx.svc.db.Read([&](db::ReadTx& tx) { return FindAccountByEmail(tx, inv->email); })) {
        body.set("sign_in_first", true);
        body.set("login_next", http::UrlEncode("/family/invitation?t=" + token));
    } else {
        body.set("create", true);
        body.set("languages", LanguageOptions(ctx, ctx.form.GetOr("language", ctx.lang)));
        body.set("min_password", std::to_string(auth::kMinPasswordLength));
    }
    return app::RenderPage(ctx, invitation_, "invitation_title", body, status);
}

http::Response Handlers::InvitationPage(Ctx& ctx) const {
    return RenderInvitation(ctx, ctx.req.query.GetOr("t"), {}, 200);
}

http::Response Handlers::AcceptInvitation(Ctx& ctx) const {
    const auto& svc = ctx.svc;
    std::string token = ctx.form.GetOr("t");
    auto id = auth::VerifyToken(svc.config.secret, "invite", token);
    auto inv = id ? svc.db.Read([&](db::ReadTx& tx) { return GetInvitation(tx, *id, svc.clock); }) : std::nullopt;
    if (!inv || !inv->Usable()) return RenderInvitation(ctx, token, {}, 410);
    if (ctx.guardian) {
        if (ctx.guardian->email != inv->email) return RenderInvitation(ctx, token, {}, 403);
        bool accepted = svc.db.Write([&](db::WriteTx& tx) {
            if (!families::AcceptInvitation(tx, *inv, ctx.guardian->account_id, svc.clock)) return false;
            auth::WriteAudit(tx, GuardianAudit(ctx, "family.accept", ctx.guardian->account_id), svc.clock);
            return true;
        });
        if (!accepted) return RenderInvitation(ctx, token, {}, 410);
        return http::Response::Redirect("/family?notice=invitation_accepted");
    }
    if (svc.db.Read([&](db::ReadTx& tx) { return FindAccountByEmail(tx, inv->email); })) {
        return RenderInvitation(ctx, token, {}, 409);  // it says to sign in first
    }
    app::FormErrors errors;
    auto fields = ValidateAccount(ctx, errors, false);
    if (auto bad = auth::CheckPasswordPolicy(fields.password, inv->email); bad && !errors.Has("password")) {
        errors.Add("password", *bad);
    }
    if (!errors.empty()) return RenderInvitation(ctx, token, errors, 422);
    std::string hash = auth::HashPassword(fields.password);
    // The link proves the address: the account is confirmed at once. If the invitation closed meanwhile, the new
    // account is rolled back with it.
    struct Closed {};
    try {
        auto account = svc.db.Write([&](db::WriteTx& tx) {
            auto account =
                CreateConfirmedAccount(tx, inv->email, fields.display_name, hash, fields.language, svc.clock);
            if (!families::AcceptInvitation(tx, *inv, account, svc.clock)) throw Closed{};
            auth::WriteAudit(tx, GuardianAudit(ctx, "family.accept", account), svc.clock);
            return account;
        });
        return SignedIn(ctx, account, "/family?notice=invitation_accepted");
    } catch (const Closed&) {
        return RenderInvitation(ctx, token, {}, 410);
    }
}

// ---- Staff: letters and links --------------------------------------------------------------------------------------

namespace {

int LetterDays(const Ctx& ctx) {
    app::FormErrors errors;
    auto days = app::IntField(ctx.form, "days", errors, 1, kMaxLetterDays);
    if (!errors.empty()) throw http::HttpError(422, "error_letter_days");
    return days.value_or(kDefaultLetterDays);
}

LetterContent ContentFor(const Ctx& ctx, const children::Child& child, const sites::Site& site,
                         const IssuedLetter& issued) {
    const std::string& base = ctx.svc.config.public_url;
    LetterContent l;
    l.child_name = child.fields.family_name + " " + child.fields.given_name;
    l.child_kana = child.fields.family_kana + " " + child.fields.given_kana;
    l.site_name = site.fields.name;
    l.site_phone = site.fields.phone;
    l.code = issued.code;
    l.url = base + "/register?code=" + issued.code;
    l.register_url = base + "/register";
    l.expires_on = common::FormatDate(common::TokyoDate(issued.expires_at - std::chrono::seconds(1)));
    l.issued_on = Today(ctx);
    return l;
}

}  // namespace

http::Response Handlers::ChildLetter(Ctx& ctx) const {
    const auto& actor = ctx.RequireActor();
    auto id = common::ChildId(app::IdParam(ctx));
    int days = LetterDays(ctx);
    auto today = common::TokyoDate(ctx.svc.clock.Now());
    auto content = ctx.svc.db.Write([&](db::WriteTx& tx) -> std::optional<LetterContent> {
        auto reached = children::ChildForActor(tx, actor, id, auth::Action::kLetterIssue, today);
        if (!reached || !reached->child.active) return std::nullopt;
        auto site = sites::GetSite(tx, reached->grant.site);
        if (!site) throw http::HttpError(422, "error_child_without_site");
        auto issued = IssueLetter(tx, id, site->id, actor.user_id, days, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit("letter.issue", "child", id.value, site->id), ctx.svc.clock);
        return ContentFor(ctx, reached->child, *site, issued);
    });
    if (!content) throw http::NotFound();
    return app::Download(RenderLetters({*content}), "application/pdf", "letter-" + id.ToString() + ".pdf");
}

http::Response Handlers::SiteLetters(Ctx& ctx) const {
    auto site_id = app::SiteIdParam(ctx);
    const auto& actor = ctx.RequireAtSite(auth::Action::kLetterIssue, site_id);
    int days = LetterDays(ctx);
    bool only_unregistered = ctx.form.GetOr("only_unregistered") == "1";
    auto today = common::TokyoDate(ctx.svc.clock.Now());
    auto letters = ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto site = sites::GetSite(tx, site_id);
        if (!site) throw http::NotFound();
        // The children at the site today or from a later date, each by the same rule as one child's letter (a child
        // also at a site this actor does not manage gets its letter from the city office).
        const std::string day = common::FormatDate(today);
        children::ChildFilter filter{actor.Scope(), day, site_id, "", false, false};
        auto list = children::ListChildren(tx, filter, 5000, 0);
        std::vector<common::ChildId> ids;
        for (const auto& c : list) ids.push_back(c.id);
        auto standings = rights::LoadStandings(tx, ids);
        std::vector<LetterContent> out;
        for (const auto& c : list) {
            if (rights::DecideChild(actor, auth::Action::kLetterIssue, standings.at(c.id), day).verdict !=
                rights::Verdict::kAllowed) {
                continue;
            }
            if (only_unregistered && !AccountsOfChild(tx, c.id).empty()) continue;
            auto issued = IssueLetter(tx, c.id, site_id, actor.user_id, days, ctx.svc.clock);
            auth::WriteAudit(tx, ctx.Audit("letter.issue", "child", c.id.value, site_id), ctx.svc.clock);
            out.push_back(ContentFor(ctx, c, *site, issued));
        }
        return out;
    });
    if (letters.empty()) return http::Response::Redirect("/sites/" + site_id.ToString() + "?notice=no_letters");
    return app::Download(RenderLetters(letters), "application/pdf", "letters-site-" + site_id.ToString() + ".pdf");
}

http::Response Handlers::EndLink(Ctx& ctx) const {
    const auto& actor = ctx.RequireActor();
    auto child = common::ChildId(app::IdParam(ctx));
    auto account = common::AccountId(app::IdParam(ctx, "account_id"));
    auto today = common::TokyoDate(ctx.svc.clock.Now());
    bool found = ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto reached = children::ChildForActor(tx, actor, child, auth::Action::kLetterIssue, today);
        if (!reached) return false;
        if (!EndChildLink(tx, account, child, ctx.svc.clock)) return false;
        auto ev = ctx.Audit("family.link_end", "child", child.value, reached->grant.site);
        auth::WriteAudit(tx, ev, ctx.svc.clock);
        return true;
    });
    if (!found) throw http::NotFound();
    return http::Response::Redirect("/children/" + child.ToString() + "?notice=link_ended");
}

}  // namespace families

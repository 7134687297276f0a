#include "app/second_factor.hpp"

#include "auth/mfa.hpp"
#include "auth/throttle.hpp"
#include "auth/totp.hpp"

namespace app {

using kainjow::mustache::data;

namespace {

std::string Next(const Ctx& ctx) {
    return SafeLocalPath(ctx.req.method == "POST" ? ctx.form.GetOr("next") : ctx.req.query.GetOr("next"));
}

// The half-signed-in session is replaced by a full one with a new token, so a token seen before the second
// factor is worth nothing after it.
http::Response OpenFullSession(Ctx& ctx, db::WriteTx& tx, const auth::Actor& who, http::Response res) {
    auth::EndSession(tx, who.session_id, ctx.svc.clock);
    // Signed in fully: this browser is trusted for the account from now on.
    auth::TrustDevice(tx, auth::OwnerKind::kStaff, who.user_id.value, ctx.DeviceToken(), ctx.svc.clock);
    auto s = auth::CreateSession(tx, who.user_id, ctx.svc.clock, ctx.svc.session_policy, ctx.req.remote_address,
                                 ctx.req.Header("user-agent"), false);
    res.cookies.push_back(
        {CookieName(ctx.svc.config, auth::kSessionCookie), s.token, -1, true, ctx.svc.config.secure_cookies, "Lax"});
    return res;
}

auth::AuditEvent Event(const Ctx& ctx, const auth::Actor& who, std::string action, std::string outcome) {
    auto ev = ctx.Audit(std::move(action), "staff_user", who.user_id.value);
    ev.actor = who.user_id;
    ev.actor_role = std::string(auth::RoleName(who.PrimaryRole()));
    ev.outcome = std::move(outcome);
    return ev;
}

}  // namespace

http::Response SecondFactorHandlers::VerifyForm(Ctx& ctx) const {
    if (ctx.actor) return http::Response::Redirect(Next(ctx));
    if (!ctx.pending) return http::Response::Redirect("/login");
    if (!ctx.svc.db.Read([&](db::ReadTx& tx) { return auth::MfaEnrolled(tx, ctx.pending->user_id); })) {
        return http::Response::Redirect("/mfa/setup?next=" + http::UrlEncode(Next(ctx)));
    }
    data body;
    body.set("next", Next(ctx));
    return RenderPage(ctx, verify_, "mfa_verify_title", body);
}

http::Response SecondFactorHandlers::Verify(Ctx& ctx) const {
    if (!ctx.pending) return http::Response::Redirect("/login");
    const auto& who = *ctx.pending;
    std::string code = Trimmed(ctx.form.GetOr("code"));
    std::optional<http::Response> done;
    bool locked = false;
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto device = auth::TrustedDevice(tx, auth::OwnerKind::kStaff, who.user_id.value, ctx.SentDeviceToken());
        if (!code.empty() && code.size() < 32 &&
            auth::VerifySecondFactor(tx, *ctx.svc.config.data_keys, who.user_id, code, ctx.svc.clock)) {
            auth::RecordSignInAttempt(tx, who.login_id, who.user_id, ctx.req.remote_address, device, true,
                                      ctx.svc.clock, ctx.svc.throttle_policy);
            auth::WriteAudit(tx, Event(ctx, who, "signin", "ok"), ctx.svc.clock);
            done = OpenFullSession(ctx, tx, who, http::Response::Redirect(Next(ctx)));
            return;
        }
        // A wrong code counts like a wrong password: against the account from an untrusted browser, against the
        // browser itself from a trusted one.
        locked = auth::RecordSignInAttempt(tx, who.login_id, who.user_id, ctx.req.remote_address, device, false,
                                           ctx.svc.clock, ctx.svc.throttle_policy);
        auth::WriteAudit(tx, Event(ctx, who, "signin.second_factor", "failed"), ctx.svc.clock);
        if (locked) auth::WriteAudit(tx, Event(ctx, who, "account.locked", "ok"), ctx.svc.clock);
        if (device && auth::DeviceHeldBack(tx, *device, ctx.svc.clock, ctx.svc.throttle_policy)) locked = true;
        if (locked) auth::EndSession(tx, who.session_id, ctx.svc.clock);
    });
    if (done) return *done;
    if (locked) return http::Response::Redirect("/login");
    data body;
    body.set("next", Next(ctx));
    body.set("error", ctx.T("error_mfa_code"));
    return RenderPage(ctx, verify_, "mfa_verify_title", body, 401);
}

http::Response SecondFactorHandlers::SetupForm(Ctx& ctx) const {
    const auth::Actor* who = ctx.actor ? &*ctx.actor : ctx.pending ? &*ctx.pending : nullptr;
    if (!who) throw http::Unauthorized();
    auto secret = ctx.svc.db.Write([&](db::WriteTx& tx) -> std::optional<std::string> {
        if (auth::MfaEnrolled(tx, who->user_id)) return std::nullopt;
        return auth::PendingMfaSecret(tx, *ctx.svc.config.data_keys, who->user_id, ctx.svc.clock);
    });
    if (!secret)
        return http::Response::Redirect(ctx.actor ? "/?notice=mfa_already" : "/mfa?next=" + http::UrlEncode(Next(ctx)));
    data body;
    body.set("next", Next(ctx));
    // Server-made SVG, no user text in it: safe to place unescaped.
    body.set("qr_svg", auth::QrSvg(auth::OtpauthUri("tadaima", who->login_id, *secret)));
    std::string grouped;
    for (std::size_t i = 0; i < secret->size(); i += 4) grouped += (i ? " " : "") + secret->substr(i, 4);
    body.set("secret", grouped);
    if (ctx.req.method == "POST") body.set("error", ctx.T("error_mfa_code"));
    return RenderPage(ctx, setup_, "mfa_setup_title", body, ctx.req.method == "POST" ? 422 : 200);
}

http::Response SecondFactorHandlers::Setup(Ctx& ctx) const {
    const auth::Actor* who = ctx.actor ? &*ctx.actor : ctx.pending ? &*ctx.pending : nullptr;
    if (!who) throw http::Unauthorized();
    std::string code = Trimmed(ctx.form.GetOr("code"));
    std::optional<http::Response> done;
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto codes = auth::ConfirmMfa(tx, *ctx.svc.config.data_keys, who->user_id, code, ctx.svc.clock);
        if (!codes) return;
        auth::WriteAudit(tx, Event(ctx, *who, "mfa.enrol", "ok"), ctx.svc.clock);
        data body;
        body.set("next", Next(ctx));
        data list{data::type::list};
        for (const auto& c : *codes) list.push_back(data("code", c));
        body.set("codes", list);
        auto page = RenderPage(ctx, codes_, "mfa_codes_title", body);
        if (ctx.pending) {
            auth::WriteAudit(tx, Event(ctx, *who, "signin", "ok"), ctx.svc.clock);
            done = OpenFullSession(ctx, tx, *who, std::move(page));
        } else {
            done = std::move(page);
        }
    });
    if (done) return *done;
    return SetupForm(ctx);  // the code did not match: the same page, with the error
}

}  // namespace app

#include "app/core_handlers.hpp"

#include <algorithm>

#include <boost/json/serialize.hpp>

#include "app/app.hpp"
#include "app/metrics.hpp"
#include "attendance/attendance.hpp"
#include "auth/audit.hpp"
#include "auth/mfa.hpp"
#include "common/dates.hpp"
#include "common/random.hpp"
#include "db/migrate.hpp"
#include "http/errors.hpp"
#include "jobs/jobs.hpp"
#include "sites/sites.hpp"

namespace app {

using kainjow::mustache::data;

namespace {

http::Response RenderLogin(Ctx& ctx, const web::TemplateRef& tmpl, const std::string& error_key, int status) {
    data body;
    body.set("next", SafeLocalPath(ctx.req.method == "POST" ? ctx.form.GetOr("next") : ctx.req.query.GetOr("next")));
    body.set("login_id", ctx.form.GetOr("login_id"));
    if (!error_key.empty()) body.set("error", ctx.T(error_key));
    return RenderPage(ctx, tmpl, "login_title", body, status);
}

}  // namespace

http::Response CoreHandlers::LoginForm(Ctx& ctx) const {
    if (ctx.actor) return http::Response::Redirect(SafeLocalPath(ctx.req.query.GetOr("next")));
    return RenderLogin(ctx, login_, "", 200);
}

http::Response CoreHandlers::Login(Ctx& ctx) const {
    const auto& svc = ctx.svc;
    const std::string& address = ctx.req.remote_address;
    std::string login_id = Trimmed(ctx.form.GetOr("login_id"));
    std::string password = ctx.form.GetOr("password");
    auto audit = [&](std::string outcome, std::optional<common::UserId> user, std::string action = "signin") {
        auto ev = ctx.Audit(std::move(action), "staff_user", user ? std::optional(user->value) : std::nullopt);
        ev.actor = user;
        ev.outcome = std::move(outcome);
        return ev;
    };
    if (login_id.empty() || password.empty() || login_id.size() > 64 || password.size() > 1024) {
        return RenderLogin(ctx, login_, "error_signin_failed", 401);
    }
    const std::string device_token = ctx.SentDeviceToken();
    // An address spraying failures across accounts waits, before any password is checked — unless this browser is
    // one the account signed in from before.
    auto wait = svc.db.Read([&](db::ReadTx& tx) {
        if (auth::TrustedStaffDevice(tx, login_id, device_token)) return std::chrono::seconds(0);
        return auth::AddressWait(tx, address, svc.clock, svc.throttle_policy);
    });
    if (wait.count() > 0) {
        svc.db.Write([&](db::WriteTx& tx) { auth::WriteAudit(tx, audit("throttled", std::nullopt), svc.clock); });
        auto res = RenderLogin(ctx, login_, "error_signin_throttled", 429);
        res.SetHeader("Retry-After", std::to_string(wait.count()));
        return res;
    }
    // Unknown, wrong and held back all get the same answer after the same hashing work.
    auto check = svc.db.Read([&](db::ReadTx& tx) {
        return auth::CheckCredentials(tx, login_id, password, device_token, svc.clock, svc.throttle_policy);
    });
    std::optional<auth::NewSession> session;
    bool second_factor = false;
    svc.db.Write([&](db::WriteTx& tx) {
        std::optional<auth::Actor> actor;
        if (check.user) actor = auth::LoadActor(tx, *check.user);  // an account without any role cannot sign in
        bool ok = actor.has_value();
        bool locked_now = auth::RecordSignInAttempt(tx, login_id, check.known, address, check.device, ok, svc.clock,
                                                    svc.throttle_policy);
        // Admins and managers, and anyone who set one up, pass a second factor before the session opens.
        second_factor = ok && (auth::MfaRequired(*actor) || auth::MfaEnrolled(tx, *check.user));
        auto ev = audit(ok ? "ok" : (check.locked ? "locked" : "failed"), check.known,
                        second_factor ? "signin.password" : "signin");
        if (actor) ev.actor_role = std::string(auth::RoleName(actor->PrimaryRole()));
        auth::WriteAudit(tx, ev, svc.clock);
        if (locked_now) auth::WriteAudit(tx, audit("ok", check.known, "account.locked"), svc.clock);
        if (ok) {
            session = auth::CreateSession(tx, *check.user, svc.clock, svc.session_policy, address,
                                          ctx.req.Header("user-agent"), second_factor);
            // Signed in fully: this browser is trusted for the account from now on.
            if (!second_factor)
                auth::TrustDevice(tx, auth::OwnerKind::kStaff, check.user->value, ctx.DeviceToken(), svc.clock);
        }
    });
    if (!session) return RenderLogin(ctx, login_, "error_signin_failed", 401);
    std::string next = SafeLocalPath(ctx.form.GetOr("next"));
    auto res = http::Response::Redirect(second_factor ? "/mfa?next=" + http::UrlEncode(next) : next);
    res.cookies.push_back(
        {CookieName(svc.config, auth::kSessionCookie), session->token, -1, true, svc.config.secure_cookies, "Lax"});
    return res;
}

http::Response CoreHandlers::Logout(Ctx& ctx) const {
    if (const auto* who = ctx.actor ? &*ctx.actor : ctx.pending ? &*ctx.pending : nullptr) {
        ctx.svc.db.Write([&](db::WriteTx& tx) {
            auth::EndSession(tx, who->session_id, ctx.svc.clock);
            auth::WriteAudit(tx, ctx.Audit("signout", "staff_user", who->user_id.value), ctx.svc.clock);
        });
    }
    auto res = http::Response::Redirect("/login?notice=signed_out");
    res.cookies.push_back(
        {CookieName(ctx.svc.config, auth::kSessionCookie), "", 0, true, ctx.svc.config.secure_cookies, "Lax"});
    return res;
}

http::Response CoreHandlers::Home(Ctx& ctx) const {
    const auto& actor = ctx.Require(auth::Action::kSiteView);
    sites::SiteFilter filter{actor.municipal ? common::SiteScope{} : common::SiteScope{actor.user_id}, "", false};
    const auto today = common::FormatDate(common::TokyoDate(ctx.svc.clock.Now()));
    auto [rows, total] = ctx.svc.db.Read([&](db::ReadTx& tx) {
        return std::make_pair(sites::ListSites(tx, filter, 12, 0, today), sites::CountSites(tx, filter));
    });
    data body;
    body.set("display_name", actor.display_name);
    data list{data::type::list};
    for (const auto& s : rows) {
        data d;
        d.set("id", s.id.ToString());
        d.set("name", s.fields.name);
        d.set("kind_label", ctx.T("site_kind_" + s.fields.kind));
        d.set("child_count", std::to_string(s.child_count));
        list.push_back(d);
    }
    body.set("sites", list);
    body.set("site_total", std::to_string(total));
    if (total > static_cast<std::int64_t>(rows.size())) body.set("more_sites", true);
    if (auth::Can(actor, auth::Action::kChildEdit)) body.set("can_add_child", true);
    // What to do now at each site the account works at (the city's overview of every site is its own page): open
    // alerts, families' contacts not yet confirmed, conversations waiting for an answer, and who is here.
    data todo{data::type::list};
    bool anything = false;
    ctx.svc.db.Read([&](db::ReadTx& tx) {
        for (const auto& [site, role] : actor.site_roles) {
            auto name = tx.QueryOptional("SELECT name FROM site WHERE id = ? AND deactivated_at IS NULL", site);
            if (!name) continue;
            auto n = [&](const char* sql) { return tx.QueryOne(sql, site, today).Int(0); };
            auto alerts =
                n("SELECT COUNT(DISTINCT child_id) FROM child_alert WHERE site_id = ? AND alert_date = ? "
                  "AND resolved_at IS NULL");
            auto contacts =
                n("SELECT COUNT(*) FROM plan_contact WHERE site_id = ? AND plan_date >= ? AND confirmed_at IS NULL");
            auto waiting =
                tx.QueryOne("SELECT COUNT(*) FROM message_thread WHERE site_id = ? AND waiting = 1", site).Int(0);
            const auto rows = attendance::SiteRoster(tx, site, today, std::nullopt).rows;
            auto here = std::count_if(rows.begin(), rows.end(), [](const attendance::RosterRow& r) {
                return r.day.state == attendance::State::kIn;
            });
            data d;
            d.set("id", site.ToString());
            d.set("name", name->Text(0));
            d.set("alerts", std::to_string(alerts));
            d.set("contacts", std::to_string(contacts));
            d.set("waiting", std::to_string(waiting));
            d.set("here", std::to_string(here));
            if (alerts > 0) d.set("has_alerts", true);
            if (contacts > 0) d.set("has_contacts", true);
            if (waiting > 0) d.set("has_waiting", true);
            if (alerts + contacts + waiting == 0) d.set("nothing", true);
            anything = true;
            todo.push_back(d);
        }
    });
    body.set("todo", todo);
    if (anything) body.set("has_todo", true);
    if (!ctx.svc.db.Read([&](db::ReadTx& tx) { return auth::MfaEnrolled(tx, actor.user_id); })) {
        body.set("suggest_mfa", true);
    }
    return RenderPage(ctx, home_, "home_title", body);
}

http::Response CoreHandlers::Health(Ctx& ctx) {
    boost::json::object out{{"database", std::string(db::KindName(ctx.svc.db.kind()))}};
    int status = 200;
    try {
        if (!ctx.svc.db.Ping()) throw db::Unavailable("ping failed");
        auto schema = db::GetSchemaStatus(ctx.svc.db);
        out["schema_version"] = schema.current;
        out["status"] = schema.UpToDate() ? "ok" : "schema_mismatch";
        if (!schema.UpToDate()) status = 503;
    } catch (const std::exception&) {
        out["status"] = "unavailable";
        status = 503;
    }
    auto res = http::Response::Json(boost::json::serialize(out), status);
    return res;
}

http::Response CoreHandlers::MetricsText(Ctx& ctx) {
    // Route counts, failed sign-ins and job states are the operators' business: without a configured token the
    // endpoint does not exist, with one it needs the token (Prometheus' bearer_token_file).
    const std::string& token = ctx.svc.config.metrics_token;
    if (token.empty()) throw http::NotFound();
    const std::string sent = ctx.req.Header("authorization");
    if (!sent.starts_with("Bearer ") || !common::ConstantTimeEquals(sent.substr(7), token)) {
        auto res = http::Response::Text("unauthorized\n", 401);
        res.SetHeader("WWW-Authenticate", "Bearer realm=\"metrics\"");
        return res;
    }
    // The job table by state (dead: failed for good; an alert for operators), beside the request metrics.
    auto counts = ctx.svc.db.Read([](db::ReadTx& tx) { return jobs::CountJobs(tx); });
    std::string text = ctx.svc.metrics.Render();
    text += "# HELP tadaima_jobs Jobs in the job table by state.\n# TYPE tadaima_jobs gauge\n";
    for (auto [state, n] : {std::pair{"queued", counts.queued}, std::pair{"running", counts.running},
                            std::pair{"done", counts.done}, std::pair{"dead", counts.dead}}) {
        text += "tadaima_jobs{state=\"" + std::string(state) + "\"} " + std::to_string(n) + "\n";
    }
    auto res = http::Response::Text(text);
    res.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return res;
}

http::Response CoreHandlers::Static(Ctx& ctx) {
    const auto* asset = ctx.svc.assets.FindByHashedName(ctx.req.PathParam("file"));
    if (!asset) throw http::NotFound();
    http::Response res;
    res.content_type = asset->content_type;
    res.body = std::string(asset->data);
    res.SetHeader("Cache-Control", "public, max-age=31536000, immutable");
    return res;
}

// The guardian app's service worker, from /family so that its scope covers the app; never cached long, so a new
// version takes over on the next visit.
http::Response CoreHandlers::ServiceWorker(Ctx& ctx) {
    http::Response res;
    res.content_type = "text/javascript; charset=utf-8";
    res.body = std::string(ctx.svc.assets.Data("sw.js"));
    res.SetHeader("Cache-Control", "no-cache");
    // The app's home is /family itself, above the script's own directory (/family/).
    res.SetHeader("Service-Worker-Allowed", "/family");
    return res;
}

http::Response CoreHandlers::Manifest(Ctx& ctx) {
    boost::json::object icon{{"src", ctx.svc.assets.Url("icon.svg")}, {"sizes", "any"}, {"type", "image/svg+xml"}};
    boost::json::object m{{"name", ctx.T("app_name")},
                          {"short_name", ctx.T("app_name")},
                          {"lang", ctx.lang},
                          {"start_url", "/family"},
                          {"scope", "/family"},
                          {"display", "standalone"},
                          {"background_color", "#fafaf7"},
                          {"theme_color", "#0b5cad"},
                          {"icons", boost::json::array{icon}}};
    http::Response res;
    res.content_type = "application/manifest+json";
    res.body = boost::json::serialize(m);
    res.SetHeader("Cache-Control", "no-cache");
    return res;
}

http::Response CoreHandlers::SwitchLanguage(Ctx& ctx) {
    std::string lang = ctx.req.PathParam("lang");
    if (!ctx.svc.catalogue.HasLanguage(lang)) throw http::NotFound();
    auto res = http::Response::Redirect(SafeLocalPath(ctx.req.query.GetOr("next")), 303);
    res.cookies.push_back(
        {std::string(kLangCookie), lang, 365 * 24 * 3600, true, ctx.svc.config.secure_cookies, "Lax"});
    return res;
}

http::Response CoreHandlers::Jobs(Ctx& ctx) const {
    ctx.Require(auth::Action::kJobsManage);
    kainjow::mustache::data rows{kainjow::mustache::data::type::list};
    auto [counts, dead] = ctx.svc.db.Read([](db::ReadTx& tx) {
        return std::pair{jobs::CountJobs(tx), jobs::DeadJobs(tx, 200)};
    });
    for (const auto& j : dead) {
        kainjow::mustache::data d;
        d.set("id", j.id.ToString());
        d.set("kind", j.kind);
        d.set("attempts", std::to_string(j.attempts));
        d.set("error", j.last_error);
        d.set("at", j.finished_at);
        d.set("payload", j.payload);
        rows.push_back(d);
    }
    kainjow::mustache::data body;
    body.set("queued", std::to_string(counts.queued));
    body.set("running", std::to_string(counts.running));
    body.set("done", std::to_string(counts.done));
    body.set("dead", std::to_string(counts.dead));
    body.set("rows", rows);
    if (dead.empty()) body.set("none", true);
    return RenderPage(ctx, jobs_, "jobs_title", body);
}

http::Response CoreHandlers::RetryJob(Ctx& ctx) {
    ctx.Require(auth::Action::kJobsManage);
    jobs::JobId id(IdParam(ctx));
    bool retried = ctx.svc.db.Write([&](db::WriteTx& tx) {
        bool done = jobs::Retry(tx, id, ctx.svc.clock);
        if (done) auth::WriteAudit(tx, ctx.Audit("job.retry", "job", id.value), ctx.svc.clock);
        return done;
    });
    if (!retried) throw http::NotFound();
    return http::Response::Redirect("/jobs?notice=job_retried", 303);
}

}  // namespace app

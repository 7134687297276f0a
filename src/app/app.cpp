#include "app/app.hpp"

#include <boost/json/serialize.hpp>

#include "common/log.hpp"
#include "common/random.hpp"
#include "families/families.hpp"

namespace app {

App::App(const Services& services, Metrics& metrics)
    : svc_(services), metrics_(metrics), router_(BuildRoutes(services)) {
    svc_.templates.Get("layout");
    svc_.templates.Get("error");
}

namespace {

bool WantsJson(const http::Request& req) {
    return req.path.starts_with("/api/") || req.path == "/healthz" ||
           req.Header("accept").find("application/json") != std::string::npos;
}

bool IsHex(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

void App::Prepare(Ctx& ctx, Session session) {
    auto& req = ctx.req;
    std::optional<std::string> lang_cookie = req.Cookie(kLangCookie);
    if (lang_cookie && svc_.catalogue.HasLanguage(*lang_cookie)) ctx.lang = *lang_cookie;

    auto token = session != Session::kSkip ? req.Cookie(CookieName(svc_.config, auth::kSessionCookie)) : std::nullopt;
    if (token) {
        auto found = svc_.db.Read(
            [&](db::ReadTx& tx) { return auth::FindSession(tx, *token, svc_.clock, svc_.session_policy); });
        if (found.actor) {
            if (found.needs_touch) {
                svc_.db.Write([&](db::WriteTx& tx) { auth::TouchSession(tx, found.actor->session_id, svc_.clock); });
            }
            if (!lang_cookie && svc_.catalogue.HasLanguage(found.actor->language)) ctx.lang = found.actor->language;
            if (found.second_factor_pending) {
                ctx.pending = std::move(found.actor);
            } else {
                ctx.actor = std::move(found.actor);
            }
        }
    }
    // A guardian's session has its own cookie: one phone may hold a staff and a guardian session side by side.
    auto family_token =
        session != Session::kSkip ? req.Cookie(CookieName(svc_.config, kFamilySessionCookie)) : std::nullopt;
    if (family_token) {
        auto found = svc_.db.Read([&](db::ReadTx& tx) {
            return families::FindGuardianSession(tx, *family_token, svc_.clock, svc_.guardian_session_policy);
        });
        if (found.guardian) {
            if (found.needs_touch) {
                svc_.db.Write([&](db::WriteTx& tx) {
                    auth::TouchSessionIn(tx, auth::kGuardianSessions, found.guardian->session_id, svc_.clock);
                });
            }
            if (!lang_cookie && !ctx.actor && svc_.catalogue.HasLanguage(found.guardian->language)) {
                ctx.lang = found.guardian->language;
            }
            ctx.guardian = std::move(found.guardian);
        }
    }
    // Forms shown before sign-in carry a double-submit token from this cookie (pages only, not health or assets).
    auto csrf = req.Cookie(CookieName(svc_.config, kCsrfCookie));
    if (csrf && csrf->size() == 32 && IsHex(*csrf)) {
        ctx.anon_csrf = *csrf;
    } else if (session != Session::kSkip) {
        ctx.anon_csrf = common::RandomHex(16);
        ctx.cookies.push_back(
            {CookieName(svc_.config, kCsrfCookie), ctx.anon_csrf, -1, true, svc_.config.secure_cookies, "Strict"});
    }

    if (req.method == "POST") {
        std::string type = req.Header("content-type");
        if (type.starts_with("application/x-www-form-urlencoded")) {
            auto form = http::ParseUrlEncoded(req.body);
            if (!form) throw http::BadRequest("error_malformed_form");
            ctx.form = std::move(*form);
        } else if (auto boundary = http::MultipartBoundary(type)) {
            auto parts = http::ParseMultipart(req.body, *boundary);
            if (!parts) throw http::BadRequest("error_malformed_form");
            for (auto& p : *parts) {
                if (p.filename) {
                    ctx.files.push_back(std::move(p));
                } else {
                    if (!http::IsValidUtf8(p.data)) throw http::BadRequest("error_malformed_form");
                    ctx.form.Add(std::move(p.name), std::move(p.data));
                }
            }
        } else if (!req.path.starts_with("/api/")) {
            throw http::BadRequest("error_malformed_form");
        }
        // One check for every state-changing form: the token must match the session's (or, before sign-in, the
        // cookie's). A request without it is refused before any handler runs.
        if (!req.path.starts_with("/api/")) {
            // With a session, its token (a browser holding a staff and a guardian session may send either);
            // before sign-in, the double-submit cookie's.
            std::string sent = ctx.form.GetOr("_csrf");
            std::vector<std::string> expected;
            if (ctx.actor) expected.push_back(ctx.actor->csrf_token);
            if (ctx.pending) expected.push_back(ctx.pending->csrf_token);
            if (ctx.guardian) expected.push_back(ctx.guardian->csrf_token);
            if (expected.empty() && csrf) expected.push_back(*csrf);
            bool ok = false;
            for (const auto& e : expected) ok = ok || (!e.empty() && common::ConstantTimeEquals(sent, e));
            if (!ok) throw http::HttpError(403, "error_csrf");
        }
    }
}

http::Response App::Handle(http::Request& req) {
    const auto& config = svc_.config;
    if (!config.trusted_proxies.empty())
        req.remote_address = ClientAddress(req.remote_address, req.Header("x-forwarded-for"), config.trusted_proxies);
    Ctx ctx(req, svc_);
    http::Response res;
    try {
        // Staff pages and sign-in (and kiosks, if listed) only from the city's networks; families from anywhere.
        const auto audience = AudienceOf(req.path);
        const bool staff = audience == Audience::kStaff && !Allowed(config.staff_networks, req.remote_address);
        const bool kiosk = audience == Audience::kKiosk && !Allowed(config.kiosk_networks, req.remote_address);
        if (staff || kiosk) {
            req.route = "network";
            auth::AuditEvent ev;
            ev.action = staff ? "network.refused:staff" : "network.refused:kiosk";
            ev.address = req.remote_address;
            ev.outcome = "denied";
            ev.request_id = req.request_id;
            svc_.db.WriteGrouped([&](db::WriteTx& tx) { auth::WriteAudit(tx, ev, svc_.clock); });
            common::LogInfo("refused by network", {{"request_id", req.request_id}, {"address", req.remote_address}});
            throw http::HttpError(403, staff ? "error_network_staff" : "error_network_kiosk");
        }
        auto match = router_.Find(req.method, req.path);
        if (!match.route) {
            req.route = "unmatched";
            Prepare(ctx, Session::kLoad);
            if (match.other_method) throw http::MethodNotAllowed();
            throw http::NotFound();
        }
        req.route = match.route->pattern;
        req.path_params = std::move(match.params);
        Prepare(ctx, match.route->session);
        if (ctx.pending && match.route->session == Session::kLoad) {
            // Half signed in: only the second-factor pages until the code is entered.
            if (req.method != "GET") throw http::Unauthorized();
            res = http::Response::Redirect("/mfa?next=" + http::UrlEncode(req.path));
        } else {
            res = match.route->handler(ctx);
        }
    } catch (const http::HttpError& e) {
        if (e.status() == 401 && !WantsJson(req) && req.method == "GET") {
            // Back to the same page and query after signing in; guardians' pages send to the guardians' sign-in.
            bool family = req.path == "/family" || req.path.starts_with("/family/");
            std::string next = req.path;
            if (auto query = http::EncodeQuery(req.query); !query.empty()) next += "?" + query;
            res = http::Response::Redirect((family ? "/family/login?next=" : "/login?next=") + http::UrlEncode(next),
                                           303);
        } else {
            res = ErrorResponse(ctx, e.status(), e.message_key());
        }
        if (e.status() == 403 && (ctx.actor || ctx.guardian)) {
            try {
                svc_.db.Write([&](db::WriteTx& tx) {
                    auto ev = ctx.Audit("denied:" + req.route, "", std::nullopt);
                    if (!ctx.actor) {
                        ev.target_kind = "guardian_account";
                        ev.target_id = ctx.guardian->account_id.value;
                    }
                    ev.outcome = "denied";
                    auth::WriteAudit(tx, ev, svc_.clock);
                });
            } catch (const std::exception& ex) {
                common::LogError("audit of a denial failed", {{"request_id", req.request_id}, {"error", ex.what()}});
            }
        }
    } catch (const db::Unavailable& e) {
        common::LogError("database unavailable", {{"request_id", req.request_id}, {"error", e.what()}});
        res = ErrorResponse(ctx, 503, "error_unavailable");
    } catch (const db::ConstraintViolation& e) {
        common::LogWarn("constraint violation", {{"request_id", req.request_id}, {"error", e.what()}});
        res = ErrorResponse(ctx, 409, "error_conflict");
    } catch (const std::exception& e) {
        common::LogError("unhandled error", {{"request_id", req.request_id}, {"error", e.what()}});
        res = ErrorResponse(ctx, 500, "error_internal");
    }
    for (auto& c : ctx.cookies) res.cookies.push_back(std::move(c));
    if (ctx.actor) req.user_id = ctx.actor->user_id.ToString();
    if (ctx.pending) req.user_id = ctx.pending->user_id.ToString();
    return res;
}

http::Response App::ErrorResponse(Ctx& ctx, int status, const std::string& message_key) {
    const std::string& message = ctx.T(message_key);
    if (WantsJson(ctx.req)) {
        boost::json::object err{{"status", status}, {"code", message_key}, {"message", message}};
        return http::Response::Json(boost::json::serialize(boost::json::object{{"error", err}}), status);
    }
    try {
        kainjow::mustache::data body;
        body.set("status", std::to_string(status));
        body.set("message", message);
        // A family's page answers with the family's header and a way back to the family's home (or sign-in),
        // never the staff sign-in.
        const bool family = ctx.req.path == "/family" || ctx.req.path.starts_with("/family/");
        if (family) {
            ctx.family_page = true;
            body.set("family", true);
            body.set("signed_in_family", ctx.guardian.has_value());
        } else {
            body.set("signed_in", ctx.actor.has_value());
        }
        return RenderPage(ctx, svc_.templates.Get("error"), "error_title", body, status);
    } catch (const std::exception&) {
        return http::Response::Text(message, status);
    }
}

std::size_t App::BodyLimit(const http::Request& req) {
    const auto& limits = svc_.config.limits;
    // Only a POST with a multipart body can be an upload: every other request skips the route lookup on the io
    // thread.
    if (req.method != "POST" || !http::MultipartBoundary(req.Header("content-type"))) return limits.max_body_bytes;
    auto match = router_.Find(req.method, req.path);
    if (match.route && match.route->body == Body::kUpload) {
        return std::max(limits.max_upload_bytes, limits.max_body_bytes);
    }
    if (match.route && match.route->body == Body::kPhotos) {
        return std::max(limits.max_photo_upload_bytes, limits.max_body_bytes);
    }
    return limits.max_body_bytes;
}

http::Response App::HandleRefused(int status, http::Request& req) {
    req.route = "refused";
    Ctx ctx(req, svc_);
    if (auto lang = req.Cookie(kLangCookie); lang && svc_.catalogue.HasLanguage(*lang)) ctx.lang = *lang;
    ctx.anon_csrf = "";
    const char* key = status == 413   ? "error_payload_too_large"
                      : status == 431 ? "error_headers_too_large"
                                      : "error_bad_request";
    return ErrorResponse(ctx, status, key);
}

void App::Finish(const http::Request& req, http::Response& res, std::chrono::nanoseconds elapsed) {
    // A page that needs more (the kiosk: camera, WebAssembly) sets its own policy; every other gets the strict one.
    auto has = [&](std::string_view name) {
        for (const auto& [k, _] : res.headers) {
            if (k == name) return true;
        }
        return false;
    };
    if (!has("Content-Security-Policy")) {
        res.SetHeader("Content-Security-Policy",
                      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                      "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    }
    if (!has("Permissions-Policy")) res.SetHeader("Permissions-Policy", "geolocation=(), microphone=(), camera=()");
    if (!has("Cache-Control")) res.SetHeader("Cache-Control", "no-store");
    res.SetHeader("X-Content-Type-Options", "nosniff");
    res.SetHeader("Referrer-Policy", "same-origin");
    res.SetHeader("X-Frame-Options", "DENY");
    res.SetHeader("Cross-Origin-Opener-Policy", "same-origin");
    if (svc_.config.secure_cookies) res.SetHeader("Strict-Transport-Security", "max-age=31536000");
    res.SetHeader("X-Request-Id", req.request_id);

    double seconds = std::chrono::duration<double>(elapsed).count();
    std::string route = req.route.empty() ? "unmatched" : req.route;
    metrics_.ObserveRequest(route, req.method.empty() ? "-" : req.method, res.status, seconds);
    boost::json::object line{
        {"request_id", req.request_id}, {"method", req.method},  {"route", route}, {"path", req.path},
        {"status", res.status},         {"ms", seconds * 1000.0}};
    if (!req.user_id.empty()) line["user_id"] = req.user_id;
    common::Log(res.status >= 500 ? common::LogLevel::kError : common::LogLevel::kInfo, "request", std::move(line));
}

}  // namespace app

#include "attendance/handlers.hpp"

#include <boost/json/serialize.hpp>

#include "app/validate.hpp"
#include "attendance/attendance.hpp"
#include "attendance/card_print.hpp"
#include "attendance/cards.hpp"
#include "attendance/kiosks.hpp"
#include "auth/audit.hpp"
#include "auth/totp.hpp"
#include "children/children.hpp"
#include "children/handlers.hpp"
#include "common/dates.hpp"
#include "families/families.hpp"
#include "live/feed.hpp"
#include "plans/alerts.hpp"
#include "plans/plans.hpp"
#include "plans/present.hpp"
#include "rights/rights.hpp"
#include "sites/groups.hpp"
#include "sites/sites.hpp"

namespace attendance {

using app::Ctx;
using auth::Action;
using kainjow::mustache::data;

namespace {

constexpr auto kFutureSkew = std::chrono::minutes(5);        // a kiosk clock slightly ahead is still believed
constexpr auto kOldestScan = std::chrono::hours(24 * 14);    // an offline kiosk's queue older than this is refused
constexpr int kKioskCookieSeconds = 60 * 60 * 24 * 365 * 5;  // a kiosk stays paired until revoked

std::string Today(const Ctx& ctx) { return common::FormatDate(common::TokyoDate(ctx.svc.clock.Now())); }

// The kiosk's credential: the Authorization header (devices and scripts) or the cookie set at pairing (the page).
std::string KioskCredential(const Ctx& ctx, bool* bearer = nullptr) {
    std::string auth = ctx.req.Header("authorization");
    if (auth.starts_with("Bearer ")) {
        if (bearer) *bearer = true;
        return auth.substr(7);
    }
    return ctx.req.Cookie(app::CookieName(ctx.svc.config, kKioskCookie)).value_or("");
}

std::string StateLabel(const Ctx& ctx, const DayState& d) {
    switch (d.state) {
        case State::kIn:
            return ctx.TK("state_in");
        case State::kLeft:
            return ctx.TK("state_left");
        case State::kNotArrived:
            return ctx.TK("state_not_arrived");
    }
    return "";
}

std::string OptTime(const std::optional<common::Instant>& t) { return t ? common::FormatTokyoTime(*t) : ""; }

CardFace FaceFor(const Ctx& ctx, const children::Child& child, common::CardId card) {
    const auto& f = child.fields;
    return CardFace{CardPayload(ctx.svc.config.secret, card), f.family_name + " " + f.given_name,
                    f.family_kana + " " + f.given_kana, child.site_name, ctx.T("card_caption")};
}

}  // namespace

// --- The kiosk device ---------------------------------------------------------------------------------------

http::Response Handlers::KioskPage(Ctx& ctx) const {
    std::string credential = KioskCredential(ctx);
    std::optional<Kiosk> kiosk;
    if (!credential.empty()) kiosk = ctx.svc.db.Read([&](db::ReadTx& tx) { return FindKiosk(tx, credential); });
    if (!kiosk || kiosk->revoked_at) {
        data body;
        if (kiosk) body.set("revoked", true);
        // Opened from the pairing page's QR code: the code is filled in, one tap pairs.
        std::string code = app::Trimmed(ctx.req.query.GetOr("code"));
        if (code.size() <= 16) body.set("code", code);
        return app::RenderPage(ctx, kiosk_pair_, "kiosk_pair_title", body);
    }
    data page;
    page.set("lang", ctx.lang);
    page.set("css_url", ctx.svc.assets.Url("app.css"));
    page.set("script_url", ctx.svc.assets.Url("kiosk.js"));
    if (ctx.svc.assets.Has("zxing-reader.js") && ctx.svc.assets.Has("zxing_reader.wasm")) {
        page.set("zxing_url", ctx.svc.assets.Url("zxing-reader.js"));
        page.set("zxing_wasm_url", ctx.svc.assets.Url("zxing_reader.wasm"));
    }
    page.set("site_name", kiosk->site_name);
    page.set("kiosk_name", kiosk->name);
    ctx.site_kind = kiosk->site_kind;  // a nursery's entrance says 登園/降園
    page.set("ready_text", ctx.TK("kiosk_ready"));
    // The page's messages, in its language, for the script to show.
    data messages{data::type::list};
    for (const char* key : {"kiosk_in",
                            "kiosk_out",
                            "kiosk_waiting",
                            "kiosk_offline",
                            "kiosk_ready",
                            "kiosk_sending",
                            "kiosk_mark_in",
                            "kiosk_mark_out",
                            "kiosk_mark_in_reading",
                            "kiosk_mark_out_reading",
                            "kiosk_already_in",
                            "kiosk_already_out",
                            "error_card_unreadable",
                            "error_card_version",
                            "error_card_revoked",
                            "error_card_other_site",
                            "error_kiosk_revoked",
                            "error_kiosk_unknown",
                            "error_scan_future",
                            "error_scan_too_old",
                            "kiosk_camera_on",
                            "kiosk_camera_off",
                            "kiosk_camera_none",
                            "kiosk_delayed",
                            "kiosk_family_hello",
                            "kiosk_family_self",
                            "kiosk_family_in",
                            "kiosk_family_out",
                            "kiosk_family_done",
                            "kiosk_family_changed",
                            "kiosk_family_already",
                            "kiosk_family_offline",
                            "kiosk_family_looking",
                            "error_pin_wrong",
                            "error_pin_throttled",
                            "error_pass_expired",
                            "error_pass_used",
                            "error_pass_unreadable",
                            "error_entrance_no_child_here",
                            "error_entrance_ticket",
                            "error_entrance_pickup_required",
                            "error_entrance_pickup_unknown",
                            "error_entrance_no_children"}) {
        data d;
        d.set("key", key);
        d.set("text", ctx.TK(key));
        messages.push_back(d);
    }
    page.set("messages", messages);
    // A nursery's entrance: guardians show their family pass or type their PIN (entrance/).
    if (sites::TakesFamilyStamps(kiosk->site_kind)) {
        page.set("family", true);
        data keys{data::type::list};
        for (const char* k : {"1", "2", "3", "4", "5", "6", "7", "8", "9"}) keys.push_back(data(std::string(k)));
        page.set("keys", keys);
    }
    auto res = http::Response::Html(kiosk_.Render(page, &ctx.svc.catalogue.Globals(ctx.lang)));
    // The camera for scanning, and WebAssembly for the QR decoder (no other script source).
    res.SetHeader("Permissions-Policy", "geolocation=(), microphone=(), camera=(self)");
    res.SetHeader("Content-Security-Policy",
                  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
                  "media-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; "
                  "frame-ancestors 'none'");
    return res;
}

http::Response Handlers::KioskPair(Ctx& ctx) const {
    const auto& svc = ctx.svc;
    const std::string& address = ctx.req.remote_address;
    auto render = [&](const std::string& key, int status) {
        data body;
        body.set("error", ctx.T(key));
        body.set("code", ctx.form.GetOr("code"));
        return app::RenderPage(ctx, kiosk_pair_, "kiosk_pair_title", body, status);
    };
    if (svc.db.Read([&](db::ReadTx& tx) {
            return families::CodeAttemptsThrottled(tx, address, svc.clock, svc.throttle_policy.code_failures);
        })) {
        auto res = render("error_code_throttled", 429);
        res.SetHeader("Retry-After", "3600");
        return res;
    }
    auto outcome = svc.db.Write([&](db::WriteTx& tx) {
        auto r = Pair(tx, ctx.form.GetOr("code"), svc.clock);
        if (auto* k = std::get_if<NewKiosk>(&r)) {
            auth::WriteAudit(tx, ctx.Audit("kiosk.pair", "kiosk", k->id.value, k->site_id), svc.clock);
        }
        return r;
    });
    if (auto* problem = std::get_if<PairingProblem>(&outcome)) {
        svc.db.Write([&](db::WriteTx& tx) { families::RecordCodeAttempt(tx, address, false, svc.clock); });
        const char* key = *problem == PairingProblem::kExpired ? "error_pairing_expired"
                          : *problem == PairingProblem::kUsed  ? "error_pairing_used"
                                                               : "error_pairing_unknown";
        return render(key, 422);
    }
    const auto& kiosk = std::get<NewKiosk>(outcome);
    auto res = http::Response::Redirect("/kiosk");
    res.cookies.push_back({app::CookieName(svc.config, kKioskCookie), kiosk.credential, kKioskCookieSeconds, true,
                           svc.config.secure_cookies, "Strict"});
    return res;
}

http::Response Handlers::Scan(Ctx& ctx) const {
    const auto& svc = ctx.svc;
    bool bearer = false;
    std::string credential = KioskCredential(ctx, &bearer);
    if (credential.empty()) throw http::Unauthorized("error_kiosk_unknown");
    // The page's cookie is sent only with JSON, which another site cannot post without our (absent) CORS consent.
    if (!bearer && !ctx.req.Header("content-type").starts_with("application/json")) {
        throw http::HttpError(415, "error_scan_malformed");
    }
    auto parsed = ParseScanRequest(ctx.req.body);
    if (auto* problem = std::get_if<std::string>(&parsed)) throw http::BadRequest(*problem);
    const ScanRequest scan = std::get<ScanRequest>(std::move(parsed));
    auto now = svc.clock.Now();
    if (scan.scanned_at > now + kFutureSkew) throw http::HttpError(422, "error_scan_future");
    if (scan.scanned_at < now - kOldestScan) throw http::HttpError(422, "error_scan_too_old");

    // SQLite: the kiosk, card and child are read outside the write, where readers run side by side and the one writer
    // is not held; the write decides the direction and adds the row. PostgreSQL writes side by side: the check runs
    // inside the write, saving a transaction's round trips. Acknowledged only once committed; scans arriving
    // together share one commit.
    ScanResult r;
    if (svc.db.kind() == db::Kind::kPostgresql) {
        r = svc.db.WriteGrouped(
            [&](db::WriteTx& tx) { return RecordScan(tx, credential, scan, svc.config.secret, svc.clock); });
    } else if (auto checked =
                   svc.db.Read([&](db::ReadTx& tx) { return CheckScan(tx, credential, scan, svc.config.secret); });
               std::holds_alternative<ScanResult>(checked)) {
        r = std::get<ScanResult>(std::move(checked));
    } else {
        r = svc.db.WriteGrouped([&](db::WriteTx& tx) {
            auto recorded = RecordCheckedScan(tx, std::get<CheckedScan>(checked), scan, svc.clock);
            return recorded ? std::move(*recorded) : RecordScan(tx, credential, scan, svc.config.secret, svc.clock);
        });
    }
    switch (r.status) {
        case ScanStatus::kUnknownKiosk:
            throw http::Unauthorized("error_kiosk_unknown");
        case ScanStatus::kKioskRevoked:
            throw http::HttpError(403, "error_kiosk_revoked");
        case ScanStatus::kUnreadable:
            throw http::HttpError(422, "error_card_unreadable");
        case ScanStatus::kUnsupportedVersion:
            throw http::HttpError(422, "error_card_version");
        case ScanStatus::kCardRevoked:
            throw http::HttpError(422, "error_card_revoked");
        case ScanStatus::kOtherSite:
            throw http::HttpError(422, "error_card_other_site");
        case ScanStatus::kRecorded:
        case ScanStatus::kAlreadyRecorded:
            break;
    }
    bool recorded = r.status == ScanStatus::kRecorded;
    boost::json::object child{{"id", r.child.value}, {"display_name", r.display_name}, {"kana", r.kana}};
    boost::json::object body{{"status", std::string(ScanStatusName(r.status))},
                             {"duplicate", !recorded},
                             {"direction", std::string(DirectionName(r.direction))},
                             {"child", std::move(child)},
                             {"scan_id", scan.scan_id},
                             {"event_id", r.event_id.value},
                             {"scanned_at", common::FormatInstant(r.occurred_at)},
                             {"time", common::FormatTokyoTime(r.occurred_at)},
                             {"delayed", r.delayed}};
    if (r.recorded_at) body["recorded_at"] = common::FormatInstant(*r.recorded_at);
    return http::Response::Json(boost::json::serialize(body), recorded ? 201 : 200);
}

Kiosk RequireKiosk(const app::Ctx& ctx) {
    bool bearer = false;
    std::string credential = KioskCredential(ctx, &bearer);
    if (credential.empty()) throw http::Unauthorized("error_kiosk_unknown");
    // The page's cookie is sent only with JSON, which another site cannot post without our (absent) CORS consent.
    if (!bearer && ctx.req.method != "GET" && !ctx.req.Header("content-type").starts_with("application/json")) {
        throw http::HttpError(415, "error_scan_malformed");
    }
    auto kiosk = ctx.svc.db.Read([&](db::ReadTx& tx) { return FindKiosk(tx, credential); });
    if (!kiosk) throw http::Unauthorized("error_kiosk_unknown");
    if (kiosk->revoked_at) throw http::HttpError(403, "error_kiosk_revoked");
    return *kiosk;
}

// The names the kiosk shows while it is offline (kiosk.js keeps them on the device and refreshes them). Each fetch
// is an audit event: it reads every child's name at the site.
http::Response Handlers::Directory(Ctx& ctx) const {
    const auto& svc = ctx.svc;
    auto kiosk = std::optional(RequireKiosk(ctx));
    const std::string today = Today(ctx);
    auto entries = svc.db.Read([&](db::ReadTx& tx) { return KioskDirectory(tx, kiosk->site_id, today); });
    svc.db.Write([&](db::WriteTx& tx) {
        auth::WriteAudit(tx, ctx.Audit("kiosk.directory", "kiosk", kiosk->id.value, kiosk->site_id), svc.clock);
        TouchKiosk(tx, *kiosk, svc.clock);  // the city's overview counts a kiosk quiet when it stops asking
    });
    boost::json::array cards;
    for (const auto& e : entries) {
        cards.push_back(boost::json::object{{"card", e.card.value}, {"name", e.display_name}, {"kana", e.kana}});
    }
    auto res =
        http::Response::Json(boost::json::serialize(boost::json::object{{"date", today}, {"cards", std::move(cards)}}));
    res.SetHeader("Cache-Control", "no-store");
    return res;
}

// --- Kiosks and cards, for managers ----------------------------------------------------------------------------

http::Response Handlers::Kiosks(Ctx& ctx) const {
    auto site_id = app::SiteIdParam(ctx);
    ctx.RequireAtSite(Action::kKioskManage, site_id);
    auto [site, kiosks] = ctx.svc.db.Read([&](db::ReadTx& tx) {
        auto site = sites::GetSite(tx, site_id);
        if (!site) throw http::NotFound();
        return std::pair{*site, ListKiosks(tx, site_id)};
    });
    data body;
    body.set("site_id", site_id.ToString());
    body.set("site_name", site.fields.name);
    data list{data::type::list};
    for (const auto& k : kiosks) {
        data d;
        d.set("id", k.id.ToString());
        d.set("name", k.name);
        d.set("created", k.created_at.substr(0, 10));
        d.set("last_seen", k.last_seen_at
                               ? common::FormatDate(common::TokyoDate(*common::ParseInstant(*k.last_seen_at))) + " " +
                                     common::FormatTokyoTime(*common::ParseInstant(*k.last_seen_at))
                               : ctx.T("kiosk_never_seen"));
        if (k.revoked_at) d.set("revoked", true);
        list.push_back(d);
    }
    body.set("kiosks", list);
    if (kiosks.empty()) body.set("no_kiosks", true);
    return app::RenderPage(ctx, kiosks_, "kiosks_title", body);
}

http::Response Handlers::CreatePairing(Ctx& ctx) const {
    auto site_id = app::SiteIdParam(ctx);
    ctx.RequireAtSite(Action::kKioskManage, site_id);
    app::FormErrors errors;
    std::string name = app::TextField(ctx.form, "name", errors, true, 50);
    if (!errors.empty()) throw http::HttpError(422, "error_kiosk_name");
    auto [site, pairing] = ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto site = sites::GetSite(tx, site_id);
        if (!site || !site->active) throw http::NotFound();
        auto p = attendance::CreatePairing(tx, site_id, name, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit("kiosk.pairing", "site", site_id.value, site_id), ctx.svc.clock);
        return std::pair{*site, p};
    });
    data body;
    body.set("site_id", site_id.ToString());
    body.set("site_name", site.fields.name);
    body.set("name", name);
    body.set("code", pairing.code);
    body.set("expires", common::FormatTokyoTime(*common::ParseInstant(pairing.expires_at)));
    // The kiosk's address to type, and as a QR code for a tablet's camera (with the code, so it only needs a tap).
    const std::string kiosk_url = ctx.svc.config.public_url + "/kiosk";
    body.set("kiosk_url", kiosk_url);
    body.set("qr_svg", auth::QrSvg(kiosk_url + "?code=" + http::UrlEncode(pairing.code)));
    return app::RenderPage(ctx, pairing_, "kiosk_pairing_title", body);
}

http::Response Handlers::RevokeKiosk(Ctx& ctx) const {
    auto id = common::KioskId(app::IdParam(ctx));
    const auto& actor = ctx.RequireActor();
    auto kiosk = ctx.svc.db.Read([&](db::ReadTx& tx) { return GetKiosk(tx, id); });
    if (!kiosk || !auth::Can(actor, Action::kSiteView, kiosk->site_id)) throw http::NotFound();
    ctx.Require(Action::kKioskManage, kiosk->site_id);
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        attendance::RevokeKiosk(tx, id, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit("kiosk.revoke", "kiosk", id.value, kiosk->site_id), ctx.svc.clock);
    });
    return http::Response::Redirect("/sites/" + kiosk->site_id.ToString() + "/kiosks?notice=kiosk_revoked");
}

http::Response Handlers::SiteCards(Ctx& ctx) const {
    auto site_id = app::SiteIdParam(ctx);
    ctx.RequireAtSite(Action::kCardIssue, site_id);
    const auto& actor = *ctx.actor;
    const std::string today = Today(ctx);
    auto faces = ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto site = sites::GetSite(tx, site_id);
        if (!site) throw http::NotFound();
        // The children at the site today or from a later date, each by the same rule as a single child's card (a
        // child also at a site this actor does not manage keeps the card that site uses).
        children::ChildFilter filter{actor.Scope(), today, site_id, "", false, false};
        auto list = children::ListChildren(tx, filter, 5000, 0);
        std::vector<common::ChildId> ids;
        for (const auto& c : list) ids.push_back(c.id);
        auto standings = rights::LoadStandings(tx, ids);
        std::vector<CardFace> out;
        for (auto& c : list) {
            if (rights::DecideChild(actor, Action::kCardIssue, standings.at(c.id), today).verdict !=
                rights::Verdict::kAllowed) {
                continue;
            }
            c.site_name = site->fields.name;
            auto card = EnsureCard(tx, c.id, ctx.svc.clock);
            auth::WriteAudit(tx, ctx.Audit("card.print", "child", c.id.value, site_id), ctx.svc.clock);
            out.push_back(FaceFor(ctx, c, card));
        }
        return out;
    });
    if (faces.empty()) return http::Response::Redirect("/sites/" + site_id.ToString() + "?notice=no_cards");
    return app::Download(RenderCardSheet(faces), "application/pdf", "cards-site-" + site_id.ToString() + ".pdf", false);
}

http::Response Handlers::ChildCard(Ctx& ctx, print::Format format) const {
    const auto& actor = ctx.RequireActor();
    auto id = common::ChildId(app::IdParam(ctx));
    auto today = common::TokyoDate(ctx.svc.clock.Now());
    auto face = ctx.svc.db.Write([&](db::WriteTx& tx) -> std::optional<CardFace> {
        auto reached = children::ChildForActor(tx, actor, id, Action::kCardIssue, today);
        if (!reached || !reached->child.active) return std::nullopt;
        auto card = EnsureCard(tx, id, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit("card.print", "child", id.value, reached->grant.site), ctx.svc.clock);
        return FaceFor(ctx, reached->child, card);
    });
    if (!face) throw http::NotFound();
    const char* type = format == print::Format::kPng   ? "image/png"
                       : format == print::Format::kSvg ? "image/svg+xml"
                                                       : "application/pdf";
    const char* ext = format == print::Format::kPng ? "png" : format == print::Format::kSvg ? "svg" : "pdf";
    return app::Download(RenderCard(*face, format), type, "card-" + id.ToString() + "." + ext, false);
}

http::Response Handlers::ReissueCard(Ctx& ctx) const {
    const auto& actor = ctx.RequireActor();
    auto id = common::ChildId(app::IdParam(ctx));
    auto today = common::TokyoDate(ctx.svc.clock.Now());
    bool done = ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto reached = children::ChildForActor(tx, actor, id, Action::kCardIssue, today);
        if (!reached || !reached->child.active) return false;
        IssueCard(tx, id, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit("card.reissue", "child", id.value, reached->grant.site), ctx.svc.clock);
        return true;
    });
    if (!done) throw http::NotFound();
    return http::Response::Redirect("/children/" + id.ToString() + "?notice=card_reissued");
}

// --- Staff: the roster, a child's day ----------------------------------------------------------------------------

http::Response Handlers::RosterEvents(Ctx& ctx) const {
    auto site_id = app::SiteIdParam(ctx);
    ctx.RequireAtSite(Action::kAttendanceView, site_id);
    if (!ctx.svc.live) throw http::HttpError(503, "error_unavailable");
    std::int64_t after = 0;
    std::string last = ctx.req.Header("last-event-id");
    if (auto id = app::ParseId(last.empty() ? ctx.req.query.GetOr("after") : last)) after = *id;
    std::string today = Today(ctx);
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        if (!sites::GetSite(tx, site_id)) throw http::NotFound();
        auth::WriteAudit(tx, ctx.Audit("roster.watch", "site", site_id.value, site_id), ctx.svc.clock);
    });
    auto channel = std::make_shared<http::EventChannel>();
    channel->Push("retry: 2000\n\n");
    // The feed sends what came after `after` (on any server), then each change as it commits.
    ctx.svc.live->Subscribe(site_id, today, after, channel);
    http::Response res;
    res.events = channel;
    return res;
}

http::Response Handlers::RenderDay(Ctx& ctx, common::ChildId id, const std::string& date, const app::FormErrors& errors,
                                   int status) const {
    const auto& actor = ctx.RequireActor();
    auto today = common::TokyoDate(ctx.svc.clock.Now());
    // The day's record: entries and exits, and the plan, the family's contacts and the alerts of that date.
    struct DayRecord {
        children::Child child;
        std::vector<Event> events;
        std::vector<plans::StoredPlan> plan;
        std::vector<plans::Contact> contacts;
        std::vector<plans::AlertRecord> alerts;
    };
    auto the_date = common::ParseDate(date).value_or(today);
    std::optional<children::Reached> reached;
    auto found = ctx.svc.db.Write([&](db::WriteTx& tx) -> std::optional<DayRecord> {
        reached = children::ChildForActor(tx, actor, id, Action::kAttendanceView, today);
        if (!reached) return std::nullopt;
        const auto& grant = reached->grant;
        // A former site reads the days the child was there, and of them only its own records.
        if (grant.history && !grant.HistoryCovers(grant.site, date)) return std::nullopt;
        auth::WriteAudit(tx, ctx.Audit("attendance.view", "child", id.value, grant.site), ctx.svc.clock);
        DayRecord r{reached->child, DayHistory(tx, id, date), plans::PlansOfChild(tx, id, the_date, the_date),
                    plans::ContactsOfChild(tx, id, the_date), plans::AlertsOfChildDay(tx, id, the_date)};
        if (grant.history) {
            std::erase_if(r.events, [&](const Event& e) { return e.site != grant.site; });
            std::erase_if(r.plan, [&](const plans::StoredPlan& p) { return p.site != grant.site; });
        }
        return r;
    });
    if (!found) throw http::NotFound();
    const auto& [child, events, day_plan, contacts, alerts] = *found;
    ctx.site_kind = child.site_kind;  // 登園/降園 at a nursery
    data body = errors.ToData(ctx);
    body.set("form", app::FormValues(ctx.form));
    body.set("child_id", id.ToString());
    body.set("name", child.fields.family_name + " " + child.fields.given_name);
    body.set("kana", child.fields.family_kana + " " + child.fields.given_kana);
    body.set("site_id", child.fields.site_id.ToString());
    body.set("date", date);
    body.set("today", common::FormatDate(today));
    auto d = common::ParseDate(date);
    using std::chrono::days;
    body.set("prev_date", common::FormatDate(std::chrono::sys_days(*d) - days(1)));
    if (date < common::FormatDate(today))
        body.set("next_date", common::FormatDate(std::chrono::sys_days(*d) + days(1)));
    bool is_today = date == common::FormatDate(today);
    bool can_edit = !reached->grant.history && reached->May(actor, Action::kAttendanceEdit, Today(ctx));
    if (can_edit && is_today) body.set("can_record", true);
    std::vector<Mark> marks;
    data list{data::type::list};
    for (const auto& e : events) {
        data row;
        row.set("id", e.id.ToString());
        row.set("time", common::FormatTokyoTime(*common::ParseInstant(e.occurred_at)));
        row.set("recorded", common::FormatTokyoTime(*common::ParseInstant(e.created_at)));
        row.set("kind_label", ctx.TK("event_" + e.kind));
        row.set("kind", e.kind);
        // A kiosk's mark is a card's scan, or a guardian's stamp at a nursery's entrance (who stamped is named below).
        const std::string kiosk = e.stamped_by ? ctx.T("source_entrance") : ctx.T("source_kiosk");
        row.set("source",
                e.source == "kiosk"
                    ? kiosk + (e.kiosk_name ? ctx.T("p_open") + *e.kiosk_name + ctx.T("p_close") : "")
                    : ctx.T("source_staff") + (e.staff_name ? ctx.T("p_open") + *e.staff_name + ctx.T("p_close") : ""));
        if (e.stamped_by) row.set("stamped_by", *e.stamped_by);
        if (e.pickup_name)
            row.set("picked_up_by",
                    *e.pickup_name + ctx.T("p_open") + e.pickup_relation.value_or("") + ctx.T("p_close"));
        if (!e.reason.empty()) row.set("reason", e.reason);  // mustache shows a section for any string, even ""
        if (e.corrects) row.set("corrects", e.corrects->ToString());
        if (e.corrected_by) row.set("corrected_by", e.corrected_by->ToString());
        bool effective = e.kind != "void" && !e.corrected_by;
        if (effective) {
            marks.push_back(Mark{*ParseDirection(e.kind), *common::ParseInstant(e.occurred_at)});
            if (can_edit) row.set("can_correct", true);
        }
        list.push_back(row);
    }
    body.set("events", list);
    if (events.empty()) body.set("no_events", true);
    DayState day = FoldDay(marks);
    if (!day_plan.empty()) body.set("plan", plans::PlanSummary(ctx, day_plan.front()));
    data clist{data::type::list};
    for (const auto& c : contacts) clist.push_back(plans::ContactData(ctx, c));
    body.set("contacts", clist);
    data alist{data::type::list};
    for (const auto& a : alerts) {
        data ad;
        ad.set("label", ctx.T("roster_alert_" + std::string(plans::AlertKindName(a.kind))));
        ad.set("raised", plans::TokyoStamp(a.raised_at));
        if (a.resolution) {
            ad.set("resolution", ctx.T("resolution_" + *a.resolution));
            ad.set("note", a.resolution_note);
            ad.set("resolved_by", a.resolved_by_name);
            ad.set("resolved", plans::TokyoStamp(a.resolved_at.value_or("")));
        }
        alist.push_back(ad);
    }
    body.set("alerts", alist);
    if (!day_plan.empty() || !contacts.empty() || !alerts.empty()) body.set("has_plan_record", true);
    body.set("state_label", StateLabel(ctx, day));
    if (day.in_at) body.set("in_at", OptTime(day.in_at));
    if (day.out_at) body.set("out_at", OptTime(day.out_at));
    body.set("suggest", day.state == State::kIn ? "out" : "in");
    if (day.state == State::kIn) body.set("suggest_out", true);
    return app::RenderPage(ctx, day_, "day_title", body, status);
}

http::Response Handlers::ChildDay(Ctx& ctx) const {
    auto id = common::ChildId(app::IdParam(ctx));
    std::string date = ctx.req.query.GetOr("date");
    if (date.empty()) {
        // Today; for a site the child has left, its last day there.
        const auto& actor = ctx.RequireActor();
        auto grant = ctx.svc.db.Read(
            [&](db::ReadTx& tx) { return rights::RequireChild(tx, actor, id, Action::kAttendanceView, Today(ctx)); });
        date = grant.history ? grant.history_periods.back().end.value_or(Today(ctx)) : Today(ctx);
    }
    if (!common::ParseDate(date) || date > Today(ctx)) date = Today(ctx);
    return RenderDay(ctx, id, date, {}, 200);
}

http::Response Handlers::RecordByHand(Ctx& ctx) const {
    const auto& actor = ctx.RequireActor();
    auto id = common::ChildId(app::IdParam(ctx));
    auto now = ctx.svc.clock.Now();
    auto today = common::TokyoDate(now);
    std::string today_text = common::FormatDate(today);
    app::FormErrors errors;
    auto direction = ParseDirection(ctx.form.GetOr("direction"));
    if (!direction) errors.Add("direction", "error_choose");
    common::Instant at = now;
    std::string time = app::Trimmed(ctx.form.GetOr("time"));
    if (!time.empty()) {
        auto minutes = common::ParseTimeOfDay(time);
        if (!minutes) {
            errors.Add("time", "error_time_of_day");
        } else {
            at = common::TokyoInstant(today, *minutes);
            if (at > now + kFutureSkew) errors.Add("time", "error_time_future");
        }
    }
    std::string reason = app::TextField(ctx.form, "reason", errors, false, 200);
    // Visibility and permission before anything else is said about the child: recorded at the site the actor's
    // right comes through, where the child must be placed today.
    auto reached = ctx.svc.db.Read(
        [&](db::ReadTx& tx) { return children::ChildForActor(tx, actor, id, Action::kAttendanceEdit, today); });
    if (!reached) throw http::NotFound();
    const common::SiteId site = reached->grant.site;
    if (!reached->child.active) throw http::HttpError(422, "error_child_inactive");
    if (!reached->standing.PlacedOn(site, today_text)) throw http::HttpError(422, "error_child_not_placed_today");
    if (!errors.empty()) return RenderDay(ctx, id, today_text, errors, 422);
    // Outside opening hours (a closed day, the small hours, an entry after closing) the page asks first: a tap on
    // the wrong row or a tablet's wrong clock should not become a record without a word.
    if (ctx.form.GetOr("off_hours_ok") != "1") {
        auto [day, kind] = ctx.svc.db.Read([&](db::ReadTx& tx) {
            auto s = sites::GetSite(tx, site);
            return std::pair{plans::LoadSiteDay(tx, site, plans::GetSiteRules(tx, site), today, std::nullopt),
                             s ? s->fields.kind : std::string()};
        });
        std::string hhmm = common::FormatTokyoTime(at);
        auto off = plans::OffHoursOf(day, *direction, *common::ParseTimeOfDay(hhmm));
        if (off != plans::OffHours::kNone) {
            ctx.site_kind = kind;
            data body;
            body.set("title", ctx.TK("off_hours_title"));
            const char* why = off == plans::OffHours::kClosedDay       ? "off_hours_closed_day"
                              : off == plans::OffHours::kBeforeOpening ? "off_hours_before_opening"
                                                                       : "off_hours_after_closing";
            body.set("why", ctx.TK(why));
            body.set("why_code", std::string(why).substr(10));
            if (day.opens && day.closes && off != plans::OffHours::kClosedDay) {
                body.set("hours_label", ctx.TK("off_hours_hours"));
                body.set("hours", common::FormatTimeOfDay(*day.opens) + "–" + common::FormatTimeOfDay(*day.closes));
            }
            const auto& f = reached->child.fields;
            body.set("id", id.ToString());
            body.set("name", f.family_name + " " + f.given_name);
            body.set("what", ctx.TK(*direction == Direction::kIn ? "check_in" : "check_out"));
            body.set("direction", std::string(DirectionName(*direction)));
            body.set("time", hhmm);
            body.set("reason", reason);
            std::string next = ctx.form.GetOr("next");
            if (!next.empty()) body.set("next", next);
            body.set("back", next.empty() ? "/children/" + id.ToString() + "/attendance" : app::SafeLocalPath(next));
            return app::RenderPage(ctx, confirm_, "off_hours_title", body, 409);
        }
    }
    auto event = ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto e = RecordByStaff(tx, {id, site, *direction, at, actor.user_id, reason}, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit("attendance.record", "child", id.value, site), ctx.svc.clock);
        return e;
    });
    std::string next = ctx.form.GetOr("next");
    if (!next.empty()) {
        // Back to the roster, at the child's row, saying whom it recorded and offering to take it back.
        std::string path = app::SafeLocalPath(next);
        return http::Response::Redirect(path + (path.find('?') == std::string::npos ? "?" : "&") +
                                        "recorded=" + event.ToString() + "#child-" + id.ToString());
    }
    return http::Response::Redirect("/children/" + id.ToString() + "/attendance?notice=recorded");
}

http::Response Handlers::Correct(Ctx& ctx) const {
    const auto& actor = ctx.RequireActor();
    auto event_id = common::EventId(app::IdParam(ctx));
    auto today = common::TokyoDate(ctx.svc.clock.Now());
    // The event, if it was recorded at a site of the actor's (else 404) and the child is still there (else 403):
    // a site's record is corrected by that site while the child is theirs.
    auto event = ctx.svc.db.Read([&](db::ReadTx& tx) -> std::optional<Event> {
        auto e = GetEvent(tx, event_id);
        if (!e) return std::nullopt;
        rights::RequireAtSite(tx, actor, Action::kAttendanceEdit, e->site, e->child, common::FormatDate(today), true);
        return e;
    });
    if (!event) throw http::NotFound();
    app::FormErrors errors;
    std::string action = ctx.form.GetOr("action");
    std::optional<common::Instant> new_time;
    if (action == "retime") {
        auto minutes = common::ParseTimeOfDay(app::Trimmed(ctx.form.GetOr("time")));
        if (!minutes) {
            errors.Add("time", "error_time_of_day");
        } else {
            new_time = common::TokyoInstant(*common::ParseDate(event->facility_date), *minutes);
            if (*new_time > ctx.svc.clock.Now() + kFutureSkew) errors.Add("time", "error_time_future");
        }
    } else if (action != "undo") {
        errors.Add("action", "error_choose");
    }
    std::string reason = app::TextField(ctx.form, "reason", errors, true, 200);
    if (!errors.empty()) return RenderDay(ctx, event->child, event->facility_date, errors, 422);
    auto outcome = ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto r = attendance::Correct(tx, *event, {event_id, new_time, actor.user_id, reason}, ctx.svc.clock);
        if (std::holds_alternative<common::EventId>(r)) {
            auth::WriteAudit(tx, ctx.Audit("attendance.correct", "child", event->child.value, event->site),
                             ctx.svc.clock);
        }
        return r;
    });
    if (auto* problem = std::get_if<CorrectionProblem>(&outcome)) {
        if (*problem == CorrectionProblem::kAlreadyCorrected) throw http::HttpError(409, "error_already_corrected");
        throw http::HttpError(422, *problem == CorrectionProblem::kOtherDay ? "error_time_of_day" : "error_not_a_mark");
    }
    if (std::string next = ctx.form.GetOr("next"); !next.empty()) {
        std::string path = app::SafeLocalPath(next);
        return http::Response::Redirect(path + (path.find('?') == std::string::npos ? "?" : "&") +
                                        "notice=undone#child-" + event->child.ToString());
    }
    return http::Response::Redirect("/children/" + event->child.ToString() +
                                    "/attendance?date=" + event->facility_date + "&notice=corrected");
}

}  // namespace attendance

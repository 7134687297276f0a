#include "app/context.hpp"

#include <charconv>

#include "common/dates.hpp"
#include "common/random.hpp"
#include "families/mails.hpp"
#include "notify/handlers.hpp"
#include "rollcall/rollcall.hpp"
#include "web/slot.hpp"

namespace app {

using kainjow::mustache::data;

const auth::Actor& Ctx::RequireActor() const {
    if (!actor) throw http::Unauthorized();
    return *actor;
}

const auth::Actor& Ctx::Require(auth::Action action, std::optional<common::SiteId> site) const {
    const auto& a = RequireActor();
    if (!auth::Can(a, action, site)) {
        throw http::HttpError(403, "error_forbidden");
    }
    return a;
}

const auth::Actor& Ctx::RequireAtSite(auth::Action action, common::SiteId site) const {
    if (!auth::Can(RequireActor(), auth::Action::kSiteView, site)) throw http::NotFound();
    return Require(action, site);
}

const auth::GuardianActor& Ctx::RequireGuardian() const {
    if (!guardian) throw http::Unauthorized();
    return *guardian;
}

const auth::GuardianActor& Ctx::RequireFamily(auth::FamilyAction action, common::ChildId child) const {
    const auto& g = RequireGuardian();
    // Another family's child is "not found": its existence is not theirs to learn.
    if (!g.children.count(child)) throw http::NotFound();
    if (!g.Can(action, child)) throw http::HttpError(403, "error_forbidden");
    return g;
}

std::string Ctx::SentDeviceToken() const {
    auto token = req.Cookie(CookieName(svc.config, auth::kDeviceCookie));
    return token && auth::IsDeviceToken(*token) ? *token : std::string();
}

std::string Ctx::DeviceToken() {
    if (auto sent = SentDeviceToken(); !sent.empty()) return sent;
    for (const auto& c : cookies) {
        if (c.name == CookieName(svc.config, auth::kDeviceCookie)) return c.value;
    }
    // Kept for 400 days (the longest browsers honour); refreshed at each full sign-in.
    std::string token = common::RandomHex(32);
    cookies.push_back(
        {CookieName(svc.config, auth::kDeviceCookie), token, 400 * 24 * 3600, true, svc.config.secure_cookies, "Lax"});
    return token;
}

auth::AuditEvent Ctx::Audit(std::string action, std::string target_kind, std::optional<std::int64_t> target_id,
                            std::optional<common::SiteId> site) const {
    auth::AuditEvent e;
    if (actor) {
        e.actor = actor->user_id;
        e.actor_role = std::string(auth::RoleName(actor->PrimaryRole()));
    } else if (guardian) {
        e.actor_role = "guardian";  // the account's id goes in the target when the event is about the guardian
    }
    e.site = site;
    e.action = std::move(action);
    e.target_kind = std::move(target_kind);
    e.target_id = target_id;
    e.address = req.remote_address;
    e.outcome = "ok";
    e.request_id = req.request_id;
    return e;
}

namespace {

struct NavItem {
    const char* path;
    const char* key;
    auth::Action action;
};
constexpr NavItem kNav[] = {
    {"/", "nav_home", auth::Action::kSiteView},
    {"/sites", "nav_sites", auth::Action::kSiteView},
    {"/children", "nav_children", auth::Action::kChildView},
    {"/guardians", "nav_guardians", auth::Action::kGuardianView},
    {"/staff", "nav_staff", auth::Action::kStaffView},
    {"/overview", "nav_overview", auth::Action::kOverviewView},
    {"/counts", "nav_counts", auth::Action::kAttendanceView},
    {"/audit", "nav_audit", auth::Action::kAuditView},
    {"/city/messages", "nav_city_messages", auth::Action::kMessageCity},
    {"/jobs", "nav_jobs", auth::Action::kJobsManage},
    {"/erasures", "nav_erasures", auth::Action::kErase},
};

}  // namespace

http::Response RenderPage(Ctx& ctx, const web::TemplateRef& tmpl, std::string_view title_key, data body, int status) {
    body.set("csrf", ctx.CsrfToken());
    return RenderPageHtml(ctx, title_key, tmpl.Render(body, &ctx.svc.catalogue.Globals(ctx.lang, ctx.site_kind)),
                          status);
}

http::Response RenderPageHtml(Ctx& ctx, std::string_view title_key, const std::string& body_html, int status) {
    const auto& globals = ctx.svc.catalogue.Globals(ctx.lang);
    data page;
    page.set("lang", ctx.lang);
    page.set("title", ctx.TK(title_key));
    page.set("css_url", ctx.svc.assets.Url("app.css"));
    data scripts{data::type::list};
    for (const auto& url : ctx.scripts) scripts.push_back(data("url", url));
    page.set("scripts", scripts);
    page.set("csrf", ctx.CsrfToken());
    page.set("home_url", "/");
    if (ctx.wide) page.set("wide", true);
    if (ctx.family_page) {
        // Guardians' pages: their own header, no staff menu; installable as an app.
        scripts.push_back(data("url", ctx.svc.assets.Url("family.js")));
        page.set("scripts", scripts);
        data family;
        if (ctx.guardian) family.set("display_name", ctx.guardian->display_name);
        if (ctx.guardian) {
            family.set("signed_in", true);
            // Home, the inbox with its unread count, and the settings, on every guardian page.
            auto unread = notify::UnreadFor(ctx);
            if (unread > 0) family.set("unread", std::to_string(unread));
            std::string_view p = ctx.req.path;
            if (p == "/family") family.set("at_home", true);
            if (p.starts_with("/family/inbox")) family.set("at_inbox", true);
            if (p.starts_with("/family/settings")) family.set("at_settings", true);
        }
        page.set("family", family);
        page.set("home_url", "/family");
    } else if (ctx.actor) {
        data user;
        user.set("display_name", ctx.actor->display_name);
        user.set("login_id", ctx.actor->login_id);
        user.set("role", ctx.T("role_" + std::string(auth::RoleName(ctx.actor->PrimaryRole()))));
        page.set("user", user);
        data nav{data::type::list};
        for (const auto& item : kNav) {
            if (!auth::Can(*ctx.actor, item.action)) continue;
            data d;
            d.set("href", item.path);
            d.set("label", ctx.T(item.key));
            std::string_view p = ctx.req.path;
            bool current = item.path == std::string_view("/") ? p == "/" : p.starts_with(item.path);
            if (current) d.set("current", true);
            nav.push_back(d);
        }
        page.set("nav", nav);
        // A roll-call under way at one of the user's sites is on every page until it is closed.
        if (!ctx.req.path.ends_with("/rollcall")) {
            auto open = ctx.svc.db.Read([&](db::ReadTx& tx) { return rollcall::OpenInScope(tx, ctx.actor->Scope()); });
            if (!open.empty()) {
                data banner;
                banner.set("label", ctx.T("rollcall_under_way"));
                banner.set("href", open.size() == 1 ? "/sites/" + open.front().first.ToString() + "/rollcall"
                                                    : std::string("/overview"));
                banner.set("sites", open.size() == 1 ? open.front().second
                                                     : families::Fill(ctx.T("rollcall_sites_count"),
                                                                      {{"n", std::to_string(open.size())}}));
                page.set("rollcall_banner", banner);
            }
        }
    }
    // The language switch keeps the user on the same page.
    std::string other = ctx.lang == "ja" ? "en" : "ja";
    page.set("switch_lang_url", "/lang/" + other + "?next=" + http::UrlEncode(ctx.req.path));
    page.set("switch_lang_label", ctx.svc.catalogue.Get(other, "language_name"));
    page.set("switch_lang_code", other);
    if (auto notice = ctx.req.query.Get("notice"); notice && ctx.svc.catalogue.Has("notice_" + *notice)) {
        page.set("notice", ctx.T("notice_" + *notice));
    }
    constexpr std::string_view kBodySlot = "<!--body-->";
    page.set("body", std::string(kBodySlot));
    return http::Response::Html(
        web::FillSlot(ctx.svc.templates.Get("layout").Render(page, &globals), kBodySlot, {body_html}), status);
}

data FormErrors::ToData(const Ctx& ctx) const {
    data errors;
    for (const auto& [field, key] : errors_) errors.set(field, ctx.T(key));
    data out;
    out.set("errors", errors);
    if (!errors_.empty()) out.set("has_errors", true);
    return out;
}

data FormValues(const http::Params& params) {
    data form;
    for (const auto& [k, v] : params.items()) {
        // A password is never written back into a page, not even beside its own error.
        if (k == "_csrf" || k == "password" || k.find('.') != std::string::npos) continue;
        form.set(k, v);
    }
    return form;
}

Paging ParsePaging(const http::Request& req) {
    Paging p;
    if (auto v = req.query.Get("page")) {
        int n = 0;
        auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
        if (ec != std::errc{} || ptr != v->data() + v->size() || n < 1 || n > 100000)
            throw http::BadRequest("error_bad_page");
        p.page = n;
    }
    return p;
}

data PagerData(const Ctx& ctx, const Paging& p, std::int64_t total) {
    auto url_for = [&](int page) {
        std::string query = http::EncodeQuery(ctx.req.query, {"page", "notice"});
        return ctx.req.path + "?" + query + (query.empty() ? "" : "&") + "page=" + std::to_string(page);
    };
    data d;
    d.set("total", std::to_string(total));
    std::int64_t from = total == 0 ? 0 : p.Offset() + 1;
    std::int64_t to = std::min<std::int64_t>(total, p.Offset() + p.per_page);
    d.set("from", std::to_string(from));
    d.set("to", std::to_string(to));
    if (p.page > 1) d.set("prev_url", url_for(p.page - 1));
    if (to < total) d.set("next_url", url_for(p.page + 1));
    return d;
}

http::Response Download(std::string bytes, std::string content_type, const std::string& filename, bool attachment) {
    http::Response res;
    res.body = std::move(bytes);
    res.content_type = std::move(content_type);
    res.SetHeader("Content-Disposition",
                  std::string(attachment ? "attachment" : "inline") + "; filename=\"" + filename + "\"");
    return res;
}

std::string SafeLocalPath(const std::string& next) {
    if (next.empty() || next[0] != '/' || (next.size() > 1 && (next[1] == '/' || next[1] == '\\'))) return "/";
    for (char c : next) {
        if (static_cast<unsigned char>(c) < 0x20) return "/";
    }
    return next;
}

std::string Trimmed(std::string_view s) {
    auto is_space = [](std::string_view v, std::size_t i) -> std::size_t {
        if (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n') return 1;
        if (v.substr(i, 3) == "\xE3\x80\x80") return 3;  // U+3000 ideographic space
        return 0;
    };
    std::size_t b = 0, e = s.size();
    while (b < e) {
        auto n = is_space(s, b);
        if (!n) break;
        b += n;
    }
    while (e > b) {
        if (e >= b + 3 && s.substr(e - 3, 3) == "\xE3\x80\x80") {
            e -= 3;
        } else if (is_space(s, e - 1) == 1) {
            --e;
        } else {
            break;
        }
    }
    return std::string(s.substr(b, e - b));
}

std::optional<std::int64_t> ParseId(std::string_view s) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || v <= 0) return std::nullopt;
    return v;
}

std::int64_t IdParam(const Ctx& ctx, const std::string& name) {
    auto id = ParseId(ctx.req.PathParam(name));
    if (!id) throw http::NotFound();
    return *id;
}

std::string DateWithWeekday(const Ctx& ctx, const common::Date& d) {
    const auto weekday = std::chrono::weekday(std::chrono::sys_days(d)).c_encoding();
    return families::Fill(ctx.T("date_with_weekday"), {{"date", common::FormatDate(d)},
                                                       {"weekday", ctx.T("weekday_short_" + std::to_string(weekday))}});
}

common::SiteId SiteIdParam(const Ctx& ctx, const std::string& name) { return common::SiteId(IdParam(ctx, name)); }

}  // namespace app

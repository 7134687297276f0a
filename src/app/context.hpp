#pragma once
// What a handler gets: the request, the shared services, the signed-in actor (if any) and the user's language.
#include <kainjow/mustache.hpp>

#include <functional>
#include <optional>
#include <string>

#include "app/config.hpp"
#include "auth/audit.hpp"
#include "auth/permissions.hpp"
#include "auth/sessions.hpp"
#include "auth/throttle.hpp"
#include "common/clock.hpp"
#include "common/dates.hpp"
#include "db/database.hpp"
#include "http/errors.hpp"
#include "http/message.hpp"
#include "http/multipart.hpp"
#include "web/assets.hpp"
#include "web/catalogue.hpp"
#include "web/templates.hpp"

namespace live {
class Feed;
}

namespace app {

class Metrics;

struct Services {
    db::Database& db;
    const common::Clock& clock;
    const web::Catalogue& catalogue;
    const web::Templates& templates;
    const web::Assets& assets;
    const Config& config;
    Metrics& metrics;
    auth::SessionPolicy session_policy;
    auth::ThrottlePolicy throttle_policy;
    // Guardians stay signed in on their own phone for 30 days.
    auth::SessionPolicy guardian_session_policy{std::chrono::hours(24 * 30), std::chrono::hours(24 * 30)};
    live::Feed* live = nullptr;  // the live feed's open event streams (rosters, roll-calls, the city overview)
};

class Ctx {
 public:
    Ctx(http::Request& request, const Services& services) : req(request), svc(services) {}

    http::Request& req;
    const Services& svc;
    std::string lang{web::kDefaultLanguage};
    std::optional<auth::Actor> actor;
    std::optional<auth::Actor> pending;           // passed the password, not yet the second factor: no access to data
    std::optional<auth::GuardianActor> guardian;  // a signed-in guardian (their own cookie, beside any staff one)
    bool family_page = false;                     // rendered with the guardians' header, not the staff menu
    http::Params form;                            // a POST's fields (url-encoded, or a multipart form's text parts)
    std::vector<http::FormPart> files;            // a multipart form's file parts
    std::string anon_csrf;                        // double-submit token for forms shown before sign-in
    std::vector<http::SetCookie> cookies;         // added to whatever response the handler returns
    std::vector<std::string> scripts;             // asset URLs the page loads (deferred), for the few that need one
    bool wide = false;                            // a page of tables for a wall or desk screen: uses the full width
    std::string site_kind;                        // the kind of site the page is about, for TK()

    // The signed-in staff member, or Unauthorized (→ the sign-in page for browsers).
    const auth::Actor& RequireActor() const;
    // Forbidden unless the actor may do the action (at the site, if given). Denials are audited centrally.
    const auth::Actor& Require(auth::Action action, std::optional<common::SiteId> site = std::nullopt) const;
    // A site the actor may see (else 404: another site's things are not there for them) and act on (else 403).
    const auth::Actor& RequireAtSite(auth::Action action, common::SiteId site) const;
    const std::string& T(std::string_view key) const { return svc.catalogue.Get(lang, key); }
    // The text for a count of n: the catalogue's "key_one" when n is 1 and it has one (English "1 day", not
    // "1 day(s)"), else the key's.
    const std::string& TN(std::string_view key, long long n) const {
        if (n == 1) {
            std::string one = std::string(key) + "_one";
            if (svc.catalogue.Has(one)) return svc.catalogue.Get(lang, one);
        }
        return svc.catalogue.Get(lang, key);
    }
    // The text in the words of the page's kind of site (登園/降園 at a nursery, 入室/退室 at a 学童): the catalogue's
    // "key@kind" where it has one, else the key's.
    const std::string& TK(std::string_view key) const { return svc.catalogue.GetForKind(lang, key, site_kind); }
    // An audit event with actor, role, address and request id filled in.
    auth::AuditEvent Audit(std::string action, std::string target_kind, std::optional<std::int64_t> target_id,
                           std::optional<common::SiteId> site = std::nullopt) const;
    // The signed-in guardian, or Unauthorized (→ the guardians' sign-in page for browsers).
    const auth::GuardianActor& RequireGuardian() const;
    // Forbidden unless the guardian may do the action for this child (their own children only).
    const auth::GuardianActor& RequireFamily(auth::FamilyAction action, common::ChildId child) const;
    // This browser's device token (auth::kDeviceCookie) as it sent it, or empty.
    std::string SentDeviceToken() const;
    // The same, or a new one set on the response: for trusting this browser after a full sign-in.
    std::string DeviceToken();
    std::string CsrfToken() const {
        if (family_page && guardian) return guardian->csrf_token;
        return actor ? actor->csrf_token : pending ? pending->csrf_token : guardian ? guardian->csrf_token : anon_csrf;
    }
};

// Rendering of full pages inside the layout.
http::Response RenderPage(Ctx& ctx, const web::TemplateRef& tmpl, std::string_view title_key,
                          kainjow::mustache::data body, int status = 200);
// The same around a body already rendered (a page that keeps its body between requests).
http::Response RenderPageHtml(Ctx& ctx, std::string_view title_key, const std::string& body_html, int status = 200);

// A field-by-field validation result: field → catalogue key.
class FormErrors {
 public:
    void Add(const std::string& field, std::string key) {
        if (!errors_.count(field)) errors_[field] = std::move(key);
    }
    bool empty() const { return errors_.empty(); }
    bool Has(const std::string& field) const { return errors_.count(field) > 0; }
    using Map = std::map<std::string, std::string>;
    const Map& map() const { return errors_; }
    // {errors: {field: text}, has_errors: bool} in the user's language.
    kainjow::mustache::data ToData(const Ctx& ctx) const;

 private:
    std::map<std::string, std::string> errors_;
};

// {form: {name: value}} from the posted form, to show the user's input again beside the errors (never a
// password).
kainjow::mustache::data FormValues(const http::Params& params);

// Paging for lists: ?page=N, 50 rows a page.
struct Paging {
    int page = 1;
    int per_page = 50;
    int Offset() const { return (page - 1) * per_page; }
};
Paging ParsePaging(const http::Request& req);
// {pager: {total, from, to, prev_url, next_url}} keeping the other query parameters.
kainjow::mustache::data PagerData(const Ctx& ctx, const Paging& p, std::int64_t total);

// A generated file (a PDF, an image) as the answer: shown in the browser (inline) or saved (attachment).
http::Response Download(std::string bytes, std::string content_type, const std::string& filename,
                        bool attachment = true);

// A `next` target that is a path on this site, else "/": never a redirect to another site (//host, /\host) or a
// target with control characters in it.
std::string SafeLocalPath(const std::string& next);

// "2026-12-03（木）", in the page's language (the roster's and the overview's day line).
std::string DateWithWeekday(const Ctx& ctx, const common::Date& d);

// Small helpers for forms.
std::string Trimmed(std::string_view s);
std::optional<std::int64_t> ParseId(std::string_view s);
common::SiteId SiteIdParam(const Ctx& ctx, const std::string& name = "id");
std::int64_t IdParam(const Ctx& ctx, const std::string& name = "id");

}  // namespace app

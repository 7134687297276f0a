// The permission matrix as data: every route × every role × an object at the actor's own site and one at another
// site — and, over time and across sites, × the former site of a child who moved, the child's new site, an account
// with roles at two sites, and a guardian of children at two sites. A case that must be refused must also leave the
// data unchanged, and people at another site must be "not found" (404), not merely forbidden. Every route the
// server has must appear in the tables, so they grow with every new endpoint.
#include <array>
#include <boost/json.hpp>
#include <regex>
#include <set>

#include "attendance/attendance.hpp"
#include "attendance/card_payload.hpp"
#include "attendance/cards.hpp"
#include "attendance/kiosks.hpp"
#include "auth/passwords.hpp"
#include "children/children.hpp"
#include "curriculum/curriculum.hpp"
#include "families/families.hpp"
#include "harness.hpp"
#include "jobs/jobs.hpp"
#include "journals/journals.hpp"
#include "messages/messages.hpp"
#include "ops/erasure.hpp"
#include "photos/photos.hpp"
#include "plans/plans.hpp"
#include "rollcall/rollcall.hpp"
#include "staff/staff.hpp"

namespace {

using testing_support::AppTest;

// A text longer than any field takes: the request passes the permission check and is refused for its content.
const std::string kTooLong(2100, 'x');

// allowed; refused (403/404/422, nothing changed); 404 and unchanged; allowed, but what was sent is refused (422,
// nothing changed: the request passed the permission check and failed on its content)
enum class Expect { kOk, kNo, kHidden, kInvalid };
struct Case {
    const char* method;
    const char* pattern;
    std::vector<std::pair<std::string, std::string>> form;  // "{site}" is replaced by the object's site
    // admin own/other, manager own/other, staff own/other
    Expect expect[3][2];
};
constexpr Expect O = Expect::kOk, N = Expect::kNo, H = Expect::kHidden, V = Expect::kInvalid;

std::vector<std::pair<std::string, std::string>> ChildForm() {
    return {{"family_name", "権限"},  {"given_name", "試験"},       {"family_kana", "けんげん"},
            {"given_kana", "しけん"}, {"birth_date", "2019-05-05"}, {"grade", "1"},
            {"site_id", "{site}"},    {"start_date", "2026-04-01"}};
}
std::vector<std::pair<std::string, std::string>> GuardianForm() {
    return {{"family_name", "権限"},    {"given_name", "保護者"}, {"family_kana", "けんげん"},
            {"given_kana", "ほごしゃ"}, {"language", "ja"},       {"relationship", "mother"},
            {"child_id", "{child}"}};
}
std::vector<std::pair<std::string, std::string>> SiteForm() {
    return {{"kind", "nursery"}, {"name", "権限テスト保育園"}, {"name_kana", "けんげんてすと"}};
}
std::vector<std::pair<std::string, std::string>> StaffForm() {
    return {{"display_name", "権限 試験"},
            {"language", "ja"},
            {"role_{site}", "staff"},
            {"login_id", "matrix.user"},
            {"password", "a long matrix passphrase"}};
}

// GETs first, then changes, with the ones that cut links last, so earlier cases see the city as seeded.
const std::vector<Case>& Table() {
    static const std::vector<Case> cases = {
        {"GET", "/", {}, {{O, O}, {O, O}, {O, O}}},
        {"GET", "/sites", {}, {{O, O}, {O, O}, {O, O}}},
        {"GET", "/sites/new", {}, {{O, O}, {N, N}, {N, N}}},
        {"GET", "/sites/{site}", {}, {{O, O}, {O, N}, {O, N}}},
        {"GET", "/sites/{site}/edit", {}, {{O, O}, {O, N}, {N, N}}},
        {"GET", "/sites/{site}/groups/new", {}, {{O, O}, {O, N}, {N, N}}},
        {"GET", "/sites/{site}/import", {}, {{O, O}, {O, N}, {N, N}}},
        {"GET", "/sites/{site}/import/template.csv", {}, {{O, O}, {O, N}, {N, N}}},
        {"GET", "/groups/{group}/edit", {}, {{O, O}, {O, N}, {N, N}}},
        {"GET", "/children", {}, {{O, O}, {O, O}, {O, O}}},
        {"GET", "/children/new", {}, {{O, O}, {O, O}, {N, N}}},
        {"GET", "/children/{child}", {}, {{O, O}, {O, H}, {O, H}}},
        {"GET", "/children/{child}/edit", {}, {{O, O}, {O, H}, {N, H}}},
        {"GET", "/guardians", {}, {{O, O}, {O, O}, {O, O}}},
        {"GET", "/guardians/new?child_id={child}", {}, {{O, O}, {O, H}, {N, H}}},
        {"GET", "/guardians/{guardian}", {}, {{O, O}, {O, H}, {O, H}}},
        {"GET", "/guardians/{guardian}/edit", {}, {{O, O}, {O, H}, {N, H}}},
        {"GET", "/staff", {}, {{O, O}, {O, O}, {N, N}}},
        {"GET", "/staff/new", {}, {{O, O}, {O, O}, {N, N}}},
        {"GET", "/staff/{user}/edit", {}, {{O, O}, {O, H}, {N, N}}},
        // One's own password: everyone's own (a wrong current password is refused on its content)
        {"GET", "/account/password", {}, {{O, O}, {O, O}, {O, O}}},
        {"POST",
         "/account/password",
         {{"current_password", "not the password"},
          {"new_password", "a matrix passphrase"},
          {"confirm_password", "a matrix passphrase"}},
         {{V, V}, {V, V}, {V, V}}},
        {"GET", "/audit", {}, {{O, O}, {N, N}, {N, N}}},
        {"GET", "/audit.csv", {}, {{O, O}, {N, N}, {N, N}}},
        {"POST", "/sites", SiteForm(), {{O, O}, {N, N}, {N, N}}},
        {"POST", "/sites/{site}", SiteForm(), {{O, O}, {O, N}, {N, N}}},
        {"POST", "/sites/{site}/groups", {{"kind", "custom"}, {"name", "権限"}}, {{O, O}, {O, N}, {N, N}}},
        {"POST", "/sites/{site}/import", {{"mode", "apply"}}, {{V, V}, {V, N}, {N, N}}},  // no file sent
        {"POST", "/groups/{group}", {{"kind", "custom"}, {"name", "権限"}}, {{O, O}, {O, N}, {N, N}}},
        {"POST", "/groups/{group}/deactivate", {}, {{O, O}, {O, N}, {N, N}}},
        {"POST", "/groups/{group}/reactivate", {}, {{O, O}, {O, N}, {N, N}}},
        {"POST", "/children", ChildForm(), {{O, O}, {O, N}, {N, N}}},
        {"POST", "/children/{child}", ChildForm(), {{O, O}, {O, H}, {N, H}}},
        {"POST", "/children/{child}/deactivate", {}, {{O, O}, {O, H}, {N, H}}},
        {"POST", "/children/{child}/reactivate", {}, {{O, O}, {O, H}, {N, H}}},
        {"POST",
         "/children/{child}/guardians",
         {{"guardian_id", "{guardian}"}, {"relationship", "other"}},
         {{O, O}, {O, H}, {N, H}}},
        {"POST", "/guardians", GuardianForm(), {{O, O}, {O, H}, {N, H}}},
        {"POST", "/guardians/{guardian}", GuardianForm(), {{O, O}, {O, H}, {N, H}}},
        {"POST", "/guardians/{guardian}/deactivate", {}, {{O, O}, {O, H}, {N, H}}},
        {"POST", "/guardians/{guardian}/reactivate", {}, {{O, O}, {O, H}, {N, H}}},
        {"POST", "/staff", StaffForm(), {{O, O}, {O, N}, {N, N}}},
        {"POST", "/staff/{user}", StaffForm(), {{O, O}, {O, H}, {N, N}}},
        {"POST", "/staff/{user}/unlock", {}, {{O, O}, {O, H}, {N, N}}},
        {"POST", "/staff/{user}/sessions/end", {}, {{O, O}, {O, H}, {N, N}}},
        {"POST", "/staff/{user}/deactivate", {}, {{O, O}, {O, H}, {N, N}}},
        {"POST", "/staff/{user}/reactivate", {}, {{O, O}, {O, H}, {N, N}}},
        {"POST", "/sites/{site}/deactivate", {}, {{O, O}, {N, N}, {N, N}}},
        {"POST", "/sites/{site}/reactivate", {}, {{O, O}, {N, N}, {N, N}}},
        {"POST", "/children/{child}/letter", {{"days", "30"}}, {{O, O}, {O, H}, {N, H}}},
        {"POST", "/sites/{site}/letters", {{"days", "30"}}, {{O, O}, {O, N}, {N, N}}},
        {"POST", "/children/{child}/guardians/{guardian}/unlink", {}, {{O, O}, {O, H}, {N, H}}},
        {"POST", "/children/{child}/accounts/{account}/end", {}, {{O, O}, {O, H}, {N, H}}},
        // Cards, kiosks, the roster and the attendance record
        {"GET", "/sites/{site}/roster", {}, {{O, O}, {O, N}, {O, N}}},
        {"GET", "/sites/{site}/register", {}, {{O, O}, {O, N}, {O, N}}},
        {"GET", "/counts", {}, {{O, O}, {O, O}, {O, O}}},  // every site in the user's own scope
        {"GET", "/sites/{site}/register/export?format=csv", {}, {{O, O}, {O, N}, {O, N}}},
        {"GET", "/sites/{site}/register/export?format=pdf&child={child}", {}, {{O, O}, {O, N}, {O, N}}},
        {"GET", "/counts/export?format=csv", {}, {{O, O}, {O, O}, {O, O}}},  // the user's own scope
        {"GET", "/counts/year", {}, {{O, O}, {O, O}, {O, O}}},
        {"GET", "/counts/registers?format=csv", {}, {{O, O}, {O, O}, {O, O}}},
        {"GET", "/counts/year/export?format=csv", {}, {{O, O}, {O, O}, {O, O}}},
        {"GET", "/sites/{site}/roster/events", {}, {{O, O}, {O, N}, {O, N}}},
        {"GET", "/sites/{site}/kiosks", {}, {{O, O}, {O, N}, {N, N}}},
        // The contact notebook: the site's staff read and write it (the family's side is theirs)
        {"GET", "/sites/{site}/notebook", {}, {{O, O}, {O, N}, {O, N}}},
        {"GET", "/sites/{site}/notebook/settings", {}, {{O, O}, {O, N}, {N, N}}},
        {"GET", "/children/{child}/notebook", {}, {{O, O}, {O, H}, {O, H}}},
        {"GET", "/sites/{site}/cards.pdf", {}, {{O, O}, {O, N}, {N, N}}},
        {"GET", "/children/{child}/card.pdf", {}, {{O, O}, {O, H}, {N, H}}},
        {"GET", "/children/{child}/card.png", {}, {{O, O}, {O, H}, {N, H}}},
        {"GET", "/children/{child}/card.svg", {}, {{O, O}, {O, H}, {N, H}}},
        {"GET", "/children/{child}/attendance", {}, {{O, O}, {O, H}, {O, H}}},
        {"POST",
         "/children/{child}/attendance",
         {{"direction", "in"}, {"off_hours_ok", "1"}},
         {{O, O}, {O, H}, {O, H}}},
        {"POST",
         "/attendance/{event}/correct",
         {{"action", "retime"}, {"time", "09:00"}, {"reason", "matrix"}},
         {{O, O}, {O, H}, {O, H}}},
        {"POST", "/children/{child}/card/reissue", {}, {{O, O}, {O, H}, {N, H}}},
        {"POST", "/sites/{site}/kiosks", {{"name", "matrix"}}, {{O, O}, {O, N}, {N, N}}},
        {"POST", "/kiosks/{kiosk}/revoke", {}, {{O, O}, {O, H}, {N, H}}},
        {"POST",
         "/children/{child}/notebook",
         {{"version", "0"}, {"lunch", "all"}, {"episode", "行列の一日"}},
         {{O, O}, {O, H}, {O, H}}},
        {"POST", "/children/{child}/notebook/publish", {}, {{O, O}, {O, H}, {O, H}}},
        {"GET", "/photos/{photo}", {}, {{O, O}, {O, H}, {O, H}}},
        // A nursery's health records: the staff of the child's site today
        {"GET", "/children/{child}/health", {}, {{O, O}, {O, H}, {O, H}}},
        {"GET", "/children/{child}/records", {}, {{O, O}, {O, H}, {O, H}}},
        {"POST",
         "/children/{child}/health/temperature",
         {{"temperature", "36.5"}, {"time", "00:00"}},
         {{O, O}, {O, H}, {O, H}}},
        {"POST",
         "/children/{child}/health/growth",
         {{"date", "2026-04-01"}, {"height", "90.5"}},
         {{O, O}, {O, H}, {O, H}}},
        {"POST",
         "/children/{child}/health/illness",
         {{"disease", "influenza"}, {"onset", "2026-04-01"}},
         {{O, O}, {O, H}, {O, H}}},
        {"POST", "/children/{child}/health/record", {{"version", "0"}, {"notes", kTooLong}}, {{V, V}, {V, H}, {V, H}}},
        {"GET", "/photos/{photo}?size=thumb", {}, {{O, O}, {O, H}, {O, H}}},
        {"POST", "/children/{child}/notebook/photos", {}, {{V, V}, {V, H}, {V, H}}},  // no photo sent
        {"POST", "/children/{child}/notebook/photos/{photo}/remove", {}, {{O, O}, {O, H}, {O, H}}},
        {"POST", "/sites/{site}/notebook", {{"child", "{child}"}, {"snack", "all"}}, {{O, O}, {O, N}, {O, N}}},
        {"POST", "/sites/{site}/notebook/settings", {}, {{V, V}, {V, N}, {N, N}}},  // no choices sent
        // Nap checks: the site's staff (a start is idempotent; a check without a position and a waking of nobody are
        // refused, 422, after the rights — the rows run in turn on one database, so none depends on a nap's state)
        {"GET", "/sites/{site}/naps", {}, {{O, O}, {O, N}, {O, N}}},
        {"POST", "/sites/{site}/naps/start", {{"child", "{child}"}}, {{O, O}, {O, N}, {O, N}}},
        {"POST", "/sites/{site}/naps/check", {{"child", "{child}"}}, {{V, V}, {V, N}, {V, N}}},
        {"POST", "/sites/{site}/naps/wake", {}, {{V, V}, {V, N}, {V, N}}},
        {"GET", "/sites/{site}/naps/grid", {}, {{O, O}, {O, N}, {O, N}}},
        // Care journals: the site's staff; the approval rule, its managers (a step that is not one: 422 after the
        // rights; a text too long: likewise)
        {"GET", "/sites/{site}/journals", {}, {{O, O}, {O, N}, {O, N}}},
        {"GET", "/sites/{site}/journal", {}, {{O, O}, {O, N}, {O, N}}},
        {"GET", "/journals/{journal}/pdf", {}, {{O, O}, {O, H}, {O, H}}},
        {"GET", "/sites/{site}/journals/export", {}, {{O, O}, {O, N}, {O, N}}},
        {"POST", "/sites/{site}/journal", {{"version", "1"}, {"weather", kTooLong}}, {{V, V}, {V, N}, {V, N}}},
        {"POST", "/journals/{journal}/stamp", {{"step", "stamp"}}, {{V, V}, {V, H}, {V, H}}},
        {"POST", "/sites/{site}/journals/settings", {}, {{O, O}, {O, N}, {N, N}}},
        // Curriculum plans: the site's staff (an unknown step or a section too long: 422 after the rights)
        {"GET", "/sites/{site}/curriculum", {}, {{O, O}, {O, N}, {O, N}}},
        {"GET",
         "/sites/{site}/curriculum/plan?kind=monthly&group={group}&period=2026-05-01",
         {},
         {{O, O}, {O, N}, {O, N}}},
        {"GET", "/curriculum/{plan}/pdf", {}, {{O, O}, {O, H}, {O, H}}},
        {"POST",
         "/sites/{site}/curriculum/plan",
         {{"kind", "monthly"},
          {"group", "{group}"},
          {"period", "2026-05-01"},
          {"version", "0"},
          {"sec_aims", kTooLong}},
         {{V, V}, {V, N}, {V, N}}},
        {"POST", "/curriculum/{plan}/stamp", {{"step", "stamp"}}, {{V, V}, {V, H}, {V, H}}},
        // The site's schedule
        {"GET", "/sites/{site}/schedule", {}, {{O, O}, {O, N}, {N, N}}},
        {"POST",
         "/sites/{site}/schedule",
         {{"deadline_days_before", "1"},
          {"deadline_time", "17:00"},
          {"late_after_minutes", "30"},
          {"reminder_day", "20"},
          {"notify_guardians", "1"},
          {"dis_0_2", "15:00"}},
         {{O, O}, {O, N}, {N, N}}},
        {"POST", "/sites/{site}/schedule", {{"deadline_time", "夕方"}}, {{V, V}, {V, N}, {N, N}}},
        {"POST", "/sites/{site}/closures", {{"date", "2026-12-29"}, {"reason", "年末"}}, {{O, O}, {O, N}, {N, N}}},
        {"POST", "/sites/{site}/closures/remove", {{"date", "2026-12-29"}}, {{O, O}, {O, N}, {N, N}}},
        // Today's changes and alerts
        {"POST", "/contacts/{contact}/confirm", {}, {{O, O}, {O, H}, {O, H}}},
        {"POST",
         "/children/{child}/alerts/resolve",
         {{"kind", "not_arrived"}, {"resolution", "found"}},
         {{O, O}, {O, H}, {O, H}}},
        {"POST",
         "/children/{child}/alerts/resolve",
         {{"kind", "not_arrived"}, {"resolution", "left"}},
         {{V, V}, {V, H}, {V, H}}},
        // What was sent to families (names family members: staff of the site only)
        {"GET", "/sites/{site}/notices", {}, {{O, O}, {O, N}, {O, N}}},
        {"GET", "/notices/{notice}", {}, {{O, O}, {O, H}, {O, H}}},
        {"POST", "/notices/{notice}/resend", {}, {{O, O}, {O, H}, {O, H}}},
        // Messages: a site's staff write to its families; the city's to every site are the municipal admins'
        {"GET", "/sites/{site}/messages", {}, {{O, O}, {O, N}, {O, N}}},
        {"GET", "/sites/{site}/messages/new", {}, {{O, O}, {O, N}, {O, N}}},
        {"GET", "/sites/{site}/messages/reach?scope=site", {}, {{O, O}, {O, N}, {O, N}}},
        {"POST",
         "/sites/{site}/messages",
         {{"scope", "site"}, {"subject", "行列"}, {"body", "行列のお知らせ"}},
         {{O, O}, {O, N}, {O, N}}},
        {"POST", "/sites/{site}/messages", {{"scope", "site"}, {"subject", ""}}, {{V, V}, {V, N}, {V, N}}},
        {"GET", "/city/messages", {}, {{O, O}, {N, N}, {N, N}}},
        {"GET", "/city/messages/new", {}, {{O, O}, {N, N}, {N, N}}},
        {"GET", "/city/messages/reach?scope=all", {}, {{O, O}, {N, N}, {N, N}}},
        {"POST",
         "/city/messages",
         {{"scope", "all"}, {"subject", "市"}, {"body", "市のお知らせ"}},
         {{O, O}, {N, N}, {N, N}}},
        {"GET", "/messages/{message}", {}, {{O, O}, {O, H}, {O, H}}},
        {"GET", "/messages/{message}/files/{file}", {}, {{O, O}, {O, H}, {O, H}}},
        {"POST", "/messages/{message}/remind", {}, {{O, O}, {O, H}, {O, H}}},
        {"POST", "/messages/{scheduled}/cancel", {}, {{O, O}, {O, H}, {O, H}}},
        {"GET", "/sites/{site}/threads", {}, {{O, O}, {O, N}, {O, N}}},
        {"GET", "/threads/{thread}", {}, {{O, O}, {O, H}, {O, H}}},
        {"POST", "/threads/{thread}", {{"body", "行列の返事"}}, {{O, O}, {O, H}, {O, H}}},
        {"POST", "/threads/{thread}", {{"body", " "}}, {{V, V}, {V, H}, {V, H}}},
        // Jobs that failed for good: the city's operators
        {"GET", "/jobs", {}, {{O, O}, {N, N}, {N, N}}},
        {"POST", "/jobs/{job}/retry", {}, {{O, O}, {N, N}, {N, N}}},
        // Erasure: the city's, with a certificate. The POST lacks its request number (422): nothing is erased here.
        {"GET", "/erasures", {}, {{O, O}, {N, N}, {N, N}}},
        {"GET", "/erasures/preview?scope=child&id={child}&request=R", {}, {{O, O}, {N, N}, {N, N}}},
        {"POST", "/erasures", {{"scope", "child"}, {"id", "{child}"}, {"confirm", "1"}}, {{V, V}, {N, N}, {N, N}}},
        {"GET", "/erasures/{erasure}", {}, {{O, O}, {N, N}, {N, N}}},
        {"GET", "/erasures/{erasure}/certificate.pdf", {}, {{O, O}, {N, N}, {N, N}}},
        {"GET", "/erasures/{erasure}/certificate.json", {}, {{O, O}, {N, N}, {N, N}}},
        // The school-year rollover: the city's. The POST's date is not 1 April (422): nothing rolls over here; the
        // rollover to cancel was cancelled already (404 after the right is checked).
        // How long records are kept: the city's. The POST lacks most periods (422): nothing is changed here.
        {"GET", "/retention", {}, {{O, O}, {N, N}, {N, N}}},
        {"POST", "/retention", {{"months_plans", "1"}}, {{V, V}, {N, N}, {N, N}}},
        {"GET", "/rollover", {}, {{O, O}, {N, N}, {N, N}}},
        {"GET", "/rollover/preview?date=2027-04-01", {}, {{O, O}, {N, N}, {N, N}}},
        {"POST", "/rollover", {{"date", "2027-04-02"}, {"confirm", "1"}}, {{V, V}, {N, N}, {N, N}}},
        {"POST", "/rollover/{rollover}/cancel", {}, {{H, H}, {N, N}, {N, N}}},
        // The city's overview (figures of the user's own sites) and the emergency roll-call: one is open at each
        // site with the child on its list (started in Find); confirmed, handed over, printed, then closed.
        {"GET", "/overview", {}, {{O, O}, {O, O}, {N, N}}},
        {"GET", "/overview/events", {}, {{O, O}, {O, O}, {N, N}}},
        {"GET", "/overview/figures", {}, {{O, O}, {O, O}, {N, N}}},
        {"GET", "/rollcall/new", {}, {{O, O}, {O, O}, {N, N}}},
        {"POST", "/rollcall", {{"site", "{site}"}, {"reason", "earthquake"}}, {{O, O}, {O, H}, {N, N}}},
        {"GET", "/sites/{site}/rollcall", {}, {{O, O}, {O, H}, {O, H}}},
        {"POST",
         "/sites/{site}/rollcall/{call}/children/{listed}/confirm",
         {{"state", "safe"}},
         {{O, O}, {O, H}, {O, H}}},
        {"GET", "/sites/{site}/rollcall/{call}/children/{listed}/handover", {}, {{O, O}, {O, H}, {O, H}}},
        {"POST",
         "/sites/{site}/rollcall/{call}/children/{listed}/handover",
         {{"to", "other"}, {"other_name", "行列 太郎"}, {"identity_checked", "1"}},
         {{O, O}, {O, H}, {O, H}}},
        {"GET", "/sites/{site}/rollcall/{call}/print", {}, {{O, O}, {O, H}, {O, H}}},
        {"POST", "/sites/{site}/rollcall/{call}/close", {}, {{O, O}, {O, H}, {N, H}}},
    };
    return cases;
}

// Routes anyone may use, signed in or not.
const std::set<std::string> kPublic = {"GET /healthz",       "GET /metrics",
                                       "GET /static/{file}", "GET /lang/{lang}",
                                       "GET /login",         "POST /login",
                                       "POST /logout",       "GET /mfa",
                                       "POST /mfa",          "GET /mfa/setup",
                                       "POST /mfa/setup",  // one's own second factor
                                       "GET /family/sw.js",  "GET /family/manifest.webmanifest"};  // the app's shell

// Guardians' routes: public ones that work by a code or a link, and those of a signed-in guardian (in the
// guardian matrix below).
const std::set<std::string> kFamilyRoutes = {"GET /register",
                                             "POST /register",
                                             "GET /register/confirm",
                                             "POST /register/confirm",
                                             "GET /family/login",
                                             "POST /family/login",
                                             "POST /family/logout",
                                             "GET /family",
                                             "GET /family/invite",
                                             "POST /family/invite",
                                             "GET /family/invitation",
                                             "POST /family/invitation",
                                             "GET /family/children/{id}/plans",
                                             "POST /family/children/{id}/plans",
                                             "GET /family/children/{id}/contact",
                                             "POST /family/children/{id}/contact",
                                             "POST /family/children/{id}/members/{account_id}/reporting",
                                             "GET /family/children/{id}/pickup",
                                             "POST /family/children/{id}/pickup",
                                             "POST /family/children/{id}/pickup/{person}/remove",
                                             "GET /family/inbox",
                                             "GET /family/inbox/{id}",
                                             "GET /family/settings",
                                             "POST /family/settings",
                                             "POST /family/push/subscribe",
                                             "POST /family/push/unsubscribe",
                                             "GET /family/inbox/{id}/files/{file}",
                                             "GET /family/children/{id}/messages",
                                             "POST /family/children/{id}/messages",
                                             "GET /family/children/{id}/notebook",
                                             "POST /family/children/{id}/notebook",
                                             "GET /family/photos/{id}",
                                             "GET /family/children/{id}/health",
                                             "GET /family/children/{id}/illness",
                                             "POST /family/children/{id}/illness",
                                             "GET /family/pass",
                                             "GET /family/pass/code.svg",
                                             "POST /family/pass/pin"};

// The kiosk's own routes: its page and pairing (by a code), and the scan API (by its credential).
const std::set<std::string> kKioskRoutes = {"GET /kiosk",
                                            "POST /kiosk/pair",
                                            "POST /api/v1/kiosk/scans",
                                            "GET /api/v1/kiosk/directory",
                                            "POST /api/v1/kiosk/family",
                                            "POST /api/v1/kiosk/family/stamp"};

struct Objects {
    std::int64_t site, group, child, guardian, user, account, event, kiosk, contact, person;
    std::int64_t member;             // a family member (role family) of the child, never signed in here
    std::int64_t notice, recipient;  // the notification of the staff-recorded entry, and the account's copy of it
    // A message the site sent (with a PDF) and the account's copy of it, one scheduled for later, and the child's
    // conversation with the site.
    std::int64_t message, file, copy, scheduled, thread;
    std::int64_t job;           // a job that failed for good
    std::int64_t call, listed;  // the site's open roll-call and the child on its list
    std::int64_t erasure;       // an erasure done (of a child of site 1 made for it): the city's, not a site's
    std::int64_t rollover;      // a school-year rollover, cancelled: the city's
    std::string kiosk_credential;
    std::int64_t photo;        // a photo on the child's page of today (published) and on another child's of the site
    std::int64_t journal = 0;  // the site's care journal of the day
    std::int64_t plan = 0;     // a curriculum plan of the group (its monthly plan of April)
};

class PermissionMatrix : public AppTest {
 protected:
    void SetUp() override {
        AppTest::SetUp();
        SeedSmallCity(2, 24);
        // Both sites are nurseries, so that the nursery's records (the contact notebook) are in the matrix too.
        database().Write([&](db::WriteTx& tx) { tx.Exec("UPDATE site SET kind = 'nursery' WHERE id IN (1, 2)"); });
        own_ = Find(1);
        other_ = Find(2);
        own_.erasure = other_.erasure = EraseOneChild();
        own_.rollover = other_.rollover = database().Write([&](db::WriteTx& tx) {
            return tx
                .QueryOne(
                    "INSERT INTO rollover (effective_date, state, created_at) VALUES ('2025-04-01', "
                    "'cancelled', ?) RETURNING id",
                    common::FormatInstant(clock_.Now()))
                .Int(0);
        });
    }
    // A child of site 1 made only to be erased: the erasure's id.
    std::int64_t EraseOneChild() {
        const auto child = database().Write([&](db::WriteTx& tx) {
            return children::InsertChild(tx,
                                         {"消去",
                                          "用",
                                          "しょうきょ",
                                          "よう",
                                          "2018-01-01",
                                          2,
                                          common::SiteId(1),
                                          {},
                                          "2026-04-01",
                                          std::nullopt},
                                         clock_);
        });
        return ops::Erase(database(), {ops::ErasureScope::kChild, child.value, "matrix", std::nullopt, "matrix"},
                          testing_support::kTestSecret, clock_)
            .id;
    }
    // Objects that belong to exactly one site: a child with a guardian who has no child elsewhere.
    Objects Find(int site) {
        std::string s = std::to_string(site);
        Objects o{};
        o.site = site;
        o.group = One("SELECT MIN(id) FROM child_group WHERE site_id = " + s);
        o.guardian =
            One("SELECT MIN(gc.guardian_id) FROM guardian_child gc JOIN child_placement p ON p.child_id = gc.child_id "
                "WHERE p.site_id = " +
                s +
                " AND gc.guardian_id NOT IN (SELECT gc2.guardian_id FROM guardian_child gc2 "
                "JOIN child_placement p2 ON p2.child_id = gc2.child_id WHERE p2.site_id <> " +
                s + ")");
        o.child = One("SELECT MIN(child_id) FROM guardian_child WHERE guardian_id = " + std::to_string(o.guardian));
        o.user = One("SELECT id FROM staff_user WHERE login_id = 'staff" + s + "'");
        // A guardian's account linked to the child with the full role.
        o.account = database().Write([&](db::WriteTx& tx) {
            auto account =
                families::CreateConfirmedAccount(tx, "matrix" + s + "@example.test", "行列 " + s,
                                                 auth::HashPassword("a matrix family passphrase"), "ja", clock_);
            families::LinkChild(tx, account, common::ChildId(o.child), auth::FamilyRole::kFull, clock_);
            auto member =
                families::CreateConfirmedAccount(tx, "member" + s + "@example.test", "行列 家族 " + s,
                                                 auth::HashPassword("a matrix family passphrase"), "ja", clock_);
            families::LinkChild(tx, member, common::ChildId(o.child), auth::FamilyRole::kFamily, clock_);
            o.member = member.value;
            return account.value;
        });
        // A kiosk at the site, and an entry of the child recorded by staff (a correction's target).
        database().Write([&](db::WriteTx& tx) {
            auto kiosk = attendance::CreateKiosk(tx, common::SiteId(site), "matrix", clock_);
            o.kiosk = kiosk.id.value;
            o.kiosk_credential = kiosk.credential;
            o.event =
                attendance::RecordByStaff(tx,
                                          {common::ChildId(o.child), common::SiteId(site), attendance::Direction::kIn,
                                           clock_.Now() - std::chrono::hours(1), common::UserId(o.user), ""},
                                          clock_)
                    .value;
        });
        o.notice = One("SELECT MAX(id) FROM notification WHERE child_id = " + std::to_string(o.child));
        // An emergency roll-call open at the site, with the child (inside) on its list.
        o.call = database().Write([&](db::WriteTx& tx) {
            return rollcall::Start(tx, {common::SiteId(site)}, rollcall::Reason::kEarthquake, "", false,
                                   common::UserId(o.user), clock_)
                .opened.at(0)
                .second.value;
        });
        o.listed = o.child;
        o.recipient = One("SELECT id FROM notification_recipient WHERE notification_id = " + std::to_string(o.notice) +
                          " AND account_id = " + std::to_string(o.account));
        o.person = database().Write([&](db::WriteTx& tx) {
            return plans::AddPickupPerson(tx, common::ChildId(o.child), {{}, "行列 祖母", "祖母", "090-0000-1111"},
                                          common::AccountId(o.account), clock_)
                .value;
        });
        // An absence the family reported for tomorrow (a contact staff confirm).
        o.contact = database().Write([&](db::WriteTx& tx) {
            plans::PlanInput absent{false};
            auto tomorrow = common::Date{std::chrono::sys_days(common::TokyoDate(clock_.Now())) + std::chrono::days(2)};
            auto r = plans::SetPlans(tx, common::AccountId(o.account), common::ChildId(o.child), {tomorrow}, absent,
                                     plans::ContactKind::kAbsence, false, clock_);
            EXPECT_TRUE(r.problems.empty()) << "site " << site;
            return tx.QueryOne("SELECT MAX(id) FROM plan_contact").Int(0);
        });
        // A message to the site's families with a PDF, sent; one scheduled for tomorrow; the family wrote once.
        const auto staff_user = common::UserId(o.user);
        database().Write([&](db::WriteTx& tx) {
            messages::Draft d;
            d.site = common::SiteId(site);
            d.author = staff_user;
            d.subject = "行列のお知らせ";
            d.body = "本文";
            d.attachments = {{"matrix.pdf", "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"}};
            o.message = messages::Create(tx, d, clock_).value;
            d.attachments.clear();
            d.send_at = clock_.Now() + std::chrono::hours(24);
            o.scheduled = messages::Create(tx, d, clock_).value;
            o.thread = messages::PostFromFamily(tx, common::SiteId(site), common::ChildId(o.child),
                                                common::AccountId(o.account), "行列の質問", clock_)
                           .value;
        });
        RunJobs();
        o.job = database().Write([&](db::WriteTx& tx) {
            auto id = jobs::Plan(tx, "matrix.dead", {{"site", site}}, clock_);
            tx.Exec("UPDATE job SET state = 'dead', attempts = 10, last_error = 'matrix' WHERE id = ?", id);
            return id.value;
        });
        o.file = One("SELECT id FROM message_attachment WHERE message_id = " + std::to_string(o.message));
        o.photo = database().Write([&](db::WriteTx& tx) {
            const auto today = common::FormatDate(common::TokyoDate(clock_.Now()));
            const auto other =
                tx.QueryOne("SELECT MIN(child_id) FROM child_placement WHERE site_id = ? AND child_id <> ?", site,
                            o.child)
                    .Int(0);
            photos::Prepared jpeg{"\xff\xd8 matrix \xff\xd9", "\xff\xd8 small \xff\xd9", 4, 3, "jpeg"};
            const auto now = common::FormatInstant(clock_.Now());
            tx.Exec(
                "INSERT INTO notebook_entry (child_id, site_id, entry_date, published_at, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                o.child, site, today, now, now, now);
            return photos::Add(tx, common::SiteId(site), today, {common::ChildId(o.child), common::ChildId(other)},
                               jpeg, staff_user, clock_);
        });
        o.journal = JournalAt(common::SiteId(site), clock_.Now());
        o.plan = PlanOf(common::SiteId(site), common::GroupId(o.group));
        o.copy =
            One("SELECT r.id FROM notification_recipient r JOIN notification n ON n.id = r.notification_id WHERE "
                "n.message_id = " +
                std::to_string(o.message) + " AND r.account_id = " + std::to_string(o.account));
        return o;
    }
    // The site's care journal of the day `at` falls on: found, or written now.
    std::int64_t JournalAt(common::SiteId site, common::Instant at) {
        const auto date = common::FormatDate(common::TokyoDate(at));
        return database().Write([&](db::WriteTx& tx) {
            if (auto r = tx.QueryOptional(
                    "SELECT id FROM journal WHERE site_id = ? AND journal_date = ? AND group_id IS NULL", site, date))
                return r->Int(0);
            journals::Journal j;
            j.site = site;
            j.date = date;
            j.content.activities = "行列の一日";
            std::int64_t id = 0;
            const auto by =
                common::UserId(tx.QueryOne("SELECT MIN(user_id) FROM staff_role WHERE site_id = ?", site).Int(0));
            EXPECT_TRUE(journals::Save(tx, *config_.data_keys, j, 0, by, clock_, id));
            return id;
        });
    }
    // The group's monthly plan of April: found, or written now.
    std::int64_t PlanOf(common::SiteId site, common::GroupId group) {
        return database().Write([&](db::WriteTx& tx) {
            if (auto r = tx.QueryOptional("SELECT id FROM curriculum_plan WHERE group_id = ? AND period = '2026-04-01'",
                                          group))
                return r->Int(0);
            curriculum::Plan p;
            p.site = site;
            p.group = group;
            p.period = "2026-04-01";
            p.sections["aims"] = "行列のねらい";
            std::int64_t id = 0;
            const auto by =
                common::UserId(tx.QueryOne("SELECT MIN(user_id) FROM staff_role WHERE site_id = ?", site).Int(0));
            EXPECT_TRUE(curriculum::Save(tx, *config_.data_keys, p, 0, by, clock_, id));
            return id;
        });
    }
    static std::string Fill(std::string text, const Objects& o) {
        for (auto [key, value] : {std::pair{"{site}", o.site},         std::pair{"{group}", o.group},
                                  std::pair{"{child}", o.child},       std::pair{"{guardian}", o.guardian},
                                  std::pair{"{user}", o.user},         std::pair{"{account}", o.account},
                                  std::pair{"{event}", o.event},       std::pair{"{kiosk}", o.kiosk},
                                  std::pair{"{contact}", o.contact},   std::pair{"{person}", o.person},
                                  std::pair{"{notice}", o.notice},     std::pair{"{recipient}", o.recipient},
                                  std::pair{"{message}", o.message},   std::pair{"{file}", o.file},
                                  std::pair{"{copy}", o.copy},         std::pair{"{scheduled}", o.scheduled},
                                  std::pair{"{thread}", o.thread},     std::pair{"{job}", o.job},
                                  std::pair{"{member}", o.member},     std::pair{"{call}", o.call},
                                  std::pair{"{listed}", o.listed},     std::pair{"{erasure}", o.erasure},
                                  std::pair{"{rollover}", o.rollover}, std::pair{"{photo}", o.photo},
                                  std::pair{"{journal}", o.journal},   std::pair{"{plan}", o.plan}}) {
            for (auto pos = text.find(key); pos != std::string::npos; pos = text.find(key)) {
                text.replace(pos, std::string(key).size(), std::to_string(value));
            }
        }
        return text;
    }
    // Everything a refused request must not have changed (the audit trail and sign-in records may grow).
    std::string Fingerprint() {
        std::string out;
        for (const char* t : {"site", "child_group", "child", "guardian", "staff_user"}) {
            auto r = database().Read([&](db::ReadTx& tx) {
                return tx
                    .QueryOne(
                        std::string("SELECT COUNT(*) || '/' || COALESCE(CAST(MAX(updated_at) AS TEXT), '') || '/' || "
                                    "COUNT(deactivated_at) FROM ") +
                        t)
                    .Text(0);
            });
            out += std::string(t) + "=" + r + ";";
        }
        for (const char* t :
             {"guardian_child", "staff_role", "child_placement", "child_group_membership", "site_opening_hours",
              "site_closure", "site_dismissal", "registration_letter", "family_invitation", "job", "attendance_event",
              "card", "kiosk_pairing", "message", "message_attachment", "thread_post"}) {
            out += std::string(t) + "=" + std::to_string(One(std::string("SELECT COUNT(*) FROM ") + t)) + ";";
        }
        out += "links=" + std::to_string(One("SELECT COUNT(*) FROM guardian_account_child WHERE ended_at IS NULL"));
        out += ";reporting=" + std::to_string(One("SELECT COALESCE(SUM(may_report), 0) FROM guardian_account_child"));
        out += ";cards=" + std::to_string(One("SELECT COUNT(*) FROM card WHERE revoked_at IS NULL"));
        out += ";kiosks=" + std::to_string(One("SELECT COUNT(*) FROM kiosk WHERE revoked_at IS NULL"));
        out += ";confirmed=" + std::to_string(One("SELECT COUNT(confirmed_at) FROM plan_contact"));
        out += ";resolved=" + std::to_string(One("SELECT COUNT(resolved_at) FROM child_alert"));
        out += ";plans=" + std::to_string(One("SELECT COUNT(*) FROM attendance_plan"));
        out += ";plan_updates=" + std::to_string(One("SELECT COUNT(DISTINCT updated_at) FROM attendance_plan"));
        out += ";contacts=" + std::to_string(One("SELECT COUNT(*) FROM plan_contact"));
        out += ";people=" + std::to_string(One("SELECT COUNT(*) FROM pickup_person WHERE removed_at IS NULL"));
        out += ";dead=" + std::to_string(One("SELECT COUNT(*) FROM job WHERE state = 'dead'"));
        out += ";rollcall=" + std::to_string(One("SELECT COUNT(*) FROM rollcall")) + "/" +
               std::to_string(One("SELECT COUNT(closed_at) FROM rollcall_site")) + "/" +
               std::to_string(One("SELECT COUNT(checked_at) FROM rollcall_child")) + "/" +
               std::to_string(One("SELECT COUNT(handed_at) FROM rollcall_child"));
        out += ";messages=" + std::to_string(One("SELECT COUNT(*) FROM message WHERE state = 'scheduled'")) + "/" +
               std::to_string(One("SELECT COUNT(reminded_at) FROM message"));
        return out;
    }
    // One case against one set of objects: the request as a browser sends it, then what must hold of the answer
    // and (for refusals) of the data.
    void CheckCase(const Case& c, const Objects& o, Expect expect, const std::string& who, const std::string& suffix) {
        std::string path = Fill(c.pattern, o);
        std::string where = std::string(c.method) + " " + path + " as " + who;
        clock_.Advance(std::chrono::seconds(1));  // distinct updated_at for every change
        auto before = Fingerprint();
        AppTest::Result r{};
        if (std::string(c.method) == "GET") {
            r = Get(path);
        } else {
            Get("/");  // a fresh CSRF token from a page
            std::vector<std::pair<std::string, std::string>> form;
            for (const auto& [k, v] : c.form) {
                std::string value = Fill(v, o);
                if (k == "login_id") value += suffix;
                form.emplace_back(Fill(k, o), value);
            }
            r = Post(path, form);
        }
        if (expect == Expect::kInvalid) {
            EXPECT_EQ(r.status, 422) << where;
            EXPECT_EQ(Fingerprint(), before) << where << " changed data";
        } else if (expect == Expect::kOk) {
            EXPECT_TRUE(r.status == 200 || r.status == 303) << where << " → " << r.status;
        } else {
            if (expect == Expect::kHidden) {
                EXPECT_EQ(r.status, 404) << where;
            } else {
                EXPECT_TRUE(r.status == 403 || r.status == 404 || r.status == 422) << where << " → " << r.status;
            }
            EXPECT_EQ(Fingerprint(), before) << where << " changed data";
        }
    }
    void RunAs(int role, const std::string& login) {
        SignIn(login, "tadaima-demo");
        ASSERT_EQ(Get("/").status, 200) << login;
        std::size_t i = 0;
        for (const auto& c : Table()) {
            ++i;
            for (int which = 0; which < 2; ++which) {
                CheckCase(c, which == 0 ? own_ : other_, c.expect[role][which],
                          login + (which ? " (other site)" : " (own site)"),
                          std::to_string(role) + std::to_string(which) + std::to_string(i));
            }
        }
    }
    // Every staff route, without a staff session (but with whatever cookies are set), is the sign-in page or a
    // refusal and changes nothing; with a bearer token, POSTs are also sent as JSON with it.
    void ExpectOnlyTheSignInPage(const std::string& bearer = "") {
        for (const auto& c : Table()) {
            std::string path = Fill(c.pattern, own_);
            auto before = Fingerprint();
            if (std::string(c.method) == "GET") {
                auto r = Get(path);
                EXPECT_EQ(r.status, 303) << path;
                EXPECT_TRUE(r.location.starts_with("/login?next=")) << path;
            } else {
                Get("/login");
                auto r = Post(path, c.form);
                EXPECT_TRUE(r.status == 401 || r.status == 403) << "POST " << path << " → " << r.status;
                if (!bearer.empty()) {
                    // A JSON body is no form: refused before any handler (400), or for want of a session.
                    auto json = PostJson(path, "{}", {{"authorization", "Bearer " + bearer}});
                    EXPECT_TRUE(json.status == 400 || json.status == 401 || json.status == 403)
                        << "POST " << path << " → " << json.status;
                }
            }
            EXPECT_EQ(Fingerprint(), before) << c.method << " " << path;
        }
    }
    Objects own_{}, other_{};

    // Over time and across sites (the issue's time and multi-site dimensions):
    //   moved_former_: a child of site 2 who moved to site 1 from today, with the records site 2 kept of it (a day
    //                  there, the notice of it, a contact, a conversation);
    //   moved_new_:    the same child at site 1, with records made there since;
    //   shared_:       site 1's objects, with a guardian who also has a child at site 2;
    // and an account "multi.sites", staff at site 1 and manager at site 2.
    Objects moved_former_{}, moved_new_{}, shared_{};
    void BuildTimeAndSites() {
        const auto other_guardian = std::to_string(other_.guardian);
        auto guardian =
            One("SELECT MIN(gc.guardian_id) FROM guardian_child gc JOIN child_placement p ON p.child_id = gc.child_id "
                "WHERE p.site_id = 2 AND gc.guardian_id <> " +
                other_guardian +
                " AND gc.guardian_id NOT IN (SELECT gc2.guardian_id FROM guardian_child gc2 JOIN child_placement p2 ON "
                "p2.child_id = gc2.child_id WHERE p2.site_id <> 2) AND gc.child_id NOT IN (SELECT child_id FROM "
                "guardian_child WHERE guardian_id = " +
                other_guardian + ")");
        auto child = common::ChildId(
            One("SELECT MIN(child_id) FROM guardian_child WHERE guardian_id = " + std::to_string(guardian)));
        auto staff2 = common::UserId(One("SELECT id FROM staff_user WHERE login_id = 'staff2'"));
        auto staff1 = common::UserId(One("SELECT id FROM staff_user WHERE login_id = 'staff1'"));
        moved_former_ = other_;
        moved_new_ = own_;
        for (Objects* o : {&moved_former_, &moved_new_}) {
            o->child = child.value;
            o->guardian = guardian;
        }
        const auto today = common::TokyoDate(clock_.Now());
        auto in_days = [&](int n) { return common::Date{std::chrono::sys_days(today) + std::chrono::days(n)}; };
        // A day, a notice of it, a family's contact and a conversation at a site.
        auto records_at = [&](Objects& o, common::SiteId site, common::Instant at, common::UserId by, int contact_in,
                              const char* question) {
            database().Write([&](db::WriteTx& tx) {
                auto account = common::AccountId(o.account);
                o.event =
                    attendance::RecordByStaff(tx, {child, site, attendance::Direction::kIn, at, by, ""}, clock_).value;
                o.notice = tx.QueryOne("SELECT MAX(id) FROM notification WHERE child_id = ?", child).Int(0);
                auto r = plans::SetPlans(tx, account, child, {in_days(contact_in)}, plans::PlanInput{false},
                                         plans::ContactKind::kAbsence, false, clock_);
                EXPECT_TRUE(r.problems.empty());
                o.contact = tx.QueryOne("SELECT MAX(id) FROM plan_contact").Int(0);
                o.thread = messages::PostFromFamily(tx, site, child, account, question, clock_).value;
                // A photo on the child's page of that day there.
                o.photo = photos::Add(tx, site, common::FormatDate(common::TokyoDate(at)), {child},
                                      {"\xff\xd8 moved \xff\xd9", "\xff\xd8 small \xff\xd9", 4, 3, "jpeg"}, by, clock_);
            });
            o.journal = JournalAt(site, at);
            o.plan = PlanOf(site, common::GroupId(o.group));
        };
        moved_former_.account = moved_new_.account = database().Write([&](db::WriteTx& tx) {
            auto account =
                families::CreateConfirmedAccount(tx, "moved@example.test", "転居 保護者",
                                                 auth::HashPassword("a matrix family passphrase"), "ja", clock_);
            families::LinkChild(tx, account, child, auth::FamilyRole::kFull, clock_);
            return account.value;
        });
        // Site 2's records, made while the child was there; the move (from today the child is site 1's); site 1's
        // records since.
        records_at(moved_former_, common::SiteId(2), clock_.Now() - std::chrono::hours(24), staff2, 2, "転居前の質問");
        MoveChild(child, common::SiteId(1));
        records_at(moved_new_, common::SiteId(1), clock_.Now() - std::chrono::minutes(30), staff1, 3, "転居後の質問");
        RunJobs();
        // A guardian with children at both sites, seen through their child at site 1.
        shared_ = own_;
        // (Placements not ended: the moved child's guardian was at both sites, and is at site 1 alone now.)
        shared_.guardian =
            One("SELECT MIN(gc.guardian_id) FROM guardian_child gc JOIN child_placement p ON p.child_id = gc.child_id "
                "WHERE p.site_id = 1 AND p.end_date IS NULL AND gc.guardian_id IN (SELECT gc2.guardian_id FROM "
                "guardian_child gc2 JOIN child_placement p2 ON p2.child_id = gc2.child_id WHERE p2.site_id = 2 AND "
                "p2.end_date IS NULL)");
        shared_.child = One(
            "SELECT MIN(gc.child_id) FROM guardian_child gc JOIN child_placement p ON p.child_id = gc.child_id WHERE "
            "p.site_id = 1 AND p.end_date IS NULL AND gc.guardian_id = " +
            std::to_string(shared_.guardian));
        shared_.account = database().Write([&](db::WriteTx& tx) {
            auto account =
                families::CreateConfirmedAccount(tx, "shared@example.test", "共有 保護者",
                                                 auth::HashPassword("a matrix family passphrase"), "ja", clock_);
            families::LinkChild(tx, account, common::ChildId(shared_.child), auth::FamilyRole::kFull, clock_);
            return account.value;
        });
        database().Write([&](db::WriteTx& tx) {
            auto id =
                staff::InsertStaff(tx, "multi.sites", "二施設 兼務", auth::HashPassword("tadaima-demo"), "ja", clock_);
            staff::ReplaceRoles(
                tx, id, {common::SiteId(1), common::SiteId(2)},
                {{common::SiteId(1), auth::Role::kStaff}, {common::SiteId(2), auth::Role::kSiteManager}}, std::nullopt,
                clock_);
        });
    }
};

// The same routes over time and across sites. Columns: staff and manager of the site a child left (its records
// there), staff and manager of the site it moved to, an account that is staff at site 1 and manager at site 2 (at
// each site), and site 1's manager with a guardian who also has a child at site 2. Row by row as Table().
enum Column {
    kFormerStaff,
    kFormerManager,
    kNewStaff,
    kNewManager,
    kTwoSitesAsStaff,
    kTwoSitesAsManager,
    kSharedGuardian
};
constexpr int kColumns = 7;
struct OverTime {
    const char* method;
    const char* pattern;
    Expect expect[kColumns];
};

const std::vector<OverTime>& OverTimeTable() {
    // The rows' shapes: what a site-level right, the child's shared record, a day at the site, a guardian and a
    // staff account come to for each column.
    constexpr std::array<Expect, kColumns> all_ok{O, O, O, O, O, O, O}, none{N, N, N, N, N, N, N},
        all_invalid{V, V, V, V, V, V, V}, site_manager{N, O, N, O, N, O, O}, site_manager_invalid{N, V, N, V, N, V, V},
        any_manager{N, O, N, O, O, O, O}, shared_record{N, N, N, O, N, O, O}, day_at_site{N, N, O, O, O, O, O},
        day_invalid{N, N, V, V, V, V, V}, guardian_view{H, H, O, O, O, O, O}, guardian_edit{H, H, N, O, N, O, N},
        account{N, O, N, O, H, O, O};
    static const std::vector<std::pair<std::pair<const char*, const char*>, std::array<Expect, kColumns>>> rows = {
        {{"GET", "/"}, all_ok},
        {{"GET", "/sites"}, all_ok},
        {{"GET", "/sites/new"}, none},
        {{"GET", "/sites/{site}"}, all_ok},
        {{"GET", "/sites/{site}/edit"}, site_manager},
        {{"GET", "/sites/{site}/groups/new"}, site_manager},
        {{"GET", "/sites/{site}/import"}, site_manager},
        {{"GET", "/sites/{site}/import/template.csv"}, site_manager},
        {{"GET", "/groups/{group}/edit"}, site_manager},
        {{"GET", "/children"}, all_ok},
        {{"GET", "/children/new"}, any_manager},
        {{"GET", "/children/{child}"}, all_ok},  // the former site: its own history of the child
        {{"GET", "/children/{child}/edit"}, shared_record},
        {{"GET", "/guardians"}, all_ok},
        {{"GET", "/guardians/new?child_id={child}"}, shared_record},
        {{"GET", "/guardians/{guardian}"}, guardian_view},
        {{"GET", "/guardians/{guardian}/edit"}, guardian_edit},
        {{"GET", "/staff"}, any_manager},
        {{"GET", "/staff/new"}, any_manager},
        {{"GET", "/staff/{user}/edit"}, account},
        {{"GET", "/account/password"}, all_ok},
        {{"POST", "/account/password"}, all_invalid},
        {{"GET", "/audit"}, none},
        {{"GET", "/audit.csv"}, none},
        {{"POST", "/sites"}, none},
        {{"POST", "/sites/{site}"}, site_manager},
        {{"POST", "/sites/{site}/groups"}, site_manager},
        {{"POST", "/sites/{site}/import"}, site_manager_invalid},
        {{"POST", "/groups/{group}"}, site_manager},
        {{"POST", "/groups/{group}/deactivate"}, site_manager},
        {{"POST", "/groups/{group}/reactivate"}, site_manager},
        {{"POST", "/children"}, site_manager},
        {{"POST", "/children/{child}"}, shared_record},
        {{"POST", "/children/{child}/deactivate"}, shared_record},
        {{"POST", "/children/{child}/reactivate"}, shared_record},
        {{"POST", "/children/{child}/guardians"}, shared_record},
        {{"POST", "/guardians"}, shared_record},
        {{"POST", "/guardians/{guardian}"}, guardian_edit},
        {{"POST", "/guardians/{guardian}/deactivate"}, guardian_edit},
        {{"POST", "/guardians/{guardian}/reactivate"}, guardian_edit},
        {{"POST", "/staff"}, site_manager},
        {{"POST", "/staff/{user}"}, account},
        {{"POST", "/staff/{user}/unlock"}, account},
        {{"POST", "/staff/{user}/sessions/end"}, account},
        {{"POST", "/staff/{user}/deactivate"}, account},
        {{"POST", "/staff/{user}/reactivate"}, account},
        {{"POST", "/sites/{site}/deactivate"}, none},
        {{"POST", "/sites/{site}/reactivate"}, none},
        {{"POST", "/children/{child}/letter"}, shared_record},
        {{"POST", "/sites/{site}/letters"}, site_manager},
        {{"POST", "/children/{child}/guardians/{guardian}/unlink"}, shared_record},
        {{"POST", "/children/{child}/accounts/{account}/end"}, shared_record},
        {{"GET", "/sites/{site}/roster"}, all_ok},
        {{"GET", "/sites/{site}/register"}, all_ok},
        {{"GET", "/counts"}, all_ok},  // each sees the sites of their own scope
        {{"GET", "/sites/{site}/register/export?format=csv"}, all_ok},
        {{"GET", "/sites/{site}/register/export?format=pdf&child={child}"}, all_ok},
        {{"GET", "/counts/export?format=csv"}, all_ok},
        {{"GET", "/counts/year"}, all_ok},
        {{"GET", "/counts/registers?format=csv"}, all_ok},
        {{"GET", "/counts/year/export?format=csv"}, all_ok},
        {{"GET", "/sites/{site}/roster/events"}, all_ok},
        {{"GET", "/sites/{site}/kiosks"}, site_manager},
        {{"GET", "/sites/{site}/notebook"}, all_ok},
        {{"GET", "/sites/{site}/notebook/settings"}, site_manager},
        {{"GET", "/children/{child}/notebook"}, guardian_view},  // today's page is the new site's
        {{"GET", "/sites/{site}/cards.pdf"}, site_manager},
        {{"GET", "/children/{child}/card.pdf"}, shared_record},
        {{"GET", "/children/{child}/card.png"}, shared_record},
        {{"GET", "/children/{child}/card.svg"}, shared_record},
        {{"GET", "/children/{child}/attendance"}, all_ok},  // the former site: its last day with the child
        {{"POST", "/children/{child}/attendance"}, day_at_site},
        {{"POST", "/attendance/{event}/correct"}, day_at_site},
        {{"POST", "/children/{child}/card/reissue"}, shared_record},
        {{"POST", "/sites/{site}/kiosks"}, site_manager},
        {{"POST", "/kiosks/{kiosk}/revoke"}, site_manager},
        {{"POST", "/children/{child}/notebook"}, day_at_site},
        {{"POST", "/children/{child}/notebook/publish"}, day_at_site},
        {{"GET", "/photos/{photo}"}, all_ok},
        {{"GET", "/children/{child}/health"}, day_at_site},  // the site it left keeps none of it
        {{"GET", "/children/{child}/records"}, day_at_site},
        {{"POST", "/children/{child}/health/temperature"}, day_at_site},
        {{"POST", "/children/{child}/health/growth"}, day_at_site},
        {{"POST", "/children/{child}/health/illness"}, day_at_site},
        {{"POST", "/children/{child}/health/record"}, day_invalid},
        {{"GET", "/photos/{photo}?size=thumb"}, all_ok},
        {{"POST", "/children/{child}/notebook/photos"}, day_invalid},
        {{"POST", "/children/{child}/notebook/photos/{photo}/remove"}, day_at_site},
        {{"POST", "/sites/{site}/notebook"}, day_at_site},
        {{"POST", "/sites/{site}/notebook/settings"}, site_manager_invalid},
        {{"GET", "/sites/{site}/naps"}, all_ok},
        {{"POST", "/sites/{site}/naps/start"}, day_at_site},
        {{"POST", "/sites/{site}/naps/check"}, day_invalid},
        {{"POST", "/sites/{site}/naps/wake"}, all_invalid},
        {{"GET", "/sites/{site}/naps/grid"}, all_ok},
        {{"GET", "/sites/{site}/journals"}, all_ok},
        {{"GET", "/sites/{site}/journal"}, all_ok},
        {{"GET", "/journals/{journal}/pdf"}, all_ok},
        {{"GET", "/sites/{site}/journals/export"}, all_ok},
        {{"POST", "/sites/{site}/journal"}, all_invalid},
        {{"POST", "/journals/{journal}/stamp"}, all_invalid},
        {{"POST", "/sites/{site}/journals/settings"}, site_manager},
        {{"GET", "/sites/{site}/curriculum"}, all_ok},
        {{"GET", "/sites/{site}/curriculum/plan?kind=monthly&group={group}&period=2026-05-01"}, all_ok},
        {{"GET", "/curriculum/{plan}/pdf"}, all_ok},
        {{"POST", "/sites/{site}/curriculum/plan"}, all_invalid},
        {{"POST", "/curriculum/{plan}/stamp"}, all_invalid},
        {{"GET", "/sites/{site}/schedule"}, site_manager},
        {{"POST", "/sites/{site}/schedule"}, site_manager},
        {{"POST", "/sites/{site}/schedule"}, site_manager_invalid},
        {{"POST", "/sites/{site}/closures"}, site_manager},
        {{"POST", "/sites/{site}/closures/remove"}, site_manager},
        {{"POST", "/contacts/{contact}/confirm"}, day_at_site},
        {{"POST", "/children/{child}/alerts/resolve"}, day_at_site},
        {{"POST", "/children/{child}/alerts/resolve"}, day_invalid},
        {{"GET", "/sites/{site}/notices"}, all_ok},
        {{"GET", "/notices/{notice}"}, all_ok},  // what the site sent, also about a child who left
        {{"POST", "/notices/{notice}/resend"}, day_at_site},
        {{"GET", "/sites/{site}/messages"}, all_ok},
        {{"GET", "/sites/{site}/messages/new"}, all_ok},
        {{"GET", "/sites/{site}/messages/reach?scope=site"}, all_ok},
        {{"POST", "/sites/{site}/messages"}, all_ok},
        {{"POST", "/sites/{site}/messages"}, all_invalid},
        {{"GET", "/city/messages"}, none},
        {{"GET", "/city/messages/new"}, none},
        {{"GET", "/city/messages/reach?scope=all"}, none},
        {{"POST", "/city/messages"}, none},
        {{"GET", "/messages/{message}"}, all_ok},
        {{"GET", "/messages/{message}/files/{file}"}, all_ok},
        {{"POST", "/messages/{message}/remind"}, all_ok},
        {{"POST", "/messages/{scheduled}/cancel"}, all_ok},
        {{"GET", "/sites/{site}/threads"}, all_ok},
        {{"GET", "/threads/{thread}"}, all_ok},  // the site's own conversation, also after the child left
        {{"POST", "/threads/{thread}"}, day_at_site},
        {{"POST", "/threads/{thread}"}, day_invalid},
        {{"GET", "/jobs"}, none},
        {{"POST", "/jobs/{job}/retry"}, none},
        {{"GET", "/erasures"}, none},
        {{"GET", "/erasures/preview?scope=child&id={child}&request=R"}, none},
        {{"POST", "/erasures"}, none},
        {{"GET", "/erasures/{erasure}"}, none},
        {{"GET", "/erasures/{erasure}/certificate.pdf"}, none},
        {{"GET", "/erasures/{erasure}/certificate.json"}, none},
        {{"GET", "/retention"}, none},
        {{"POST", "/retention"}, none},
        {{"GET", "/rollover"}, none},
        {{"GET", "/rollover/preview?date=2027-04-01"}, none},
        {{"POST", "/rollover"}, none},
        {{"POST", "/rollover/{rollover}/cancel"}, none},
        {{"GET", "/overview"}, any_manager},
        {{"GET", "/overview/events"}, any_manager},
        {{"GET", "/overview/figures"}, any_manager},
        {{"GET", "/rollcall/new"}, any_manager},
        {{"POST", "/rollcall"}, site_manager},
        // The site's own roll-call and the children on its list, whoever has moved since.
        {{"GET", "/sites/{site}/rollcall"}, all_ok},
        {{"POST", "/sites/{site}/rollcall/{call}/children/{listed}/confirm"}, all_ok},
        {{"GET", "/sites/{site}/rollcall/{call}/children/{listed}/handover"}, all_ok},
        {{"POST", "/sites/{site}/rollcall/{call}/children/{listed}/handover"}, all_ok},
        {{"GET", "/sites/{site}/rollcall/{call}/print"}, all_ok},
        {{"POST", "/sites/{site}/rollcall/{call}/close"}, site_manager},
    };
    static const std::vector<OverTime> table = [] {
        std::vector<OverTime> out;
        for (const auto& [route, expect] : rows) {
            OverTime t{route.first, route.second, {}};
            std::copy(expect.begin(), expect.end(), t.expect);
            out.push_back(t);
        }
        return out;
    }();
    return table;
}

class PermissionsOverTime : public PermissionMatrix {
 protected:
    void Run(Column column) {
        BuildTimeAndSites();
        static const char* kLogins[kColumns] = {"staff2",      "manager2",    "staff1",  "manager1",
                                                "multi.sites", "multi.sites", "manager1"};
        const Objects* objects[kColumns] = {&moved_former_, &moved_former_, &moved_new_, &moved_new_,
                                            &own_,          &other_,        &shared_};
        SignIn(kLogins[column], "tadaima-demo");
        ASSERT_EQ(Get("/").status, 200) << kLogins[column];
        const auto& table = Table();
        const auto& over_time = OverTimeTable();
        ASSERT_EQ(over_time.size(), table.size()) << "every row of the matrix needs its row over time";
        for (std::size_t i = 0; i < table.size(); ++i) {
            ASSERT_EQ(std::string(over_time[i].method) + over_time[i].pattern,
                      std::string(table[i].method) + table[i].pattern)
                << "row " << i;
            CheckCase(table[i], *objects[column], over_time[i].expect[column],
                      std::string(kLogins[column]) + " (column " + std::to_string(column) + ")",
                      "t" + std::to_string(column) + "r" + std::to_string(i));
        }
    }
};

TEST_P(PermissionsOverTime, TheSiteAChildLeftReadsOnlyItsOwnRecordsStaff) { Run(kFormerStaff); }
TEST_P(PermissionsOverTime, TheSiteAChildLeftReadsOnlyItsOwnRecordsManager) { Run(kFormerManager); }
TEST_P(PermissionsOverTime, TheSiteAChildMovedToHasItAllStaff) { Run(kNewStaff); }
TEST_P(PermissionsOverTime, TheSiteAChildMovedToHasItAllManager) { Run(kNewManager); }
TEST_P(PermissionsOverTime, AnAccountWithRolesAtTwoSitesHasEachRoleAtItsSiteAsStaff) { Run(kTwoSitesAsStaff); }
TEST_P(PermissionsOverTime, AnAccountWithRolesAtTwoSitesHasEachRoleAtItsSiteAsManager) { Run(kTwoSitesAsManager); }
TEST_P(PermissionsOverTime, AGuardianOfChildrenAtTwoSitesIsChangedOnlyByWhoManagesBoth) { Run(kSharedGuardian); }

INSTANTIATE_TEST_SUITE_P(Both, PermissionsOverTime, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

TEST_P(PermissionMatrix, EveryRouteIsInTheTable) {
    std::set<std::string> table;
    for (const auto& c : Table()) {
        std::string pattern = std::regex_replace(c.pattern, std::regex(R"(\?.*)"), "");
        pattern = std::regex_replace(pattern, std::regex(R"(\{[a-z_]+\})"), "{id}");
        table.insert(std::string(c.method) + " " + pattern);
    }
    for (const auto& r : app_->router().routes()) {
        std::string key =
            r.method + " " + std::regex_replace(r.pattern, std::regex(R"(\{[a-z_]+\})"), "{id}");  // any object
        if (kPublic.count(r.method + " " + r.pattern) || kFamilyRoutes.count(r.method + " " + r.pattern) ||
            kKioskRoutes.count(r.method + " " + r.pattern)) {
            continue;
        }
        EXPECT_TRUE(table.count(key)) << key << " is not in the permission matrix";
    }
}

TEST_P(PermissionMatrix, MunicipalAdmin) { RunAs(0, "admin"); }
TEST_P(PermissionMatrix, SiteManager) { RunAs(1, "manager1"); }
TEST_P(PermissionMatrix, Staff) { RunAs(2, "staff1"); }
// A head teacher (主任) may do what staff may, and only that, on every route; checking journals is theirs besides
// (journals_test.cpp takes them through it).
TEST_P(PermissionMatrix, HeadTeacherAsStaff) {
    database().Write([&](db::WriteTx& tx) {
        auto id = staff::InsertStaff(tx, "lead.one", "行列 主任", auth::HashPassword("tadaima-demo"), "ja", clock_);
        staff::ReplaceRoles(tx, id, {common::SiteId(1)}, {{common::SiteId(1), auth::Role::kLead}}, std::nullopt,
                            clock_);
    });
    RunAs(2, "lead.one");
}

TEST_P(PermissionMatrix, NobodySignedInGetsAnythingButTheSignInPage) { ExpectOnlyTheSignInPage(); }

// A kiosk's credential scans at its own site and opens nothing else: every staff route, with the credential as
// the kiosk page's cookie and as a bearer token, is the sign-in page or a refusal, and changes nothing.
TEST_P(PermissionMatrix, AKioskCredentialScansAndDoesNothingElse) {
    std::string card = database().Write([&](db::WriteTx& tx) {
        return attendance::CardPayload(config_.secret, attendance::EnsureCard(tx, common::ChildId(own_.child), clock_));
    });
    cookies_["tadaima_kiosk"] = own_.kiosk_credential;
    ExpectOnlyTheSignInPage(own_.kiosk_credential);
    // …and the scan itself works, with either.
    std::string at = common::FormatInstant(clock_.Now());
    EXPECT_EQ(PostJson("/api/v1/kiosk/scans", R"({"card":")" + card + R"(","scan_id":"m1","scanned_at":")" + at + "\"}")
                  .status,
              201);
    cookies_.clear();
    clock_.Advance(std::chrono::minutes(5));
    at = common::FormatInstant(clock_.Now());
    EXPECT_EQ(PostJson("/api/v1/kiosk/scans", R"({"card":")" + card + R"(","scan_id":"m2","scanned_at":")" + at + "\"}",
                       {{"authorization", "Bearer " + own_.kiosk_credential}})
                  .status,
              201);
    // Another site's kiosk cannot record this child.
    EXPECT_EQ(PostJson("/api/v1/kiosk/scans", R"({"card":")" + card + R"(","scan_id":"m3","scanned_at":")" + at + "\"}",
                       {{"authorization", "Bearer " + other_.kiosk_credential}})
                  .status,
              422);
    // The names a kiosk keeps for offline use: its own site's children only, and none without a credential.
    EXPECT_EQ(Get("/api/v1/kiosk/directory").status, 401);
    for (const auto* which : {&own_, &other_}) {
        cookies_["tadaima_kiosk"] = which->kiosk_credential;
        auto res = Get("/api/v1/kiosk/directory");
        ASSERT_EQ(res.status, 200);
        auto cards = boost::json::parse(res.body).at("cards").as_array();
        std::set<std::int64_t> listed;
        for (const auto& c : cards) listed.insert(c.at("card").as_int64());
        auto card_id = attendance::ParseCardPayload(config_.secret, card);
        EXPECT_EQ(listed.count(std::get<common::CardId>(card_id).value), which == &own_ ? 1U : 0U);
        auto elsewhere = database().Read([&](db::ReadTx& tx) {
            std::int64_t n = 0;
            for (auto id : listed) {
                n += tx.QueryOne(
                           "SELECT COUNT(*) FROM card c WHERE c.id = ? AND NOT EXISTS (SELECT 1 FROM "
                           "child_placement p WHERE p.child_id = c.child_id AND p.site_id = ?)",
                           id, which->site)
                         .Int(0);
            }
            return n;
        });
        EXPECT_EQ(elsewhere, 0) << "a card of a child not placed at the kiosk's site";
    }
}

// Guardians: a full guardian and a family member of the own-site child, each against their own child and another
// family's. Another family's child is "not found"; what the role does not allow is refused; nothing changes.
struct FamilyCase {
    const char* method;
    const char* pattern;
    std::vector<std::pair<std::string, std::string>> form;
    Expect expect[2][2];  // full own/other, family own/other
};

const std::vector<FamilyCase>& FamilyTable() {
    static const std::vector<FamilyCase> cases = {
        {"GET", "/family", {}, {{O, O}, {O, O}}},
        {"GET", "/family/invite", {}, {{O, O}, {N, N}}},
        {"POST",
         "/family/invite",
         {{"email", "invited@example.test"}, {"role", "family"}, {"child_id", "{child}"}},
         {{O, H}, {N, H}}},
        {"POST",
         "/family/invite",
         {{"email", "invited@example.test"}, {"role", "full"}, {"child_id", "{child}"}},
         {{O, H}, {N, H}}},
        // Plans, absences and pick-up persons: a family member sees, only the full role changes.
        {"GET", "/family/children/{child}/plans", {}, {{O, H}, {O, H}}},
        {"POST",
         "/family/children/{child}/plans",
         {{"day", "2026-11-24"}, {"attending", "1"}, {"leave_time", "17:00"}, {"way_home", "alone"}},
         {{O, H}, {N, H}}},
        {"GET", "/family/children/{child}/contact", {}, {{O, H}, {N, H}}},
        {"POST",
         "/family/children/{child}/contact",
         {{"date", "2026-11-25"}, {"kind", "absence"}, {"absence_reason", "illness"}},
         {{O, H}, {N, H}}},
        // Who in the family may report absences: the full guardian's choice
        {"POST", "/family/children/{child}/members/{member}/reporting", {{"allow", "1"}}, {{O, H}, {N, H}}},
        {"GET", "/family/children/{child}/pickup", {}, {{O, H}, {O, H}}},
        {"POST",
         "/family/children/{child}/pickup",
         {{"name", "行列 叔父"}, {"relation", "叔父"}, {"phone", "090-2222-3333"}},
         {{O, H}, {N, H}}},
        {"POST", "/family/children/{child}/pickup/{person}/remove", {}, {{O, H}, {N, H}}},
        // The inbox: one's own copy only (another family member's copy of the same notice is not theirs)
        {"GET", "/family/inbox", {}, {{O, O}, {O, O}}},
        {"GET", "/family/inbox/{recipient}", {}, {{O, H}, {H, H}}},
        {"GET", "/family/settings", {}, {{O, O}, {O, O}}},
        {"POST",
         "/family/settings",
         {{"attendance_email", "1"},
          {"alert_push", "1"},
          {"quiet_start", "21:00"},
          {"quiet_end", "07:00"},
          {"language", "ja"}},
         {{O, O}, {O, O}}},
        // Push subscriptions are one's own (a bad endpoint is refused for anyone signed in)
        {"POST",
         "/family/push/subscribe",
         {{"endpoint", "https://push.example.net/matrix"},
          {"p256dh", "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"},
          {"auth", "BTBZMqHH6r4Tts7J_aSIgg"}},
         {{O, O}, {O, O}}},
        {"POST", "/family/push/unsubscribe", {{"endpoint", "https://push.example.net/matrix"}}, {{O, O}, {O, O}}},
        // Messages: a PDF through one's own copy only; the child's conversation with its site
        {"GET", "/family/inbox/{copy}/files/{file}", {}, {{O, H}, {H, H}}},
        {"GET", "/family/children/{child}/messages", {}, {{O, H}, {O, H}}},
        // The contact notebook: the family reads it; the full guardian writes the home side
        {"GET", "/family/children/{child}/notebook", {}, {{O, H}, {O, H}}},
        {"GET", "/family/photos/{photo}", {}, {{O, H}, {O, H}}},
        // The child's health as the nursery keeps it: every family member reads it
        {"GET", "/family/children/{child}/health", {}, {{O, H}, {O, H}}},
        // An illness reported from the phone: as an absence (the family member where the full guardian allows it)
        {"GET", "/family/children/{child}/illness", {}, {{O, H}, {N, H}}},
        {"POST",
         "/family/children/{child}/illness",
         {{"disease", "influenza"}, {"onset", "2026-01-05"}},
         {{O, H}, {N, H}}},
        {"POST", "/family/children/{child}/notebook", {{"version", "0"}, {"mood", "good"}}, {{O, H}, {N, H}}},
        // The family pass and PIN for a nursery's entrance: one's own (the account's, whatever its role)
        {"GET", "/family/pass", {}, {{O, O}, {O, O}}},
        {"GET", "/family/pass/code.svg", {}, {{O, O}, {O, O}}},
        {"POST", "/family/pass/pin", {}, {{O, O}, {O, O}}},
        {"POST", "/family/children/{child}/messages", {{"site", "{site}"}, {"body", "行列の質問"}}, {{O, H}, {O, H}}},
    };
    return cases;
}

TEST_P(PermissionMatrix, EveryGuardianRouteIsPublicByDesignOrInTheGuardianTable) {
    std::set<std::string> table;
    for (const auto& c : FamilyTable()) {
        table.insert(
            std::string(c.method) + " " +
            std::regex_replace(std::regex_replace(c.pattern, std::regex(R"(\{(child|recipient|copy|photo)\})"), "{id}"),
                               std::regex(R"(\{member\})"), "{account_id}"));
    }
    for (const auto& r : app_->router().routes()) {
        std::string key = r.method + " " + r.pattern;
        if (!kFamilyRoutes.count(key)) continue;
        // Registration, confirmation, sign-in and invitations work before sign-in, by a code or a signed link.
        bool by_code_or_link = r.pattern.starts_with("/register") || r.pattern.starts_with("/family/log") ||
                               r.pattern == "/family/invitation";
        EXPECT_TRUE(by_code_or_link || table.count(key)) << key << " is not in the guardian matrix";
    }
}

TEST_P(PermissionMatrix, GuardiansActOnlyForTheirOwnChildrenAndWithinTheirRole) {
    // A family member of the own-site child.
    database().Write([&](db::WriteTx& tx) {
        auto member = families::CreateConfirmedAccount(tx, "member@example.test", "行列 家族",
                                                       auth::HashPassword("a matrix family passphrase"), "ja", clock_);
        families::LinkChild(tx, member, common::ChildId(own_.child), auth::FamilyRole::kFamily, clock_);
    });
    const char* logins[] = {"matrix1@example.test", "member@example.test"};
    for (int role = 0; role < 2; ++role) {
        cookies_.clear();
        Get("/family/login");
        ASSERT_EQ(Post("/family/login", {{"email", logins[role]}, {"password", "a matrix family passphrase"}}).status,
                  303);
        for (const auto& c : FamilyTable()) {
            for (int which = 0; which < 2; ++which) {
                const Objects& o = which == 0 ? own_ : other_;
                Expect expect = c.expect[role][which];
                std::string where = std::string(c.method) + " " + c.pattern + " as " + logins[role] +
                                    (which ? " (other family)" : " (own child)");
                auto before = Fingerprint();
                AppTest::Result r{};
                if (std::string(c.method) == "GET") {
                    r = Get(Fill(c.pattern, o));
                } else {
                    Get("/family");
                    std::vector<std::pair<std::string, std::string>> form;
                    for (const auto& [k, v] : c.form) form.emplace_back(k, Fill(v, o));
                    r = Post(Fill(c.pattern, o), form);
                }
                if (expect == Expect::kOk) {
                    EXPECT_TRUE(r.status == 200 || r.status == 303) << where << " → " << r.status;
                } else {
                    if (expect == Expect::kHidden) EXPECT_EQ(r.status, 404) << where;
                    if (expect == Expect::kNo) EXPECT_EQ(r.status, 403) << where;
                    EXPECT_EQ(Fingerprint(), before) << where << " changed data";
                }
            }
        }
    }
    // Signed out, the guardian pages send to the guardians' sign-in and change nothing.
    cookies_.clear();
    for (const auto& c : FamilyTable()) {
        auto before = Fingerprint();
        if (std::string(c.method) == "GET") {
            auto r = Get(c.pattern);
            EXPECT_EQ(r.status, 303) << c.pattern;
            EXPECT_TRUE(r.location.starts_with("/family/login?next=")) << c.pattern;
        } else {
            Get("/family/login");
            auto r = Post(c.pattern, c.form);
            EXPECT_TRUE(r.status == 401 || r.status == 403) << c.pattern << " → " << r.status;
        }
        EXPECT_EQ(Fingerprint(), before) << c.pattern;
    }
}

// A guardian whose children are at two sites acts for each of them as for one: the own-site child's account is made
// the other site's child's guardian too, with a notice and a message of its own there.
TEST_P(PermissionMatrix, AGuardianOfChildrenAtTwoSitesActsForEachAsForOne) {
    Objects second = other_;
    database().Write([&](db::WriteTx& tx) {
        families::LinkChild(tx, common::AccountId(own_.account), common::ChildId(other_.child), auth::FamilyRole::kFull,
                            clock_);
        attendance::RecordByStaff(tx,
                                  {common::ChildId(other_.child), common::SiteId(2), attendance::Direction::kOut,
                                   clock_.Now() - std::chrono::minutes(10), common::UserId(other_.user), ""},
                                  clock_);
        messages::Draft d;
        d.site = common::SiteId(2);
        d.author = common::UserId(other_.user);
        d.subject = "二施設のお知らせ";
        d.body = "本文";
        d.attachments = {{"two.pdf", "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"}};
        second.message = messages::Create(tx, d, clock_).value;
    });
    RunJobs();
    second.recipient = One(
        "SELECT r.id FROM notification_recipient r JOIN notification n ON n.id = r.notification_id WHERE n.child_id "
        "= " +
        std::to_string(other_.child) + " AND n.message_id IS NULL AND r.account_id = " + std::to_string(own_.account) +
        " ORDER BY r.id DESC LIMIT 1");
    second.file = One("SELECT id FROM message_attachment WHERE message_id = " + std::to_string(second.message));
    second.copy =
        One("SELECT r.id FROM notification_recipient r JOIN notification n ON n.id = r.notification_id WHERE "
            "n.message_id = " +
            std::to_string(second.message) + " AND r.account_id = " + std::to_string(own_.account));
    ASSERT_GT(second.recipient, 0);
    ASSERT_GT(second.copy, 0);
    cookies_.clear();
    Get("/family/login");
    ASSERT_EQ(
        Post("/family/login", {{"email", "matrix1@example.test"}, {"password", "a matrix family passphrase"}}).status,
        303);
    for (const auto& c : FamilyTable()) {
        for (const Objects* o : {&own_, &second}) {
            Expect expect = c.expect[0][0];  // a full guardian, their own child
            std::string where = std::string(c.method) + " " + c.pattern + (o == &own_ ? " (site 1)" : " (site 2)");
            AppTest::Result r{};
            if (std::string(c.method) == "GET") {
                r = Get(Fill(c.pattern, *o));
            } else {
                Get("/family");
                std::vector<std::pair<std::string, std::string>> form;
                for (const auto& [k, v] : c.form) form.emplace_back(k, Fill(v, *o));
                r = Post(Fill(c.pattern, *o), form);
            }
            if (expect == Expect::kOk) EXPECT_TRUE(r.status == 200 || r.status == 303) << where << " → " << r.status;
        }
    }
    // And the family's home shows both children, each with its own site.
    auto home = Get("/family");
    EXPECT_NE(home.body.find(Text("SELECT name FROM site WHERE id = 1")), std::string::npos);
    EXPECT_NE(home.body.find(Text("SELECT name FROM site WHERE id = 2")), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Both, PermissionMatrix, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

#pragma once
// Who may do what to a child, a guardian or a staff account — decided from what is true today, in one place.
//
// auth::Can says what a role allows at a site. This says at which sites the actor's roles count for one person:
//   - a child belongs to the sites where it is placed today or from a later date ("current" sites). There the
//     actor's role decides. Changes to the child's shared record (its details, card, registration letters, the
//     guardians' details) need the role at every current site, because they change what the other sites see too;
//   - a site the child has left keeps read-only access to its own history: the child's name and the days the
//     child was there (kChildView, kAttendanceView), nothing else — not the guardians, not today;
//   - a guardian belongs to the current sites of the children linked to them: seen from any, changed only with
//     edit rights at all of them;
//   - a staff account is managed (password, second factor, sessions, deactivation, name) by someone with staff
//     edit rights at every site where the account holds a role; roles at a site are that site's manager's;
//   - municipal admins: whatever their role allows, everywhere.
// Anything else does not exist for the actor (404, so that ids cannot be probed). Every handler and every side
// door (import, letters, cards, lists, audiences) asks here, through the functions below.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "auth/permissions.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"

namespace rights {

// A placement of a child at a site; dates are YYYY-MM-DD, an open end is none.
struct Period {
    common::SiteId site;
    std::string start;
    std::optional<std::string> end;
    bool Covers(const std::string& date) const { return start <= date && (!end || *end >= date); }
    bool EndedBefore(const std::string& date) const { return end && *end < date; }
};

// Every placement a child has had, oldest first.
struct Standing {
    std::vector<Period> periods;
    // Sites where a placement has not ended by `today` (placed today, or from a later date), without repeats.
    std::vector<common::SiteId> CurrentSites(const std::string& today) const;
    bool CurrentAt(common::SiteId site, const std::string& today) const;
    bool PlacedOn(common::SiteId site, const std::string& date) const;
};
Standing LoadStanding(db::ReadTx& tx, common::ChildId child);
// The standings of many children in one query (lists, a site's cards and letters).
std::map<common::ChildId, Standing> LoadStandings(db::ReadTx& tx, const std::vector<common::ChildId>& children);

enum class Verdict { kAllowed, kForbidden, kHidden };

// What an allowed actor reaches of a child.
struct ChildGrant {
    common::SiteId site;   // where the actor acts: a current site of the child (none for a municipal admin and a
                           // child placed nowhere), or for history the former site
    bool history = false;  // a former site: only `history_periods`
    std::vector<Period> history_periods;  // the child's placements at the actor's former sites
    bool HistoryCovers(common::SiteId at, const std::string& date) const;
};
struct ChildDecision {
    Verdict verdict = Verdict::kHidden;
    ChildGrant grant;
};
// The rule for a child, without a database: see the top of this file.
ChildDecision DecideChild(const auth::Actor& actor, auth::Action action, const Standing& standing,
                          const std::string& today);
// Loads the child's placements and decides; NotFound or Forbidden when not allowed.
ChildGrant RequireChild(db::ReadTx& tx, const auth::Actor& actor, common::ChildId child, auth::Action action,
                        const std::string& today);

// A record kept at a site about a child (an attendance event, a family's contact, a conversation, an alert): the
// site's own record, so its staff read it even after the child left; changing or answering it needs the child to
// be current at that site. Others: hidden.
// `change`: the request changes or answers the record (else it reads it).
Verdict DecideAtSite(const auth::Actor& actor, auth::Action action, common::SiteId site, const Standing& standing,
                     const std::string& today, bool change);
void RequireAtSite(db::ReadTx& tx, const auth::Actor& actor, auth::Action action, common::SiteId site,
                   common::ChildId child, const std::string& today, bool change);

// A guardian's current sites: those of the current placements of the children linked to them.
std::vector<common::SiteId> GuardianSites(db::ReadTx& tx, common::GuardianId guardian, const std::string& today);
Verdict DecideGuardian(const auth::Actor& actor, auth::Action action, const std::vector<common::SiteId>& sites);
// The guardian's current sites; NotFound or Forbidden when not allowed.
std::vector<common::SiteId> RequireGuardian(db::ReadTx& tx, const auth::Actor& actor, common::GuardianId guardian,
                                            auth::Action action, const std::string& today);

// A staff account as permission sees it: its roles today.
struct Account {
    bool municipal = false;
    std::map<common::SiteId, auth::Role> site_roles;
};
// kStaffView: a role at one of the actor's sites. kStaffEdit (managing the account as a whole): edit rights at every
// site where it holds a role, and never a municipal admin's account unless the actor is one.
Verdict DecideAccount(const auth::Actor& actor, auth::Action action, const Account& account);
// Whether the actor may grant or end the account's role at this site (their own site's staff).
bool MayChangeRoleAt(const auth::Actor& actor, common::SiteId site);

// The same rule as SQL, for lists and side doors, so that a list shows exactly the people the rule lets the actor
// see. `c` is the child table's alias, `g` the guardian's.
// The child has a placement at a site of the user that has not ended by today (with the former flag: any).
// Binds: all-sites flag, former flag, today, user.
inline constexpr const char* kChildInScope =
    "(? = 1 OR EXISTS (SELECT 1 FROM child_placement ap WHERE ap.child_id = c.id AND (? = 1 OR ap.end_date IS NULL "
    "OR ap.end_date >= ?) AND ap.site_id IN (SELECT site_id FROM staff_role WHERE user_id = ?)))";
// The guardian is linked to a child with such a placement. Binds: all-sites flag, today, user.
inline constexpr const char* kGuardianInScope =
    "(? = 1 OR EXISTS (SELECT 1 FROM guardian_child agc JOIN child_placement ap ON ap.child_id = agc.child_id WHERE "
    "agc.guardian_id = g.id AND (ap.end_date IS NULL OR ap.end_date >= ?) AND ap.site_id IN (SELECT site_id FROM "
    "staff_role WHERE user_id = ?)))";

}  // namespace rights

#pragma once
// The one table of who may do what. Every handler asks Can()/Require before it touches data; deny by default.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/ids.hpp"
#include "common/scope.hpp"

namespace auth {

// A site's head (園長, site manager), its head teacher (主任: staff who also check the records others write) and
// its staff; municipal admins act for the city.
enum class Role { kMunicipalAdmin, kSiteManager, kLead, kStaff };
std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);
// Which of two roles outranks the other (admin > manager > lead > staff).
int RoleRank(Role role);

enum class Action {
    kSiteView,
    kSiteCreate,  // municipal only: a site is created for the city, not within a site
    kSiteEdit,
    kGroupView,
    kGroupEdit,
    kChildView,
    kChildEdit,
    kGuardianView,
    kGuardianEdit,
    kStaffView,
    kStaffEdit,
    kGrantMunicipal,      // make someone a municipal admin
    kAuditView,           // browse and export the audit trail
    kLetterIssue,         // print registration letters, end a guardian account's link to a child
    kAttendanceView,      // the live roster, a child's day record
    kAttendanceEdit,      // check a child in or out by hand, correct a mistaken record (with a reason)
    kCardIssue,           // print children's QR cards, reissue a lost one
    kKioskManage,         // pair kiosks with a site, list and revoke them
    kNoticeView,          // what was sent to families and how far it got (names the family members)
    kNoticeSend,          // send a notification again to those it did not reach
    kMessageSend,         // write to the site's families, see who has read, remind
    kMessageCity,         // municipal only: write to every site's families or chosen sites'
    kThreadReply,         // read and answer a child's conversation with the site
    kJobsManage,          // municipal only: see jobs that failed for good (any kind) and send them again
    kOverviewView,        // the overview of every site in scope on one screen (figures, no names)
    kRollcallStart,       // start and close an emergency roll-call at a site
    kRollcallCity,        // municipal only: start a roll-call at every site at once
    kRollcallMark,        // confirm the children on a roll-call and hand them over
    kErase,               // municipal only: erase a child, a family or a site's people, with a certificate
    kRollover,            // municipal only: the school-year rollover (grades up, leavers' placements end)
    kNotebookView,        // a nursery's contact notebook: the class's pages, both sides
    kNotebookWrite,       // write and publish the nursery side
    kNotebookSettings,    // which notebook items a site shows and requires, per age class
    kHealthView,          // a nursery's health records: the child's record (allergies, doctor), checks, growth, illness
    kHealthWrite,         // record them
    kNapView,             // a nursery's nap checks: the class's naps of a day and their record
    kNapWrite,            // lay children down, check them, record their waking
    kJournalView,         // a nursery's care journals (保育日誌): the class's and the site's of a day
    kJournalWrite,        // write one, submit it for approval
    kJournalCheck,        // the first approval (主任): check a submitted journal, or return it with a comment
    kJournalApprove,      // the last approval (園長): approve, return, or reopen an approved journal
    kJournalSettings,     // whether a writer may approve their own journal
    kCurriculumView,      // a nursery's curriculum plans (指導計画): annual, monthly, weekly per class, individual
    kCurriculumWrite,     // write one, submit it for approval
    kCurriculumCheck,     // the first approval (主任), as for journals
    kCurriculumApprove,   // the last approval (園長), and reopening an approved plan
    kCurriculumTemplate,  // the site's template of a kind of plan
};
std::string_view ActionName(Action action);

// Whether this role, where it applies, allows the action. The whole matrix is in permissions.cpp.
bool RoleAllows(Role role, Action action);

// A signed-in staff member.
struct Actor {
    common::UserId user_id;
    std::string login_id;
    std::string display_name;
    std::string language;
    bool municipal = false;                     // municipal admin: every site
    std::map<common::SiteId, Role> site_roles;  // site manager, lead or staff, per site
    common::SessionId session_id;
    std::string csrf_token;

    // The role this actor holds at a site (municipal admins hold it everywhere).
    std::optional<Role> RoleAt(common::SiteId site) const;
    // Sites the actor works at; empty with municipal == true means every site.
    std::vector<common::SiteId> Sites() const;
    // "municipal_admin", else the strongest site role.
    Role PrimaryRole() const;
    // The sites this actor's queries may see.
    common::SiteScope Scope() const { return municipal ? common::SiteScope{} : common::SiteScope{user_id}; }
};

// May the actor do the action at this site? Without a site: may they do it somewhere (for menus and lists,
// which then filter by Sites()). Municipal-level actions (kSiteCreate, kGrantMunicipal) need a municipal admin.
bool Can(const Actor& actor, Action action, std::optional<common::SiteId> site = std::nullopt);
// For a child, a guardian or a staff account, which sites count is decided in rights/rights.hpp.

// Guardians: a member of a child's family with their own account. "full" came from the registration letter (or
// was invited as such) and may change plans and invite; "family" sees and is notified.
enum class FamilyRole { kFull, kFamily };
std::string_view FamilyRoleName(FamilyRole role);
std::optional<FamilyRole> ParseFamilyRole(std::string_view name);

enum class FamilyAction {
    kChildView,      // the child's day, plans and notices
    kPlanEdit,       // plans, absences, pick-up persons
    kFamilyInvite,   // invite another family member to this child; choose who may report absences
    kAbsenceReport,  // report an absence or a change for a day (a family member, when the full guardian allows)
    kCheckIn,        // stamp the child's arrival and departure at a nursery's entrance kiosk
    kNotebookWrite,  // write the home side of the child's contact notebook
};
std::string_view FamilyActionName(FamilyAction action);
bool FamilyRoleAllows(FamilyRole role, FamilyAction action);

// A signed-in guardian.
struct GuardianActor {
    common::AccountId account_id;
    std::string email;
    std::string display_name;
    std::string language;
    std::map<common::ChildId, FamilyRole> children;  // the children this account is linked to, with its role
    std::set<common::ChildId> reporting;  // where a family member may report absences (the full guardian's choice)
    common::SessionId session_id;
    std::string csrf_token;

    // Only their own children, and only what their role there allows.
    bool Can(FamilyAction action, common::ChildId child) const;
};

}  // namespace auth

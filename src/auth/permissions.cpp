#include "auth/permissions.hpp"

#include <array>

namespace auth {
namespace {

struct Rule {
    Action action;
    bool municipal_admin;
    bool site_manager;
    bool lead;
    bool staff;
};

// Actions × roles. Staff see the people of their own sites; managers also change them and their staff accounts.
// A head teacher (主任) does what staff do and checks the records they write (journals, plans) before the head
// (園長, the site manager) approves them.
// clang-format off
constexpr std::array kMatrix = {
    //   action                        admin  manager lead  staff
    Rule{Action::kSiteView,            true,  true,  true,  true},
    Rule{Action::kSiteCreate,          true,  false, false, false},
    Rule{Action::kSiteEdit,            true,  true,  false, false},
    Rule{Action::kGroupView,           true,  true,  true,  true},
    Rule{Action::kGroupEdit,           true,  true,  false, false},
    Rule{Action::kChildView,           true,  true,  true,  true},
    Rule{Action::kChildEdit,           true,  true,  false, false},
    Rule{Action::kGuardianView,        true,  true,  true,  true},
    Rule{Action::kGuardianEdit,        true,  true,  false, false},
    Rule{Action::kStaffView,           true,  true,  false, false},
    Rule{Action::kStaffEdit,           true,  true,  false, false},
    Rule{Action::kGrantMunicipal,      true,  false, false, false},
    Rule{Action::kAuditView,           true,  false, false, false},
    Rule{Action::kLetterIssue,         true,  true,  false, false},
    Rule{Action::kAttendanceView,      true,  true,  true,  true},
    Rule{Action::kAttendanceEdit,      true,  true,  true,  true},
    Rule{Action::kCardIssue,           true,  true,  false, false},
    Rule{Action::kKioskManage,         true,  true,  false, false},
    Rule{Action::kNoticeView,          true,  true,  true,  true},
    Rule{Action::kNoticeSend,          true,  true,  true,  true},
    Rule{Action::kMessageSend,         true,  true,  true,  true},
    Rule{Action::kMessageCity,         true,  false, false, false},
    Rule{Action::kThreadReply,         true,  true,  true,  true},
    Rule{Action::kJobsManage,          true,  false, false, false},
    Rule{Action::kOverviewView,        true,  true,  false, false},
    Rule{Action::kRollcallStart,       true,  true,  false, false},
    Rule{Action::kRollcallCity,        true,  false, false, false},
    Rule{Action::kRollcallMark,        true,  true,  true,  true},
    Rule{Action::kErase,               true,  false, false, false},
    Rule{Action::kRollover,            true,  false, false, false},
    Rule{Action::kNotebookView,        true,  true,  true,  true},
    Rule{Action::kNotebookWrite,       true,  true,  true,  true},
    Rule{Action::kNotebookSettings,    true,  true,  false, false},
    Rule{Action::kHealthView,          true,  true,  true,  true},
    Rule{Action::kHealthWrite,         true,  true,  true,  true},
    Rule{Action::kNapView,             true,  true,  true,  true},
    Rule{Action::kNapWrite,            true,  true,  true,  true},
    Rule{Action::kJournalView,         true,  true,  true,  true},
    Rule{Action::kJournalWrite,        true,  true,  true,  true},
    Rule{Action::kJournalCheck,        true,  true,  true,  false},
    Rule{Action::kJournalApprove,      true,  true,  false, false},
    Rule{Action::kJournalSettings,     true,  true,  false, false},
    Rule{Action::kCurriculumView,      true,  true,  true,  true},
    Rule{Action::kCurriculumWrite,     true,  true,  true,  true},
    Rule{Action::kCurriculumCheck,     true,  true,  true,  false},
    Rule{Action::kCurriculumApprove,   true,  true,  false, false},
    Rule{Action::kCurriculumTemplate,  true,  true,  true,  false},
};

struct FamilyRule {
    FamilyAction action;
    bool full;
    bool family;
};

// Guardians' actions × their role for a child. A guardian may act only for children linked to their account.
constexpr std::array kFamilyMatrix = {
    //         action                         full   family
    FamilyRule{FamilyAction::kChildView,      true,  true},
    FamilyRule{FamilyAction::kPlanEdit,       true,  false},
    FamilyRule{FamilyAction::kFamilyInvite,   true,  false},
    FamilyRule{FamilyAction::kAbsenceReport,  true,  false},  // family: where the full guardian allows it
    FamilyRule{FamilyAction::kCheckIn,        true,  true},   // whoever brings or fetches the child stamps it
    FamilyRule{FamilyAction::kNotebookWrite,  true,  false},  // the home side of the contact notebook
};
// clang-format on

}  // namespace

std::string_view RoleName(Role role) {
    switch (role) {
        case Role::kMunicipalAdmin:
            return "municipal_admin";
        case Role::kSiteManager:
            return "site_manager";
        case Role::kLead:
            return "lead";
        case Role::kStaff:
            return "staff";
    }
    return "staff";
}

std::optional<Role> ParseRole(std::string_view name) {
    for (Role r : {Role::kMunicipalAdmin, Role::kSiteManager, Role::kLead, Role::kStaff}) {
        if (RoleName(r) == name) return r;
    }
    return std::nullopt;
}

std::string_view ActionName(Action action) {
    switch (action) {
        case Action::kSiteView:
            return "site.view";
        case Action::kSiteCreate:
            return "site.create";
        case Action::kSiteEdit:
            return "site.edit";
        case Action::kGroupView:
            return "group.view";
        case Action::kGroupEdit:
            return "group.edit";
        case Action::kChildView:
            return "child.view";
        case Action::kChildEdit:
            return "child.edit";
        case Action::kGuardianView:
            return "guardian.view";
        case Action::kGuardianEdit:
            return "guardian.edit";
        case Action::kStaffView:
            return "staff.view";
        case Action::kStaffEdit:
            return "staff.edit";
        case Action::kGrantMunicipal:
            return "staff.grant_municipal";
        case Action::kAuditView:
            return "audit.view";
        case Action::kLetterIssue:
            return "letter.issue";
        case Action::kNotebookView:
            return "notebook.view";
        case Action::kNotebookWrite:
            return "notebook.write";
        case Action::kNotebookSettings:
            return "notebook.settings";
        case Action::kHealthView:
            return "health.view";
        case Action::kHealthWrite:
            return "health.write";
        case Action::kNapView:
            return "nap.view";
        case Action::kNapWrite:
            return "nap.write";
        case Action::kJournalView:
            return "journal.view";
        case Action::kJournalWrite:
            return "journal.write";
        case Action::kJournalCheck:
            return "journal.check";
        case Action::kJournalApprove:
            return "journal.approve";
        case Action::kJournalSettings:
            return "journal.settings";
        case Action::kCurriculumView:
            return "curriculum.view";
        case Action::kCurriculumWrite:
            return "curriculum.write";
        case Action::kCurriculumCheck:
            return "curriculum.check";
        case Action::kCurriculumApprove:
            return "curriculum.approve";
        case Action::kCurriculumTemplate:
            return "curriculum.template";
        case Action::kAttendanceView:
            return "attendance.view";
        case Action::kAttendanceEdit:
            return "attendance.edit";
        case Action::kCardIssue:
            return "card.issue";
        case Action::kKioskManage:
            return "kiosk.manage";
        case Action::kNoticeView:
            return "notice.view";
        case Action::kNoticeSend:
            return "notice.send";
        case Action::kMessageSend:
            return "message.send";
        case Action::kMessageCity:
            return "message.city";
        case Action::kThreadReply:
            return "thread.reply";
        case Action::kJobsManage:
            return "jobs.manage";
        case Action::kOverviewView:
            return "overview.view";
        case Action::kRollcallStart:
            return "rollcall.start";
        case Action::kRollcallCity:
            return "rollcall.city";
        case Action::kRollcallMark:
            return "rollcall.mark";
        case Action::kErase:
            return "erase";
        case Action::kRollover:
            return "rollover";
    }
    return "unknown";
}

bool RoleAllows(Role role, Action action) {
    for (const Rule& r : kMatrix) {
        if (r.action != action) continue;
        switch (role) {
            case Role::kMunicipalAdmin:
                return r.municipal_admin;
            case Role::kSiteManager:
                return r.site_manager;
            case Role::kLead:
                return r.lead;
            case Role::kStaff:
                return r.staff;
        }
    }
    return false;
}

std::optional<Role> Actor::RoleAt(common::SiteId site) const {
    if (municipal) return Role::kMunicipalAdmin;
    auto it = site_roles.find(site);
    if (it == site_roles.end()) return std::nullopt;
    return it->second;
}

std::vector<common::SiteId> Actor::Sites() const {
    std::vector<common::SiteId> out;
    for (const auto& [site, _] : site_roles) out.push_back(site);
    return out;
}

int RoleRank(Role role) {
    switch (role) {
        case Role::kMunicipalAdmin:
            return 3;
        case Role::kSiteManager:
            return 2;
        case Role::kLead:
            return 1;
        case Role::kStaff:
            return 0;
    }
    return 0;
}

Role Actor::PrimaryRole() const {
    if (municipal) return Role::kMunicipalAdmin;
    Role best = Role::kStaff;
    for (const auto& [_, role] : site_roles) {
        if (RoleRank(role) > RoleRank(best)) best = role;
    }
    return best;
}

bool Can(const Actor& actor, Action action, std::optional<common::SiteId> site) {
    if (actor.municipal) return RoleAllows(Role::kMunicipalAdmin, action);
    // City-level actions belong to municipal admins alone, whatever site roles someone holds.
    if (action == Action::kSiteCreate || action == Action::kGrantMunicipal || action == Action::kAuditView ||
        action == Action::kMessageCity || action == Action::kJobsManage || action == Action::kRollcallCity ||
        action == Action::kErase || action == Action::kRollover)
        return false;
    if (site) {
        auto role = actor.RoleAt(*site);
        return role && RoleAllows(*role, action);
    }
    for (const auto& [_, role] : actor.site_roles) {
        if (RoleAllows(role, action)) return true;
    }
    return false;
}

std::string_view FamilyRoleName(FamilyRole role) { return role == FamilyRole::kFull ? "full" : "family"; }

std::optional<FamilyRole> ParseFamilyRole(std::string_view name) {
    if (name == "full") return FamilyRole::kFull;
    if (name == "family") return FamilyRole::kFamily;
    return std::nullopt;
}

std::string_view FamilyActionName(FamilyAction action) {
    switch (action) {
        case FamilyAction::kChildView:
            return "family.child_view";
        case FamilyAction::kPlanEdit:
            return "family.plan_edit";
        case FamilyAction::kFamilyInvite:
            return "family.invite";
        case FamilyAction::kAbsenceReport:
            return "family.absence_report";
        case FamilyAction::kCheckIn:
            return "family.check_in";
        case FamilyAction::kNotebookWrite:
            return "family.notebook_write";
    }
    return "unknown";
}

bool FamilyRoleAllows(FamilyRole role, FamilyAction action) {
    for (const FamilyRule& r : kFamilyMatrix) {
        if (r.action == action) return role == FamilyRole::kFull ? r.full : r.family;
    }
    return false;
}

bool GuardianActor::Can(FamilyAction action, common::ChildId child) const {
    auto it = children.find(child);
    if (it == children.end()) return false;
    if (action == FamilyAction::kAbsenceReport && it->second == FamilyRole::kFamily) return reporting.count(child) > 0;
    return FamilyRoleAllows(it->second, action);
}

}  // namespace auth

#pragma once
// Attendance plans, absence and change contact, pick-up persons and the site's day, in the database. The rules
// that decide who is expected are in rules.hpp; pages are in handlers.cpp.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/dates.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"
#include "plans/rules.hpp"

namespace plans {

// ---- The site's rules and day ----------------------------------------------------------------------------------

struct SiteRules {
    int deadline_days_before = 1;
    int deadline_minutes = 17 * 60;  // 17:00
    std::chrono::minutes late_after{30};
    bool notify_guardians = true;
    int reminder_day = 20;
    std::optional<ExtendedHours> extended;  // none: the site does not count extended-hours use
};
SiteRules GetSiteRules(db::ReadTx& tx, common::SiteId site);
void UpdateSiteRules(db::WriteTx& tx, common::SiteId site, const SiteRules& rules, const common::Clock& clock);
// The usual dismissal times of a site: {grade, weekday} → minutes.
std::map<std::pair<int, int>, int> ListDismissals(db::ReadTx& tx, common::SiteId site);
// The site on `date` for a child in `grade` (nullopt: the site's default dismissal), under the site's rules.
SiteDay LoadSiteDay(db::ReadTx& tx, common::SiteId site, const SiteRules& rules, const common::Date& date,
                    std::optional<int> grade);

void AddClosure(db::WriteTx& tx, common::SiteId site, const common::Date& date, const std::string& reason,
                const common::Clock& clock);
bool RemoveClosure(db::WriteTx& tx, common::SiteId site, const common::Date& date);
struct Closure {
    std::string date;
    std::string reason;
};
// The dates from `from` to `to` the site does not open, by LoadSiteDay's rule (a closure day, or a weekday without
// opening hours), in two queries for the whole range.
std::set<std::string> ClosedDays(db::ReadTx& tx, common::SiteId site, const common::Date& from, const common::Date& to);
std::vector<Closure> ListClosures(db::ReadTx& tx, common::SiteId site, const common::Date& from,
                                  const common::Date& to);
// Sets (or, with nullopt, clears) the usual dismissal time of a grade (0: every grade without its own) on a weekday.
void SetDismissal(db::WriteTx& tx, common::SiteId site, int grade, int weekday, std::optional<int> minutes,
                  const common::Clock& clock);

// The site a child is placed at on a date, if any.
std::optional<common::SiteId> PlacementOn(db::ReadTx& tx, common::ChildId child, const common::Date& date);

// ---- Pick-up persons -------------------------------------------------------------------------------------------

struct PickupPerson {
    common::PickupPersonId id;
    std::string name, relation, phone;
};
std::vector<PickupPerson> ListPickupPersons(db::ReadTx& tx, common::ChildId child);
common::PickupPersonId AddPickupPerson(db::WriteTx& tx, common::ChildId child, const PickupPerson& p,
                                       std::optional<common::AccountId> by, const common::Clock& clock);
bool RemovePickupPerson(db::WriteTx& tx, common::ChildId child, common::PickupPersonId id, const common::Clock& clock);

// ---- Plans and contact -----------------------------------------------------------------------------------------

// What a guardian asks for one or more days.
struct PlanInput {
    bool attending = true;
    std::optional<int> leave_minutes;
    WayHome way_home = WayHome::kAlone;
    std::optional<common::PickupPersonId> pickup_person;
    std::optional<std::string> absence_reason;  // illness, family, other (for an absence)
    std::string note;
};

enum class PlanProblem {
    kPastDate,             // before today (Tokyo)
    kTooFar,               // more than a year ahead
    kNotEnrolled,          // the child has no placement at a site that day
    kClosed,               // a closure day or a weekday the site does not open
    kLeaveOutsideHours,    // the leaving time is not within the day's opening hours
    kUnknownPickupPerson,  // picked up, by nobody on the child's list
};
std::string_view PlanProblemName(PlanProblem p);  // the message key suffix: error_plan_<name>

struct DateProblem {
    std::string date;
    PlanProblem problem;
};

// What the guardian sent: plans for many days (kPlan), or contact about one day (kAbsence, kChange), which staff
// always see in the day's changes.
enum class ContactKind { kPlan, kAbsence, kChange };

struct PlanResult {
    std::vector<DateProblem> problems;        // when not empty nothing was written
    int saved = 0;                            // days whose plan changed
    int late = 0;                             // of those, past the site's deadline: requests staff see flagged
    std::vector<std::string> skipped_closed;  // closure days skipped (only with skip_closed)
};

// Checks every date first and writes nothing if one fails; otherwise sets each day's plan and records contact
// for staff: every absence and change, and every plan changed after the site's deadline. With skip_closed (a
// weekly pattern), closure days are left out instead of refused.
PlanResult SetPlans(db::WriteTx& tx, common::AccountId account, common::ChildId child,
                    const std::vector<common::Date>& dates, const PlanInput& input, ContactKind kind, bool skip_closed,
                    const common::Clock& clock);

struct StoredPlan {
    std::string date;
    common::SiteId site;
    DayPlan plan;
    std::optional<common::PickupPersonId> pickup_person;
    std::string pickup_name;
    std::optional<std::string> absence_reason;
    std::string note;
};
std::vector<StoredPlan> PlansOfChild(db::ReadTx& tx, common::ChildId child, const common::Date& from,
                                     const common::Date& to);

// One reported absence or change, for staff.
struct Contact {
    common::ContactId id;
    common::ChildId child;
    std::string child_name;
    std::string date;
    std::string kind;  // absence, change, late_plan
    bool attending = false;
    std::optional<int> leave_minutes;
    WayHome way_home = WayHome::kAlone;
    std::string pickup_name;
    std::optional<std::string> absence_reason;
    std::string note;
    bool after_deadline = false;
    std::string account_name;
    std::string created_at;
    std::optional<std::string> confirmed_at;
    std::string confirmed_by_name;
};
// Every contact for `date` at the site, newest first.
std::vector<Contact> ContactsForDay(db::ReadTx& tx, common::SiteId site, const common::Date& date);
// A child's contacts for one date, oldest first (the child's day record).
std::vector<Contact> ContactsOfChild(db::ReadTx& tx, common::ChildId child, const common::Date& date);
std::optional<Contact> GetContact(db::ReadTx& tx, common::ContactId id, common::SiteId* site);
// Marks it 確認済み; false when it was confirmed already.
bool ConfirmContact(db::WriteTx& tx, common::ContactId id, common::UserId by, const common::Clock& clock);

}  // namespace plans

#pragma once
// The day's outlook for a site (who is expected, who is absent, what is alarming) and the alerts staff resolve.
// An alert is computed from the rules whenever the roster is drawn, so it shows the moment it is due; a sweep job
// records it (once per child, day and kind) and plans the notice to the family in the same transaction.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "attendance/attendance.hpp"
#include "common/clock.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"
#include "jobs/jobs.hpp"
#include "plans/plans.hpp"
#include "plans/rules.hpp"

namespace plans {

enum class Resolution { kArrivedLate, kAbsentWithoutNotice, kFound, kPickedUp, kLeft };
std::string_view ResolutionName(Resolution r);
std::optional<Resolution> ParseResolution(std::string_view s);
// The answers that fit an alert: not arrived → arrived late, absent without notice, found; after closing → left,
// found; pick-up unconfirmed → picked up (the note says by whom).
bool ResolutionFits(AlertKind kind, Resolution r);

struct ChildOutlook {
    DayOutlook outlook;
    std::optional<StoredPlan> plan;
    bool absent_without_notice = false;           // staff resolved the day's "not arrived" so
    std::optional<common::Instant> first_raised;  // the earliest open alert's record, when recorded
    Standing standing = Standing::kNoPlan;
};
// Every child of the roster: expected, absent or not planned, with the alerts open now.
std::map<common::ChildId, ChildOutlook> SiteOutlook(db::ReadTx& tx, common::SiteId site, const common::Date& date,
                                                    common::Instant now,
                                                    const std::vector<attendance::RosterRow>& rows);

// A day ahead at a site (in one group, if given), as the roster would count it before anyone arrives: each child
// placed there that day in one standing (expected, absent or no plan), by the same rule, without drawing the roster.
std::map<Standing, int> DayAheadCounts(db::ReadTx& tx, common::SiteId site, const common::Date& date,
                                       std::optional<common::GroupId> group);

struct RaisedAlert {
    common::AlertId id;
    common::ChildId child;
    AlertKind kind;
};
// Records the alerts open now at the site (each once), tells the site's live feed, and, when the site says so, plans
// a notice to each of the child's family members (job mail.child_alert). Returns the ones new this time.
std::vector<RaisedAlert> RaiseAlerts(db::WriteTx& tx, common::SiteId site, const common::Date& date,
                                     const common::Clock& clock);
// Every active site's alerts for today (Tokyo); the sweep job's work. Returns how many were new.
int RaiseAllAlerts(db::Database& db, const common::Clock& clock);

// Reminders (B4): from the site's reminder day of the month (after 09:00 Tokyo) on, each full-role family member of
// a child placed at the site next month, without any plan for next month yet, is reminded once (job
// mail.plan_reminder). Returns how many reminders were planned.
int PlanReminders(db::Database& db, const common::Clock& clock);

// The sweep: a job (alerts.sweep) that raises every site's alerts (and plans reminders) and plans itself again a minute
// later, so one server process at a time does it (on PostgreSQL the job table hands it to one). EnsureAlertSweep plans
// the first.
void RegisterAlertSweep(jobs::Runner& runner, db::Database& db, const common::Clock& clock);
void EnsureAlertSweep(db::Database& db, const common::Clock& clock);

// Staff resolve an alert (recorded or only computed so far) with what happened. False when it was resolved already.
bool ResolveAlert(db::WriteTx& tx, common::SiteId site, common::ChildId child, const common::Date& date, AlertKind kind,
                  Resolution resolution, const std::string& note, common::UserId by, const common::Clock& clock);

struct AlertRecord {
    common::AlertId id;
    AlertKind kind;
    std::string raised_at;
    std::optional<std::string> resolution;
    std::string resolution_note;
    std::optional<std::string> resolved_at;
    std::string resolved_by_name;
};
std::vector<AlertRecord> AlertsOfChildDay(db::ReadTx& tx, common::ChildId child, const common::Date& date);

}  // namespace plans

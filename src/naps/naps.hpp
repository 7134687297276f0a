#pragma once
// Nap checks in the database: a site's intervals, each child's nap with its checks, and the dues that were missed
// (recorded by the sweep even when no screen is open). Every change is told to the site's live feed, so each class
// tablet shows it. Who may do it is decided by the handlers through rights/.
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"
#include "naps/rules.hpp"

namespace naps {

// The live feed's event for a nap's change (its data: the child's id).
inline constexpr std::string_view kLiveKind = "nap";

Intervals GetIntervals(db::ReadTx& tx, common::SiteId site);
void SaveIntervals(db::WriteTx& tx, common::SiteId site, const Intervals& intervals, common::UserId by,
                   const common::Clock& clock);

struct Check {
    common::Instant at;
    Position position = Position::kBack;
    bool breathing_ok = true, complexion_ok = true, late = false;
    std::string by;  // the staff member's name
};
struct Nap {
    std::int64_t id = 0;
    common::ChildId child;
    common::SiteId site;
    std::string date;
    int interval = 5;
    common::Instant started;
    std::optional<common::Instant> ended;
    std::string started_by;
    std::vector<Check> checks;             // in order
    std::vector<common::Instant> overdue;  // the dues recorded as missed, in order
    common::Instant NextDue() const;       // while asleep
    // The dues it missed by its waking, or by `until` while asleep (the rules' MissedDues over its checks).
    std::vector<common::Instant> Missed(common::Instant until) const;
};

// Lays the child down now at the site (the interval of its age class on `date`). False when it is asleep already.
bool Start(db::WriteTx& tx, common::SiteId site, common::ChildId child, const std::string& date, int interval,
           common::UserId by, const common::Clock& clock);
// A check of the child's nap at `at` (not after now). False when the child is not asleep or `at` is before the nap
// began. A check after its due minute is kept as late, and the missed due recorded.
bool AddCheck(db::WriteTx& tx, common::SiteId site, common::ChildId child, const Check& check, common::UserId by,
              const common::Clock& clock);
// The child woke at `at`: the nap ends, and any due it missed till then is recorded. False when it was not asleep.
bool End(db::WriteTx& tx, common::SiteId site, common::ChildId child, common::Instant at, common::UserId by,
         const common::Clock& clock);
// The child's nap now, if asleep.
std::optional<Nap> Open(db::ReadTx& tx, common::ChildId child);
// The child's last nap of a day (for its contact notebook), if it slept.
std::optional<Nap> LastOfDay(db::ReadTx& tx, common::ChildId child, const std::string& date);
// The site's naps of a day with their checks and missed dues, by start.
std::vector<Nap> OfDay(db::ReadTx& tx, common::SiteId site, const std::string& date);

// The child's naps at the site from `from` (a date) on, the latest first: its health record's two weeks.
std::vector<Nap> OfChild(db::ReadTx& tx, common::ChildId child, common::SiteId site, const std::string& from);

// The sweep: ends the naps left open on an earlier day (at their last check), records every open nap's missed dues
// (each once) and tells the site's feed. Returns how many were new. Starting, checking and waking a child end its
// forgotten nap first too, so a waking nobody recorded yesterday never keeps it "asleep" today.
int RecordOverdue(db::Database& db, const common::Clock& clock);

}  // namespace naps

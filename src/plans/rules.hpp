#pragma once
// Who is expected on a day and when that turns into an alert: pure rules over the site's day, the child's plan and
// the child's marks, with a table of unit tests. No database here (plans.cpp reads, these decide).
#include <chrono>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "attendance/attendance.hpp"
#include "common/clock.hpp"
#include "common/dates.hpp"

namespace plans {

enum class WayHome { kAlone, kPickup };
std::string_view WayHomeName(WayHome w);
std::optional<WayHome> ParseWayHome(std::string_view s);

// The child's plan for a day, as the guardian left it.
struct DayPlan {
    bool attending = true;
    std::optional<int> leave_minutes;  // planned leaving time, minutes after midnight (Tokyo)
    WayHome way_home = WayHome::kAlone;
};

// How a site counts extended-hours use (延長利用) in its register: the minutes a child stays past `after` (minutes
// after midnight, Tokyo), in units of `unit` minutes, rounded up (a minute past starts a unit), down or to the
// nearest unit (half a unit rounds up).
enum class Rounding { kUp, kDown, kNearest };
std::string_view RoundingName(Rounding r);
std::optional<Rounding> ParseRounding(std::string_view s);
struct ExtendedHours {
    int after = 18 * 60;
    int unit = 30;
    Rounding rounding = Rounding::kUp;
};
// The units of `minutes_past` minutes past the time (0 for none or fewer).
int ExtendedUnits(int minutes_past, const ExtendedHours& e);

// The site on one date, for one child's grade.
struct SiteDay {
    bool closed = false;                  // a closure day, or a weekday without opening hours
    std::optional<int> opens, closes;     // minutes after midnight
    std::optional<int> dismissal;         // the child's grade's usual dismissal that weekday
    std::chrono::minutes late_after{30};  // how long after dismissal an absent planned child becomes missing
};

enum class Expectation {
    kClosed,      // the site is closed: nobody is expected
    kNotPlanned,  // no plan for the day: not expected
    kExpected,    // planned to attend
    kAbsent,      // planned not to attend (an absence)
};
std::string_view ExpectationName(Expectation e);

enum class AlertKind { kNotArrived, kAfterClosing, kPickupUnconfirmed };
std::string_view AlertKindName(AlertKind k);
std::optional<AlertKind> ParseAlertKind(std::string_view s);

struct DayOutlook {
    Expectation expectation = Expectation::kNotPlanned;
    std::optional<common::Instant> due_by;  // a planned child missing from this instant on (dismissal + threshold)
    std::vector<AlertKind> alerts;          // open now, before staff resolve them
};

// Where a child stands on the day's roster: exactly one of these, so the roster's counts add up to its children.
// Marks decide first (here, or gone home); a child without marks is absent (reported, or found absent without
// notice by staff), expected (planned and not come yet), or without a plan (none for the day, or the site closed).
enum class Standing { kIn, kLeft, kExpected, kAbsent, kNoPlan };
inline constexpr Standing kStandings[] = {Standing::kExpected, Standing::kIn, Standing::kLeft, Standing::kAbsent,
                                          Standing::kNoPlan};
std::string_view StandingName(Standing s);
std::optional<Standing> ParseStanding(std::string_view s);
Standing StandingOf(attendance::State state, Expectation expectation, bool absent_without_notice);

// Why a mark staff record by hand at `minutes` (Tokyo) would be out of the ordinary, so the page asks before taking
// it: the site is closed that day, or it is more than kPreparation before opening, or an entry at or after closing.
// An exit after closing is ordinary (a late pick-up is recorded as it happens).
enum class OffHours { kNone, kClosedDay, kBeforeOpening, kAfterClosing };
inline constexpr int kPreparationMinutes = 60;
OffHours OffHoursOf(const SiteDay& day, attendance::Direction direction, int minutes);

// The alerts are: not arrived — planned, no entry, now at or past dismissal (or opening, when the grade has no
// dismissal time) plus the threshold; after closing — inside at or after closing time, planned or not; pick-up
// unconfirmed — left on a day planned "picked up" and staff have not confirmed who came. `resolved` are the kinds
// staff resolved already; they do not come back that day.
DayOutlook Outlook(const common::Date& date, const SiteDay& site, const std::optional<DayPlan>& plan,
                   const attendance::DayState& state, bool pickup_confirmed, const std::set<AlertKind>& resolved,
                   common::Instant now);

// The instant after which a plan for `date` is a late change: `days_before` days earlier at `time` (Tokyo).
common::Instant PlanDeadline(const common::Date& date, int days_before, int time_minutes);

// The weekday of a date, 0 = Sunday … 6 = Saturday (as in site_opening_hours).
int Weekday(const common::Date& d);

// The dates from `from` to `to` (inclusive) whose weekday is in `weekdays`; at most `limit` days are looked at.
std::vector<common::Date> DatesOnWeekdays(const common::Date& from, const common::Date& to,
                                          const std::set<int>& weekdays, int limit = 400);

}  // namespace plans

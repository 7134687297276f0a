#include "plans/rules.hpp"

#include <algorithm>

namespace plans {

std::string_view WayHomeName(WayHome w) { return w == WayHome::kPickup ? "pickup" : "alone"; }

std::optional<WayHome> ParseWayHome(std::string_view s) {
    if (s == "alone") return WayHome::kAlone;
    if (s == "pickup") return WayHome::kPickup;
    return std::nullopt;
}

std::string_view RoundingName(Rounding r) {
    switch (r) {
        case Rounding::kUp:
            return "up";
        case Rounding::kDown:
            return "down";
        case Rounding::kNearest:
            return "nearest";
    }
    return "up";
}

std::optional<Rounding> ParseRounding(std::string_view s) {
    if (s == "up") return Rounding::kUp;
    if (s == "down") return Rounding::kDown;
    if (s == "nearest") return Rounding::kNearest;
    return std::nullopt;
}

int ExtendedUnits(int minutes_past, const ExtendedHours& e) {
    if (minutes_past <= 0 || e.unit <= 0) return 0;
    switch (e.rounding) {
        case Rounding::kUp:
            return (minutes_past + e.unit - 1) / e.unit;
        case Rounding::kDown:
            return minutes_past / e.unit;
        case Rounding::kNearest:
            return (2 * minutes_past + e.unit) / (2 * e.unit);
    }
    return 0;
}

std::string_view ExpectationName(Expectation e) {
    switch (e) {
        case Expectation::kClosed:
            return "closed";
        case Expectation::kNotPlanned:
            return "not_planned";
        case Expectation::kExpected:
            return "expected";
        case Expectation::kAbsent:
            return "absent";
    }
    return "not_planned";
}

std::string_view StandingName(Standing s) {
    switch (s) {
        case Standing::kIn:
            return "in";
        case Standing::kLeft:
            return "left";
        case Standing::kExpected:
            return "expected";
        case Standing::kAbsent:
            return "absent";
        case Standing::kNoPlan:
            return "no_plan";
    }
    return "no_plan";
}

std::optional<Standing> ParseStanding(std::string_view s) {
    for (auto st : kStandings) {
        if (StandingName(st) == s) return st;
    }
    return std::nullopt;
}

Standing StandingOf(attendance::State state, Expectation expectation, bool absent_without_notice) {
    using attendance::State;
    if (state == State::kIn) return Standing::kIn;
    if (state == State::kLeft) return Standing::kLeft;
    if (expectation == Expectation::kAbsent || absent_without_notice) return Standing::kAbsent;
    if (expectation == Expectation::kExpected) return Standing::kExpected;
    return Standing::kNoPlan;
}

OffHours OffHoursOf(const SiteDay& day, attendance::Direction direction, int minutes) {
    if (day.closed) return OffHours::kClosedDay;
    if (day.opens && minutes < *day.opens - kPreparationMinutes) return OffHours::kBeforeOpening;
    if (direction == attendance::Direction::kIn && day.closes && minutes >= *day.closes) return OffHours::kAfterClosing;
    return OffHours::kNone;
}

std::string_view AlertKindName(AlertKind k) {
    switch (k) {
        case AlertKind::kNotArrived:
            return "not_arrived";
        case AlertKind::kAfterClosing:
            return "after_closing";
        case AlertKind::kPickupUnconfirmed:
            return "pickup_unconfirmed";
    }
    return "not_arrived";
}

std::optional<AlertKind> ParseAlertKind(std::string_view s) {
    for (auto k : {AlertKind::kNotArrived, AlertKind::kAfterClosing, AlertKind::kPickupUnconfirmed}) {
        if (AlertKindName(k) == s) return k;
    }
    return std::nullopt;
}

DayOutlook Outlook(const common::Date& date, const SiteDay& site, const std::optional<DayPlan>& plan,
                   const attendance::DayState& state, bool pickup_confirmed, const std::set<AlertKind>& resolved,
                   common::Instant now) {
    using attendance::State;
    DayOutlook out;
    auto raise = [&](AlertKind k) {
        if (!resolved.count(k)) out.alerts.push_back(k);
    };
    if (site.closed) {
        out.expectation = Expectation::kClosed;
    } else if (!plan) {
        out.expectation = Expectation::kNotPlanned;
    } else {
        out.expectation = plan->attending ? Expectation::kExpected : Expectation::kAbsent;
    }
    if (out.expectation == Expectation::kExpected) {
        auto start = site.dismissal ? site.dismissal : site.opens;
        if (start) {
            out.due_by = common::TokyoInstant(date, *start) + site.late_after;
            if (state.state == State::kNotArrived && now >= *out.due_by) raise(AlertKind::kNotArrived);
        }
    }
    // Still inside at closing time: whatever the plan said, someone must see the child home.
    if (!site.closed && site.closes && state.state == State::kIn && now >= common::TokyoInstant(date, *site.closes)) {
        raise(AlertKind::kAfterClosing);
    }
    if (out.expectation == Expectation::kExpected && plan->way_home == WayHome::kPickup &&
        state.state == State::kLeft && !pickup_confirmed) {
        raise(AlertKind::kPickupUnconfirmed);
    }
    return out;
}

common::Instant PlanDeadline(const common::Date& date, int days_before, int time_minutes) {
    common::Date day{std::chrono::sys_days(date) - std::chrono::days(days_before)};
    return common::TokyoInstant(day, time_minutes);
}

int Weekday(const common::Date& d) {
    return static_cast<int>(std::chrono::weekday(std::chrono::sys_days(d)).c_encoding());
}

std::vector<common::Date> DatesOnWeekdays(const common::Date& from, const common::Date& to,
                                          const std::set<int>& weekdays, int limit) {
    std::vector<common::Date> out;
    auto day = std::chrono::sys_days(from);
    auto last = std::chrono::sys_days(to);
    for (int n = 0; day <= last && n < limit; ++n, day += std::chrono::days(1)) {
        common::Date d{day};
        if (weekdays.count(Weekday(d))) out.push_back(d);
    }
    return out;
}

}  // namespace plans

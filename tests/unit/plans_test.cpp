// Who is expected and when an alert is raised: the rules as a table of cases, with fixed instants in Tokyo.
#include <gtest/gtest.h>

#include <map>

#include "plans/rules.hpp"

namespace {

using attendance::DayState;
using attendance::State;
using plans::AlertKind;
using plans::DayPlan;
using plans::Expectation;
using plans::SiteDay;
using plans::WayHome;

const common::Date kDay = *common::ParseDate("2026-11-24");  // a Tuesday

common::Instant T(const std::string& hhmm, const common::Date& d = kDay) {
    return common::TokyoInstant(d, *common::ParseTimeOfDay(hhmm));
}
int M(const std::string& hhmm) { return *common::ParseTimeOfDay(hhmm); }

SiteDay Open() {
    SiteDay s;
    s.opens = M("13:00");
    s.closes = M("19:00");
    s.dismissal = M("15:00");
    s.late_after = std::chrono::minutes(30);
    return s;
}
DayState NotArrived() { return {}; }
DayState In(const std::string& at) { return {State::kIn, T(at), std::nullopt}; }
DayState Left(const std::string& in, const std::string& out) { return {State::kLeft, T(in), T(out)}; }
DayPlan Attending(WayHome w = WayHome::kAlone) { return {true, M("17:00"), w}; }
DayPlan Absent() { return {false, std::nullopt, WayHome::kAlone}; }

struct Case {
    const char* name;
    SiteDay site;
    std::optional<DayPlan> plan;
    DayState state;
    bool pickup_confirmed;
    std::set<AlertKind> resolved;
    std::string now;
    Expectation expectation;
    std::vector<AlertKind> alerts;
};

TEST(Outlook, TableOfCases) {
    SiteDay closed = Open();
    closed.closed = true;
    SiteDay no_dismissal = Open();
    no_dismissal.dismissal.reset();
    SiteDay no_hours = Open();
    no_hours.dismissal.reset();
    no_hours.opens.reset();
    SiteDay strict = Open();
    strict.late_after = std::chrono::minutes(0);
    const std::vector<Case> cases = {
        {"planned, before dismissal+threshold: expected, no alert",
         Open(),
         Attending(),
         NotArrived(),
         false,
         {},
         "15:29",
         Expectation::kExpected,
         {}},
        {"planned, at dismissal+threshold, not arrived: missing",
         Open(),
         Attending(),
         NotArrived(),
         false,
         {},
         "15:30",
         Expectation::kExpected,
         {AlertKind::kNotArrived}},
        {"planned, arrived before: no alert",
         Open(),
         Attending(),
         In("15:10"),
         false,
         {},
         "16:00",
         Expectation::kExpected,
         {}},
        {"planned, arrived late (after the threshold): no alert once in",
         Open(),
         Attending(),
         In("15:45"),
         false,
         {},
         "15:50",
         Expectation::kExpected,
         {}},
        {"planned, missing, staff resolved it: gone",
         Open(),
         Attending(),
         NotArrived(),
         false,
         {AlertKind::kNotArrived},
         "16:00",
         Expectation::kExpected,
         {}},
        {"absence reported: absent, never missing",
         Open(),
         Absent(),
         NotArrived(),
         false,
         {},
         "18:00",
         Expectation::kAbsent,
         {}},
        {"no plan: not expected, never missing",
         Open(),
         std::nullopt,
         NotArrived(),
         false,
         {},
         "18:00",
         Expectation::kNotPlanned,
         {}},
        {"closure day: nobody expected, even with a plan",
         closed,
         Attending(),
         NotArrived(),
         false,
         {},
         "18:00",
         Expectation::kClosed,
         {}},
        {"no dismissal time for the grade: from opening",
         no_dismissal,
         Attending(),
         NotArrived(),
         false,
         {},
         "13:30",
         Expectation::kExpected,
         {AlertKind::kNotArrived}},
        {"no dismissal time for the grade, before opening+threshold",
         no_dismissal,
         Attending(),
         NotArrived(),
         false,
         {},
         "13:29",
         Expectation::kExpected,
         {}},
        {"neither dismissal nor opening known: no missing alert",
         no_hours,
         Attending(),
         NotArrived(),
         false,
         {},
         "23:00",
         Expectation::kExpected,
         {}},
        {"threshold 0: missing at dismissal",
         strict,
         Attending(),
         NotArrived(),
         false,
         {},
         "15:00",
         Expectation::kExpected,
         {AlertKind::kNotArrived}},
        {"inside at closing: after closing",
         Open(),
         Attending(),
         In("15:05"),
         false,
         {},
         "19:00",
         Expectation::kExpected,
         {AlertKind::kAfterClosing}},
        {"inside before closing: nothing",
         Open(),
         Attending(),
         In("15:05"),
         false,
         {},
         "18:59",
         Expectation::kExpected,
         {}},
        {"inside at closing without a plan: after closing too",
         Open(),
         std::nullopt,
         In("15:05"),
         false,
         {},
         "19:10",
         Expectation::kNotPlanned,
         {AlertKind::kAfterClosing}},
        {"left by 19:00: no after-closing",
         Open(),
         Attending(),
         Left("15:05", "18:30"),
         false,
         {},
         "19:30",
         Expectation::kExpected,
         {}},
        {"pick-up day, left, staff did not confirm who came",
         Open(),
         Attending(WayHome::kPickup),
         Left("15:05", "17:00"),
         false,
         {},
         "17:01",
         Expectation::kExpected,
         {AlertKind::kPickupUnconfirmed}},
        {"pick-up day, left, staff confirmed",
         Open(),
         Attending(WayHome::kPickup),
         Left("15:05", "17:00"),
         true,
         {},
         "17:01",
         Expectation::kExpected,
         {}},
        {"going home alone, left: nothing",
         Open(),
         Attending(WayHome::kAlone),
         Left("15:05", "17:00"),
         false,
         {},
         "17:01",
         Expectation::kExpected,
         {}},
        {"pick-up day, still inside: nothing yet",
         Open(),
         Attending(WayHome::kPickup),
         In("15:05"),
         false,
         {},
         "17:01",
         Expectation::kExpected,
         {}},
    };
    for (const auto& c : cases) {
        auto o = plans::Outlook(kDay, c.site, c.plan, c.state, c.pickup_confirmed, c.resolved, T(c.now));
        EXPECT_EQ(o.expectation, c.expectation) << c.name;
        EXPECT_EQ(o.alerts, c.alerts) << c.name;
    }
}

// The roster's counts: every combination of site day × plan × marks × staff's "absent without notice" stands in
// exactly one place, and the counts of a roster holding one child of each add up to its size.
TEST(Standing, EveryCombinationStandsInOnePlaceAndTheCountsAddUp) {
    using plans::Standing;
    SiteDay closed = Open();
    closed.closed = true;
    struct Row {
        const char* name;
        SiteDay site;
        std::optional<DayPlan> plan;
        DayState state;
        bool absent_without_notice;
        Standing want;
    };
    const std::vector<Row> table = {
        {"planned, not come", Open(), Attending(), NotArrived(), false, Standing::kExpected},
        {"planned, not come, found absent by staff", Open(), Attending(), NotArrived(), true, Standing::kAbsent},
        {"absence reported", Open(), Absent(), NotArrived(), false, Standing::kAbsent},
        {"absence reported, came anyway", Open(), Absent(), In("15:10"), false, Standing::kIn},
        {"no plan, not come", Open(), std::nullopt, NotArrived(), false, Standing::kNoPlan},
        {"no plan, came", Open(), std::nullopt, In("15:10"), false, Standing::kIn},
        {"planned, here", Open(), Attending(), In("15:10"), false, Standing::kIn},
        {"planned, gone home", Open(), Attending(), Left("15:10", "17:00"), false, Standing::kLeft},
        {"absent without notice, then came late", Open(), Attending(), In("16:40"), true, Standing::kIn},
        {"closed day, planned", closed, Attending(), NotArrived(), false, Standing::kNoPlan},
        {"closed day, absence", closed, Absent(), NotArrived(), false, Standing::kNoPlan},
        {"closed day, came anyway", closed, std::nullopt, In("10:00"), false, Standing::kIn},
    };
    for (const auto& r : table) {
        auto o = plans::Outlook(kDay, r.site, r.plan, r.state, false, {}, T("17:30"));
        EXPECT_EQ(plans::StandingOf(r.state.state, o.expectation, r.absent_without_notice), r.want) << r.name;
    }
    // Every combination, once each: 2 site days × 3 plans × 3 marks × 2 = 36 children.
    std::map<Standing, int> counts;
    int total = 0;
    for (const auto& site : {Open(), closed}) {
        for (const auto& plan :
             {std::optional<DayPlan>(), std::optional<DayPlan>(Attending()), std::optional<DayPlan>(Absent())}) {
            for (const auto& state : {NotArrived(), In("15:10"), Left("15:10", "17:00")}) {
                for (bool awn : {false, true}) {
                    auto o = plans::Outlook(kDay, site, plan, state, false, {}, T("17:30"));
                    ++counts[plans::StandingOf(state.state, o.expectation, awn)];
                    ++total;
                }
            }
        }
    }
    EXPECT_EQ(counts[Standing::kIn], 12);
    EXPECT_EQ(counts[Standing::kLeft], 12);
    EXPECT_EQ(counts[Standing::kAbsent], 7);    // 6 found absent by staff, 1 reported on an open day
    EXPECT_EQ(counts[Standing::kExpected], 1);  // planned on an open day, no marks, not found absent
    EXPECT_EQ(counts[Standing::kNoPlan], 4);    // no plan on an open day, and 3 on the closed day
    int sum = 0;
    for (auto s : plans::kStandings) sum += counts[s];
    EXPECT_EQ(sum, total);
    for (auto s : plans::kStandings) EXPECT_EQ(plans::ParseStanding(plans::StandingName(s)), s);
    EXPECT_FALSE(plans::ParseStanding("alert"));
}

TEST(Outlook, DueByIsDismissalPlusThresholdInTokyo) {
    auto o = plans::Outlook(kDay, Open(), Attending(), NotArrived(), false, {}, T("09:00"));
    ASSERT_TRUE(o.due_by);
    EXPECT_EQ(common::FormatInstant(*o.due_by), "2026-11-24T06:30:00.000Z");  // 15:30 Tokyo
}

TEST(PlanDeadline, IsDaysBeforeAtTheTimeAcrossMonthAndYearEnds) {
    EXPECT_EQ(common::FormatInstant(plans::PlanDeadline(kDay, 1, M("17:00"))), "2026-11-23T08:00:00.000Z");
    // The 1st of a month: the deadline is on the last day of the month before.
    EXPECT_EQ(common::FormatInstant(plans::PlanDeadline(*common::ParseDate("2026-12-01"), 1, M("17:00"))),
              "2026-11-30T08:00:00.000Z");
    EXPECT_EQ(common::FormatInstant(plans::PlanDeadline(*common::ParseDate("2027-01-01"), 2, M("09:30"))),
              "2026-12-30T00:30:00.000Z");
    // Same day (0 days before), at 08:00 Tokyo, which is the day before in UTC.
    EXPECT_EQ(common::FormatInstant(plans::PlanDeadline(kDay, 0, M("08:00"))), "2026-11-23T23:00:00.000Z");
}

TEST(Weekdays, PatternOverARangeAcrossAMonthEnd) {
    EXPECT_EQ(plans::Weekday(kDay), 2);
    auto days = plans::DatesOnWeekdays(*common::ParseDate("2026-11-27"), *common::ParseDate("2026-12-07"), {1, 3, 5});
    std::vector<std::string> text;
    for (const auto& d : days) text.push_back(common::FormatDate(d));
    EXPECT_EQ(text, (std::vector<std::string>{"2026-11-27", "2026-11-30", "2026-12-02", "2026-12-04", "2026-12-07"}));
    EXPECT_TRUE(plans::DatesOnWeekdays(kDay, *common::ParseDate("2026-11-01"), {0, 1, 2, 3, 4, 5, 6}).empty());
    EXPECT_EQ(plans::DatesOnWeekdays(kDay, *common::ParseDate("2030-01-01"), {0, 1, 2, 3, 4, 5, 6}, 10).size(), 10u);
}

TEST(WayHome, NamesRoundTrip) {
    EXPECT_EQ(plans::ParseWayHome("pickup"), WayHome::kPickup);
    EXPECT_EQ(plans::ParseWayHome(plans::WayHomeName(WayHome::kAlone)), WayHome::kAlone);
    EXPECT_FALSE(plans::ParseWayHome("bus"));
    EXPECT_EQ(plans::ParseAlertKind("after_closing"), AlertKind::kAfterClosing);
    EXPECT_FALSE(plans::ParseAlertKind("lost"));
}

}  // namespace

// A hand entry the page asks about before taking it: a closed day, the small hours, an entry after closing; not an
// exit after closing (a late pick-up) nor staff coming in to prepare within the hour before opening.
TEST(OffHours, WhatAHandEntryIsAskedAbout) {
    using attendance::Direction;
    using plans::OffHours;
    SiteDay closed = Open();
    closed.closed = true;
    struct Row {
        SiteDay day;
        Direction direction;
        const char* at;
        OffHours expected;
    } rows[] = {
        {Open(), Direction::kIn, "15:10", OffHours::kNone},
        {Open(), Direction::kOut, "18:30", OffHours::kNone},
        {Open(), Direction::kIn, "12:00", OffHours::kNone},
        {Open(), Direction::kIn, "11:59", OffHours::kBeforeOpening},
        {Open(), Direction::kIn, "02:12", OffHours::kBeforeOpening},
        {Open(), Direction::kOut, "02:12", OffHours::kBeforeOpening},
        {Open(), Direction::kIn, "19:00", OffHours::kAfterClosing},
        {Open(), Direction::kOut, "19:40", OffHours::kNone},
        {closed, Direction::kIn, "15:00", OffHours::kClosedDay},
        {closed, Direction::kOut, "17:00", OffHours::kClosedDay},
    };
    for (const auto& r : rows) {
        EXPECT_EQ(plans::OffHoursOf(r.day, r.direction, M(r.at)), r.expected)
            << (r.direction == Direction::kIn ? "in " : "out ") << r.at;
    }
}

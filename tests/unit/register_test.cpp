// The monthly register's marks on a hand-made month: placements that start and end mid-month, closure days and
// Sundays, absences reported and found, a child let in on a closed day, days ahead, and the totals.
#include <gtest/gtest.h>

#include "reports/counts.hpp"
#include "reports/register.hpp"

namespace {

using attendance::Direction;
using reports::Mark;

common::Instant T(const std::string& day, const std::string& hhmm) {
    return common::TokyoInstant(*common::ParseDate(day), *common::ParseTimeOfDay(hhmm));
}

reports::Inputs Month() {
    reports::Inputs in;
    // あ: joins on the 10th. い: leaves after the 15th (moved to another site).
    in.children.push_back({common::ChildId(1),
                           "青木 杏",
                           "あおき あん",
                           1,
                           common::ParseDate("2019-06-01"),
                           {{"2026-11-10", std::nullopt}}});
    in.children.push_back({common::ChildId(2),
                           "井上 一",
                           "いのうえ はじめ",
                           2,
                           common::ParseDate("2018-06-01"),
                           {{"2026-04-01", "2026-11-15"}}});
    for (const char* d : {"2026-11-01", "2026-11-03", "2026-11-08", "2026-11-15", "2026-11-22", "2026-11-29"}) {
        in.closed_days.insert(d);
    }
    in.marks[{common::ChildId(1), "2026-11-10"}] = {{Direction::kIn, T("2026-11-10", "15:02")},
                                                    {Direction::kOut, T("2026-11-10", "17:31")}};
    in.plans[{common::ChildId(1), "2026-11-11"}] = {false, "illness"};
    in.plans[{common::ChildId(1), "2026-11-12"}] = {true, ""};  // planned, never came
    in.plans[{common::ChildId(1), "2026-11-25"}] = {true, ""};  // ahead
    in.plans[{common::ChildId(1), "2026-11-26"}] = {false, "family"};
    // Let in on the closure day (the 3rd), still recorded; in but never out on the 4th; an exit only on the 5th.
    in.marks[{common::ChildId(2), "2026-11-03"}] = {{Direction::kIn, T("2026-11-03", "09:00")},
                                                    {Direction::kOut, T("2026-11-03", "12:00")}};
    in.marks[{common::ChildId(2), "2026-11-04"}] = {{Direction::kIn, T("2026-11-04", "15:10")}};
    in.marks[{common::ChildId(2), "2026-11-05"}] = {{Direction::kOut, T("2026-11-05", "16:00")}};
    in.absent_without_notice.insert({common::ChildId(2), "2026-11-14"});
    return in;
}

const reports::Cell& At(const reports::Register& r, std::size_t row, int day) {
    return r.rows.at(row).days.at(static_cast<std::size_t>(day - 1));
}

TEST(Register, EveryDayOfTheMonthHasOneMark) {
    auto r = reports::BuildRegister(common::SiteId(1), "2026-11", *common::ParseDate("2026-11-20"), Month());
    ASSERT_EQ(r.dates.size(), 30U);
    EXPECT_EQ(r.open_days, 24);
    ASSERT_EQ(r.rows.size(), 2U);
    EXPECT_EQ(r.rows[0].name, "青木 杏");  // by kana
    // 青木: not enrolled before the 10th; attended the 10th with both times; absences reported and not.
    EXPECT_EQ(At(r, 0, 9).mark, Mark::kNotEnrolled);
    EXPECT_EQ(At(r, 0, 10).mark, Mark::kAttended);
    EXPECT_EQ(common::FormatTokyoTime(*At(r, 0, 10).in_at), "15:02");
    EXPECT_EQ(common::FormatTokyoTime(*At(r, 0, 10).out_at), "17:31");
    EXPECT_EQ(At(r, 0, 11).mark, Mark::kAbsent);
    EXPECT_EQ(At(r, 0, 11).absence_reason, "illness");
    EXPECT_EQ(At(r, 0, 12).mark, Mark::kAbsent);
    EXPECT_EQ(At(r, 0, 12).absence_reason, "no_notice");
    EXPECT_EQ(At(r, 0, 13).mark, Mark::kNoPlan);
    EXPECT_EQ(At(r, 0, 15).mark, Mark::kClosed);
    EXPECT_EQ(At(r, 0, 20).mark, Mark::kAhead) << "today, without an entry yet";
    EXPECT_EQ(At(r, 0, 25).mark, Mark::kAhead);
    EXPECT_EQ(At(r, 0, 26).mark, Mark::kAbsent) << "an absence reported ahead is known";
    EXPECT_EQ(r.rows[0].attended, 1);
    EXPECT_EQ(r.rows[0].absent, 3);
    // 井上: a closure day with an entry is attended; in without out keeps no exit; an exit alone is no attendance;
    // staff's "absent without notice"; not enrolled after the 15th.
    EXPECT_EQ(At(r, 1, 1).mark, Mark::kClosed);
    EXPECT_EQ(At(r, 1, 2).mark, Mark::kNoPlan);
    EXPECT_EQ(At(r, 1, 3).mark, Mark::kAttended);
    EXPECT_EQ(At(r, 1, 4).mark, Mark::kAttended);
    EXPECT_FALSE(At(r, 1, 4).out_at.has_value());
    EXPECT_EQ(At(r, 1, 5).mark, Mark::kNoPlan);
    EXPECT_FALSE(At(r, 1, 5).out_at.has_value());
    EXPECT_EQ(At(r, 1, 14).mark, Mark::kAbsent);
    EXPECT_EQ(At(r, 1, 14).absence_reason, "no_notice");
    EXPECT_EQ(At(r, 1, 15).mark, Mark::kClosed);
    EXPECT_EQ(At(r, 1, 16).mark, Mark::kNotEnrolled);
    EXPECT_EQ(At(r, 1, 30).mark, Mark::kNotEnrolled);
    EXPECT_EQ(r.rows[1].attended, 2);
    EXPECT_EQ(r.rows[1].absent, 1);
    // The foot: children attending per day.
    EXPECT_EQ(r.attended_per_day[2], 1);
    EXPECT_EQ(r.attended_per_day[9], 1);
    EXPECT_EQ(r.attended_per_day[10], 0);
}

TEST(Register, MonthBoundsKnowFebruaryAndRefuseNonsense) {
    auto feb = reports::MonthBounds("2028-02");
    ASSERT_TRUE(feb);
    EXPECT_EQ(common::FormatDate(feb->second), "2028-02-29");
    EXPECT_EQ(common::FormatDate(reports::MonthBounds("2026-12")->second), "2026-12-31");
    for (const char* bad : {"2026-13", "2026-1", "202611", "", "2026-11-01", "abcd-ef"}) {
        EXPECT_FALSE(reports::MonthBounds(bad)) << bad;
    }
}

}  // namespace

namespace {

TEST(Register, TheMonthInFiguresAddsUpTheRegister) {
    auto r = reports::BuildRegister(common::SiteId(1), "2026-11", *common::ParseDate("2026-11-20"), Month());
    auto c = reports::CountsOf(r, *common::ParseDate("2026-11-20"));
    EXPECT_EQ(c.enrolled, 2);
    EXPECT_EQ(c.open_days, 24);
    EXPECT_EQ(c.open_days_so_far, 16);  // the 20 days to the 20th (today counts), less the 1st, 3rd, 8th and 15th
    EXPECT_EQ(c.attendances, 3);
    EXPECT_EQ(c.absences, 4);
    EXPECT_DOUBLE_EQ(c.average, 3.0 / 16);
}

}  // namespace

namespace {

// Extended hours: the units of minutes past the time, each rounding, at the unit's edges.
TEST(Register, ExtendedUnitsRoundTheSiteWay) {
    struct Case {
        int minutes;
        plans::Rounding rounding;
        int units;
    };
    const Case cases[] = {
        {0, plans::Rounding::kUp, 0},       {-5, plans::Rounding::kUp, 0},      {1, plans::Rounding::kUp, 1},
        {30, plans::Rounding::kUp, 1},      {31, plans::Rounding::kUp, 2},      {29, plans::Rounding::kDown, 0},
        {30, plans::Rounding::kDown, 1},    {59, plans::Rounding::kDown, 1},    {14, plans::Rounding::kNearest, 0},
        {15, plans::Rounding::kNearest, 1}, {44, plans::Rounding::kNearest, 1}, {45, plans::Rounding::kNearest, 2},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(plans::ExtendedUnits(c.minutes, {18 * 60, 30, c.rounding}), c.units)
            << c.minutes << " min, " << plans::RoundingName(c.rounding);
    }
}

// In the register: counted from the exit on the day's own clock (an exit after midnight on the month's last day
// still belongs to it), nothing without an exit, nothing before the time, and the totals per child.
TEST(Register, ExtendedHoursCountFromTheExitAcrossTheMonthEnd) {
    reports::Inputs in;
    in.children.push_back({common::ChildId(1),
                           "青木 杏",
                           "あおき あん",
                           1,
                           common::ParseDate("2019-06-01"),
                           {{"2026-11-01", std::nullopt}}});
    in.extended = plans::ExtendedHours{18 * 60, 30, plans::Rounding::kUp};
    in.marks[{common::ChildId(1), "2026-11-02"}] = {{Direction::kIn, T("2026-11-02", "15:00")},
                                                    {Direction::kOut, T("2026-11-02", "18:31")}};  // 31 min: 2
    in.marks[{common::ChildId(1), "2026-11-04"}] = {{Direction::kIn, T("2026-11-04", "15:00")},
                                                    {Direction::kOut, T("2026-11-04", "17:59")}};  // before: 0
    in.marks[{common::ChildId(1), "2026-11-05"}] = {{Direction::kIn, T("2026-11-05", "15:00")}};   // no exit
    // An offline scan recorded late on the last day, the exit after midnight: 6 hours and 10 minutes past 18:00.
    in.marks[{common::ChildId(1), "2026-11-30"}] = {{Direction::kIn, T("2026-11-30", "15:00")},
                                                    {Direction::kOut, T("2026-12-01", "00:10")}};
    auto r = reports::BuildRegister(common::SiteId(1), "2026-11", *common::ParseDate("2026-12-02"), in);
    ASSERT_TRUE(r.extended);
    EXPECT_EQ(At(r, 0, 2).extended_minutes, 31);
    EXPECT_EQ(At(r, 0, 2).extended_units, 2);
    EXPECT_EQ(At(r, 0, 4).extended_units, 0);
    EXPECT_EQ(At(r, 0, 5).mark, Mark::kAttended);
    EXPECT_EQ(At(r, 0, 5).extended_units, 0);
    EXPECT_EQ(At(r, 0, 30).extended_minutes, 370);
    EXPECT_EQ(At(r, 0, 30).extended_units, 13);
    EXPECT_EQ(r.rows[0].extended_days, 2);
    EXPECT_EQ(r.rows[0].extended_minutes, 401);
    EXPECT_EQ(r.rows[0].extended_units, 15);
    // A site that does not count extended hours: none anywhere.
    in.extended.reset();
    auto plain = reports::BuildRegister(common::SiteId(1), "2026-11", *common::ParseDate("2026-12-02"), in);
    EXPECT_FALSE(plain.extended);
    EXPECT_EQ(plain.rows[0].extended_units, 0);
}

}  // namespace

namespace {

// The counts per day and per school year of the hand-made month.
TEST(Counts, PerDayAndPerSchoolYearAddUpTheRegister) {
    auto r = reports::BuildRegister(common::SiteId(1), "2026-11", *common::ParseDate("2026-11-20"), Month());
    auto days = reports::DailyCounts(r);
    ASSERT_EQ(days.size(), 30U);
    EXPECT_FALSE(days[0].open);  // the 1st, a Sunday
    EXPECT_EQ(days[0].enrolled, 1) << "井上 only: 青木 joins on the 10th";
    EXPECT_EQ(days[9].enrolled, 2);
    EXPECT_EQ(days[9].attended, 1);
    EXPECT_EQ(days[11].planned, 1) << "青木 planned the 12th";
    EXPECT_EQ(days[11].absent, 1);
    EXPECT_EQ(days[10].planned, 0) << "an absence is no plan to come";
    EXPECT_EQ(days[16].enrolled, 1) << "井上 left after the 15th";
    auto grades = reports::CountsByGrade(r);
    ASSERT_EQ(grades.size(), 2U);
    EXPECT_EQ(grades[0].school_year, 1) << "born 2019-06-01: started school in April 2026";
    EXPECT_EQ(grades[0].attendances, 1);
    EXPECT_EQ(grades[1].school_year, 2);
    EXPECT_EQ(grades[1].attendances, 2);
    EXPECT_EQ(grades[1].absences, 1);
}

// The subsidy figures on hand-made hours: weekdays 13:00–19:00 (6 h, past 18:00), Saturdays 08:00–18:30 (10.5 h),
// closed Sundays; November 2026 has a national holiday on Tuesday the 3rd (closed here) and the 23rd (a Monday,
// open here at weekday hours: a holiday by the calendar, yet 6 hours, so not over 8).
TEST(Counts, TheSubsidyFiguresCountDaysByTheCalendarAndTheHours) {
    reports::Inputs in = Month();
    in.closed_days = {"2026-11-01", "2026-11-03", "2026-11-08", "2026-11-15", "2026-11-22", "2026-11-29"};
    auto r = reports::BuildRegister(common::SiteId(1), "2026-11", *common::ParseDate("2026-11-30"), in);
    reports::WeekHours hours;
    for (int wd = 1; wd <= 5; ++wd) hours[wd] = {13 * 60, 19 * 60};
    hours[6] = {8 * 60, 18 * 60 + 30};
    auto f = reports::FiguresOfYear({r}, hours, *common::ParseDate("2026-11-30"), {1, 1, 2, std::nullopt});
    EXPECT_EQ(f.days_open, 24);
    EXPECT_EQ(f.holidays_open, 5) << "four Saturdays and the 23rd";
    EXPECT_EQ(f.weekdays_open, 19);
    EXPECT_EQ(f.weekdays_over_6h, 0) << "exactly 6 hours is not over 6";
    EXPECT_EQ(f.holidays_over_8h, 4) << "the Saturdays; the 23rd has weekday hours";
    EXPECT_EQ(f.days_past_18, 24);
    EXPECT_EQ(f.attendances, 2) << "the closure day's attendance is no day open";
    EXPECT_DOUBLE_EQ(f.average, 2.0 / 24);
    EXPECT_EQ(f.registered, 4);
    EXPECT_EQ(f.registered_by_year.at(1), 2);
    EXPECT_EQ(f.registered_by_year.at(2), 1);
    // A year in progress counts only the days up to today.
    auto part = reports::FiguresOfYear({r}, hours, *common::ParseDate("2026-11-07"), {});
    EXPECT_EQ(part.days_open, 5) << "the 2nd, 4th, 5th, 6th and 7th";
    EXPECT_EQ(reports::MonthsOfFiscalYear(2026).front(), "2026-04");
    EXPECT_EQ(reports::MonthsOfFiscalYear(2026).back(), "2027-03");
    EXPECT_EQ(reports::FiscalYearOf(*common::ParseDate("2027-03-31")), 2026);
}

}  // namespace

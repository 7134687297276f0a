// The monthly register's marks on a hand-made month: placements that start and end mid-month, closure days and
// Sundays, absences reported and found, a child let in on a closed day, days ahead, and the totals.
#include <gtest/gtest.h>

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
    in.children.push_back({common::ChildId(1), "青木 杏", "あおき あん", 1, {{"2026-11-10", std::nullopt}}});
    in.children.push_back({common::ChildId(2), "井上 一", "いのうえ はじめ", 2, {{"2026-04-01", "2026-11-15"}}});
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

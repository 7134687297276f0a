// Nap checks, the rules: the interval by age class (a birthday today changes nothing), when a check is due and
// overdue across a clock hour, and which dues a nap missed.
#include <gtest/gtest.h>

#include "common/dates.hpp"
#include "naps/rules.hpp"
#include "notebook/rules.hpp"

namespace {

using namespace naps;
using std::chrono::minutes;
using std::chrono::seconds;

common::Instant At(const char* date, const char* time) {
    return common::TokyoInstant(*common::ParseDate(date), *common::ParseTimeOfDay(time));
}

TEST(NapRules, TheIntervalIsTheAgeClasssAndABirthdayTodayDoesNotLengthenIt) {
    const Intervals defaults;
    EXPECT_EQ(IntervalFor(0, defaults), 5);
    EXPECT_EQ(IntervalFor(1, defaults), 10);
    EXPECT_EQ(IntervalFor(2, defaults), 10);
    EXPECT_EQ(IntervalFor(3, defaults), 15);
    EXPECT_EQ(IntervalFor(5, defaults), 15);
    // Born 4 December 2025: one year old today, still in the 0歳児 class until April, so still every 5 minutes.
    const int age_class = notebook::AgeClass("2025-12-04", "2026-12-04");
    EXPECT_EQ(age_class, 0);
    EXPECT_EQ(IntervalFor(age_class, defaults), 5);
    // From April the class is 1歳児.
    EXPECT_EQ(IntervalFor(notebook::AgeClass("2025-12-04", "2027-04-01"), defaults), 10);
    // A site's own intervals, within 1–30 minutes and never longer for a younger class.
    EXPECT_TRUE(Valid({3, 5, 10}));
    EXPECT_FALSE(Valid({0, 10, 15}));
    EXPECT_FALSE(Valid({5, 10, 31}));
    EXPECT_FALSE(Valid({10, 5, 15}));
}

TEST(NapRules, ACheckIsDueAtItsIntervalAndOverdueAMinuteLaterAcrossAClockHour) {
    const auto start = At("2026-12-04", "12:57");
    const auto due = NextDue(start, std::nullopt, 5);
    EXPECT_EQ(due, At("2026-12-04", "13:02"));
    EXPECT_EQ(StateAt(due, due - seconds(1)), State::kWaiting);
    EXPECT_EQ(StateAt(due, due), State::kDue);
    EXPECT_EQ(StateAt(due, due + seconds(59)), State::kDue);
    EXPECT_EQ(StateAt(due, due + minutes(1)), State::kOverdue);
    // After a check at 13:01 the next is due at 13:06, counted from the check.
    EXPECT_EQ(NextDue(start, At("2026-12-04", "13:01"), 5), At("2026-12-04", "13:06"));
    // A 1歳児 started at 13:55 is due at 14:05.
    EXPECT_EQ(NextDue(At("2026-12-04", "13:55"), std::nullopt, 10), At("2026-12-04", "14:05"));
}

TEST(NapRules, AMissedDueIsRecordedOnceAndTheNextCountsFromTheCheckThatCame) {
    const auto start = At("2026-12-04", "12:30");
    // Checked on time at 12:34 and 12:39; then nothing until 12:52 (due 12:44, overdue from 12:45); woke at 12:55.
    std::vector<common::Instant> checks{At("2026-12-04", "12:34"), At("2026-12-04", "12:39"),
                                        At("2026-12-04", "12:52")};
    auto missed = MissedDues(start, checks, At("2026-12-04", "12:55"), 5);
    ASSERT_EQ(missed.size(), 1u);
    EXPECT_EQ(missed[0], At("2026-12-04", "12:44"));
    // Still asleep at 13:00 with no check since 12:52: due 12:57, overdue from 12:58.
    missed = MissedDues(start, checks, At("2026-12-04", "13:00"), 5);
    ASSERT_EQ(missed.size(), 2u);
    EXPECT_EQ(missed[1], At("2026-12-04", "12:57"));
    // A check within the minute's grace is not missed.
    EXPECT_TRUE(MissedDues(start, {At("2026-12-04", "12:35") + seconds(50)}, At("2026-12-04", "12:36"), 5).empty());
}

TEST(NapRules, PositionsAreNamedAndFaceDownWarns) {
    for (auto p : kPositions) EXPECT_EQ(ParsePosition(PositionName(p)), p);
    EXPECT_FALSE(ParsePosition("sideways"));
    EXPECT_TRUE(Warns(Position::kFront));
    EXPECT_FALSE(Warns(Position::kBack));
}

}  // namespace

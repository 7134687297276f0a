// Quiet hours and the names of notification kinds and topics.
#include <gtest/gtest.h>

#include "common/dates.hpp"
#include "notify/notify.hpp"

namespace {

common::Instant Tokyo(const char* date, const char* hhmm) {
    return common::TokyoInstant(*common::ParseDate(date), *common::ParseTimeOfDay(hhmm));
}

TEST(QuietHours, AWindowWithinADayEndsTheSameDay) {
    EXPECT_EQ(notify::QuietUntil(Tokyo("2026-11-22", "08:59"), "09:00", "17:00"), std::nullopt);
    EXPECT_EQ(notify::QuietUntil(Tokyo("2026-11-22", "09:00"), "09:00", "17:00"), Tokyo("2026-11-22", "17:00"));
    EXPECT_EQ(notify::QuietUntil(Tokyo("2026-11-22", "16:59"), "09:00", "17:00"), Tokyo("2026-11-22", "17:00"));
    EXPECT_EQ(notify::QuietUntil(Tokyo("2026-11-22", "17:00"), "09:00", "17:00"), std::nullopt);
}

TEST(QuietHours, AWindowAcrossMidnightEndsTheNextMorningAcrossMonthAndYearEnds) {
    EXPECT_EQ(notify::QuietUntil(Tokyo("2026-11-30", "20:59"), "21:00", "07:00"), std::nullopt);
    EXPECT_EQ(notify::QuietUntil(Tokyo("2026-11-30", "21:00"), "21:00", "07:00"), Tokyo("2026-12-01", "07:00"));
    EXPECT_EQ(notify::QuietUntil(Tokyo("2026-12-31", "23:59"), "21:00", "07:00"), Tokyo("2027-01-01", "07:00"));
    EXPECT_EQ(notify::QuietUntil(Tokyo("2027-01-01", "00:00"), "21:00", "07:00"), Tokyo("2027-01-01", "07:00"));
    EXPECT_EQ(notify::QuietUntil(Tokyo("2027-01-01", "06:59"), "21:00", "07:00"), Tokyo("2027-01-01", "07:00"));
    EXPECT_EQ(notify::QuietUntil(Tokyo("2027-01-01", "07:00"), "21:00", "07:00"), std::nullopt);
}

TEST(QuietHours, NoWindowWhenUnsetMalformedOrEmpty) {
    auto at = Tokyo("2026-11-22", "23:00");
    EXPECT_EQ(notify::QuietUntil(at, "", ""), std::nullopt);
    EXPECT_EQ(notify::QuietUntil(at, "22:00", "夜"), std::nullopt);
    EXPECT_EQ(notify::QuietUntil(at, "22:00", "22:00"), std::nullopt);
}

TEST(NotifyNames, KindsAndTopicsRoundTripAndEachKindHasItsTopic) {
    for (auto k : {notify::Kind::kEntry, notify::Kind::kExit, notify::Kind::kCorrection, notify::Kind::kAlert,
                   notify::Kind::kContactConfirmed, notify::Kind::kMessage}) {
        EXPECT_EQ(notify::ParseKind(notify::KindName(k)), k);
    }
    for (auto t : notify::kTopics) EXPECT_EQ(notify::ParseTopic(notify::TopicName(t)), t);
    EXPECT_EQ(notify::TopicOf(notify::Kind::kExit), notify::Topic::kAttendance);
    EXPECT_EQ(notify::TopicOf(notify::Kind::kContactConfirmed), notify::Topic::kContact);
    EXPECT_EQ(notify::ParseKind("push"), std::nullopt);
}

}  // namespace

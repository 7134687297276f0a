// The card payload and the attendance rules, without a database.
#include <gtest/gtest.h>

#include "attendance/attendance.hpp"
#include "attendance/cards.hpp"
#include "common/dates.hpp"

namespace {

using attendance::CardProblem;
using attendance::Direction;
using attendance::Mark;
using attendance::State;

const std::string kSecret = "unit-test-secret-0123456789abcdef";

common::Instant T(const std::string& tokyo_hhmm) {
    return common::TokyoInstant(*common::ParseDate("2026-11-22"), *common::ParseTimeOfDay(tokyo_hhmm));
}

TEST(CardPayload, IsShortVersionedAndRoundTrips) {
    std::string p = attendance::CardPayload(kSecret, common::CardId(42));
    EXPECT_TRUE(p.starts_with("TD1-42-"));
    EXPECT_EQ(p.size(), std::string("TD1-42-").size() + 16);
    EXPECT_EQ(p.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567-0123456789"), std::string::npos);
    auto parsed = attendance::ParseCardPayload(kSecret, p);
    ASSERT_TRUE(std::holds_alternative<common::CardId>(parsed));
    EXPECT_EQ(std::get<common::CardId>(parsed).value, 42);
}

TEST(CardPayload, ToleratesCaseAndSurroundingSpaceButNothingElse) {
    std::string p = attendance::CardPayload(kSecret, common::CardId(7));
    std::string lower = p;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_TRUE(std::holds_alternative<common::CardId>(attendance::ParseCardPayload(kSecret, " " + lower + "\r\n")));
    EXPECT_FALSE(std::holds_alternative<common::CardId>(attendance::ParseCardPayload(kSecret, p + "A")));
    EXPECT_FALSE(
        std::holds_alternative<common::CardId>(attendance::ParseCardPayload(kSecret, "TD1-07-" + p.substr(6))));
}

TEST(CardPayload, ForgedTamperedAndForeignCardsAreUnreadable) {
    std::string p = attendance::CardPayload(kSecret, common::CardId(42));
    // Another card's signature on this id; this id with a changed signature; another server's card.
    std::string other = attendance::CardPayload(kSecret, common::CardId(43));
    std::string swapped = "TD1-42-" + other.substr(other.rfind('-') + 1);
    std::string flipped = p;
    flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
    for (const auto& bad : {swapped, flipped, attendance::CardPayload("another-secret", common::CardId(42)),
                            std::string("TD1-42"), std::string("TD1--AAAA"), std::string("TD1-0-AAAAAAAAAAAAAAAA"),
                            std::string("TD1-99999999999999999999-AAAAAAAAAAAAAAAA"), std::string(""),
                            std::string("https://example.com/"), std::string(200, 'A')}) {
        auto r = attendance::ParseCardPayload(kSecret, bad);
        ASSERT_TRUE(std::holds_alternative<CardProblem>(r)) << bad;
        EXPECT_EQ(std::get<CardProblem>(r), CardProblem::kUnreadable) << bad;
    }
}

TEST(CardPayload, ANewerFormatIsNamedAsSuch) {
    auto r = attendance::ParseCardPayload(kSecret, "TD2-42-AAAAAAAAAAAAAAAA");
    ASSERT_TRUE(std::holds_alternative<CardProblem>(r));
    EXPECT_EQ(std::get<CardProblem>(r), CardProblem::kUnsupportedVersion);
}

TEST(ScanRules, DirectionFollowsTheChildsStateAndRepeatsWithinTheIntervalRecordNothing) {
    const auto minute = std::chrono::seconds(60);
    struct Case {
        std::optional<Mark> last;
        const char* at;
        Direction direction;
        bool repeat;
    };
    const Case cases[] = {
        {std::nullopt, "15:00", Direction::kIn, false},                     // first scan of the day: in
        {Mark{Direction::kIn, T("15:00")}, "15:00", Direction::kIn, true},  // the same instant
        {Mark{Direction::kIn, T("15:00")}, "15:00", Direction::kIn, true},
        {Mark{Direction::kIn, T("14:59")}, "15:00", Direction::kOut, false},  // exactly 60 s later: a new scan
        {Mark{Direction::kIn, T("15:00")}, "17:30", Direction::kOut, false},  // leaving
        {Mark{Direction::kOut, T("17:30")}, "17:30", Direction::kOut, true},  // a second tap on leaving
        {Mark{Direction::kOut, T("17:30")}, "18:00", Direction::kIn, false},  // back again
    };
    for (const auto& c : cases) {
        auto d = attendance::DecideScan(c.last, T(c.at), minute);
        EXPECT_EQ(d.direction, c.direction) << c.at;
        EXPECT_EQ(d.repeat, c.repeat) << c.at;
    }
    // 59 seconds after: still the same scan; with the interval set to 0, never.
    auto at = T("15:00") + std::chrono::seconds(59);
    EXPECT_TRUE(attendance::DecideScan(Mark{Direction::kIn, T("15:00")}, at, minute).repeat);
    EXPECT_FALSE(attendance::DecideScan(Mark{Direction::kIn, T("15:00")}, at, std::chrono::seconds(0)).repeat);
}

TEST(DayState, FoldsMarksInTimeOrderWhateverOrderTheyArrived) {
    EXPECT_EQ(attendance::FoldDay({}).state, State::kNotArrived);
    auto in = attendance::FoldDay({Mark{Direction::kIn, T("15:02")}});
    EXPECT_EQ(in.state, State::kIn);
    EXPECT_EQ(common::FormatTokyoTime(*in.in_at), "15:02");
    EXPECT_FALSE(in.out_at);
    // An offline kiosk's entry arrives after the exit: the day is still in, then left.
    auto left = attendance::FoldDay({Mark{Direction::kOut, T("17:40")}, Mark{Direction::kIn, T("15:02")}});
    EXPECT_EQ(left.state, State::kLeft);
    EXPECT_EQ(common::FormatTokyoTime(*left.out_at), "17:40");
    // Back in after leaving: in, since the second entry.
    auto back = attendance::FoldDay(
        {Mark{Direction::kIn, T("15:02")}, Mark{Direction::kOut, T("16:00")}, Mark{Direction::kIn, T("16:30")}});
    EXPECT_EQ(back.state, State::kIn);
    EXPECT_EQ(common::FormatTokyoTime(*back.in_at), "16:30");
    EXPECT_FALSE(back.out_at);
}

TEST(TokyoTime, InstantsAndWallClockAgreeAcrossMidnight) {
    auto late = common::TokyoInstant(*common::ParseDate("2026-11-30"), 23 * 60 + 59);
    EXPECT_EQ(common::FormatInstant(late), "2026-11-30T14:59:00.000Z");
    EXPECT_EQ(common::FormatTokyoTime(late), "23:59");
    auto next = late + std::chrono::minutes(1);
    EXPECT_EQ(common::FormatDate(common::TokyoDate(next)), "2026-12-01");
    EXPECT_EQ(common::FormatTokyoTime(next), "00:00");
}

}  // namespace

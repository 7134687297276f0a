#include <gtest/gtest.h>

#include "common/dates.hpp"
#include "common/holidays.hpp"
#include "common/kana.hpp"
#include "common/random.hpp"

using namespace std::chrono;

TEST(KanaSearch, HiraganaKatakanaAndHalfWidthFoldToTheSameKey) {
    EXPECT_EQ(common::FoldForSearch("ヤマダ タロウ"), "やまだたろう");
    EXPECT_EQ(common::FoldForSearch("ﾔﾏﾀﾞ ﾀﾛｳ"), "やまだたろう");
    EXPECT_EQ(common::FoldForSearch("やまだ　たろう"), "やまだたろう");
    EXPECT_EQ(common::FoldForSearch("ＡＢＣ abc"), "abcabc");
}

TEST(KanaSearch, KanjiIsKeptAsItIs) { EXPECT_EQ(common::FoldForSearch("髙橋 﨑"), "髙橋﨑"); }

TEST(KanaSearch, KanaCheckAcceptsOnlyKana) {
    EXPECT_TRUE(common::IsKana("やまだ たろう"));
    EXPECT_TRUE(common::IsKana("スミス・ジョン"));  // katakana names of foreign origin use the middle dot
    EXPECT_TRUE(common::IsKana("ﾔﾏﾀﾞ"));
    EXPECT_FALSE(common::IsKana("山田"));
    EXPECT_FALSE(common::IsKana("yamada"));
}

TEST(Dates, ParsesOnlyRealCalendarDates) {
    EXPECT_TRUE(common::ParseDate("2024-02-29"));
    EXPECT_FALSE(common::ParseDate("2026-02-29"));
    EXPECT_FALSE(common::ParseDate("2026-13-01"));
    EXPECT_FALSE(common::ParseDate("2026-1-01"));
    EXPECT_FALSE(common::ParseDate("２０２６-01-01"));
    EXPECT_EQ(common::FormatDate(*common::ParseDate("2026-04-01")), "2026-04-01");
}

// Found by fuzzing the kiosk's scans: a year far from now overflowed the conversion to an instant.
TEST(Dates, YearsAnInstantCannotHoldAreNotDates) {
    EXPECT_FALSE(common::ParseDate("0226-11-22"));
    EXPECT_FALSE(common::ParseDate("1899-12-31"));
    EXPECT_FALSE(common::ParseDate("2200-01-01"));
    EXPECT_TRUE(common::ParseDate("1900-01-01"));
    EXPECT_FALSE(common::ParseInstant("0226-11-22T06:01:02Z"));
}

// Also found by fuzzing: before 1970 a cast rounded a fraction of a millisecond up.
TEST(Dates, AnInstantIsWrittenToTheMillisecondBelowIt) {
    EXPECT_EQ(common::FormatInstant(*common::ParseInstant("1943-11-22T06:01:02.3119Z")), "1943-11-22T06:01:02.311Z");
    EXPECT_EQ(common::FormatInstant(*common::ParseInstant("2026-11-22T06:01:02.3119Z")), "2026-11-22T06:01:02.311Z");
}

TEST(Dates, TheTokyoDateTurnsAtFifteenUtc) {
    auto before = *common::ParseInstant("2026-03-31T14:59:59.999Z");
    auto after = *common::ParseInstant("2026-03-31T15:00:00.000Z");
    EXPECT_EQ(common::FormatDate(common::TokyoDate(before)), "2026-03-31");
    EXPECT_EQ(common::FormatDate(common::TokyoDate(after)), "2026-04-01");
}

TEST(Dates, InstantsRoundTripInBothDatabaseFormats) {
    auto t = *common::ParseInstant("2026-11-22T01:02:03.456Z");
    EXPECT_EQ(common::FormatInstant(t), "2026-11-22T01:02:03.456Z");
    auto pg = common::ParseInstant("2026-11-22 01:02:03.456+00");
    ASSERT_TRUE(pg);
    EXPECT_EQ(*pg, t);
    EXPECT_FALSE(common::ParseInstant("2026-11-22 01:02:03+09"));
    EXPECT_EQ(common::CanonicalInstant("2026-11-22 01:02:03.456+00"), "2026-11-22T01:02:03.456Z");
    EXPECT_EQ(common::CanonicalInstant("not a time"), "not a time");
}

TEST(Dates, TimeOfDay) {
    EXPECT_EQ(common::ParseTimeOfDay("08:30"), 510);
    EXPECT_FALSE(common::ParseTimeOfDay("24:00"));
    EXPECT_FALSE(common::ParseTimeOfDay("8:30"));
    EXPECT_EQ(common::FormatTimeOfDay(1140), "19:00");
}

TEST(Random, TokensAreHexOfTheAskedLengthAndDiffer) {
    auto a = common::RandomHex(32), b = common::RandomHex(32);
    EXPECT_EQ(a.size(), 64u);
    EXPECT_NE(a, b);
    EXPECT_EQ(common::Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_TRUE(common::ConstantTimeEquals("same", "same"));
    EXPECT_FALSE(common::ConstantTimeEquals("same", "sane"));
    EXPECT_FALSE(common::ConstantTimeEquals("same", "same-but-longer"));
}

TEST(Random, RawBytesAndUniformNumbersStayInRange) {
    EXPECT_EQ(common::RandomBytes(20).size(), 20u);
    EXPECT_NE(common::RandomBytes(20), common::RandomBytes(20));
    bool seen[31] = {};
    for (int i = 0; i < 5000; ++i) {
        auto n = common::RandomBelow(31);
        ASSERT_LT(n, 31u);
        seen[n] = true;
    }
    for (bool s : seen) EXPECT_TRUE(s) << "every value turns up in 5,000 draws";
}

// Japan's holidays in two years against the Cabinet Office's published list: substitute holidays after a Sunday
// holiday (2025-02-24, 2025-05-06, 2026-05-06), the day between two holidays (2026-09-22), the equinoxes.
TEST(Holidays, TwoYearsMatchThePublishedList) {
    auto list = [](int year) {
        std::vector<std::string> out;
        for (auto d = std::chrono::sys_days(std::chrono::year{year} / 1 / 1);
             d < std::chrono::sys_days(std::chrono::year{year + 1} / 1 / 1); d += std::chrono::days(1)) {
            if (common::IsNationalHoliday(common::Date{d})) out.push_back(common::FormatDate(common::Date{d}));
        }
        return out;
    };
    EXPECT_EQ(list(2025),
              (std::vector<std::string>{"2025-01-01", "2025-01-13", "2025-02-11", "2025-02-23", "2025-02-24",
                                        "2025-03-20", "2025-04-29", "2025-05-03", "2025-05-04", "2025-05-05",
                                        "2025-05-06", "2025-07-21", "2025-08-11", "2025-09-15", "2025-09-23",
                                        "2025-10-13", "2025-11-03", "2025-11-23", "2025-11-24"}));
    EXPECT_EQ(list(2026), (std::vector<std::string>{
                              "2026-01-01", "2026-01-12", "2026-02-11", "2026-02-23", "2026-03-20", "2026-04-29",
                              "2026-05-03", "2026-05-04", "2026-05-05", "2026-05-06", "2026-07-20", "2026-08-11",
                              "2026-09-21", "2026-09-22", "2026-09-23", "2026-10-12", "2026-11-03", "2026-11-23"}));
    EXPECT_TRUE(common::IsWeekendOrHoliday(*common::ParseDate("2026-12-05")));   // a Saturday
    EXPECT_FALSE(common::IsWeekendOrHoliday(*common::ParseDate("2026-12-03")));  // a Thursday
}

// The school year from the birth date: the 1 April child belongs to the older class; the year turns in April.
TEST(Holidays, SchoolYearTurnsInAprilAndCountsTheFirstOfAprilWithTheOlderClass) {
    auto year = [](const char* birth, const char* on) {
        return common::SchoolYearOn(*common::ParseDate(birth), *common::ParseDate(on));
    };
    EXPECT_EQ(year("2019-04-02", "2026-05-01"), 1);
    EXPECT_EQ(year("2019-04-01", "2026-05-01"), 2) << "born on 1 April: a year ahead";
    EXPECT_EQ(year("2020-03-31", "2026-05-01"), 1);
    EXPECT_EQ(year("2019-04-02", "2026-03-31"), 0) << "the year before school (5歳児)";
    EXPECT_EQ(year("2014-06-10", "2026-12-03"), 6);
    EXPECT_EQ(year("2026-01-10", "2026-12-03"), -5) << "0歳児";
}

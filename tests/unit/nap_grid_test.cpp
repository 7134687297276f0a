// The nap record on paper: which column each check and each missed due falls in, the checker's initials, a day's
// naps split over even sheets, and the hours between a morning and an afternoon nap left out.
#include <gtest/gtest.h>

#include <algorithm>

#include "common/dates.hpp"
#include "naps/grid.hpp"

namespace {

using namespace naps;

common::Instant At(const char* time) {
    return common::TokyoInstant(*common::ParseDate("2026-12-04"), *common::ParseTimeOfDay(time));
}

std::string Word(std::string_view key) {
    if (key == "nap_mark_back") return "仰";
    if (key == "nap_mark_front") return "伏";
    if (key == "nap_grid_none") return "none";
    return std::string(key);
}

Nap NapOf(const char* from, std::optional<const char*> to, int interval) {
    Nap n;
    n.started = At(from);
    if (to) n.ended = At(*to);
    n.interval = interval;
    return n;
}

// The column whose head is `time`, or -1.
int Column(const reports::PdfSection& s, const std::string& time) {
    for (std::size_t i = 0; i < s.columns.size(); ++i)
        if (s.columns[i].head == time) return static_cast<int>(i);
    return -1;
}

std::vector<reports::PdfSection> Sheets(const std::vector<const Nap*>& naps, const char* until = "23:00") {
    GridClass c{"ひよこ組", {}};
    for (const Nap* n : naps) c.rows.push_back({n, "井上 凛", "0歳児"});
    return GridSections(c, "2026-12-04", "2026-12-04（金）", "さくら保育園", At(until), Word);
}

TEST(NapGrid, InitialsAreTheFamilyNameOrLatinInitials) {
    EXPECT_EQ(Initials("田中 美咲"), "田中");
    EXPECT_EQ(Initials("佐々木\u3000花子"), "佐々");
    EXPECT_EQ(Initials("Alice Brown"), "AB");
    EXPECT_EQ(Initials("さくら職員3"), "さく");
    EXPECT_EQ(Initials(""), "");
}

TEST(NapGrid, EachCheckAndEachMissedDueFallsInItsColumnWithWhoChecked) {
    // 12:30 asleep, checked 12:34; due 12:39 passes; checked late face down at 12:46, breathing not fine; woke 12:50.
    Nap n = NapOf("12:30", "12:50", 5);
    n.checks.push_back({At("12:34"), Position::kBack, true, true, false, "田中 美咲"});
    n.checks.push_back({At("12:46"), Position::kFront, false, true, true, "Alice Brown"});
    auto sheets = Sheets({&n});
    ASSERT_EQ(sheets.size(), 1u);
    const auto& s = sheets[0];
    EXPECT_EQ(s.title, "nap_grid_title　2026-12-04（金）");
    EXPECT_EQ(s.place, "さくら保育園　ひよこ組　12:30–12:55");
    for (const char* t : {"12:30", "12:35", "12:40", "12:45", "12:50"}) EXPECT_GE(Column(s, t), 0) << t;
    EXPECT_EQ(Column(s, "12:55"), -1);
    ASSERT_EQ(s.rows.size(), 1u);
    const auto& row = s.rows[0];
    const auto& shade = s.shaded[0];
    EXPECT_EQ(row[0], "井上 凛");
    EXPECT_EQ(row[2], "12:30");
    EXPECT_EQ(row[3], "12:50");
    EXPECT_EQ(row[Column(s, "12:30")], "仰\n田中");
    EXPECT_FALSE(shade[Column(s, "12:30")]);
    EXPECT_EQ(row[Column(s, "12:35")], "×");  // the due at 12:39
    EXPECT_TRUE(shade[Column(s, "12:35")]);
    EXPECT_EQ(row[Column(s, "12:40")], "");
    EXPECT_EQ(row[Column(s, "12:45")], "伏!\nAB");  // late: shaded
    EXPECT_TRUE(shade[Column(s, "12:45")]);
    EXPECT_EQ(row[row.size() - 2], "2");  // checks
    EXPECT_EQ(row[row.size() - 1], "1");  // missed
    EXPECT_TRUE(shade.back());
}

TEST(NapGrid, ANapStillGoingRunsToNowAndItsMissedDueShows) {
    Nap n = NapOf("12:30", std::nullopt, 5);
    auto s = Sheets({&n}, "12:37")[0];
    EXPECT_GE(Column(s, "12:35"), 0);
    EXPECT_EQ(Column(s, "12:40"), -1);
    EXPECT_EQ(s.rows[0][3], "");  // not woken
    EXPECT_EQ(s.rows[0][Column(s, "12:35")], "×");
}

TEST(NapGrid, ALongDayIsSplitOverEvenSheetsAndTheHoursBetweenNapsAreLeftOut) {
    // 12:00–15:20 at five minutes: 41 columns, over two sheets of 21 and 20.
    Nap n = NapOf("12:00", "15:20", 5);
    auto sheets = Sheets({&n});
    ASSERT_EQ(sheets.size(), 2u);
    const std::size_t fixed = 6;  // name, age, start, end; checks, missed
    EXPECT_EQ(sheets[0].columns.size() - fixed, 21u);
    EXPECT_EQ(sheets[1].columns.size() - fixed, 20u);
    EXPECT_EQ(sheets[1].place, "さくら保育園　ひよこ組　13:45–15:25");
    for (const auto& s : sheets) EXPECT_LE(s.columns.size() - fixed, static_cast<std::size_t>(kGridMaxSlots));
    // A morning and an afternoon nap at ten minutes: the columns of each, none for the hours between.
    Nap morning = NapOf("09:30", "10:00", 10), afternoon = NapOf("12:30", "13:00", 10);
    auto day = Sheets({&morning, &afternoon});
    ASSERT_EQ(day.size(), 1u);
    EXPECT_EQ(day[0].columns.size() - fixed, 8u);
    EXPECT_GE(Column(day[0], "10:00"), 0);
    EXPECT_EQ(Column(day[0], "11:00"), -1);
    EXPECT_GE(Column(day[0], "12:30"), 0);
}

TEST(NapGrid, AClassWithoutNapsGetsOneSheetThatSaysSo) {
    auto sheets = Sheets({});
    ASSERT_EQ(sheets.size(), 1u);
    EXPECT_EQ(sheets[0].note, "none");
    EXPECT_TRUE(sheets[0].rows.empty());
}

}  // namespace

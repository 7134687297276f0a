// The contact notebook's rules: required items by age, value ranges, sleep across midnight, what staff notice, the
// stored form and the age class. (Two devices at once is a compare-and-set in SQL: tests/integration/notebook_test.)
#include <gtest/gtest.h>

#include "notebook/rules.hpp"

namespace {

using notebook::HomeSide;
using notebook::NurserySide;
using notebook::Side;

HomeSide FullHome() {
    HomeSide h;
    h.temperature = 366;
    h.temperature_time = 7 * 60;
    h.bed_time = 20 * 60 + 30;
    h.wake_time = 6 * 60 + 30;
    h.breakfast = "all";
    h.bowel_count = 1;
    h.bowel_state = "normal";
    h.mood = "good";
    return h;
}

TEST(NotebookRules, UnderThreeTheHomeSidesDailyItemsAreRequiredFromThreeNone) {
    notebook::Settings settings;
    HomeSide empty;
    auto baby = notebook::Check(empty, settings, 1);
    for (const char* item : {"temperature", "sleep", "breakfast", "bowel", "mood"}) {
        EXPECT_EQ(baby.count(item), 1u) << item;
        EXPECT_EQ(baby[item], "error_required");
    }
    EXPECT_EQ(baby.count("note"), 0u);
    EXPECT_TRUE(notebook::Check(empty, settings, 3).empty());
    EXPECT_TRUE(notebook::Check(FullHome(), settings, 0).empty());
    // The nursery side under three: meals, nap, bowel movements and mood.
    auto day = notebook::Check(NurserySide{}, settings, 2);
    EXPECT_EQ(day.size(), 4u);
    EXPECT_TRUE(day.count("meals") && day.count("nap") && day.count("bowel") && day.count("mood"));
}

TEST(NotebookRules, ASitesChoicesOverrideTheDefaultsPerAgeClass) {
    notebook::Settings settings;
    settings.overrides[{Side::kHome, 4, "temperature"}] = {true, true};  // the 4歳児 class asks for temperature
    settings.overrides[{Side::kHome, 1, "breakfast"}] = {false, true};   // hidden: cannot be required
    EXPECT_EQ(notebook::Check(HomeSide{}, settings, 4).count("temperature"), 1u);
    EXPECT_EQ(notebook::Check(HomeSide{}, settings, 5).count("temperature"), 0u);
    EXPECT_EQ(notebook::Check(HomeSide{}, settings, 1).count("breakfast"), 0u);
    EXPECT_FALSE(settings.Rule(Side::kHome, 1, "breakfast").required);
}

TEST(NotebookRules, TemperaturesOutsideABodysRangeAndTimesThatMakeNoSenseAreRefused) {
    notebook::Settings settings;
    for (int tenths : {450, 300, 339, 421}) {
        auto h = FullHome();
        h.temperature = tenths;
        EXPECT_EQ(notebook::Check(h, settings, 1).at("temperature"), "error_temperature_range") << tenths;
    }
    for (int tenths : {340, 375, 420}) {
        auto h = FullHome();
        h.temperature = tenths;
        EXPECT_TRUE(notebook::Check(h, settings, 1).empty()) << tenths;
    }
    auto no_time = FullHome();
    no_time.temperature_time.reset();
    EXPECT_EQ(notebook::Check(no_time, settings, 1).at("temperature_time"), "error_temperature_time");
    // Woken before going to bed (both after midnight), a half-given sleep, or a 17-hour night.
    auto h = FullHome();
    h.bed_time = 2 * 60;
    h.wake_time = 1 * 60 + 30;
    EXPECT_EQ(notebook::Check(h, settings, 1).at("sleep"), "error_sleep_order");
    h.wake_time.reset();
    EXPECT_EQ(notebook::Check(h, settings, 1).at("sleep"), "error_sleep_both");
    h.bed_time = 13 * 60;
    h.wake_time = 6 * 60 + 30;
    EXPECT_EQ(notebook::Check(h, settings, 1).at("sleep"), "error_sleep_order");
    // Unknown words.
    h = FullHome();
    h.breakfast = "lots";
    h.mood = "grumpy";
    h.bowel_state = "green";
    auto p = notebook::Check(h, settings, 1);
    EXPECT_EQ(p.at("breakfast"), "error_choice");
    EXPECT_EQ(p.at("mood"), "error_choice");
    EXPECT_EQ(p.at("bowel_state"), "error_choice");
    // A nap that ends before it starts.
    NurserySide n;
    n.nap_start = 13 * 60;
    n.nap_end = 12 * 60 + 30;
    EXPECT_EQ(notebook::Check(n, settings, 4).at("nap"), "error_nap_order");
}

TEST(NotebookRules, SleepIsCountedAcrossMidnight) {
    auto h = FullHome();
    EXPECT_EQ(notebook::SleepMinutes(h).value_or(-1), 10 * 60);  // 20:30 to 06:30
    h.bed_time = 0 * 60 + 30;
    EXPECT_EQ(notebook::SleepMinutes(h).value_or(-1), 6 * 60);  // 00:30 to 06:30
}

TEST(NotebookRules, StaffNoticeFeverMedicineAnotherPickUpAndHealthRemarks) {
    auto h = FullHome();
    EXPECT_FALSE(notebook::Noticed(h).Any());
    h.temperature = 375;
    EXPECT_TRUE(notebook::Noticed(h).fever);
    h.temperature = 374;
    EXPECT_FALSE(notebook::Noticed(h).fever);
    h.medicine = "咳止め（昼食後）";
    h.pickup_person = "祖母";
    auto n = notebook::Noticed(h);
    EXPECT_TRUE(n.medicine && n.pickup && !n.health);
}

TEST(NotebookRules, SidesAreStoredAndReadBackWhole) {
    auto h = FullHome();
    h.note = "きのうは \"公園\" で遊びました\n元気です";
    EXPECT_EQ(notebook::HomeFromJson(notebook::ToJson(h)), h);
    NurserySide n;
    n.lunch = "most";
    n.nap_start = 12 * 60 + 30;
    n.nap_end = 14 * 60 + 45;
    n.episode = "砂場でお山を作りました";
    EXPECT_EQ(notebook::NurseryFromJson(notebook::ToJson(n)), n);
    EXPECT_EQ(notebook::HomeFromJson("not json"), HomeSide{});
}

TEST(NotebookRules, TheAgeClassIsTheAgeOnTheFirstOfApril) {
    // The age on 1 April of the school year.
    EXPECT_EQ(notebook::AgeClass("2025-06-10", "2026-12-04"), 0);
    EXPECT_EQ(notebook::AgeClass("2025-03-10", "2026-12-04"), 1);
    EXPECT_EQ(notebook::AgeClass("2026-04-10", "2026-12-04"), 0);
    EXPECT_EQ(notebook::AgeClass("2021-05-01", "2026-12-04"), 4);
    EXPECT_EQ(notebook::AgeClass("2021-03-01", "2026-12-04"), 5);
}

}  // namespace

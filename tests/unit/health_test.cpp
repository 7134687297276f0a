// A nursery's health records, the rules: value ranges of a temperature and a growth measure, an illness's dates,
// which illnesses warn a class and for how long, the warnings counted per class without a child counted twice, and
// the growth chart's SVG.
#include <gtest/gtest.h>

#include "health/rules.hpp"

namespace {

using namespace health;

TEST(HealthRules, ATemperatureOf45Or30IsRefusedAndAFeverIsInRange) {
    EXPECT_TRUE(Check(Temperature{366, 600}).empty());
    EXPECT_TRUE(Check(Temperature{395, 600}).empty());
    EXPECT_EQ(Check(Temperature{450, 600}).at("temperature"), "error_temperature_range");
    EXPECT_EQ(Check(Temperature{300, 600}).at("temperature"), "error_temperature_range");
    EXPECT_EQ(Check(Temperature{366, 24 * 60}).at("time"), "error_time");
}

TEST(HealthRules, GrowthNeedsAMeasureWithinAChildsRange) {
    EXPECT_EQ(Check(Growth{}).at("height"), "error_growth_empty");
    EXPECT_TRUE(Check(Growth{853, std::nullopt}).empty());
    EXPECT_TRUE(Check(Growth{std::nullopt, 11250}).empty());
    EXPECT_EQ(Check(Growth{2000, 11250}).at("height"), "error_growth_height");  // 200 cm
    EXPECT_EQ(Check(Growth{853, 800}).at("weight"), "error_growth_weight");     // 0.8 kg
}

TEST(HealthRules, AnIllnessStartsNoLaterThanTodayAndEndsWithinSixtyDays) {
    EXPECT_TRUE(Check(Illness{"influenza", "2026-12-01", std::nullopt, ""}, "2026-12-04").empty());
    EXPECT_EQ(Check(Illness{"influenza", "2026-12-05", std::nullopt, ""}, "2026-12-04").at("onset"),
              "error_health_future");
    EXPECT_EQ(Check(Illness{"influenza", "2026-12-03", "2026-12-02", ""}, "2026-12-04").at("until"),
              "error_illness_until");
    EXPECT_EQ(Check(Illness{"influenza", "2026-12-01", "2027-02-15", ""}, "2026-12-04").at("until"),
              "error_illness_until");
    EXPECT_EQ(Check(Illness{"cold", "2026-12-01", std::nullopt, ""}, "2026-12-04").at("disease"), "error_choice");
    EXPECT_EQ(Check(Illness{"influenza", "2026-13-01", std::nullopt, ""}, "2026-12-04").at("onset"), "error_date");
}

TEST(HealthRules, AnInfectionWarnsForItsUsualDaysOrUntilTheDayGivenAndAnotherIllnessNever) {
    const Illness flu{"influenza", "2026-12-01", std::nullopt, ""};  // 7 days: 1–7 December
    EXPECT_EQ(WarnsUntil(flu), "2026-12-07");
    EXPECT_FALSE(WarnsOn(flu, "2026-11-30"));
    EXPECT_TRUE(WarnsOn(flu, "2026-12-01"));
    EXPECT_TRUE(WarnsOn(flu, "2026-12-07"));
    EXPECT_FALSE(WarnsOn(flu, "2026-12-08"));
    const Illness longer{"influenza", "2026-12-01", "2026-12-10", ""};
    EXPECT_TRUE(WarnsOn(longer, "2026-12-10"));
    // Across the month's end.
    EXPECT_EQ(WarnsUntil(Illness{"chickenpox", "2026-11-27", std::nullopt, ""}), "2026-12-06");
    const Illness other{"other", "2026-12-01", std::nullopt, ""};
    EXPECT_FALSE(WarnsOn(other, "2026-12-01"));
    EXPECT_FALSE(IsInfection("other"));
    EXPECT_TRUE(IsInfection("gastroenteritis"));
}

TEST(HealthRules, WarningsCountChildrenPerClassAndDiseaseOnceEach) {
    std::vector<ChildIllness> ill{
        {1, "ひよこ組", {"influenza", "2026-12-02", std::nullopt, ""}},
        {1, "ひよこ組", {"influenza", "2026-12-03", std::nullopt, ""}},  // reported twice (family and staff)
        {2, "ひよこ組", {"influenza", "2026-12-03", std::nullopt, ""}},
        {3, "りす組", {"influenza", "2026-12-03", std::nullopt, ""}},
        {4, "りす組", {"gastroenteritis", "2026-11-20", std::nullopt, ""}},  // over by now
        {5, "りす組", {"other", "2026-12-03", std::nullopt, ""}},
    };
    auto w = Warnings(ill, "2026-12-04");
    ASSERT_EQ(w.size(), 2u);
    EXPECT_EQ(w[0], (Warning{"ひよこ組", "influenza", 2}));
    EXPECT_EQ(w[1], (Warning{"りす組", "influenza", 1}));
    EXPECT_TRUE(Warnings(ill, "2026-12-20").empty());
}

TEST(HealthRules, TheGrowthChartPlotsEachMeasureAndEscapesItsLabels) {
    std::vector<Measure> m{
        {"2025-06-01", {700, 8200}}, {"2025-12-01", {780, 9600}}, {"2026-06-01", {830, std::nullopt}}};
    auto svg = GrowthChart("2024-12-01", m, {"身長と体重 <推移>", "身長（cm）", "体重（kg）", "か月"});
    EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
    EXPECT_NE(svg.find("aria-label=\"身長と体重 &lt;推移&gt;\""), std::string::npos);
    auto count = [&](const std::string& what) {
        std::size_t n = 0;
        for (auto p = svg.find(what); p != std::string::npos; p = svg.find(what, p + 1)) ++n;
        return n;
    };
    EXPECT_EQ(count("<circle"), 5u);  // three heights, two weights
    EXPECT_EQ(count("<polyline"), 2u);
    EXPECT_NE(svg.find(">83.0<"), std::string::npos);  // the tallest, in cm
    EXPECT_NE(svg.find(">9.6<"), std::string::npos);   // the heaviest, in kg
    // Nothing measured: the panels, no points.
    auto empty = GrowthChart("2024-12-01", {}, {"t", "h", "w", "m"});
    EXPECT_EQ(empty.find("<circle"), std::string::npos);
}

}  // namespace

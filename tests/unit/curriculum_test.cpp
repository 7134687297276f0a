// Curriculum plans' periods as a table: the school year and term a date falls in (April to March; Ⅰ期 4–5月, Ⅱ期
// 6–8月, Ⅲ期 9–12月, Ⅳ期 1–3月), the first and last day of the plan of each kind that covers a date (a week from its
// Monday, across a month's and a year's end), where a new plan's aims come from, and the sections each kind holds.
#include <gtest/gtest.h>

#include "curriculum/curriculum.hpp"

namespace {

using namespace curriculum;

common::Date D(const char* text) { return *common::ParseDate(text); }

TEST(CurriculumPeriods, SchoolYearsAndTermsRunFromApril) {
    EXPECT_EQ(SchoolYear(D("2026-04-01")), 2026);
    EXPECT_EQ(SchoolYear(D("2026-03-31")), 2025);
    EXPECT_EQ(SchoolYear(D("2027-01-15")), 2026);
    const int terms[] = {4, 4, 4, 1, 1, 2, 2, 2, 3, 3, 3, 3};
    for (unsigned m = 1; m <= 12; ++m) EXPECT_EQ(TermOf(m), terms[m - 1]) << m;
}

TEST(CurriculumPeriods, EachKindStartsAndEndsWhereThePaperFormDoes) {
    struct Row {
        Kind kind;
        const char* date;
        const char* start;
        const char* end;
    };
    const Row rows[] = {
        {Kind::kAnnual, "2026-12-04", "2026-04-01", "2027-03-31"},
        {Kind::kAnnual, "2027-02-28", "2026-04-01", "2027-03-31"},
        {Kind::kAnnual, "2027-04-01", "2027-04-01", "2028-03-31"},
        {Kind::kMonthly, "2026-12-04", "2026-12-01", "2026-12-31"},
        {Kind::kMonthly, "2028-02-10", "2028-02-01", "2028-02-29"},  // a leap year
        {Kind::kIndividual, "2026-11-30", "2026-11-01", "2026-11-30"},
        {Kind::kWeekly, "2026-12-04", "2026-11-30", "2026-12-06"},  // a Friday: the week began in November
        {Kind::kWeekly, "2026-11-30", "2026-11-30", "2026-12-06"},  // a Monday is its own week's start
        {Kind::kWeekly, "2026-12-06", "2026-11-30", "2026-12-06"},  // a Sunday ends it
        {Kind::kWeekly, "2027-01-01", "2026-12-28", "2027-01-03"},  // across the year's end
    };
    for (const auto& r : rows) {
        const auto start = PeriodStart(r.kind, D(r.date));
        EXPECT_EQ(common::FormatDate(start), r.start) << KindName(r.kind) << " " << r.date;
        EXPECT_EQ(common::FormatDate(PeriodEnd(r.kind, start)), r.end) << KindName(r.kind) << " " << r.date;
    }
}

TEST(CurriculumPeriods, ANewPlansAimsComeFromThePlanAboveIt) {
    EXPECT_FALSE(SourceOf(Kind::kAnnual, D("2026-04-01")));
    auto dec = SourceOf(Kind::kMonthly, D("2026-12-01"));
    ASSERT_TRUE(dec);
    EXPECT_EQ(dec->kind, Kind::kAnnual);
    EXPECT_EQ(common::FormatDate(dec->period), "2026-04-01");
    EXPECT_EQ(dec->key, "t3_aims");
    auto jan = SourceOf(Kind::kMonthly, D("2027-01-01"));
    EXPECT_EQ(common::FormatDate(jan->period), "2026-04-01");  // the same school year, its last term
    EXPECT_EQ(jan->key, "t4_aims");
    auto week = SourceOf(Kind::kWeekly, D("2026-11-30"));  // a week begun in November takes November's aims
    EXPECT_EQ(week->kind, Kind::kMonthly);
    EXPECT_EQ(common::FormatDate(week->period), "2026-11-01");
    EXPECT_EQ(week->key, "aims");
    auto mine = SourceOf(Kind::kIndividual, D("2026-12-01"));
    EXPECT_EQ(mine->kind, Kind::kMonthly);
    EXPECT_EQ(common::FormatDate(mine->period), "2026-12-01");
}

TEST(CurriculumPeriods, KindsAndTheirSections) {
    for (auto k : {Kind::kAnnual, Kind::kMonthly, Kind::kWeekly, Kind::kIndividual})
        EXPECT_EQ(ParseKind(KindName(k)), k);
    EXPECT_FALSE(ParseKind("daily"));
    EXPECT_EQ(SectionKeys(Kind::kMonthly).size(), 7u);
    const auto annual = SectionKeys(Kind::kAnnual);
    ASSERT_EQ(annual.size(), 1u + 4 * 7);
    EXPECT_EQ(annual.front(), "goal");
    EXPECT_EQ(annual[1], "t1_children");
    EXPECT_EQ(annual.back(), "t4_evaluation");
}

}  // namespace

// The school-year rollover (I8) on both databases, across the night of 31 March 2027: grades go up, a sixth grader
// and a third grader at a club that ends with grade 3 leave (placements end on 31 March), a child at two clubs
// leaves one and moves up a grade group at the other, nursery children move up an age class or, at school age,
// leave; a child with two classes to choose from is listed to place by hand; next year's newcomers, former
// children and the old year's entries are left alone, and an old month's register still shows the old grade. Done
// twice it is a no-op; planned for a day to come it is applied by its job on the day, not before; the command
// previews, refuses a date that is not 1 April, and applies.
#include "children/rollover.hpp"
#include "auth/audit.hpp"
#include "children/children.hpp"
#include "harness.hpp"
#include "jobs/jobs.hpp"
#include "reports/register.hpp"
#include "sites/groups.hpp"
#include "sites/sites.hpp"

namespace {

using testing_support::DbTest;

class Rollover : public DbTest {
 protected:
    struct City {
        common::SiteId club, small_club, nursery;
        std::map<std::string, common::GroupId> groups;  // "club 2", "small 3", "nursery 0" …
        std::map<std::string, common::ChildId> children;
    };

    common::Instant Tokyo(const std::string& date, int hour) {
        return common::TokyoInstant(*common::ParseDate(date), hour * 60);
    }

    City MakeCity() {
        City c;
        database().Write([&](db::WriteTx& tx) {
            auto city = sites::EnsureCity(tx, "テスト市", clock_);
            auto site = [&](const char* kind, const char* name) {
                return sites::InsertSite(tx, city, {kind, name, "", "", "", {}, 60, ""}, clock_);
            };
            c.club = site("gakudo", "第一学童クラブ");
            c.small_club = site("gakudo", "低学年学童クラブ");
            c.nursery = site("nursery", "ひまわり保育園");
            for (int g = 1; g <= 6; ++g)
                c.groups["club " + std::to_string(g)] =
                    sites::InsertGroup(tx, c.club, {"grade", std::to_string(g) + "年生", g}, clock_);
            for (int g = 1; g <= 3; ++g)
                c.groups["small " + std::to_string(g)] =
                    sites::InsertGroup(tx, c.small_club, {"grade", std::to_string(g) + "年生", g}, clock_);
            for (int a = 0; a <= 5; ++a)
                c.groups["nursery " + std::to_string(a)] =
                    sites::InsertGroup(tx, c.nursery, {"class", std::to_string(a) + "歳児", a}, clock_);
            // Two classes of three-year-olds: a two-year-old moving up has two to choose from.
            c.groups["nursery 3b"] = sites::InsertGroup(tx, c.nursery, {"class", "3歳児 すみれ", 3}, clock_);
            auto child = [&](const std::string& key, const std::string& birth, std::optional<int> grade,
                             common::SiteId at, const std::string& group, const std::string& start,
                             std::optional<std::string> end = std::nullopt) {
                c.children[key] = children::InsertChild(
                    tx, {"試験", key, "しけん", "じどう", birth, grade, at, {c.groups.at(group)}, start, end}, clock_);
            };
            child("second", "2018-06-01", 2, c.club, "club 2", "2026-04-01");
            child("sixth", "2014-06-01", 6, c.club, "club 6", "2026-04-01");
            child("third", "2017-06-01", 3, c.small_club, "small 3", "2026-04-01");
            child("both", "2017-07-01", 3, c.small_club, "small 3", "2026-04-01");
            tx.Exec(
                "INSERT INTO child_placement (child_id, site_id, start_date, created_at) VALUES (?, ?, "
                "'2026-04-01', ?)",
                c.children["both"], c.club, common::FormatInstant(clock_.Now()));
            tx.Exec(
                "INSERT INTO child_group_membership (child_id, group_id, start_date, created_at) VALUES (?, ?, "
                "'2026-04-01', ?)",
                c.children["both"], c.groups["club 3"], common::FormatInstant(clock_.Now()));
            child("baby", "2025-08-01", std::nullopt, c.nursery, "nursery 0", "2026-04-01");
            child("two", "2023-08-01", std::nullopt, c.nursery, "nursery 2", "2026-04-01");
            child("five", "2020-08-01", std::nullopt, c.nursery, "nursery 5", "2026-04-01");
            child("newcomer", "2020-05-01", 1, c.club, "club 1", "2027-04-01");
            child("former", "2017-05-01", 3, c.club, "club 3", "2026-04-01", "2026-07-31");
            child("moving", "2016-05-01", 4, c.club, "club 4", "2026-04-01", "2027-03-31");
            // An entry in the old year, which nothing may change.
            tx.Exec(
                "INSERT INTO attendance_event (child_id, site_id, facility_date, kind, occurred_at, source, "
                "created_at) "
                "VALUES (?, ?, '2027-03-30', 'in', '2027-03-30T06:00:00.000Z', 'staff', "
                "'2027-03-30T06:00:00.000Z')",
                c.children["second"], c.club);
        });
        return c;
    }

    std::optional<int> Grade(common::ChildId id) {
        return database().Read([&](db::ReadTx& tx) -> std::optional<int> {
            auto g = tx.QueryOne("SELECT grade FROM child WHERE id = ?", id).OptInt(0);
            if (!g) return std::nullopt;
            return static_cast<int>(*g);
        });
    }
    // The child's placements and memberships as "site:start..end" and "group:start..end", in id order.
    std::string Periods(common::ChildId id) {
        return database().Read([&](db::ReadTx& tx) {
            std::string out;
            for (const auto& r : tx.Query("SELECT site_id, start_date, end_date FROM child_placement "
                                          "WHERE child_id = ? ORDER BY id",
                                          id))
                out += "p" + r.Text(0) + ":" + r.Text(1) + ".." + r.OptText(2).value_or("") + " ";
            for (const auto& r : tx.Query("SELECT group_id, start_date, end_date FROM "
                                          "child_group_membership WHERE child_id = ? ORDER BY id",
                                          id))
                out += "g" + r.Text(0) + ":" + r.Text(1) + ".." + r.OptText(2).value_or("") + " ";
            return out;
        });
    }
    std::string Everything() {
        return Dump({"SELECT id, grade, updated_at FROM child ORDER BY id",
                     "SELECT id, child_id, site_id, start_date, end_date FROM child_placement ORDER BY id",
                     "SELECT id, child_id, group_id, start_date, end_date FROM child_group_membership ORDER BY id",
                     "SELECT id, child_id, kind, occurred_at FROM attendance_event ORDER BY id",
                     "SELECT id, state, summary FROM rollover ORDER BY id"});
    }
    std::string P(common::SiteId s, const std::string& start, const std::string& end = "") {
        return "p" + s.ToString() + ":" + start + ".." + end + " ";
    }
    std::string G(common::GroupId g, const std::string& start, const std::string& end = "") {
        return "g" + g.ToString() + ":" + start + ".." + end + " ";
    }
};

TEST_P(Rollover, GradesGoUpLeaversLeaveGroupsMoveOnAndTheOldYearStaysAsItWas) {
    const auto c = MakeCity();
    const auto& k = c.children;
    const auto& g = c.groups;
    const auto events = One("SELECT COUNT(*) FROM attendance_event");
    clock_.Set(Tokyo("2027-04-01", 7));
    const auto date = children::RolloverDate("2027-04-01");

    const auto plan = database().Read([&](db::ReadTx& tx) { return children::PlanRollover(tx, date); });
    EXPECT_EQ(plan.grades_up, 4);   // second, third, both, moving (sixth stays 6; nursery children have no grade)
    EXPECT_EQ(plan.leaving(), 4);   // sixth, third, both (at the small club), five
    EXPECT_EQ(plan.to_place(), 1);  // two
    const std::string before = Everything();
    EXPECT_EQ(Everything(), before) << "a preview changes nothing";

    // From May the rollover is refused: children entered since with their present grades would move up wrongly.
    clock_.Set(Tokyo("2027-05-01", 0));
    EXPECT_THROW(children::RequestRollover(database(), date, std::nullopt, clock_), children::RolloverDateError);
    EXPECT_EQ(Everything(), before);
    clock_.Set(Tokyo("2027-04-30", 23));
    auto result = children::RequestRollover(database(), date, std::nullopt, clock_);
    ASSERT_EQ(result.outcome, children::RolloverOutcome::kApplied);

    EXPECT_EQ(Grade(k.at("second")), 3);
    EXPECT_EQ(Periods(k.at("second")), P(c.club, "2026-04-01") + G(g.at("club 2"), "2026-04-01", "2027-03-31") +
                                           G(g.at("club 3"), "2027-04-01"));
    EXPECT_EQ(Grade(k.at("sixth")), 6);
    EXPECT_EQ(Periods(k.at("sixth")),
              P(c.club, "2026-04-01", "2027-03-31") + G(g.at("club 6"), "2026-04-01", "2027-03-31"));
    EXPECT_EQ(Grade(k.at("third")), 4);
    EXPECT_EQ(Periods(k.at("third")),
              P(c.small_club, "2026-04-01", "2027-03-31") + G(g.at("small 3"), "2026-04-01", "2027-03-31"));
    EXPECT_EQ(Grade(k.at("both")), 4);
    EXPECT_EQ(Periods(k.at("both")), P(c.small_club, "2026-04-01", "2027-03-31") + P(c.club, "2026-04-01") +
                                         G(g.at("small 3"), "2026-04-01", "2027-03-31") +
                                         G(g.at("club 3"), "2026-04-01", "2027-03-31") +
                                         G(g.at("club 4"), "2027-04-01"));
    EXPECT_EQ(Grade(k.at("baby")), std::nullopt);
    EXPECT_EQ(Periods(k.at("baby")), P(c.nursery, "2026-04-01") + G(g.at("nursery 0"), "2026-04-01", "2027-03-31") +
                                         G(g.at("nursery 1"), "2027-04-01"));
    EXPECT_EQ(Periods(k.at("two")), P(c.nursery, "2026-04-01") + G(g.at("nursery 2"), "2026-04-01", "2027-03-31"));
    EXPECT_EQ(Periods(k.at("five")),
              P(c.nursery, "2026-04-01", "2027-03-31") + G(g.at("nursery 5"), "2026-04-01", "2027-03-31"));
    // Left alone: next year's newcomer, a child who left last summer; one leaving anyway moves up a grade only.
    EXPECT_EQ(Grade(k.at("newcomer")), 1);
    EXPECT_EQ(Periods(k.at("newcomer")), P(c.club, "2027-04-01") + G(g.at("club 1"), "2027-04-01"));
    EXPECT_EQ(Grade(k.at("former")), 3);
    EXPECT_EQ(Grade(k.at("moving")), 5);
    EXPECT_EQ(Periods(k.at("moving")),
              P(c.club, "2026-04-01", "2027-03-31") + G(g.at("club 4"), "2026-04-01", "2027-03-31"));
    EXPECT_EQ(One("SELECT COUNT(*) FROM attendance_event"), events);

    // March's register still shows the grade the child had in March; April's the new one.
    auto grade_in = [&](const std::string& month, common::ChildId child) {
        return database().Read([&](db::ReadTx& tx) -> std::optional<int> {
            auto reg = reports::SiteRegister(tx, c.club, month, std::nullopt, *common::ParseDate("2027-04-01"));
            for (const auto& row : std::get<reports::Register>(reg).rows)
                if (row.child == child) return row.grade;
            return std::nullopt;
        });
    };
    EXPECT_EQ(grade_in("2027-03", k.at("second")), 2);
    EXPECT_EQ(grade_in("2027-04", k.at("second")), 3);

    EXPECT_EQ(Text("SELECT state FROM rollover"), "done");
    EXPECT_EQ(One("SELECT COUNT(*) FROM audit_event WHERE action = 'rollover.done' AND target_id = " +
                  std::to_string(result.id)),
              1);
    auto chain = database().Read([](db::ReadTx& tx) { return auth::VerifyAuditChain(tx); });
    EXPECT_FALSE(chain.bad_id) << chain.problem;

    // Twice: nothing changes.
    const std::string after = Everything();
    clock_.Advance(std::chrono::hours(1));
    auto again = children::RequestRollover(database(), date, std::nullopt, clock_);
    EXPECT_EQ(again.outcome, children::RolloverOutcome::kAlreadyDone);
    EXPECT_EQ(again.id, result.id);
    EXPECT_EQ(Everything(), after);
}

TEST_P(Rollover, APlannedRolloverIsAppliedByItsJobOnTheDayAndNotBefore) {
    const auto c = MakeCity();
    clock_.Set(Tokyo("2027-03-15", 10));
    const auto date = children::RolloverDate("2027-04-01");
    const std::string before = Everything();
    auto planned = children::RequestRollover(database(), date, std::nullopt, clock_);
    ASSERT_EQ(planned.outcome, children::RolloverOutcome::kPlanned);
    EXPECT_EQ(planned.plan.grades_up, 4);
    EXPECT_EQ(children::RequestRollover(database(), date, std::nullopt, clock_).outcome,
              children::RolloverOutcome::kAlreadyPlanned);

    jobs::Runner runner(database(), clock_, "w");
    children::RegisterRolloverJob(runner, database(), clock_);
    EXPECT_EQ(runner.RunDue(), 0);
    clock_.Set(Tokyo("2027-03-31", 23));
    EXPECT_EQ(runner.RunDue(), 0);
    EXPECT_EQ(Grade(c.children.at("second")), 2);
    EXPECT_EQ(Text("SELECT state FROM rollover"), "planned");
    EXPECT_NE(Everything(), before);  // the planned row only
    clock_.Set(Tokyo("2027-04-01", 0) + std::chrono::seconds(30));
    EXPECT_EQ(runner.RunDue(), 1);
    EXPECT_EQ(Text("SELECT state FROM rollover"), "done");
    EXPECT_EQ(Grade(c.children.at("second")), 3);
    EXPECT_EQ(Grade(c.children.at("newcomer")), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM audit_event WHERE action = 'rollover.done'"), 1);
}

TEST_P(Rollover, ACancelledPlanDoesNothingOnTheDay) {
    const auto c = MakeCity();
    clock_.Set(Tokyo("2027-03-15", 10));
    const auto date = children::RolloverDate("2027-04-01");
    auto planned = children::RequestRollover(database(), date, std::nullopt, clock_);
    ASSERT_EQ(planned.outcome, children::RolloverOutcome::kPlanned);
    EXPECT_TRUE(children::CancelRollover(database(), planned.id, std::nullopt, clock_));
    EXPECT_FALSE(children::CancelRollover(database(), planned.id, std::nullopt, clock_));
    jobs::Runner runner(database(), clock_, "w");
    children::RegisterRolloverJob(runner, database(), clock_);
    clock_.Set(Tokyo("2027-04-01", 1));
    EXPECT_EQ(runner.RunDue(), 1);
    EXPECT_EQ(Grade(c.children.at("second")), 2);
    EXPECT_EQ(Text("SELECT state FROM rollover"), "cancelled");
}

TEST_P(Rollover, TheCommandPreviewsRefusesABadDateAndApplies) {
    if (!std::filesystem::exists(testing_support::ServerProcess::Binary()))
        GTEST_SKIP() << "no tadaima binary beside this test binary";
    const auto c = MakeCity();
    const std::string before = Everything();
    for (const char* bad : {"rollover --date 2027-04-02", "rollover --date 2027-13-01", "rollover",
                            "rollover --date 2027-04-01 --force"}) {
        auto run = Tadaima(bad);
        EXPECT_EQ(run.status, 1) << bad;
        EXPECT_NE(run.output.find("tadaima: "), std::string::npos) << run.output;
    }
    EXPECT_NE(Tadaima("rollover --date 2027-04-02").output.find("1 April"), std::string::npos);
    // The command's clock is today's (December 2026 or later): a past 1 April is previewed but too late to apply;
    // one to come is planned.
    auto preview = Tadaima("rollover --date 2026-04-01");
    EXPECT_EQ(preview.status, 0) << preview.output;
    EXPECT_NE(preview.output.find("nothing changed"), std::string::npos) << preview.output;
    EXPECT_EQ(Everything(), before);
    auto late = Tadaima("rollover --date 2026-04-01 --apply");
    EXPECT_EQ(late.status, 1);
    EXPECT_NE(late.output.find("end of April"), std::string::npos) << late.output;
    EXPECT_EQ(Everything(), before);
    auto future = Tadaima("rollover --date 2099-04-01 --apply");
    EXPECT_EQ(future.status, 0) << future.output;
    EXPECT_NE(future.output.find("planned as rollover"), std::string::npos) << future.output;
    EXPECT_EQ(Grade(c.children.at("second")), 2);
    auto again = Tadaima("rollover --date 2099-04-01 --apply");
    EXPECT_NE(again.output.find("planned already"), std::string::npos) << again.output;
}

// The page of a rollover done shows what it did, as recorded, and offers nothing to apply: a plan read now would
// be a second rollover's.
class RolloverPage : public testing_support::AppTest {};

TEST_P(RolloverPage, ARolloverDoneShowsWhatItDidAndOffersNothingMore) {
    SeedSmallCity(2, 12);
    clock_.Set(common::TokyoInstant(*common::ParseDate("2027-04-01"), 9 * 60));
    SignIn("admin", "tadaima-demo");
    auto before = Get("/rollover/preview?date=2027-04-01");
    ASSERT_EQ(before.status, 200);
    EXPECT_NE(before.body.find("data-qa=\"rollover-confirm\""), std::string::npos);
    auto applied = Post("/rollover", {{"date", "2027-04-01"}, {"confirm", "1"}});
    ASSERT_EQ(applied.status, 303);
    EXPECT_EQ(applied.location, "/rollover?notice=rollover_done");
    const auto grades_up = One("SELECT COUNT(*) FROM rollover_child");
    ASSERT_GT(grades_up, 0);
    auto after = Get("/rollover/preview?date=2027-04-01");
    ASSERT_EQ(after.status, 200);
    EXPECT_NE(after.body.find("data-qa=\"rollover-done-already\""), std::string::npos);
    EXPECT_EQ(after.body.find("data-qa=\"rollover-confirm\""), std::string::npos);
    EXPECT_EQ(after.body.find("data-qa=\"rollover-sites\""), std::string::npos);
    EXPECT_NE(after.body.find("<dd>" + std::to_string(grades_up) + "</dd>"), std::string::npos) << after.body;
    // Posted again anyway: nothing changes.
    const auto grades = Dump({"SELECT id, grade FROM child ORDER BY id"});
    EXPECT_EQ(Post("/rollover", {{"date", "2027-04-01"}, {"confirm", "1"}}).location,
              "/rollover?notice=rollover_already_done");
    EXPECT_EQ(Dump({"SELECT id, grade FROM child ORDER BY id"}), grades);
}

INSTANTIATE_TEST_SUITE_P(Both, RolloverPage, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

INSTANTIATE_TEST_SUITE_P(Both, Rollover, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

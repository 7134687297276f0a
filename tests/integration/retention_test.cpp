// Retention (J7) on both databases: with the default periods, a run on 3 December 2026 removes the entries, plans,
// notifications, messages (with their files and notifications), posts and audit entries that have passed their
// kind's period and keeps every younger one and everything else; the preview counts exactly what the run removes
// and changes nothing; a second run removes nothing; the audit chain still verifies from its anchor, and a forged
// or missing anchor is found. A period outside a kind's bounds or an unknown kind is refused and changes nothing.
// The nightly job runs at 03:00 JST, not before, and plans the next night. The command lists, refuses and runs.
#include "ops/retention.hpp"
#include "auth/audit.hpp"
#include "demo/seed.hpp"
#include "harness.hpp"

namespace {

using testing_support::DbTest;

class Retention : public DbTest {
 protected:
    void SetUp() override {
        DbTest::SetUp();
        clock_.Set(*common::ParseInstant("2026-12-03T01:00:00.000Z"));
        demo::SeedDemo(*db_, {1, 4, "tadaima-demo"}, clock_);
        const auto child = One("SELECT MIN(id) FROM child");
        const auto site = One("SELECT MIN(id) FROM site");
        const auto staff = One("SELECT MIN(id) FROM staff_user");
        const auto account = One("SELECT MIN(id) FROM guardian_account");
        database().Write([&](db::WriteTx& tx) {
            auto event = [&](const std::string& date, std::optional<std::int64_t> corrects) {
                return tx
                    .QueryOne(
                        "INSERT INTO attendance_event (child_id, site_id, facility_date, kind, occurred_at, "
                        "source, staff_user_id, corrects_id, created_at) VALUES (?, ?, ?, ?, ?, 'staff', ?, ?, "
                        "?) RETURNING id",
                        child, site, date, corrects ? "void" : "in", date + "T06:00:00.000Z", staff, corrects,
                        date + "T06:00:00.000Z")
                    .Int(0);
            };
            event("2020-06-01", std::nullopt);                   // 6 years: goes (attendance: 60 months)
            auto kept = event("2021-12-10", std::nullopt);       // within 60 months: stays
            event("2021-12-11", kept);                           // its correction: stays
            auto corrected = event("2021-11-30", std::nullopt);  // past the cutoff, but corrected later: stays
            event("2021-12-05", corrected);
            auto plan = [&](const std::string& date) {
                tx.Exec(
                    "INSERT INTO attendance_plan (child_id, site_id, plan_date, attending, created_at, updated_at) "
                    "VALUES (?, ?, ?, 1, ?, ?)",
                    child, site, date, date + "T00:00:00.000Z", date + "T00:00:00.000Z");
            };
            plan("2024-12-02");  // 24 months and a day: goes
            plan("2024-12-03");  // stays
            auto notice = [&](const std::string& at, std::optional<std::int64_t> message) {
                auto id = tx.QueryOne(
                                "INSERT INTO notification (kind, site_id, child_id, params, created_at, "
                                "message_id) VALUES (?, ?, ?, '{}', ?, ?) RETURNING id",
                                message ? "message" : "entry", site, child, at, message)
                              .Int(0);
                tx.Exec(
                    "INSERT INTO notification_recipient (notification_id, account_id, created_at) VALUES (?, ?, "
                    "?)",
                    id, account, at);
            };
            notice("2025-11-01T00:00:00.000Z", std::nullopt);  // 13 months: goes
            notice("2026-01-05T00:00:00.000Z", std::nullopt);  // stays
            auto message = [&](const std::string& at) {
                auto id = tx.QueryOne(
                                "INSERT INTO message (site_id, author_id, scope, subject, body, send_at, state, "
                                "sent_at, created_at, updated_at) VALUES (?, ?, 'site', '件名', '本文', ?, "
                                "'sent', ?, ?, ?) RETURNING id",
                                site, staff, at, at, at, at)
                              .Int(0);
                tx.Exec(
                    "INSERT INTO message_attachment (message_id, filename, size, sha256, content, created_at) "
                    "VALUES (?, 'a.pdf', 1, 'x', 'eA==', ?)",
                    id, at);
                // Its notification is younger than 13 months, yet goes with the message.
                notice("2026-02-01T00:00:00.000Z", id);
            };
            message("2022-06-01T00:00:00.000Z");  // 36 months: goes
            message("2024-06-01T00:00:00.000Z");  // stays
        });
        // Audit entries written 8 years ago (84 months: go) and last year (stay), after the seed's.
        common::FixedClock past(*common::ParseInstant("2018-06-01T00:00:00.000Z"));
        database().Write([&](db::WriteTx& tx) {
            tx.Exec("DELETE FROM audit_event");  // the seed's, written "now": start the trail in the past
            for (int i = 0; i < 3; ++i) auth::WriteAudit(tx, Event("old"), past);
            past.Set(*common::ParseInstant("2025-06-01T00:00:00.000Z"));
            for (int i = 0; i < 2; ++i) auth::WriteAudit(tx, Event("young"), past);
        });
    }
    static auth::AuditEvent Event(const std::string& action) {
        auth::AuditEvent e;
        e.actor_role = "operator";
        e.action = action;
        e.target_kind = "test";
        e.outcome = "ok";
        return e;
    }
    // Everything retention may touch, as text, to compare.
    std::string Everything() {
        return Dump({"SELECT id, facility_date FROM attendance_event ORDER BY id",
                     "SELECT id, plan_date FROM attendance_plan ORDER BY id",
                     "SELECT id, message_id FROM notification ORDER BY id",
                     "SELECT id FROM notification_recipient ORDER BY id", "SELECT id FROM message ORDER BY id",
                     "SELECT id FROM message_attachment ORDER BY id", "SELECT id, action FROM audit_event ORDER BY id",
                     "SELECT id FROM erasure", "SELECT id FROM child ORDER BY id",
                     "SELECT id FROM guardian_account ORDER BY id"});
    }
    auth::ChainCheck Chain() {
        return database().Read([](db::ReadTx& tx) { return auth::VerifyAuditChain(tx); });
    }
};

TEST_P(Retention, ARunRemovesWhatPassedItsPeriodKeepsTheRestAndTheTrailStillVerifies) {
    const std::string before = Everything();
    const auto preview = ops::PreviewRetention(database(), clock_);
    EXPECT_EQ(Everything(), before) << "a preview changes nothing";
    const std::map<std::string, std::int64_t> expected{
        {"attendance_event", 1}, {"attendance_plan", 1},    {"notification", 2}, {"notification_recipient", 2},
        {"message", 1},          {"message_attachment", 1}, {"audit_event", 3}};
    EXPECT_EQ(preview.rows, expected);

    const auto run = ops::RunRetention(database(), clock_);
    EXPECT_EQ(run.rows, expected);
    ASSERT_GT(run.erasure_id, 0);
    EXPECT_EQ(One("SELECT COUNT(*) FROM attendance_event WHERE facility_date < '2021-12-03'"), 1)
        << "only the entry a later correction points at stays before the cutoff";
    EXPECT_EQ(One("SELECT COUNT(*) FROM attendance_event"), 4);
    EXPECT_EQ(Text("SELECT MIN(plan_date) FROM attendance_plan"), "2024-12-03");
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification"), 2);
    EXPECT_EQ(One("SELECT COUNT(*) FROM message"), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM audit_event WHERE action = 'old'"), 0);
    EXPECT_EQ(One("SELECT COUNT(*) FROM audit_event WHERE action = 'young'"), 2);
    EXPECT_EQ(Text("SELECT scope || ' ' || state FROM erasure WHERE id = " + std::to_string(run.erasure_id)),
              "retention done");
    EXPECT_NE(Text("SELECT certificate FROM erasure WHERE id = " + std::to_string(run.erasure_id))
                  .find("\"attendance_event\":1"),
              std::string::npos);
    EXPECT_EQ(One("SELECT COUNT(*) FROM audit_event WHERE action = 'retention.done'"), 1);
    auto chain = Chain();
    EXPECT_FALSE(chain.bad_id) << chain.problem;
    EXPECT_EQ(chain.checked, 3);  // the two young entries and the run's own

    const std::string after = Everything();
    clock_.Advance(std::chrono::hours(1));
    const auto again = ops::RunRetention(database(), clock_);
    EXPECT_EQ(again.erasure_id, 0);
    EXPECT_EQ(again.total(), 0);
    EXPECT_EQ(Everything(), after);

    // A forged anchor, or none, is found.
    database().Write([](db::WriteTx& tx) { tx.Exec("UPDATE audit_anchor SET last_id = last_id + 1"); });
    EXPECT_EQ(Chain().problem, "anchor");
    database().Write([](db::WriteTx& tx) { tx.Exec("DELETE FROM audit_anchor"); });
    EXPECT_EQ(Chain().problem, "link");
}

TEST_P(Retention, APeriodOutsideItsBoundsIsRefusedAndAShorterOneRemovesMore) {
    const std::string before = Everything();
    for (auto [kind, months] :
         {std::pair{"plans", 12}, std::pair{"audit", 0}, std::pair{"messages", 1201}, std::pair{"children", 24}}) {
        EXPECT_THROW(
            database().Write([&](db::WriteTx& tx) { ops::SetRetention(tx, kind, months, std::nullopt, clock_); }),
            std::invalid_argument)
            << kind << " " << months;
    }
    EXPECT_EQ(Everything(), before);
    EXPECT_EQ(One("SELECT COUNT(*) FROM retention_setting"), 0);
    database().Write([&](db::WriteTx& tx) { ops::SetRetention(tx, "plans", 13, std::nullopt, clock_); });
    auto settings =
        database().Read([&](db::ReadTx& tx) { return ops::RetentionSettings(tx, common::TokyoDate(clock_.Now())); });
    EXPECT_EQ(settings[1].kind, "plans");
    EXPECT_EQ(settings[1].months, 13);
    EXPECT_FALSE(settings[1].is_default);
    EXPECT_EQ(common::FormatDate(settings[1].cutoff), "2025-11-03");
    EXPECT_EQ(ops::RunRetention(database(), clock_).rows.at("attendance_plan"), 2);
    EXPECT_EQ(One("SELECT COUNT(*) FROM audit_event WHERE action = 'retention.set:plans'"), 1);
}

TEST_P(Retention, TheNightlyJobRunsAtThreeAndPlansTheNextNight) {
    jobs::Runner runner(database(), clock_, "w");
    ops::RegisterRetentionJob(runner, database(), clock_);
    database().Write([&](db::WriteTx& tx) { ops::PlanRetentionJob(tx, clock_); });
    clock_.Set(*common::ParseInstant("2026-12-03T17:59:00.000Z"));  // 02:59 JST on the 4th
    EXPECT_EQ(runner.RunDue(), 0);
    EXPECT_EQ(One("SELECT COUNT(*) FROM message"), 2);
    clock_.Set(*common::ParseInstant("2026-12-03T18:00:30.000Z"));
    EXPECT_EQ(runner.RunDue(), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM message"), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM job WHERE kind = 'retention.sweep' AND state = 'queued'"), 1);
    EXPECT_EQ(Text("SELECT run_at FROM job WHERE kind = 'retention.sweep' AND state = 'queued'").substr(0, 10),
              "2026-12-04");  // 18:00 UTC, 03:00 JST on the 5th
}

TEST_P(Retention, TheCommandListsRefusesAndRuns) {
    if (!std::filesystem::exists(testing_support::ServerProcess::Binary()))
        GTEST_SKIP() << "no tadaima binary beside this test binary";
    auto list = Tadaima("retention");
    EXPECT_EQ(list.status, 0) << list.output;
    EXPECT_NE(list.output.find("attendance: 60 months (default)"), std::string::npos) << list.output;
    EXPECT_NE(list.output.find("nothing changed"), std::string::npos) << list.output;
    for (const char* bad :
         {"retention set plans 5", "retention set children 24", "retention set plans many", "retention remove"}) {
        auto r = Tadaima(bad);
        EXPECT_EQ(r.status, 1) << bad;
        EXPECT_NE(r.output.find("tadaima: "), std::string::npos) << r.output;
    }
    EXPECT_NE(Tadaima("retention set plans 5").output.find("plans is kept 13 to 1200 months"), std::string::npos);
    EXPECT_EQ(One("SELECT COUNT(*) FROM retention_setting"), 0);
    auto set = Tadaima("retention set notifications 24");
    EXPECT_EQ(set.status, 0) << set.output;
    EXPECT_NE(set.output.find("notifications: 24 months,"), std::string::npos) << set.output;
    auto run = Tadaima("retention run");
    EXPECT_EQ(run.status, 0) << run.output;
    EXPECT_NE(run.output.find("retention run: "), std::string::npos) << run.output;
    // The command's clock is today's (3 December 2026 or later): the message of 2022 has passed its 36 months.
    EXPECT_EQ(One("SELECT COUNT(*) FROM message WHERE send_at < '2023-01-01'"), 0);
}

INSTANTIATE_TEST_SUITE_P(Both, Retention, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

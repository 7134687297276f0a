// Nap checks through the whole application on SQLite and PostgreSQL: a class's children laid down, checked in one tap
// (several at once), a 0-year-old's check overdue after six minutes recorded by the sweep with no screen open and
// sent to an open class screen's stream, face down warned, a check for a child not asleep refused with nothing kept,
// waking, and another site's staff refused.
#include "naps/naps.hpp"

#include "harness.hpp"
#include "jobs/jobs.hpp"

namespace {

using testing_support::AppTest;

class Naps : public AppTest {
 protected:
    void SetUp() override {
        AppTest::SetUp();
        SeedSmallCity(3, 18);  // site 3 is a nursery
        clock_.Set(At("12:25"));
        // The youngest child (a 0歳児) and the oldest at the nursery.
        baby_ =
            common::ChildId(One("SELECT c.id FROM child c JOIN child_placement p ON p.child_id = c.id AND "
                                "p.site_id = 3 ORDER BY c.birth_date DESC, c.id LIMIT 1"));
        older_ =
            common::ChildId(One("SELECT c.id FROM child c JOIN child_placement p ON p.child_id = c.id AND "
                                "p.site_id = 3 ORDER BY c.birth_date, c.id LIMIT 1"));
        // Born in May: a 0歳児 this school year.
        database().Write(
            [&](db::WriteTx& tx) { tx.Exec("UPDATE child SET birth_date = '2026-05-01' WHERE id = ?", baby_); });
        SignIn("staff3", "tadaima-demo");
        for (auto child : {baby_, older_}) {
            Get("/children/" + child.ToString() + "/attendance");
            auto in = Post("/children/" + child.ToString() + "/attendance", {{"direction", "in"}, {"time", "08:00"}});
            ASSERT_EQ(in.status, 303) << in.body;
        }
    }
    static common::Instant At(const char* time) {
        return common::TokyoInstant(*common::ParseDate("2026-12-04"), *common::ParseTimeOfDay(time));
    }
    Result Tap(const std::string& action, std::vector<std::pair<std::string, std::string>> form) {
        Get("/sites/3/naps");
        return Post("/sites/3/naps/" + action, std::move(form));
    }
    std::int64_t Checks() { return One("SELECT COUNT(*) FROM nap_check"); }
    common::ChildId baby_, older_;
};

TEST_P(Naps, AClassIsLaidDownAndCheckedInOneTapEachAndWakes) {
    EXPECT_EQ(Tap("start", {}).status, 422);  // nobody chosen
    auto start = Tap("start", {{"child", baby_.ToString()}, {"child", older_.ToString()}});
    ASSERT_EQ(start.status, 303) << start.body;
    EXPECT_EQ(One("SELECT COUNT(*) FROM nap WHERE ended_at IS NULL"), 2);
    // The interval is the age class's: 5 minutes for the 0歳児, 15 for the oldest.
    EXPECT_EQ(One("SELECT interval_minutes FROM nap WHERE child_id = " + baby_.ToString()), 5);
    EXPECT_EQ(One("SELECT interval_minutes FROM nap WHERE child_id = " + older_.ToString()), 15);
    // A second tablet's start of the same child does nothing more.
    ASSERT_EQ(Tap("start", {{"child", baby_.ToString()}}).status, 303);
    EXPECT_EQ(One("SELECT COUNT(*) FROM nap"), 2);
    auto page = Get("/sites/3/naps");
    EXPECT_NE(page.body.find("data-due=\""), std::string::npos);
    EXPECT_NE(page.body.find("12:30"), std::string::npos);  // the baby's first check is due at 12:30

    clock_.Set(At("12:29"));
    // Both children at once, on their backs: one tap.
    ASSERT_EQ(Tap("check", {{"child", baby_.ToString()}, {"child", older_.ToString()}, {"position", "back"}}).status,
              303);
    EXPECT_EQ(Checks(), 2);
    EXPECT_EQ(One("SELECT COUNT(*) FROM nap_check WHERE late = 0 AND breathing_ok = 1 AND complexion_ok = 1"), 2);
    // An unknown position, or nobody chosen: refused, nothing kept.
    EXPECT_EQ(Tap("check", {{"child", baby_.ToString()}, {"position", "upside"}}).status, 422);
    EXPECT_EQ(Tap("check", {{"position", "back"}}).status, 422);
    EXPECT_EQ(Checks(), 2);
    // Face down is recorded and warned at once.
    clock_.Set(At("12:33"));
    auto front = Tap("check", {{"child", baby_.ToString()}, {"position", "front"}});
    ASSERT_EQ(front.status, 303);
    EXPECT_NE(front.location.find("done=face_down"), std::string::npos);
    EXPECT_NE(Get(front.location).body.find("data-qa=\"nap-face-down\""), std::string::npos);
    // The older child wakes; a check for it now is refused with nothing recorded, even alongside a sleeping one.
    clock_.Set(At("12:40"));
    ASSERT_EQ(Tap("wake", {{"child", older_.ToString()}}).status, 303);
    EXPECT_EQ(Tap("check", {{"child", baby_.ToString()}, {"child", older_.ToString()}, {"position", "back"}}).status,
              422);
    EXPECT_EQ(Checks(), 3);
    EXPECT_EQ(Tap("wake", {{"child", older_.ToString()}}).status, 422);
    auto after = Get("/sites/3/naps");
    EXPECT_NE(after.body.find("data-qa=\"nap-woke\""), std::string::npos);
    // The nap as recorded fills the child's contact notebook, for the carer to save with the rest.
    auto notebook = Get("/children/" + older_.ToString() + "/notebook");
    EXPECT_NE(notebook.body.find("name=\"nap_start\" type=\"time\" value=\"12:25\""), std::string::npos);
    EXPECT_NE(notebook.body.find("name=\"nap_end\" type=\"time\" value=\"12:40\""), std::string::npos);
    // And its health record, with the face-down check of the baby counted.
    auto health = Get("/children/" + older_.ToString() + "/health");
    EXPECT_NE(health.body.find("data-qa=\"health-nap-list\""), std::string::npos);
    EXPECT_NE(health.body.find("12:25〜12:40"), std::string::npos);
    EXPECT_NE(Get("/children/" + baby_.ToString() + "/health").body.find("うつぶせ 1回"), std::string::npos);
    EXPECT_EQ(AuditCount("nap.check"), 3);
    EXPECT_EQ(AuditCount("nap.start"), 2);
    EXPECT_EQ(AuditCount("nap.end"), 1);
}

TEST_P(Naps, AZeroYearOldsCheckOverdueAfterSixMinutesIsRecordedByTheSweepAndReachesAnOpenScreen) {
    ASSERT_EQ(Tap("start", {{"child", baby_.ToString()}}).status, 303);
    auto position = One("SELECT MAX(seq) FROM live_event WHERE site_id = 3");
    auto stream = Get("/sites/3/roster/events?after=" + std::to_string(position));
    ASSERT_TRUE(stream.raw.events) << stream.status;
    stream.raw.events->Take();  // the retry line
    auto sweep = [&] {
        database().Write([&](db::WriteTx& tx) { jobs::PlanRecurring(tx, "naps.sweep", clock_.Now(), clock_); });
        RunJobs();
    };
    // Five minutes in, the check is due but not late: nothing recorded.
    clock_.Set(At("12:30"));
    sweep();
    EXPECT_EQ(One("SELECT COUNT(*) FROM nap_overdue"), 0);
    // Six minutes in, nobody has looked: the sweep records it, once, and the open screen hears of it.
    clock_.Set(At("12:31"));
    sweep();
    EXPECT_EQ(One("SELECT COUNT(*) FROM nap_overdue"), 1);
    sweep();
    EXPECT_EQ(One("SELECT COUNT(*) FROM nap_overdue"), 1);
    auto heard = stream.raw.events->Take().data;
    EXPECT_NE(heard.find("event: nap"), std::string::npos) << heard;
    EXPECT_NE(heard.find("\"child\":" + baby_.ToString() + ",\"change\":\"overdue\""), std::string::npos) << heard;
    // The page shows it red; the check that finally comes is kept as late, and the missed due stays recorded.
    auto page = Get("/sites/3/naps");
    EXPECT_NE(page.body.find("nap-overdue"), std::string::npos);
    EXPECT_NE(page.body.find("data-qa=\"nap-overdue-banner\""), std::string::npos);
    clock_.Set(At("12:32"));
    ASSERT_EQ(Tap("check", {{"child", baby_.ToString()}, {"position", "back"}}).status, 303);
    EXPECT_EQ(One("SELECT late FROM nap_check"), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM nap_overdue"), 1);
    EXPECT_NE(Get("/sites/3/naps").body.find("data-qa=\"nap-missed\""), std::string::npos);
}

TEST_P(Naps, ANapWhoseWakingNobodyRecordedEndsAtItsLastCheckAndDoesNotKeepTheChildAsleepTheNextDay) {
    ASSERT_EQ(Tap("start", {{"child", baby_.ToString()}}).status, 303);
    clock_.Set(At("12:29"));
    ASSERT_EQ(Tap("check", {{"child", baby_.ToString()}, {"position", "back"}}).status, 303);
    // The next day at 12:25: nobody pressed 起きた yesterday.
    clock_.Set(common::TokyoInstant(*common::ParseDate("2026-12-05"), *common::ParseTimeOfDay("12:25")));
    cookies_.clear();
    SignIn("staff3", "tadaima-demo");  // a new day's session
    Get("/children/" + baby_.ToString() + "/attendance");
    ASSERT_EQ(Post("/children/" + baby_.ToString() + "/attendance", {{"direction", "in"}, {"time", "08:00"}}).status,
              303);
    // A check for yesterday's nap is not taken: the child is not asleep today.
    EXPECT_EQ(Tap("check", {{"child", baby_.ToString()}, {"position", "back"}}).status, 422);
    EXPECT_EQ(Checks(), 1);
    // Laid down today: yesterday's nap ends when someone last saw the child asleep, with no waker; today's starts.
    ASSERT_EQ(Tap("start", {{"child", baby_.ToString()}}).status, 303);
    EXPECT_EQ(database().Read([&](db::ReadTx& tx) {
        return common::CanonicalInstant(tx.QueryOne("SELECT ended_at FROM nap WHERE nap_date = '2026-12-04'").Text(0));
    }),
              common::FormatInstant(At("12:29")));
    EXPECT_EQ(One("SELECT COUNT(*) FROM nap WHERE ended_by IS NULL AND ended_at IS NOT NULL"), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM nap WHERE nap_date = '2026-12-05' AND ended_at IS NULL"), 1);
    EXPECT_NE(Get("/sites/3/naps").body.find("data-qa=\"nap-row\""), std::string::npos);
}

TEST_P(Naps, TheSweepEndsAForgottenNapAndRecordsNothingForItOnTheNextDay) {
    ASSERT_EQ(Tap("start", {{"child", baby_.ToString()}}).status, 303);
    clock_.Set(common::TokyoInstant(*common::ParseDate("2026-12-05"), *common::ParseTimeOfDay("09:00")));
    EXPECT_EQ(naps::RecordOverdue(database(), clock_), 0);
    EXPECT_EQ(One("SELECT COUNT(*) FROM nap WHERE ended_at IS NULL"), 0);
    EXPECT_EQ(One("SELECT COUNT(*) FROM nap_overdue"), 0);
}

TEST_P(Naps, TheDaysRecordPrintsAsTheGridInspectorsReadWithTheMissedCheckCrossed) {
    ASSERT_EQ(Tap("start", {{"child", baby_.ToString()}}).status, 303);
    // The child's name as the page shows it, to find its row on paper.
    auto page = Get("/sites/3/naps").body;
    auto at = page.find("<label for=\"nap-pick-" + baby_.ToString() + "\"><strong>");
    ASSERT_NE(at, std::string::npos);
    at = page.find("<strong>", at) + 8;
    const std::string name = page.substr(at, page.find("</strong>", at) - at);
    clock_.Set(At("12:29"));
    ASSERT_EQ(Tap("check", {{"child", baby_.ToString()}, {"position", "back"}}).status, 303);
    // Due at 12:34; nobody looks till 12:41: late, and the due stays missed.
    clock_.Set(At("12:41"));
    ASSERT_EQ(Tap("check", {{"child", baby_.ToString()}, {"position", "left"}}).status, 303);
    clock_.Set(At("12:44"));
    ASSERT_EQ(Tap("wake", {{"child", baby_.ToString()}}).status, 303);

    auto pdf = Get("/sites/3/naps/grid?date=2026-12-04");
    ASSERT_EQ(pdf.status, 200);
    EXPECT_EQ(pdf.raw.content_type, "application/pdf");
    const auto text = testing_support::PdfText(pdf.body);
    EXPECT_NE(text.find("午睡チェック表"), std::string::npos) << text;
    EXPECT_NE(text.find("さくら保育園"), std::string::npos) << text;
    EXPECT_NE(text.find(name), std::string::npos) << text;
    EXPECT_NE(text.find("0歳児"), std::string::npos) << text;
    // Columns every five minutes (the 0歳児's interval) from 12:25; the marks with the checker's initials below.
    for (const char* column : {"12:25", "12:30", "12:40"}) EXPECT_NE(text.find(column), std::string::npos) << column;
    EXPECT_NE(text.find("仰"), std::string::npos) << text;
    EXPECT_NE(text.find("左"), std::string::npos) << text;
    EXPECT_NE(text.find("さく"), std::string::npos) << text;  // さくら職員3's initials
    EXPECT_NE(text.find("×"), std::string::npos) << text;     // the due at 12:34 that passed unchecked
    EXPECT_EQ(AuditCount("nap.print"), 1);
    // In English, with English marks.
    Get("/lang/en?next=/");
    auto en = testing_support::PdfText(Get("/sites/3/naps/grid?date=2026-12-04").body);
    EXPECT_NE(en.find("Nap check sheet"), std::string::npos) << en;
    Get("/lang/ja?next=/");
    // A day without naps says so; a day to come, a class of another site, a broken class: refused.
    auto empty = Get("/sites/3/naps/grid?date=2026-12-01");
    ASSERT_EQ(empty.status, 200);
    EXPECT_NE(testing_support::PdfText(empty.body).find("この日の午睡の記録はありません"), std::string::npos);
    EXPECT_EQ(Get("/sites/3/naps/grid?date=2026-12-05").status, 422);
    const auto other_group = One("SELECT MIN(id) FROM child_group WHERE site_id = 1");
    EXPECT_EQ(Get("/sites/3/naps/grid?group=" + std::to_string(other_group)).status, 404);
    EXPECT_EQ(Get("/sites/3/naps/grid?group=x").status, 400);
    EXPECT_EQ(Get("/sites/1/naps/grid").status, 404);  // a 学童 keeps no naps
    cookies_.clear();
    SignIn("staff1", "tadaima-demo");
    EXPECT_EQ(Get("/sites/3/naps/grid?date=2026-12-04").status, 404);
}

TEST_P(Naps, AnotherSitesStaffAndAChildOfAnotherSiteAreRefused) {
    const auto elsewhere = One("SELECT MIN(child_id) FROM child_placement WHERE site_id = 1");
    EXPECT_EQ(Tap("start", {{"child", std::to_string(elsewhere)}}).status, 403);  // rights: not placed here
    EXPECT_EQ(One("SELECT COUNT(*) FROM nap"), 0);
    cookies_.clear();
    SignIn("staff1", "tadaima-demo");
    EXPECT_EQ(Get("/sites/3/naps").status, 404);  // another site does not exist for them
    Get("/");
    EXPECT_EQ(Post("/sites/3/naps/start", {{"child", baby_.ToString()}}).status, 404);
    // A 学童 keeps no naps.
    EXPECT_EQ(Get("/sites/1/naps").status, 404);
    EXPECT_EQ(One("SELECT COUNT(*) FROM nap"), 0);
}

TEST_P(Naps, TheHeadOfTheNurseryChoosesTheIntervalsANewNapTakes) {
    cookies_.clear();
    SignIn("manager3", "tadaima-demo");
    auto with = [&](const char* age0, const char* age12, const char* age3) {
        auto form = NotebookSettingsForm(3);
        form.insert(form.end(), {{"nap_age0", age0}, {"nap_age12", age12}, {"nap_age3", age3}});
        return Post("/sites/3/notebook/settings", form).status;
    };
    // A younger class checked less often than an older one, or over 30 minutes: refused, nothing kept; the page says
    // why beside the intervals and keeps what was typed.
    auto form = NotebookSettingsForm(3);
    form.insert(form.end(), {{"nap_age0", "20"}, {"nap_age12", "10"}, {"nap_age3", "15"}});
    auto refused = Post("/sites/3/notebook/settings", form);
    EXPECT_EQ(refused.status, 422);
    EXPECT_NE(refused.body.find("data-qa=\"nap-intervals-error\">午睡チェックの間隔は1〜30分で"), std::string::npos)
        << refused.body;
    EXPECT_NE(refused.body.find("name=\"nap_age0\" type=\"number\" min=\"1\" max=\"30\" inputmode=\"numeric\" "
                                "size=\"3\" value=\"20\""),
              std::string::npos);
    EXPECT_NE(refused.body.find("aria-invalid=\"true\""), std::string::npos);
    EXPECT_NE(refused.body.find("<h1>連絡帳・発熱・午睡の設定"), std::string::npos);
    EXPECT_EQ(with("5", "10", "45"), 422);
    EXPECT_EQ(One("SELECT COUNT(*) FROM nap_setting"), 0);
    ASSERT_EQ(with("3", "8", "15"), 303);
    ASSERT_EQ(Tap("start", {{"child", baby_.ToString()}}).status, 303);
    EXPECT_EQ(One("SELECT interval_minutes FROM nap"), 3);
    EXPECT_NE(Get("/sites/3/naps").body.find("12:28"), std::string::npos);  // due three minutes after 12:25
}

INSTANTIATE_TEST_SUITE_P(Db, Naps, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

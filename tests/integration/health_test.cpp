// A nursery's health records through the whole application on SQLite and PostgreSQL: a temperature check with a
// fever flags the child on the class's day, growth draws its chart, an infection warns the class without naming the
// child, two tablets saving the child's record never overwrite each other, what is refused leaves nothing, and
// everything is sealed at rest.
#include "health/health.hpp"

#include "auth/passwords.hpp"
#include "families/families.hpp"
#include "harness.hpp"

namespace {

using testing_support::AppTest;

class Health : public AppTest {
 protected:
    void SetUp() override {
        AppTest::SetUp();
        SeedSmallCity(3, 18);  // site 3 is a nursery
        clock_.Set(common::TokyoInstant(*common::ParseDate("2026-12-04"), *common::ParseTimeOfDay("10:30")));
        baby_ = common::ChildId(One("SELECT MIN(child_id) FROM child_placement WHERE site_id = 3"));
        name_ = database().Read([&](db::ReadTx& tx) {
            return tx.QueryOne("SELECT family_name || ' ' || given_name FROM child WHERE id = ?", baby_).Text(0);
        });
    }
    std::string Page() { return "/children/" + baby_.ToString() + "/health"; }
    Result Entry(const std::string& kind, std::vector<std::pair<std::string, std::string>> form) {
        Get(Page());
        return Post(Page() + "/" + kind, std::move(form));
    }
    std::int64_t Entries() { return One("SELECT COUNT(*) FROM health_entry"); }
    common::ChildId baby_;
    std::string name_;
};

TEST_P(Health, AFeverMeasuredByStaffFlagsTheChildOnTheClasssDayAndIsSealed) {
    SignIn("staff3", "tadaima-demo");
    auto hot = Entry("temperature", {{"temperature", "45"}, {"time", "10:00"}});
    EXPECT_EQ(hot.status, 422);
    EXPECT_NE(hot.body.find("34.0〜42.0"), std::string::npos);
    EXPECT_EQ(Entry("temperature", {{"temperature", "36.8"}, {"time", "11:00"}}).status, 422);  // still to come
    EXPECT_EQ(Entry("temperature", {{"temperature", "熱"}, {"time", "10:00"}}).status, 422);
    EXPECT_EQ(Entries(), 0);
    auto ok = Entry("temperature", {{"temperature", "３８．２"}, {"time", "10:15"}});  // as a Japanese keyboard types
    ASSERT_EQ(ok.status, 303) << ok.body;
    EXPECT_EQ(One("SELECT COUNT(*) FROM health_entry WHERE sealed LIKE 'enc:v1:%' AND kind = 'temperature'"), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM health_entry WHERE sealed LIKE '%382%'"), 0);
    auto page = Get(Page());
    EXPECT_NE(page.body.find("data-qa=\"health-fever\">38.2℃"), std::string::npos);
    auto cls = Get("/sites/3/notebook");
    EXPECT_NE(cls.body.find("園で発熱 38.2℃（10:15）"), std::string::npos);
    // The child is the first on the list, with something to notice.
    EXPECT_LT(cls.body.find("data-child=\"" + baby_.ToString() + "\""), cls.body.find("data-qa=\"nb-row\"") + 200);
    EXPECT_EQ(AuditCount("health.temperature"), 1);
    EXPECT_GE(AuditCount("health.view"), 1);
}

TEST_P(Health, GrowthDrawsItsChartAndAnInfectionWarnsTheClassWithoutNamingTheChild) {
    SignIn("staff3", "tadaima-demo");
    EXPECT_EQ(Entry("growth", {{"date", "2026-12-04"}, {"height", "200"}, {"weight", "11.2"}}).status, 422);
    EXPECT_EQ(Entry("growth", {{"date", "2026-12-05"}, {"height", "85"}}).status, 422);  // a day to come
    EXPECT_EQ(Entry("growth", {{"date", "2026-12-04"}}).status, 422);                    // nothing measured
    EXPECT_EQ(Entries(), 0);
    ASSERT_EQ(Entry("growth", {{"date", "2026-06-01"}, {"height", "78.0"}, {"weight", "10.1"}}).status, 303);
    ASSERT_EQ(Entry("growth", {{"date", "2026-12-04"}, {"height", "85.3"}, {"weight", "11.25"}}).status, 303);
    auto page = Get(Page());
    EXPECT_NE(page.body.find("<svg xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
    EXPECT_NE(page.body.find("85.3 cm"), std::string::npos);
    EXPECT_NE(page.body.find("11.25 kg"), std::string::npos);

    EXPECT_EQ(Entry("illness", {{"disease", "influenza"}, {"onset", "2026-12-05"}}).status, 422);
    EXPECT_EQ(Entry("illness", {{"disease", "cold"}, {"onset", "2026-12-03"}}).status, 422);
    ASSERT_EQ(Entry("illness", {{"disease", "influenza"}, {"onset", "2026-12-03"}, {"note", "38℃台"}}).status, 303);
    auto cls = Get("/sites/3/notebook");
    auto start = cls.body.find("data-qa=\"health-warnings\"");
    ASSERT_NE(start, std::string::npos);
    const auto warning = cls.body.substr(start, cls.body.find("</div>", start) - start);
    EXPECT_NE(warning.find("インフルエンザ 1人"), std::string::npos) << warning;
    EXPECT_EQ(warning.find(name_), std::string::npos) << warning;
    // On the child's own page the illness shows as current (the child stays home).
    EXPECT_NE(Get(Page()).body.find("出席停止中"), std::string::npos);
    // After its usual days, the class is no longer warned.
    clock_.Set(common::TokyoInstant(*common::ParseDate("2026-12-12"), *common::ParseTimeOfDay("09:00")));
    EXPECT_EQ(Get("/sites/3/notebook").body.find("data-qa=\"health-warnings\""), std::string::npos);
}

TEST_P(Health, TwoTabletsSavingTheRecordNeverOverwriteEachOtherAndTheAllergyIsShownFirst) {
    SignIn("staff3", "tadaima-demo");
    Get(Page());
    auto first = Post(Page() + "/record", {{"version", "0"},
                                           {"allergies", "卵（加熱もの不可）"},
                                           {"doctor", "さくら小児科"},
                                           {"doctor_phone", "03-0000-1234"}});
    ASSERT_EQ(first.status, 303) << first.body;
    // The second tablet still shows version 0.
    auto second = Post(Page() + "/record", {{"version", "0"}, {"allergies", "なし"}, {"doctor", ""}});
    EXPECT_EQ(second.status, 409);
    EXPECT_NE(second.body.find("卵（加熱もの不可）"), std::string::npos);  // theirs
    EXPECT_NE(second.body.find(">なし</textarea>"), std::string::npos);    // mine, to save again
    EXPECT_EQ(One("SELECT version FROM child_health"), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM child_health WHERE record_sealed LIKE '%卵%'"), 0);
    auto page = Get(Page());
    EXPECT_NE(page.body.find("data-qa=\"health-allergies\""), std::string::npos);
    EXPECT_LT(page.body.find("data-qa=\"health-allergies\""), page.body.find("data-qa=\"health-temperature\""));
    auto long_text = Post(Page() + "/record", {{"version", "1"}, {"allergies", std::string(1200, 'a')}});
    EXPECT_EQ(long_text.status, 422);
    EXPECT_EQ(One("SELECT version FROM child_health"), 1);
    EXPECT_EQ(AuditCount("health.record"), 1);
}

TEST_P(Health, StaffOfAnotherSiteAndAGakudoSeeNothing) {
    SignIn("staff1", "tadaima-demo");
    EXPECT_EQ(Get(Page()).status, 404);
    Get("/");
    EXPECT_EQ(Post(Page() + "/temperature", {{"temperature", "36.5"}, {"time", "09:00"}}).status, 404);
    EXPECT_EQ(Post(Page() + "/record", {{"version", "0"}, {"allergies", "x"}}).status, 404);
    EXPECT_EQ(Entries() + One("SELECT COUNT(*) FROM child_health"), 0);
    // A 学童's child has no health record here, even for the city.
    cookies_.clear();
    SignIn("admin", "tadaima-demo");
    const auto gakudo = One("SELECT MIN(child_id) FROM child_placement WHERE site_id = 1");
    EXPECT_EQ(Get("/children/" + std::to_string(gakudo) + "/health").status, 404);
    EXPECT_EQ(Post(Page() + "/vaccination", {}).status, 404);  // no such kind
}

TEST_P(Health, AFamilyReportsAnIllnessThatStaffSeeAndThatWarnsTheClass) {
    database().Write([&](db::WriteTx& tx) {
        auto mum = families::CreateConfirmedAccount(tx, "ill@example.test", "病気 花子",
                                                    auth::HashPassword("an illness passphrase"), "ja", clock_);
        families::LinkChild(tx, mum, baby_, auth::FamilyRole::kFull, clock_);
        auto gran = families::CreateConfirmedAccount(tx, "illgran@example.test", "病気 祖母",
                                                     auth::HashPassword("an illness passphrase"), "ja", clock_);
        families::LinkChild(tx, gran, baby_, auth::FamilyRole::kFamily, clock_);
    });
    const std::string page = "/family/children/" + baby_.ToString() + "/illness";
    const std::string health = "/family/children/" + baby_.ToString() + "/health";
    SignInGuardian("ill@example.test", "an illness passphrase");
    EXPECT_NE(Get("/family").body.find(health), std::string::npos);
    EXPECT_NE(Get(health).body.find(page), std::string::npos);
    ASSERT_EQ(Get(page).status, 200);
    auto bad = Post(page, {{"disease", "influenza"}, {"onset", "2026-12-03"}, {"until", "2026-12-01"}});
    EXPECT_EQ(bad.status, 422);
    EXPECT_NE(bad.body.find("発症日以降で60日以内"), std::string::npos);
    EXPECT_EQ(Post(page, {{"disease", "influenza"}, {"onset", "2026-12-05"}}).status, 422);  // tomorrow
    EXPECT_EQ(Entries(), 0);
    auto sent = Post(page, {{"disease", "gastroenteritis"}, {"onset", "2026-12-04"}, {"note", "嘔吐 2回"}});
    ASSERT_EQ(sent.status, 303) << sent.body;
    EXPECT_EQ(One("SELECT COUNT(*) FROM health_entry WHERE reported_by_account IS NOT NULL AND recorded_by IS NULL"),
              1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM health_entry WHERE sealed LIKE '%gastro%' OR sealed LIKE '%嘔吐%'"), 0);
    EXPECT_NE(Get(page).body.find("感染性胃腸炎"), std::string::npos);
    // A family member who may not report absences may not report this either.
    cookies_.clear();
    SignInGuardian("illgran@example.test", "an illness passphrase");
    EXPECT_EQ(Get(page).status, 403);
    auto read = Get(health);  // they read the child's health, without the way to report
    EXPECT_EQ(read.status, 200);
    EXPECT_NE(read.body.find("感染性胃腸炎"), std::string::npos);
    EXPECT_EQ(read.body.find(page), std::string::npos);
    // Staff see it on the child's page, from the family; the class is warned.
    cookies_.clear();
    SignIn("staff3", "tadaima-demo");
    auto staff_page = Get(Page());
    EXPECT_NE(staff_page.body.find("嘔吐 2回"), std::string::npos);
    EXPECT_NE(staff_page.body.find("保護者から"), std::string::npos);
    EXPECT_NE(Get("/sites/3/notebook").body.find("感染性胃腸炎（ノロ・ロタなど） 1人"), std::string::npos);
}

TEST_P(Health, ANurseryThatChoosesToTellsTheFamilyOfTheDaysFirstFeverWithoutTheValueInTheMail) {
    database().Write([&](db::WriteTx& tx) {
        auto dad = families::CreateConfirmedAccount(tx, "fever@example.test", "高木 太郎",
                                                    auth::HashPassword("a fever passphrase"), "ja", clock_);
        families::LinkChild(tx, dad, baby_, auth::FamilyRole::kFull, clock_);
        families::CreateConfirmedAccount(tx, "other@example.test", "他人 次郎",
                                         auth::HashPassword("a fever passphrase"), "ja", clock_);
    });
    auto health_notices = [&] { return One("SELECT COUNT(*) FROM notification WHERE kind = 'health'"); };
    SignIn("staff3", "tadaima-demo");
    // The site has not chosen: staff see the fever, nobody is told.
    ASSERT_EQ(Entry("temperature", {{"temperature", "38.0"}, {"time", "09:30"}}).status, 303);
    EXPECT_EQ(health_notices(), 0);

    // The head of the nursery chooses 38.0 °C on the notebook's settings (a choice that is not one: refused).
    cookies_.clear();
    SignIn("manager3", "tadaima-demo");
    ASSERT_NE(Get("/sites/3/notebook/settings").body.find("data-qa=\"fever-notice\""), std::string::npos);
    auto form = NotebookSettingsForm(3);
    auto odd = form;
    odd.emplace_back("fever_notice", "390");
    auto refused = Post("/sites/3/notebook/settings", odd);
    EXPECT_EQ(refused.status, 422);
    EXPECT_NE(refused.body.find("data-qa=\"fever-notice-error\""), std::string::npos);  // beside its choices
    EXPECT_EQ(One("SELECT COUNT(*) FROM health_setting"), 0);
    form.emplace_back("fever_notice", "380");
    ASSERT_EQ(Post("/sites/3/notebook/settings", form).status, 303);
    EXPECT_NE(
        Get("/sites/3/notebook/settings").body.find("value=\"380\" aria-describedby=\"fever-notice-hint\" checked"),
        std::string::npos);

    // Under the chosen temperature: not told; the first at or over it: told, once that day.
    cookies_.clear();
    SignIn("staff3", "tadaima-demo");
    ASSERT_EQ(Entry("temperature", {{"temperature", "37.8"}, {"time", "10:00"}}).status, 303);
    EXPECT_EQ(health_notices(), 0);
    auto told = Entry("temperature", {{"temperature", "38.2"}, {"time", "10:15"}});
    ASSERT_EQ(told.status, 303);
    EXPECT_NE(told.location.find("done=told"), std::string::npos);
    EXPECT_EQ(health_notices(), 1);
    EXPECT_EQ(One("SELECT urgent FROM notification WHERE kind = 'health'"), 1);
    ASSERT_EQ(Entry("temperature", {{"temperature", "38.6"}, {"time", "10:25"}}).status, 303);
    EXPECT_EQ(health_notices(), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM health_entry WHERE told_family_at IS NOT NULL"), 1);
    EXPECT_NE(Get(Page()).body.find("data-qa=\"health-told\""), std::string::npos);
    EXPECT_NE(Get("/sites/3/notebook").body.find("data-qa=\"nb-fever-told\""), std::string::npos);

    // The mail says there is news of the child's health, not what it is.
    RunJobs();
    auto mails = MailsTo("fever@example.test");
    ASSERT_EQ(mails.size(), 1u);
    EXPECT_NE(mails[0].body.find("体調についてお知らせがあります"), std::string::npos) << mails[0].body;
    EXPECT_EQ(mails[0].body.find("38."), std::string::npos) << mails[0].body;
    EXPECT_EQ(mails[0].body.find("発熱"), std::string::npos) << mails[0].body;
    // Signed in, the family reads the value on the notice and the nursery's checks on the child's health page.
    cookies_.clear();
    SignInGuardian("fever@example.test", "a fever passphrase");
    const auto copy =
        One("SELECT r.id FROM notification_recipient r JOIN notification n ON n.id = r.notification_id "
            "WHERE n.kind = 'health'");
    auto notice = Get("/family/inbox/" + std::to_string(copy));
    ASSERT_EQ(notice.status, 200);
    EXPECT_NE(notice.body.find("園で発熱 38.2℃（10:15）"), std::string::npos);
    const std::string health = "/family/children/" + baby_.ToString() + "/health";
    EXPECT_NE(notice.body.find(health), std::string::npos);
    auto page = Get(health);
    EXPECT_NE(page.body.find("38.6℃"), std::string::npos);
    EXPECT_NE(page.body.find("37.8℃"), std::string::npos);
    // Another family: neither the page nor the notice.
    cookies_.clear();
    SignInGuardian("other@example.test", "a fever passphrase");
    EXPECT_EQ(Get(health).status, 404);
    EXPECT_EQ(Get("/family/inbox/" + std::to_string(copy)).status, 404);
}

INSTANTIATE_TEST_SUITE_P(Db, Health, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

// The contact notebook through the whole application on SQLite and PostgreSQL: the family's side with its rules,
// the class's day with what to notice, the nursery side on two tablets at once, publishing and the family's notice.
#include "notebook/notebook.hpp"
#include <regex>

#include "auth/passwords.hpp"
#include "families/families.hpp"
#include "harness.hpp"
#include "ops/export.hpp"

namespace {

using testing_support::AppTest;

class Notebook : public AppTest {
 protected:
    void SetUp() override {
        AppTest::SetUp();
        SeedSmallCity(3, 18);  // site 3 is a nursery, site 1 a 学童
        SetTokyo("2026-11-24", "07:30");
        // A one-year-old at the nursery (the first seeded child there), with a full guardian and a grandmother.
        baby_ = common::ChildId(One("SELECT MIN(child_id) FROM child_placement WHERE site_id = 3"));
        database().Write([&](db::WriteTx& tx) {
            tx.Exec("UPDATE child SET birth_date = '2025-03-10' WHERE id = ?", baby_);
            auto mum = families::CreateConfirmedAccount(tx, "nb@example.test", "連絡 花子",
                                                        auth::HashPassword("a notebook passphrase"), "ja", clock_);
            families::LinkChild(tx, mum, baby_, auth::FamilyRole::kFull, clock_);
            auto grandma = families::CreateConfirmedAccount(tx, "nbgran@example.test", "連絡 祖母",
                                                            auth::HashPassword("a notebook passphrase"), "ja", clock_);
            families::LinkChild(tx, grandma, baby_, auth::FamilyRole::kFamily, clock_);
        });
    }
    void SetTokyo(const char* date, const char* hhmm) {
        clock_.Set(common::TokyoInstant(*common::ParseDate(date), *common::ParseTimeOfDay(hhmm)));
    }
    std::string Page() { return "/children/" + baby_.ToString() + "/notebook"; }
    std::string FamilyPage() { return "/family/children/" + baby_.ToString() + "/notebook"; }
    static std::vector<std::pair<std::string, std::string>> Home(const std::string& temperature = "36.6") {
        return {{"version", "0"},       {"temperature", temperature}, {"temperature_time", "07:00"},
                {"bed_time", "20:30"},  {"wake_time", "06:30"},       {"breakfast", "half"},
                {"bowel_count", "1"},   {"bowel_state", "normal"},    {"mood", "good"},
                {"medicine", "咳止め"}, {"note", "ひみつの連絡メモ"}};
    }
    std::int64_t Pages() { return One("SELECT COUNT(*) FROM notebook_entry"); }
    // A whole nursery side (what a one-year-old's page needs to be published), on `version`, with `episode`.
    static std::vector<std::pair<std::string, std::string>> Day(const std::string& version, const std::string& lunch,
                                                                const std::string& episode = "") {
        return {{"version", version}, {"lunch", lunch}, {"nap_start", "12:30"}, {"nap_end", "14:00"},
                {"bowel_count", "0"}, {"mood", "good"}, {"episode", episode}};
    }
    common::ChildId baby_;
};

TEST_P(Notebook, TheFamilysSideIsCheckedByTheRulesForTheChildsAgeAndNothingIsSavedWhenRefused) {
    SignInGuardian("nb@example.test", "a notebook passphrase");
    ASSERT_EQ(Get(FamilyPage()).status, 200);
    // Under three, the day's items are required.
    auto empty = Post(FamilyPage(), {{"version", "0"}, {"note", "のみ"}});
    EXPECT_EQ(empty.status, 422);
    EXPECT_NE(empty.body.find("必須"), std::string::npos);
    // A temperature of 45 °C or 30 °C, a wake time before the bed time, a word that is no choice.
    auto hot = Home("45.0");
    EXPECT_NE(Post(FamilyPage(), hot).body.find("34.0〜42.0"), std::string::npos);
    auto cold = Home("30");
    EXPECT_EQ(Post(FamilyPage(), cold).status, 422);
    auto night = Home();
    night[3].second = "02:00";
    night[4].second = "01:30";
    EXPECT_NE(Post(FamilyPage(), night).body.find("起きた時刻が寝た時刻より前"), std::string::npos);
    auto word = Home();
    word[5].second = "lots";
    EXPECT_EQ(Post(FamilyPage(), word).status, 422);
    EXPECT_EQ(Pages(), 0);
    // Right, it is saved — sealed, not as text anyone reading the database sees.
    auto sent = Post(FamilyPage(), Home("37.8"));
    ASSERT_EQ(sent.status, 303) << sent.body;
    EXPECT_EQ(One("SELECT COUNT(*) FROM notebook_entry WHERE home_sealed LIKE 'enc:v1:%' AND home_version = 1"), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM notebook_entry WHERE home_sealed LIKE '%ひみつ%'"), 0);
    auto page = Get(FamilyPage());
    EXPECT_NE(page.body.find("ひみつの連絡メモ"), std::string::npos);
    // Only today's side is written; a later day is refused.
    auto tomorrow = Home();
    tomorrow.push_back({"date", "2026-11-25"});
    EXPECT_EQ(Post(FamilyPage(), tomorrow).status, 422);
}

TEST_P(Notebook, StaffSeeTheClassWithAFeverFirstAndTheFamilysWords) {
    SignInGuardian("nb@example.test", "a notebook passphrase");
    Get(FamilyPage());
    ASSERT_EQ(Post(FamilyPage(), Home("37.8")).status, 303);
    cookies_.clear();
    SignIn("staff3", "tadaima-demo");
    auto list = Get("/sites/3/notebook");
    ASSERT_EQ(list.status, 200);
    auto first_row = list.body.find("data-qa=\"nb-row\"");
    ASSERT_NE(first_row, std::string::npos);
    // The feverish child is the first card, flagged.
    EXPECT_LT(list.body.find("data-child=\"" + baby_.ToString() + "\""), first_row);
    EXPECT_NE(list.body.find("発熱 37.8℃"), std::string::npos);
    EXPECT_NE(list.body.find("薬あり"), std::string::npos);
    auto page = Get(Page());
    EXPECT_NE(page.body.find("咳止め"), std::string::npos);
    EXPECT_EQ(AuditCount("notebook.class_view"), 1);
    EXPECT_EQ(AuditCount("notebook.view"), 1);
    // Not a nursery: no notebook there.
    EXPECT_EQ(Get("/sites/1/notebook").status, 404);  // another site's: not there for staff3
    // A 学童 keeps no notebook: not there even for the city.
    cookies_.clear();
    SignIn("admin", "tadaima-demo");
    EXPECT_EQ(Get("/sites/1/notebook").status, 404);
    EXPECT_EQ(Get("/sites/3/notebook").status, 200);
}

TEST_P(Notebook, AnEpisodeOfSeveralLinesIsKeptWithItsLineBreaks) {
    SignIn("staff3", "tadaima-demo");
    Get(Page());
    // A browser sends a text area's line breaks as CRLF: kept as lines, not refused as control characters.
    auto saved = Post(Page(), Day("0", "all", "砂場で遊びました。\r\nお友だちと山を作りました。"));
    ASSERT_EQ(saved.status, 303) << saved.body;
    auto stored = database().Read(
        [&](db::ReadTx& tx) { return notebook::GetEntry(tx, *config_.data_keys, baby_, "2026-11-24"); });
    ASSERT_TRUE(stored.nursery);
    EXPECT_EQ(stored.nursery->episode, "砂場で遊びました。\nお友だちと山を作りました。");
    // Other control characters still are.
    Get(Page());
    EXPECT_EQ(Post(Page(), Day("1", "all", "ベル\x07")).status, 422);
}

TEST_P(Notebook, TwoTabletsNeverOverwriteEachOtherAndTheSecondSeesBothVersions) {
    SignIn("staff3", "tadaima-demo");
    Get(Page());
    auto first = Post(Page(), Day("0", "all", "砂場で遊びました"));
    ASSERT_EQ(first.status, 303) << first.body;
    // The other tablet still has version 0 on screen.
    auto second = Post(Page(), {{"version", "0"},
                                {"lunch", "half"},
                                {"nap_start", "12:45"},
                                {"nap_end", "14:10"},
                                {"bowel_count", "1"},
                                {"mood", "usual"},
                                {"episode", "絵本を読みました"}});
    EXPECT_EQ(second.status, 409);
    EXPECT_NE(second.body.find("砂場で遊びました"), std::string::npos);  // theirs, shown
    EXPECT_NE(second.body.find("絵本を読みました"), std::string::npos);  // mine, still in the form
    auto stored = database().Read(
        [&](db::ReadTx& tx) { return notebook::GetEntry(tx, *config_.data_keys, baby_, "2026-11-24"); });
    ASSERT_TRUE(stored.nursery);
    EXPECT_EQ(stored.nursery->episode, "砂場で遊びました");
    EXPECT_EQ(stored.nursery_version, 1);
    // A nap that ends before it starts.
    auto backwards = Post(Page(), {{"version", "1"},
                                   {"lunch", "all"},
                                   {"nap_start", "14:00"},
                                   {"nap_end", "13:00"},
                                   {"bowel_count", "0"},
                                   {"mood", "good"}});
    EXPECT_EQ(backwards.status, 422);
    EXPECT_EQ(One("SELECT nursery_version FROM notebook_entry"), 1);
}

TEST_P(Notebook, PublishingTellsTheFamilyWithoutTheContentAndAnEditAfterwardsIsMarked) {
    SignIn("staff3", "tadaima-demo");
    Get(Page());
    ASSERT_EQ(Post(Page(), Day("0", "all", "ひみつのエピソード")).status, 303);
    // The family reads nothing before it is published.
    auto family_before = [&] {
        auto staff = cookies_;
        SignInGuardian("nb@example.test", "a notebook passphrase");
        auto body = Get(FamilyPage()).body;
        cookies_ = staff;
        return body;
    };
    EXPECT_EQ(family_before().find("ひみつのエピソード"), std::string::npos);
    Get(Page());
    ASSERT_EQ(Post(Page() + "/publish", {{"date", "2026-11-24"}}).status, 303);
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification WHERE kind = 'notebook'"), 1);
    // Nothing new to publish: refused.
    Get(Page());
    EXPECT_EQ(Post(Page() + "/publish", {{"date", "2026-11-24"}}).status, 422);
    RunJobs();
    auto mails = MailsTo("nb@example.test");
    ASSERT_FALSE(mails.empty());
    EXPECT_NE(mails.back().body.find("連絡帳が届きました"), std::string::npos);
    EXPECT_EQ(mails.back().body.find("ひみつ"), std::string::npos);  // the content stays behind sign-in
    // Edited after publishing: marked for the family, and publishing again tells them it changed.
    clock_.Advance(std::chrono::minutes(5));
    Get(Page());
    ASSERT_EQ(Post(Page(), Day("1", "most", "書き直したエピソード")).status, 303);
    clock_.Advance(std::chrono::minutes(1));
    Get(Page());
    ASSERT_EQ(Post(Page() + "/publish", {{"date", "2026-11-24"}}).status, 303);
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification WHERE kind = 'notebook'"), 2);
    auto staff = cookies_;
    SignInGuardian("nb@example.test", "a notebook passphrase");
    auto read = Get(FamilyPage()).body;
    EXPECT_NE(read.find("書き直したエピソード"), std::string::npos);
    EXPECT_NE(read.find("公開後に書き直されました"), std::string::npos);
    cookies_ = staff;
}

TEST_P(Notebook, WhoMayReadAndWriteIsWhatIsTrueToday) {
    // The grandmother (family role) reads but does not write the home side; another family sees nothing.
    SignInGuardian("nbgran@example.test", "a notebook passphrase");
    EXPECT_EQ(Get(FamilyPage()).status, 200);
    EXPECT_EQ(Post(FamilyPage(), Home()).status, 403);  // with the page's token: refused for the role
    database().Write([&](db::WriteTx& tx) {
        families::CreateConfirmedAccount(tx, "stranger@example.test", "他人",
                                         auth::HashPassword("a notebook passphrase"), "ja", clock_);
    });
    SignInGuardian("stranger@example.test", "a notebook passphrase");
    EXPECT_EQ(Get(FamilyPage()).status, 404);
    Get("/family");
    EXPECT_EQ(Post(FamilyPage(), Home()).status, 404);
    EXPECT_EQ(Pages(), 0);
    // Staff of another site: not found.
    cookies_.clear();
    SignIn("staff1", "tadaima-demo");
    EXPECT_EQ(Get(Page()).status, 404);
    // The child moves to the 学童 from today: the nursery's staff still read its past pages, write none, and
    // today's page is no longer theirs.
    cookies_.clear();
    SignIn("staff3", "tadaima-demo");
    Get(Page());
    ASSERT_EQ(Post(Page(), Day("0", "all")).status, 303);
    SetTokyo("2026-11-25", "09:00");
    MoveChild(baby_, common::SiteId(1));
    cookies_.clear();
    SignIn("staff3", "tadaima-demo");
    EXPECT_EQ(Get(Page() + "?date=2026-11-24").status, 200);
    EXPECT_EQ(Get(Page()).status, 404);
    Get(Page() + "?date=2026-11-24");
    EXPECT_EQ(Post(Page(), {{"date", "2026-11-24"}, {"version", "1"}, {"lunch", "half"}, {"mood", "good"}}).status,
              403);
    EXPECT_EQ(One("SELECT nursery_version FROM notebook_entry"), 1);
}

TEST_P(Notebook, TheClassIsFilledInAtOnceAndAPageChangedMeanwhileIsLeftOutAndNamed) {
    std::vector<common::ChildId> three;
    for (int i = 0; i < 3; ++i)
        three.emplace_back(
            One("SELECT child_id FROM child_placement WHERE site_id = 3 ORDER BY child_id LIMIT 1 OFFSET " +
                std::to_string(i)));
    // baby_ (the first) is one; the other two are four.
    ASSERT_EQ(three[0], baby_);
    database().Write([&](db::WriteTx& tx) {
        tx.Exec("UPDATE child SET birth_date = '2021-05-01' WHERE id IN (?, ?)", three[1], three[2]);
    });
    SignIn("staff3", "tadaima-demo");
    // One page already has the nap and an episode of its own, saved on another tablet after the class page opened.
    Get("/children/" + three[1].ToString() + "/notebook");
    ASSERT_EQ(Post("/children/" + three[1].ToString() + "/notebook",
                   {{"version", "0"}, {"nap_start", "12:30"}, {"nap_end", "14:00"}, {"episode", "自分の話"}})
                  .status,
              303);
    Get("/sites/3/notebook");
    std::vector<std::pair<std::string, std::string>> form{
        {"date", "2026-11-24"}, {"action", "save"}, {"lunch", "all"}, {"snack", "most"}};
    for (auto c : three) {
        form.push_back({"child", c.ToString()});
        form.push_back({"version_" + c.ToString(), c == three[1] ? "1" : "0"});
    }
    auto saved = Post("/sites/3/notebook", form);
    ASSERT_EQ(saved.status, 303) << saved.body;
    auto page = [&](common::ChildId c) {
        return database().Read(
            [&](db::ReadTx& tx) { return notebook::GetEntry(tx, *config_.data_keys, c, "2026-11-24"); });
    };
    for (auto c : three) {
        auto e = page(c);
        ASSERT_TRUE(e.nursery) << c.value;
        EXPECT_EQ(e.nursery->lunch, "all");
        EXPECT_EQ(e.nursery->snack, "most");
    }
    EXPECT_EQ(page(three[1]).nursery->episode, "自分の話");  // kept: only what was filled in is laid over
    EXPECT_EQ(page(three[1]).nursery->nap_start.value_or(0), 12 * 60 + 30);
    // The class page of before (versions 1, 2, 1) sends again: the pages changed since are left out and named.
    Get("/sites/3/notebook");
    form[2].second = "half";
    auto again = Post("/sites/3/notebook", form);
    ASSERT_EQ(again.status, 303);
    EXPECT_NE(again.location.find("n=0"), std::string::npos) << again.location;
    EXPECT_NE(again.location.find("skipped="), std::string::npos);
    EXPECT_EQ(page(three[0]).nursery->lunch, "all");
    // Publishing the three: the one-year-old lacks the items required under three (nap, bowel movements, mood) and is
    // left out; the family of a published page is told (baby_'s would be: it has one).
    Get("/sites/3/notebook");
    std::vector<std::pair<std::string, std::string>> publish{{"date", "2026-11-24"}, {"action", "publish"}};
    for (auto c : three) {
        publish.push_back({"child", c.ToString()});
        publish.push_back({"version_" + c.ToString(), std::to_string(page(c).nursery_version)});
    }
    auto published = Post("/sites/3/notebook", publish);
    ASSERT_EQ(published.status, 303);
    EXPECT_NE(published.location.find("n=2"), std::string::npos) << published.location;
    EXPECT_EQ(One("SELECT COUNT(*) FROM notebook_entry WHERE published_at IS NOT NULL"), 2);
    EXPECT_FALSE(page(three[0]).published_at);
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification WHERE kind = 'notebook' AND child_id = " + baby_.ToString()), 0);
    // A value the rules refuse stops the whole: nothing saved.
    Get("/sites/3/notebook");
    auto bad = form;
    bad.push_back({"nap_start", "14:00"});
    bad.push_back({"nap_end", "13:00"});
    for (auto& [k, v] : bad)
        if (k.starts_with("version_"))
            v = std::to_string(page(common::ChildId(std::stoll(k.substr(8)))).nursery_version);
    const auto versions = One("SELECT SUM(nursery_version) FROM notebook_entry");
    EXPECT_EQ(Post("/sites/3/notebook", bad).status, 422);
    EXPECT_EQ(One("SELECT SUM(nursery_version) FROM notebook_entry"), versions);
}

TEST_P(Notebook, ANurseryChoosesWhichItemsEachAgeClassShowsAndRequires) {
    SignIn("manager3", "tadaima-demo");
    auto page = Get("/sites/3/notebook/settings");
    ASSERT_EQ(page.status, 200);
    // Every select as it stands, then: the 1歳児 class's note required, its medicine line not shown.
    std::vector<std::pair<std::string, std::string>> form;
    std::regex select(R"re(<select id="([a-z]+\.[a-z_]+\.\d)" name="[^"]+"><option value="required"( selected)?>)re");
    for (auto it = std::sregex_iterator(page.body.begin(), page.body.end(), select); it != std::sregex_iterator();
         ++it) {
        std::string name = (*it)[1];
        std::string value = (*it)[2].matched ? "required" : "shown";
        if (name == "home.note.1") value = "required";
        if (name == "home.health.1") value = "hidden";
        form.emplace_back(name, value);
    }
    ASSERT_EQ(form.size(), 14u * 6u);
    ASSERT_EQ(Post("/sites/3/notebook/settings", form).status, 303);
    EXPECT_EQ(AuditCount("notebook.settings"), 1);
    // A choice that is not one: refused, nothing changed.
    auto bad = form;
    bad[0].second = "sometimes";
    EXPECT_EQ(Post("/sites/3/notebook/settings", bad).status, 422);
    EXPECT_EQ(One("SELECT COUNT(*) FROM notebook_setting WHERE site_id = 3"), 2);
    // The one-year-old's family: the note is now asked for, and the health lines are not shown.
    cookies_.clear();
    SignInGuardian("nb@example.test", "a notebook passphrase");
    auto form_page = Get(FamilyPage());
    EXPECT_EQ(form_page.body.find("id=\"medicine\""), std::string::npos);
    auto sent = Post(FamilyPage(), Home());
    EXPECT_EQ(sent.status, 303);  // Home() has a note
    auto without = Home();
    without.pop_back();
    EXPECT_EQ(Post(FamilyPage(), without).status, 422);
}

TEST_P(Notebook, TheCitysExportHasThePagesOpenedAndRefusesWithoutTheKeys) {
    SignInGuardian("nb@example.test", "a notebook passphrase");
    Get(FamilyPage());
    ASSERT_EQ(Post(FamilyPage(), Home()).status, 303);
    const std::string without = (dir_ / "without.zip").string(), with = (dir_ / "with.zip").string();
    EXPECT_THROW(ops::Export(database(), common::SiteId(3), without, "2026-11-24T00:00:00Z"), std::runtime_error);
    EXPECT_FALSE(std::filesystem::exists(without));
    ops::Export(database(), common::SiteId(3), with, "2026-11-24T00:00:00Z", config_.data_keys.get());
    int status = 0;
    auto csv = testing_support::CommandOutput(
        "python3 -c \"import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read('notebook_entry.csv').decode())\" "
        "'" +
            with + "'",
        &status);
    ASSERT_EQ(status, 0) << csv;
    EXPECT_NE(csv.find("ひみつの連絡メモ"), std::string::npos);
    EXPECT_EQ(csv.find("enc:v1:"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Db, Notebook, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

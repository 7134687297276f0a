// Care journals through the whole application on SQLite and PostgreSQL: a class's journal written with the day's
// attendance and fevers filled in from their records, two tablets never overwriting each other, submitted, checked by
// the head teacher (主任) and approved by the head (園長), returned with a comment and mended, one's own journal
// refused where the site forbids it, an approved journal locked until reopened (with a reason, audited), printed
// with its stamps, sealed at rest, and refused to another site's staff.
#include "journals/journals.hpp"

#include <boost/json.hpp>

#include "harness.hpp"
#include "notebook/notebook.hpp"

namespace {

using testing_support::AppTest;

class Journals : public AppTest {
 protected:
    void SetUp() override {
        AppTest::SetUp();
        SeedSmallCity(3, 18);  // site 3 is a nursery
        clock_.Set(common::TokyoInstant(*common::ParseDate("2026-12-04"), *common::ParseTimeOfDay("16:00")));
        // A class of site 3 with children in it, one of them, and a child of another class.
        group_ =
            One("SELECT MIN(m.group_id) FROM child_group_membership m JOIN child_group g ON g.id = m.group_id WHERE "
                "g.site_id = 3");
        child_ = common::ChildId(
            One("SELECT MIN(child_id) FROM child_group_membership WHERE group_id = " + std::to_string(group_)));
        other_ = common::ChildId(
            One("SELECT MIN(m.child_id) FROM child_group_membership m JOIN child_group g ON g.id = m.group_id WHERE "
                "g.site_id = 3 AND m.group_id <> " +
                std::to_string(group_)));
        name_ = database().Read([&](db::ReadTx& tx) {
            return tx.QueryOne("SELECT family_name || ' ' || given_name FROM child WHERE id = ?", child_).Text(0);
        });
    }
    std::string Page() { return "/sites/3/journal?date=2026-12-04&group=" + std::to_string(group_); }
    Result Write(const std::string& version, const std::string& activities, const std::string& step = "save",
                 std::vector<std::pair<std::string, std::string>> more = {}) {
        Get(Page());
        std::vector<std::pair<std::string, std::string>> form{
            {"date", "2026-12-04"},       {"group", std::to_string(group_)},
            {"version", version},         {"weather", "晴れ"},
            {"activities", activities},   {"health", "けがなし"},
            {"reflection", "よく遊べた"}, {"step", step}};
        form.insert(form.end(), more.begin(), more.end());
        return Post("/sites/3/journal", form);
    }
    Result Stamp(const std::string& step, const std::string& comment = "") {
        Get(Page());
        return Post("/journals/" + std::to_string(Id()) + "/stamp", {{"step", step}, {"comment", comment}});
    }
    std::int64_t Id() { return One("SELECT MIN(id) FROM journal WHERE group_id IS NOT NULL"); }
    std::string State() {
        return database().Read(
            [&](db::ReadTx& tx) { return tx.QueryOne("SELECT state FROM journal WHERE id = ?", Id()).Text(0); });
    }
    void As(const std::string& login) {
        cookies_.clear();
        SignIn(login, "tadaima-demo");
    }
    std::int64_t group_ = 0;
    common::ChildId child_, other_;
    std::string name_;
};

TEST_P(Journals, AClassJournalIsWrittenSubmittedCheckedReturnedMendedAndApprovedWithItsStamps) {
    As("staff3");
    // The day's records: the child came and had a fever at 10:15.
    Get("/children/" + child_.ToString() + "/attendance");
    ASSERT_EQ(Post("/children/" + child_.ToString() + "/attendance", {{"direction", "in"}, {"time", "08:30"}}).status,
              303);
    Get("/children/" + child_.ToString() + "/health");
    ASSERT_EQ(
        Post("/children/" + child_.ToString() + "/health/temperature", {{"temperature", "38.2"}, {"time", "10:15"}})
            .status,
        303);
    auto list = Get("/sites/3/journals?date=2026-12-04");
    ASSERT_EQ(list.status, 200);
    EXPECT_NE(list.body.find("園全体"), std::string::npos);
    EXPECT_NE(list.body.find("未記入"), std::string::npos);
    auto page = Get(Page());
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("出席 1人"), std::string::npos) << page.body;
    EXPECT_NE(page.body.find(name_ + " 38.2℃（10:15）"), std::string::npos);
    EXPECT_NE(page.body.find("name=\"episode_" + child_.ToString() + "\""), std::string::npos);

    // Written over several lines, with the child's episode.
    auto saved = Write(
        "0", "園庭で砂遊び。\r\n午後は絵本。", "save",
        {{"episode_" + child_.ToString(), "初めて滑り台を一人で滑った"}, {"to_notebook_" + child_.ToString(), "1"}});
    ASSERT_EQ(saved.status, 303) << saved.body;
    EXPECT_EQ(State(), "draft");
    // Sealed at rest: the text is not in the database in the clear.
    EXPECT_EQ(One("SELECT COUNT(*) FROM journal WHERE sealed LIKE 'enc:v1:%'"), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM journal_episode WHERE sealed LIKE 'enc:v1:%'"), 1);
    auto stored = database().Read([&](db::ReadTx& tx) { return journals::Get(tx, *config_.data_keys, Id()); });
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->content.activities, "園庭で砂遊び。\n午後は絵本。");
    ASSERT_EQ(stored->episodes.size(), 1u);
    // Written once, sent to the child's contact notebook too (once, however often the journal is saved).
    auto notebook_episode = [&] {
        return database().Read([&](db::ReadTx& tx) {
            auto page = notebook::GetEntry(tx, *config_.data_keys, child_, "2026-12-04");
            return page.nursery ? page.nursery->episode : std::string();
        });
    };
    EXPECT_EQ(notebook_episode(), "初めて滑り台を一人で滑った");
    EXPECT_EQ(AuditCount("notebook.from_journal"), 1);
    // The child's linked records: the day's arrival, fever, notebook page and the journal's episode side by side.
    auto records = Get("/children/" + child_.ToString() + "/records");
    ASSERT_EQ(records.status, 200);
    for (const char* want : {"08:30〜", "38.2℃（10:15）", "初めて滑り台を一人で滑った", "園の記入あり（未公開）",
                             "/sites/3/journal?date=2026-12-04&amp;group="})
        EXPECT_NE(records.body.find(want), std::string::npos) << want;
    EXPECT_EQ(AuditCount("records.view"), 1);

    // Another tablet still on version 0: refused, theirs shown beside mine, nothing overwritten.
    auto second = Write("0", "散歩に行った");
    EXPECT_EQ(second.status, 409);
    EXPECT_NE(second.body.find("data-qa=\"journal-theirs\""), std::string::npos);
    EXPECT_NE(second.body.find("散歩に行った"), std::string::npos);
    EXPECT_EQ(One("SELECT version FROM journal"), 1);
    // An episode for a child of another class, or a text too long: refused, nothing written.
    EXPECT_EQ(Write("1", "園庭", "save", {{"episode_" + other_.ToString(), "x"}}).status, 422);
    EXPECT_EQ(Write("1", std::string(4001, 'x')).status, 422);
    EXPECT_EQ(Write("1", "", "submit").status, 422);  // submitting needs the activities
    EXPECT_EQ(One("SELECT version FROM journal"), 1);

    ASSERT_EQ(Write("1", "園庭で砂遊び。", "submit").status, 303);
    EXPECT_EQ(State(), "submitted");
    EXPECT_EQ(Write("3", "後から直す").status, 409);  // submitted: locked
    EXPECT_EQ(Stamp("check").status, 403);            // staff do not check

    As("lead3");
    auto lead_page = Get(Page());
    EXPECT_NE(lead_page.body.find("data-qa=\"journal-check\""), std::string::npos);
    EXPECT_EQ(lead_page.body.find("data-qa=\"journal-approve\""), std::string::npos);
    ASSERT_EQ(Stamp("check").status, 303);
    EXPECT_EQ(State(), "checked");
    EXPECT_EQ(Stamp("check").status, 409);        // twice
    EXPECT_EQ(Stamp("return", "x").status, 403);  // checked: the head's to return now
    EXPECT_EQ(Stamp("approve").status, 403);

    As("manager3");
    EXPECT_EQ(Stamp("return").status, 422);  // without saying what to mend
    EXPECT_EQ(State(), "checked");
    ASSERT_EQ(Stamp("return", "午後の様子も書いてください").status, 303);
    EXPECT_EQ(State(), "returned");

    As("staff3");
    auto returned = Get(Page());
    EXPECT_NE(returned.body.find("午後の様子も書いてください"), std::string::npos);
    const auto version = std::to_string(One("SELECT version FROM journal"));
    ASSERT_EQ(Write(version, "園庭で砂遊び。午後は絵本を読んだ。", "submit").status, 303);
    As("lead3");
    ASSERT_EQ(Stamp("check").status, 303);
    As("manager3");
    ASSERT_EQ(Stamp("approve").status, 303);
    EXPECT_EQ(State(), "approved");
    EXPECT_EQ(Stamp("approve").status, 409);

    // Approved: a record. Edits are refused until it is reopened, with a reason, and that is audited.
    As("staff3");
    EXPECT_EQ(Write(std::to_string(One("SELECT version FROM journal")), "書き換え").status, 409);
    EXPECT_EQ(Stamp("reopen", "誤字").status, 403);
    As("manager3");
    EXPECT_EQ(Stamp("reopen").status, 422);
    EXPECT_EQ(State(), "approved");

    // The printed journal carries who approved and when, as the paper's stamps.
    auto pdf = Get("/journals/" + std::to_string(Id()) + "/pdf");
    ASSERT_EQ(pdf.status, 200);
    EXPECT_EQ(pdf.raw.content_type, "application/pdf");
    const auto text = testing_support::PdfText(pdf.body);
    for (const char* want : {"保育日誌", "担任", "主任", "園長", "さくら職員3", "さくら主任3", "さくら施設長3",
                             "園庭で砂遊び", "初めて滑り台を一人で滑った", "発熱", "在籍"})
        EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
    EXPECT_NE(text.find(name_), std::string::npos);

    // A month of journals as a workbook, one row each with the stamps.
    auto xlsx = Get("/sites/3/journals/export?month=2026-12");
    ASSERT_EQ(xlsx.status, 200);
    EXPECT_EQ(xlsx.raw.content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    // Every cell's text, as openpyxl reads it.
    std::string book;
    const auto workbook = boost::json::parse(testing_support::WorkbookJson(xlsx.body));
    for (const auto& sheet : workbook.at("sheets").as_array())
        for (const auto& row : sheet.at("rows").as_array())
            for (const auto& cell : row.as_array())
                if (cell.is_string()) book += std::string(cell.as_string()) + "|";
    for (const char* want :
         {"園庭で砂遊び", "初めて滑り台を一人で滑った", "さくら主任3 12/04 16:00", "承認済み", "在籍"})
        EXPECT_NE(book.find(want), std::string::npos) << want << "\n" << book;
    EXPECT_EQ(Get("/sites/3/journals/export?month=2026-13").status, 400);
    EXPECT_EQ(AuditCount("journal.export"), 1);

    ASSERT_EQ(Stamp("reopen", "出席の数を直すため").status, 303);
    EXPECT_EQ(State(), "draft");
    EXPECT_EQ(AuditCount("journal.reopen"), 1);
    EXPECT_EQ(AuditCount("journal.check"), 2);
    EXPECT_EQ(AuditCount("journal.approve"), 1);
    EXPECT_EQ(AuditCount("journal.return"), 1);
    EXPECT_EQ(AuditCount("journal.submit"), 2);
    EXPECT_EQ(AuditCount("journal.print"), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM journal_stamp"), 7);
}

TEST_P(Journals, OnesOwnJournalIsNotApprovedWhereTheSiteForbidsIt) {
    As("manager3");
    const std::string site_page = "/sites/3/journal?date=2026-12-04";
    Get(site_page);
    ASSERT_EQ(Post("/sites/3/journal",
                   {{"date", "2026-12-04"}, {"version", "0"}, {"activities", "避難訓練"}, {"step", "submit"}})
                  .status,
              303);
    const auto id = std::to_string(One("SELECT id FROM journal WHERE group_id IS NULL"));
    Get(site_page);
    auto own = Post("/journals/" + id + "/stamp", {{"step", "approve"}});
    EXPECT_EQ(own.status, 403);
    EXPECT_NE(own.body.find("自分が提出した日誌は"), std::string::npos);
    EXPECT_NE(Get(site_page).body.find("data-qa=\"journal-own\""), std::string::npos);
    // The site allows it: then the head may.
    Get("/sites/3/journals");
    ASSERT_EQ(Post("/sites/3/journals/settings", {{"self_approval", "1"}}).status, 303);
    Get(site_page);
    ASSERT_EQ(Post("/journals/" + id + "/stamp", {{"step", "approve"}}).status, 303);
    EXPECT_EQ(One("SELECT COUNT(*) FROM journal WHERE state = 'approved'"), 1);
    // An episode on the site's journal (no class) is refused.
    Get("/sites/3/journal?date=2026-12-03");
    EXPECT_EQ(
        Post("/sites/3/journal",
             {{"date", "2026-12-03"}, {"version", "0"}, {"activities", "x"}, {"episode_" + child_.ToString(), "x"}})
            .status,
        422);
    // Staff may not change the rule.
    As("staff3");
    Get("/sites/3/journals");
    EXPECT_EQ(Post("/sites/3/journals/settings", {}).status, 403);
}

TEST_P(Journals, AnotherSitesStaffAndA学童FindNoJournals) {
    As("staff3");
    ASSERT_EQ(Write("0", "園庭").status, 303);
    const auto id = std::to_string(Id());
    EXPECT_EQ(Get("/sites/3/journal?date=2026-12-05").status, 422);  // a day to come
    EXPECT_EQ(Get("/sites/3/journal?date=2026-12-04&group=x").status, 400);
    const auto elsewhere = One("SELECT MIN(id) FROM child_group WHERE site_id = 1");
    EXPECT_EQ(Get("/sites/3/journal?date=2026-12-04&group=" + std::to_string(elsewhere)).status, 404);
    As("staff1");
    EXPECT_EQ(Get("/sites/3/journals").status, 404);
    EXPECT_EQ(Get(Page()).status, 404);
    EXPECT_EQ(Get("/journals/" + id + "/pdf").status, 404);
    EXPECT_EQ(Get("/sites/3/journals/export").status, 404);
    EXPECT_EQ(Get("/children/" + child_.ToString() + "/records").status, 404);
    Get("/");
    EXPECT_EQ(Post("/journals/" + id + "/stamp", {{"step", "approve"}}).status, 404);
    EXPECT_EQ(Get("/sites/1/journals").status, 404);  // a 学童 keeps none here
    EXPECT_EQ(One("SELECT COUNT(*) FROM journal_stamp"), 0);
}

INSTANTIATE_TEST_SUITE_P(Db, Journals, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

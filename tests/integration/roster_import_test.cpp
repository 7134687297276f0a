// Roster import on both databases: encodings, a dry run that writes nothing, all-or-nothing apply, idempotent
// re-import, and errors by line and column in Japanese.
#include <unicode/ucnv.h>

#include <regex>

#include "harness.hpp"
#include "roster/import.hpp"
#include "sites/sites.hpp"

namespace {

using testing_support::DbTest;

const char* kHeader =
    "児童番号,姓,名,せい,めい,生年月日,学年,グループ,保護者番号,保護者姓,保護者名,保護者せい,保護者めい,続柄,メール,"
    "電話\r\n";

std::string ToCp932(const std::string& utf8) {
    UErrorCode status = U_ZERO_ERROR;
    UConverter* conv = ucnv_open("windows-31j", &status);
    std::string out(utf8.size() * 2 + 16, '\0');
    auto n = ucnv_convert("windows-31j", "UTF-8", out.data(), static_cast<int32_t>(out.size()), utf8.data(),
                          static_cast<int32_t>(utf8.size()), &status);
    ucnv_close(conv);
    EXPECT_FALSE(U_FAILURE(status));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

class RosterImport : public DbTest {
 protected:
    void SetUp() override {
        DbTest::SetUp();
        site_ = database().Write([&](db::WriteTx& tx) {
            auto city = sites::EnsureCity(tx, "c", clock_);
            return sites::InsertSite(tx, city, {"gakudo", "A", "えー", "", "", {}}, clock_);
        });
    }
    std::int64_t Count(const std::string& sql) {
        return database().Read([&](db::ReadTx& tx) { return tx.QueryOne(sql).Int(0); });
    }
    std::string Csv() {
        return std::string(kHeader) +
               "C001,髙﨑,①子,ﾀｶｻｷ,いちこ,2019/4/"
               "5,1,1年生,G001,髙﨑,花子,たかさき,はなこ,母,hanako@example.com,090-0000-0001\r\n"
               "C001,髙﨑,①子,ﾀｶｻｷ,いちこ,2019/4/5,1,1年生,G002,髙﨑,一郎,たかさき,いちろう,父,,\r\n"
               "C002,山田,\"太郎, 二世\",やまだ,たろう,2018-12-01,2,2年生,,,,,,,,\r\n";
    }
    roster::ImportReport Run(const std::string& bytes, bool apply) {
        return roster::ImportRoster(database(), site_, bytes, apply, clock_, nullptr);
    }
    common::SiteId site_;
    web::Catalogue catalogue_;
};

TEST_P(RosterImport, ADryRunReportsEverythingAndWritesNothing) {
    auto r = Run(Csv(), false);
    EXPECT_TRUE(r.errors.empty());
    EXPECT_FALSE(r.applied);
    EXPECT_EQ(r.records, 3);
    EXPECT_EQ(r.children_new, 2);
    EXPECT_EQ(r.guardians_new, 2);
    EXPECT_EQ(r.links_new, 2);
    EXPECT_EQ(r.groups_new, 2);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM child"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM child_group"), 0);
    auto text = roster::FormatReport(r, catalogue_, "ja");
    EXPECT_NE(text.find("確認のみです"), std::string::npos);
    EXPECT_NE(text.find("+ 児童 C002 山田 太郎, 二世\n"), std::string::npos) << text;
    EXPECT_NE(text.find("+ 保護者 G001 髙﨑 花子\n"), std::string::npos) << text;
}

TEST_P(RosterImport, ApplyingTwiceChangesNothingTheSecondTime) {
    auto first = Run(Csv(), true);
    ASSERT_TRUE(first.errors.empty());
    EXPECT_TRUE(first.applied);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM child"), 2);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM guardian_child"), 2);
    auto second = Run(Csv(), true);
    EXPECT_EQ(second.children_new + second.children_changed, 0);
    EXPECT_EQ(second.children_unchanged, 2);
    EXPECT_EQ(second.guardians_new + second.guardians_changed, 0);
    EXPECT_EQ(second.links_new + second.groups_new + second.memberships_new, 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM child"), 2);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM child_group_membership"), 2);
}

TEST_P(RosterImport, NamesKeepTheirCharactersAndKanaIsNormalised) {
    ASSERT_TRUE(Run(ToCp932(Csv()), true).errors.empty()) << "the same file in Shift_JIS";
    auto row = database().Read([](db::ReadTx& tx) {
        return tx.QueryOne(
            "SELECT family_name, given_name, family_kana, birth_date FROM child WHERE external_id = 'C001'");
    });
    EXPECT_EQ(row.Text(0), "髙﨑") << "not folded to 高崎";
    EXPECT_EQ(row.Text(1), "①子");
    EXPECT_EQ(row.Text(2), "タカサキ") << "half-width kana made full-width";
    EXPECT_EQ(row.Text(3), "2019-04-05");
    EXPECT_EQ(Count("SELECT COUNT(*) FROM child WHERE given_name = '太郎, 二世'"), 1);
}

TEST_P(RosterImport, AChangedRowUpdatesThePersonInsteadOfAddingOne) {
    Run(Csv(), true);
    std::string changed = Csv();
    changed.replace(changed.find("hanako@example.com"), 18, "hanako2@example.com");
    auto r = Run(changed, true);
    EXPECT_EQ(r.guardians_changed, 1);
    // The report names who changes and what: one guardian, the mail address.
    ASSERT_EQ(r.changes.size(), 1U);
    EXPECT_TRUE(r.changes[0].guardian);
    EXPECT_FALSE(r.changes[0].added);
    EXPECT_EQ(r.changes[0].number, "G001");
    EXPECT_EQ(r.changes[0].fields, std::vector<std::string>{"メール"});
    EXPECT_EQ(Count("SELECT COUNT(*) FROM guardian"), 2);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM guardian WHERE email = 'hanako2@example.com'"), 1);
}

TEST_P(RosterImport, ErrorsNameTheLineAndColumnInJapaneseAndNothingIsWritten) {
    std::string bad = std::string(kHeader) +
                      "C001,髙﨑,①子,たかさき,いちこ,2019/4/5,1,1年生,,,,,,,,\r\n"
                      "C003,佐藤,花,sato,はな,2019-02-30,7,,G9,佐藤,母,さとう,はは,おば,not-mail,\r\n";
    auto r = Run(bad, true);
    EXPECT_FALSE(r.applied);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM child"), 0) << "all or nothing: the good row is not written either";
    auto text = roster::FormatReport(r, catalogue_, "ja");
    EXPECT_NE(text.find("3行目 「せい」: ひらがなかカタカナで入力してください。"), std::string::npos) << text;
    EXPECT_NE(text.find("3行目 「生年月日」"), std::string::npos);
    EXPECT_NE(text.find("3行目 「学年」"), std::string::npos);
    EXPECT_NE(text.find("3行目 「続柄」"), std::string::npos);
    EXPECT_NE(text.find("3行目 「メール」"), std::string::npos);
    EXPECT_NE(text.find("エラーがあるため、何も登録していません。"), std::string::npos);
}

TEST_P(RosterImport, AWrongHeaderIsReportedByColumn) {
    auto r = Run("児童番号,姓,名前\r\nC1,a,b\r\n", true);
    ASSERT_FALSE(r.errors.empty());
    EXPECT_EQ(r.errors[0].line, 1);
    EXPECT_EQ(r.errors[0].column, "名");
    EXPECT_EQ(Count("SELECT COUNT(*) FROM child"), 0);
}

TEST_P(RosterImport, TwoRowsForOneChildMustAgree) {
    std::string csv = std::string(kHeader) +
                      "C1,山田,太郎,やまだ,たろう,2018-01-01,2,,,,,,,,,\r\n"
                      "C1,山田,次郎,やまだ,じろう,2018-01-01,2,,,,,,,,,\r\n";
    auto r = Run(csv, true);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].line, 3);
    EXPECT_EQ(r.errors[0].message_key, "error_import_child_differs");
}

INSTANTIATE_TEST_SUITE_P(Both, RosterImport, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

namespace {

using testing_support::AppTest;

class RosterImportPage : public AppTest {
 protected:
    void SetUp() override {
        AppTest::SetUp();
        SeedSmallCity(2, 4);
    }
    std::string Csv(const std::string& birth) {
        return std::string(kHeader) + "P-1,取込,花子,とりこみ,はなこ," + birth + ",1,1年生,,,,,,,,\r\n";
    }
};

TEST_P(RosterImportPage, AManagerChecksThenAppliesAnUpload) {
    SignIn("manager1", "tadaima-demo");
    EXPECT_EQ(Get("/sites/1/import").status, 200);
    auto check = PostFile("/sites/1/import", {{"mode", "check"}}, "名簿.csv", Csv("2019-06-01"));
    EXPECT_EQ(check.status, 200);
    EXPECT_NE(check.body.find("data-qa=\"import-children\">新規 1"), std::string::npos) << check.body.substr(0, 3000);
    // The check lists whom it adds, and the same file is applied with one button, without choosing it again.
    EXPECT_NE(check.body.find("<tr data-kind=\"new\"><td>2</td><td class=\"nowrap\">P-1</td><td "
                              "class=\"nowrap\">取込 花子</td><td>新規</td></tr>"),
              std::string::npos);
    std::smatch staged;
    ASSERT_TRUE(std::regex_search(check.body, staged, std::regex(R"re(name="staged" value="([^"]+)")re")));
    auto children = [&] {
        return database().Read(
            [](db::ReadTx& tx) { return tx.QueryOne("SELECT COUNT(*) FROM child WHERE external_id = 'P-1'").Int(0); });
    };
    EXPECT_EQ(children(), 0);
    auto apply = PostFiles("/sites/1/import", {{"mode", "apply"}, {"staged", staged[1]}, {"filename", "名簿.csv"}}, {});
    EXPECT_EQ(apply.status, 200);
    EXPECT_NE(apply.body.find("登録しました。"), std::string::npos);
    EXPECT_EQ(children(), 1);
    EXPECT_EQ(AuditCount("roster.import"), 1);
    // A later file with another birth date: the check names the child and the column.
    auto again = PostFile("/sites/1/import", {{"mode", "check"}}, "名簿.csv", Csv("2019-06-02"));
    EXPECT_NE(again.body.find("<td class=\"nowrap\">取込 花子</td><td>生年月日</td>"), std::string::npos);
    // The same file again: nothing to add or change, nothing to apply.
    auto same = PostFile("/sites/1/import", {{"mode", "check"}}, "名簿.csv", Csv("2019-06-01"));
    EXPECT_NE(same.body.find("data-qa=\"import-no-changes\""), std::string::npos);
    EXPECT_EQ(same.body.find("data-qa=\"import-apply\""), std::string::npos);
    // A staged value that is not base64: as if no file was chosen.
    EXPECT_EQ(PostFiles("/sites/1/import", {{"mode", "apply"}, {"staged", "%%%"}}, {}).status, 422);
}

// The header row to start from, as Excel opens it: UTF-8 with a byte order mark.
TEST_P(RosterImportPage, TheTemplateIsTheHeaderRow) {
    SignIn("manager1", "tadaima-demo");
    auto r = Get("/sites/1/import/template.csv");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "\xEF\xBB\xBF" + std::string(kHeader));
    EXPECT_NE(r.raw.content_type.find("text/csv"), std::string::npos);
    EXPECT_NE(Get("/sites/1/import").body.find("href=\"/sites/1/import/template.csv\""), std::string::npos);
}

TEST_P(RosterImportPage, ErrorsAreListedByLineAndColumnAndNothingIsWritten) {
    SignIn("manager1", "tadaima-demo");
    Get("/sites/1/import");
    auto r = PostFile("/sites/1/import", {{"mode", "apply"}}, "名簿.csv", Csv("2019-13-01"));
    EXPECT_EQ(r.status, 422);
    EXPECT_NE(r.body.find("<td>2</td><td>生年月日</td>"), std::string::npos) << r.body.substr(0, 4000);
    EXPECT_NE(r.body.find("エラーがあるため、何も登録していません。"), std::string::npos);
    auto n = database().Read(
        [](db::ReadTx& tx) { return tx.QueryOne("SELECT COUNT(*) FROM child WHERE external_id = 'P-1'").Int(0); });
    EXPECT_EQ(n, 0);
}

TEST_P(RosterImportPage, StaffAndOtherSitesMayNotImport) {
    SignIn("staff1", "tadaima-demo");
    Get("/");
    EXPECT_EQ(PostFile("/sites/1/import", {{"mode", "apply"}}, "a.csv", Csv("2019-06-01")).status, 403);
    cookies_.clear();
    SignIn("manager1", "tadaima-demo");
    Get("/");
    EXPECT_EQ(PostFile("/sites/2/import", {{"mode", "apply"}}, "a.csv", Csv("2019-06-01")).status, 403);
}

INSTANTIATE_TEST_SUITE_P(Both, RosterImportPage, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

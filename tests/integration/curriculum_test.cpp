// Curriculum plans through the whole application on SQLite and PostgreSQL: a class's annual plan by term, the month
// starting from the year's aims for its term and the week from the month's, two tablets never overwriting each other,
// an unknown section refused whole, the journal's approval (submitted, checked by 主任, returned, approved, locked,
// reopened with a reason), printed with its stamps and sealed at rest; the site's template; individual plans only for
// a child under three in the class today (a child who moved has none here), and refused to another site's staff.
#include "curriculum/curriculum.hpp"

#include "harness.hpp"
#include "notebook/rules.hpp"

namespace {

using testing_support::AppTest;

class Curriculum : public AppTest {
 protected:
    void SetUp() override {
        AppTest::SetUp();
        SeedSmallCity(3, 18);  // site 3 is a nursery
        clock_.Set(common::TokyoInstant(*common::ParseDate("2026-12-04"), *common::ParseTimeOfDay("16:00")));
        // A class of site 3 with a child under three in it, and one of three or more at the site.
        database().Read([&](db::ReadTx& tx) {
            for (const auto& r :
                 tx.Query("SELECT m.group_id, c.id, c.birth_date FROM child_group_membership m JOIN child c ON c.id = "
                          "m.child_id JOIN child_group g ON g.id = m.group_id WHERE g.site_id = 3 ORDER BY c.id")) {
                const bool young = notebook::AgeClass(r.Text(2).substr(0, 10), "2026-12-04") < 3;
                if (young && group_ == 0) {
                    group_ = r.Int(0);
                    young_ = common::ChildId(r.Int(1));
                }
                if (!young && older_.value == 0) {
                    older_ = common::ChildId(r.Int(1));
                    older_group_ = r.Int(0);
                }
            }
        });
        ASSERT_NE(group_, 0);
        ASSERT_NE(older_.value, 0);
    }
    std::string Page(const std::string& kind, const std::string& period, const std::string& child = "") {
        return "/sites/3/curriculum/plan?kind=" + kind + "&group=" + std::to_string(group_) + "&period=" + period +
               (child.empty() ? "" : "&child=" + child);
    }
    Result Write(const std::string& kind, const std::string& period, const std::string& version,
                 std::vector<std::pair<std::string, std::string>> sections, const std::string& step = "save",
                 const std::string& child = "") {
        Get(Page(kind, period, child));
        std::vector<std::pair<std::string, std::string>> form{{"kind", kind},
                                                              {"group", std::to_string(group_)},
                                                              {"period", period},
                                                              {"version", version},
                                                              {"step", step}};
        if (!child.empty()) form.emplace_back("child", child);
        form.insert(form.end(), sections.begin(), sections.end());
        return Post("/sites/3/curriculum/plan", form);
    }
    std::int64_t Id(const std::string& kind) {
        return One("SELECT MIN(id) FROM curriculum_plan WHERE kind = '" + kind + "'");
    }
    std::string State(const std::string& kind) {
        return database().Read([&](db::ReadTx& tx) {
            return tx.QueryOne("SELECT state FROM curriculum_plan WHERE id = ?", Id(kind)).Text(0);
        });
    }
    Result Stamp(const std::string& kind, const std::string& step, const std::string& comment = "") {
        Get("/sites/3/curriculum");
        return Post("/curriculum/" + std::to_string(Id(kind)) + "/stamp", {{"step", step}, {"comment", comment}});
    }
    std::string Version(const std::string& kind) {
        return std::to_string(One("SELECT version FROM curriculum_plan WHERE id = " + std::to_string(Id(kind))));
    }
    void As(const std::string& login) {
        cookies_.clear();
        SignIn(login, "tadaima-demo");
    }
    std::int64_t group_ = 0, older_group_ = 0;
    common::ChildId young_, older_;
};

TEST_P(Curriculum, TheMonthStartsFromTheYearsTermTheWeekFromTheMonthAndEachGoesThroughApproval) {
    As("staff3");
    // The month's page lists the class's plans, none written yet, and the individual plan of the young child.
    auto month = Get("/sites/3/curriculum?month=2026-12");
    ASSERT_EQ(month.status, 200);
    EXPECT_NE(month.body.find("年間指導計画（2026年度）"), std::string::npos);
    EXPECT_NE(month.body.find("未作成"), std::string::npos);
    EXPECT_NE(month.body.find("child=" + young_.ToString()), std::string::npos);
    EXPECT_EQ(month.body.find("child=" + older_.ToString()), std::string::npos);
    EXPECT_NE(month.body.find("11月30日〜12月6日"), std::string::npos);  // the week of the 1st, from its Monday
    EXPECT_EQ(Get("/sites/3/curriculum?month=2026-13").status, 400);

    // The annual plan, by term (a date in it names the year: 2026-09-10 is the plan of 2026-04-01).
    ASSERT_EQ(Write("annual", "2026-09-10", "0",
                    {{"sec_goal", "自分の思いを表しながら友だちと遊ぶ。"},
                     {"sec_t3_aims", "秋の自然に触れて遊ぶ。"},
                     {"sec_t4_aims", "進級を楽しみにする。"}})
                  .status,
              303);
    EXPECT_EQ(One("SELECT COUNT(*) FROM curriculum_plan WHERE kind = 'annual' AND period = '2026-04-01'"), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM curriculum_plan WHERE sealed LIKE 'enc:v1:%'"), 1);

    // December's plan starts from the year's aims of Ⅲ期 (September to December), said where it came from.
    auto fresh = Get(Page("monthly", "2026-12-01"));
    ASSERT_EQ(fresh.status, 200);
    EXPECT_NE(fresh.body.find(">秋の自然に触れて遊ぶ。</textarea>"), std::string::npos) << fresh.body;
    EXPECT_NE(fresh.body.find("data-qa=\"curriculum-source\""), std::string::npos);
    // January's from Ⅳ期.
    EXPECT_NE(Get(Page("monthly", "2027-01-01")).body.find(">進級を楽しみにする。</textarea>"), std::string::npos);

    // A section this plan has not, or one too long: refused whole, nothing saved.
    EXPECT_EQ(Write("monthly", "2026-12-01", "0", {{"sec_aims", "x"}, {"sec_t1_aims", "x"}}).status, 422);
    EXPECT_EQ(Write("monthly", "2026-12-01", "0", {{"sec_aims", "x"}, {"sec_weather", "x"}}).status, 422);
    EXPECT_EQ(Write("monthly", "2026-12-01", "0", {{"sec_content", std::string(2001, 'x')}}).status, 422);
    EXPECT_EQ(Write("monthly", "2026-12-01", "0", {{"sec_content", "散歩"}}, "submit").status, 422);  // no aims
    EXPECT_EQ(One("SELECT COUNT(*) FROM curriculum_plan WHERE kind = 'monthly'"), 0);

    ASSERT_EQ(Write("monthly", "2026-12-01", "0",
                    {{"sec_aims", "秋の自然に触れて遊ぶ。"}, {"sec_content", "落ち葉を集める。\r\n散歩に行く。"}})
                  .status,
              303);
    // Another tablet still on version 0: refused with both versions shown, nothing overwritten.
    auto second = Write("monthly", "2026-12-01", "0", {{"sec_aims", "冬の遊び"}});
    EXPECT_EQ(second.status, 409);
    EXPECT_NE(second.body.find("data-qa=\"curriculum-theirs\""), std::string::npos);
    EXPECT_NE(second.body.find("冬の遊び"), std::string::npos);
    EXPECT_EQ(Version("monthly"), "1");
    auto stored =
        database().Read([&](db::ReadTx& tx) { return curriculum::Get(tx, *config_.data_keys, Id("monthly")); });
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->sections.at("content"), "落ち葉を集める。\n散歩に行く。");

    // The week of 12/7 starts from the month's aims.
    EXPECT_NE(Get(Page("weekly", "2026-12-09")).body.find(">秋の自然に触れて遊ぶ。</textarea>"), std::string::npos);

    ASSERT_EQ(Write("monthly", "2026-12-01", "1", {{"sec_aims", "秋の自然に触れて遊ぶ。"}}, "submit").status, 303);
    EXPECT_EQ(State("monthly"), "submitted");
    EXPECT_EQ(Write("monthly", "2026-12-01", Version("monthly"), {{"sec_aims", "後から"}}).status, 409);
    EXPECT_EQ(Stamp("monthly", "check").status, 403);

    As("lead3");
    EXPECT_NE(Get("/sites/3/curriculum").body.find("data-qa=\"curriculum-waiting\""), std::string::npos);
    ASSERT_EQ(Stamp("monthly", "check").status, 303);
    EXPECT_EQ(Stamp("monthly", "check").status, 409);
    As("manager3");
    EXPECT_EQ(Stamp("monthly", "return").status, 422);  // without saying what to mend
    ASSERT_EQ(Stamp("monthly", "return", "家庭との連携も書いてください").status, 303);
    As("staff3");
    EXPECT_NE(Get(Page("monthly", "2026-12-01")).body.find("家庭との連携も書いてください"), std::string::npos);
    ASSERT_EQ(Write("monthly", "2026-12-01", Version("monthly"),
                    {{"sec_aims", "秋の自然に触れて遊ぶ。"}, {"sec_family", "散歩の写真を掲示する。"}}, "submit")
                  .status,
              303);
    As("manager3");
    ASSERT_EQ(Stamp("monthly", "approve").status, 303);  // straight from submitted: the head may
    EXPECT_EQ(State("monthly"), "approved");
    // Approved: locked until the head reopens it with a reason.
    As("staff3");
    EXPECT_EQ(Write("monthly", "2026-12-01", Version("monthly"), {{"sec_aims", "書き換え"}}).status, 409);
    As("manager3");
    EXPECT_EQ(Stamp("monthly", "reopen").status, 422);

    // Printed with its sections and its stamps.
    auto pdf = Get("/curriculum/" + std::to_string(Id("monthly")) + "/pdf");
    ASSERT_EQ(pdf.status, 200);
    EXPECT_EQ(pdf.raw.content_type, "application/pdf");
    const auto text = testing_support::PdfText(pdf.body);
    for (const char* want : {"月間指導計画", "2026年12月", "ねらい", "家庭との連携", "散歩の写真を掲示する。", "担任",
                             "園長", "さくら職員3", "さくら施設長3"})
        EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
    // The annual plan prints each section with its terms.
    auto year = testing_support::PdfText(Get("/curriculum/" + std::to_string(Id("annual")) + "/pdf").body);
    for (const char* want : {"年間指導計画", "2026年度", "年間目標", "Ⅲ期", "秋の自然に触れて遊ぶ。"})
        EXPECT_NE(year.find(want), std::string::npos) << want << "\n" << year;

    ASSERT_EQ(Stamp("monthly", "reopen", "月の途中で行事が変わったため").status, 303);
    EXPECT_EQ(State("monthly"), "draft");
    EXPECT_EQ(AuditCount("curriculum.reopen"), 1);
    EXPECT_EQ(AuditCount("curriculum.submit"), 2);
    EXPECT_EQ(AuditCount("curriculum.return"), 1);
    EXPECT_EQ(AuditCount("curriculum.print"), 2);
    EXPECT_EQ(One("SELECT COUNT(*) FROM curriculum_stamp"), 6);
    EXPECT_EQ(One("SELECT COUNT(*) FROM curriculum_stamp WHERE comment_sealed LIKE 'enc:v1:%'"), 6);
}

TEST_P(Curriculum, ASiteTemplateStartsNewPlansOfItsKind) {
    As("staff3");
    EXPECT_EQ(Write("weekly", "2026-12-07", "0", {{"sec_content", "月：\n火："}}, "template").status, 403);
    As("lead3");
    ASSERT_EQ(
        Write("weekly", "2026-12-07", "0", {{"sec_content", "月：\n火：\n水："}, {"sec_health", "手洗い"}}, "template")
            .status,
        303);
    EXPECT_EQ(One("SELECT COUNT(*) FROM curriculum_plan"), 0) << "a template is not a plan";
    EXPECT_EQ(One("SELECT COUNT(*) FROM curriculum_template WHERE sealed LIKE 'enc:v1:%'"), 1);
    As("staff3");
    auto page = Get(Page("weekly", "2026-12-14"));
    EXPECT_NE(page.body.find("data-qa=\"curriculum-template\""), std::string::npos);
    EXPECT_NE(page.body.find(">月：\n火：\n水：</textarea>"), std::string::npos) << page.body;
    // Another kind is not touched by it.
    EXPECT_EQ(Get(Page("monthly", "2026-12-01")).body.find("data-qa=\"curriculum-template\""), std::string::npos);
    EXPECT_EQ(AuditCount("curriculum.template"), 1);
}

TEST_P(Curriculum, IndividualPlansAreForAChildUnderThreeInTheClassTodayAndNotForOneWhoMoved) {
    As("staff3");
    const auto young = young_.ToString();
    ASSERT_EQ(Get(Page("individual", "2026-12-01", young)).status, 200);
    ASSERT_EQ(Write("individual", "2026-12-01", "0", {{"sec_aims", "安心して眠る。"}}, "save", young).status, 303);
    // The child's linked records lead to it.
    auto records = Get("/children/" + young + "/records");
    ASSERT_EQ(records.status, 200);
    EXPECT_NE(records.body.find("kind=individual"), std::string::npos) << records.body;
    EXPECT_NE(records.body.find("安心して眠る。"), std::string::npos);
    // A child of three or more, a child not in this class, no child, or a child where the kind has none: refused.
    EXPECT_EQ(Get("/sites/3/curriculum/plan?kind=individual&group=" + std::to_string(older_group_) +
                  "&period=2026-12-01&child=" + older_.ToString())
                  .status,
              422);
    EXPECT_EQ(Get(Page("individual", "2026-12-01", older_.ToString())).status, older_group_ == group_ ? 422 : 404);
    EXPECT_EQ(Get(Page("individual", "2026-12-01")).status, 400);
    EXPECT_EQ(Get(Page("monthly", "2026-12-01", young)).status, 400);
    EXPECT_EQ(Get("/sites/3/curriculum/plan?kind=daily&group=" + std::to_string(group_) + "&period=2026-12-01").status,
              400);

    // The child moves to site 1 from today: this class has no plan to write for it, its records page is not here.
    MoveChild(young_, common::SiteId(1));
    EXPECT_EQ(Get(Page("individual", "2026-12-01", young)).status, 404);
    EXPECT_EQ(Write("individual", "2026-12-01", "1", {{"sec_aims", "書き足し"}}, "save", young).status, 404);
    EXPECT_EQ(Get("/sites/3/curriculum?month=2026-12").body.find("child=" + young), std::string::npos);
    EXPECT_EQ(Get("/children/" + young + "/records").status, 403);  // the site it left knows it, keeps none of this
    // Site 1's staff (a 学童) find no plans of site 3, by page or by id.
    As("staff1");
    EXPECT_EQ(Get("/sites/3/curriculum").status, 404);
    EXPECT_EQ(Get("/curriculum/" + std::to_string(Id("individual")) + "/pdf").status, 404);
    Get("/");
    EXPECT_EQ(Post("/curriculum/" + std::to_string(Id("individual")) + "/stamp", {{"step", "approve"}}).status, 404);
    EXPECT_EQ(Get("/sites/1/curriculum").status, 404);
    EXPECT_EQ(One("SELECT COUNT(*) FROM curriculum_stamp"), 0);
}

INSTANTIATE_TEST_SUITE_P(Db, Curriculum, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

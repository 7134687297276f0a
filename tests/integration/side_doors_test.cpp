// The holes found from outside (issue 14), one test each, on both databases: a roster import that reached another
// site's families, a child's former site keeping full rights, a manager taking over an account that also works
// elsewhere, a guardian's page naming children at other sites, and the smaller ones. Each was written against the
// code that had the hole and failed there.
#include "attendance/attendance.hpp"
#include "attendance/cards.hpp"
#include "auth/passwords.hpp"
#include "children/children.hpp"
#include "families/families.hpp"
#include "guardians/guardians.hpp"
#include "harness.hpp"
#include "push/push.hpp"
#include "staff/staff.hpp"

namespace {

using testing_support::AppTest;

const char* kHeader =
    "児童番号,姓,名,せい,めい,生年月日,学年,グループ,保護者番号,保護者姓,保護者名,保護者せい,保護者めい,続柄,メール,"
    "電話\r\n";

class SideDoors : public AppTest {
 protected:
    void SetUp() override {
        AppTest::SetUp();
        SeedSmallCity(2, 24);
        // A child of site 2 whose guardian has no child anywhere else.
        guardian_ =
            One("SELECT MIN(gc.guardian_id) FROM guardian_child gc JOIN child_placement p ON p.child_id = gc.child_id "
                "WHERE p.site_id = 2 AND gc.guardian_id NOT IN (SELECT gc2.guardian_id FROM guardian_child gc2 "
                "JOIN child_placement p2 ON p2.child_id = gc2.child_id WHERE p2.site_id <> 2)");
        child_ = One("SELECT MIN(child_id) FROM guardian_child WHERE guardian_id = " + std::to_string(guardian_));
    }
    std::string ChildPath(const std::string& rest = "") { return "/children/" + std::to_string(child_) + rest; }
    std::string GuardianName() {
        return Text("SELECT family_name || ' ' || given_name FROM guardian WHERE id = " + std::to_string(guardian_));
    }
    std::string SiteName(int site) { return Text("SELECT name FROM site WHERE id = " + std::to_string(site)); }
    // A guardian with children at sites 1 and 2 (the demo's siblings), and that guardian's child at a site.
    std::int64_t SharedGuardian() {
        return One(
            "SELECT MIN(gc.guardian_id) FROM guardian_child gc JOIN child_placement p ON p.child_id = gc.child_id "
            "WHERE p.site_id = 1 AND gc.guardian_id IN (SELECT gc2.guardian_id FROM guardian_child gc2 "
            "JOIN child_placement p2 ON p2.child_id = gc2.child_id WHERE p2.site_id = 2)");
    }
    std::int64_t ChildAt(std::int64_t guardian, int site) {
        return One(
            "SELECT MIN(gc.child_id) FROM guardian_child gc JOIN child_placement p ON p.child_id = gc.child_id "
            "WHERE p.site_id = " +
            std::to_string(site) + " AND gc.guardian_id = " + std::to_string(guardian));
    }
    std::int64_t guardian_ = 0, child_ = 0;
};

// 1. The import matched numbers across the whole city: a manager of site 1 could rename another site's child, place
//    it at site 1 and redirect its guardian's mail.
TEST_P(SideDoors, ARosterImportCannotReachAnotherSitesChildOrGuardian) {
    database().Write([&](db::WriteTx& tx) {
        children::SetChildExternalId(tx, common::ChildId(child_), "C-OTHER");
        guardians::SetGuardianExternalId(tx, common::GuardianId(guardian_), "G-OTHER");
    });
    const std::string before_email = Text("SELECT email FROM guardian WHERE id = " + std::to_string(guardian_));
    const std::string before_name = Text("SELECT family_name FROM child WHERE id = " + std::to_string(child_));
    const std::string csv = std::string(kHeader) +
                            "C-OTHER,乗取,太郎,のっとり,たろう,2019-05-05,1,,G-OTHER,乗取,花子,のっとり,はなこ,母,"
                            "attacker@example.test,\r\n";
    SignIn("manager1", "tadaima-demo");
    Get("/sites/1/import");
    for (const char* mode : {"check", "apply"}) {
        auto r = PostFile("/sites/1/import", {{"mode", mode}}, "roster.csv", csv);
        EXPECT_EQ(r.status, 422) << mode;
        EXPECT_NE(r.body.find("<tr><td>2</td>"), std::string::npos) << mode;  // the error names its line…
        EXPECT_EQ(r.body.find(SiteName(2)), std::string::npos) << mode;       // …and nothing of the other site
        Get("/sites/1/import");
    }
    EXPECT_EQ(Text("SELECT email FROM guardian WHERE id = " + std::to_string(guardian_)), before_email);
    EXPECT_EQ(Text("SELECT family_name FROM child WHERE id = " + std::to_string(child_)), before_name);
    EXPECT_EQ(One("SELECT COUNT(*) FROM child_placement WHERE site_id = 1 AND child_id = " + std::to_string(child_)),
              0);
}

// …and a guardian who also has a child at a site the importer cannot edit is not changed through the import.
TEST_P(SideDoors, ARosterImportDoesNotChangeAGuardianWhoAlsoBelongsToAnotherSite) {
    // A guardian with children at both sites (the demo's siblings), given a number, with a child at site 1.
    auto shared = SharedGuardian();
    ASSERT_GT(shared, 0);
    auto own_child = ChildAt(shared, 1);
    database().Write([&](db::WriteTx& tx) {
        children::SetChildExternalId(tx, common::ChildId(own_child), "C-OWN");
        guardians::SetGuardianExternalId(tx, common::GuardianId(shared), "G-SHARED");
    });
    auto row = [&](const std::string& email) {
        return database().Read([&](db::ReadTx& tx) {
            auto c = children::GetChild(tx, common::ChildId(own_child), common::TokyoDate(clock_.Now()));
            auto g = guardians::GetGuardian(tx, common::GuardianId(shared));
            return std::string(kHeader) + "C-OWN," + c->fields.family_name + "," + c->fields.given_name + "," +
                   c->fields.family_kana + "," + c->fields.given_kana + "," + c->fields.birth_date + "," +
                   (c->fields.grade ? std::to_string(*c->fields.grade) : "") + ",,G-SHARED," + g->fields.family_name +
                   "," + g->fields.given_name + "," + g->fields.family_kana + "," + g->fields.given_kana + ",母," +
                   email + "," + g->fields.phone + "\r\n";
        });
    };
    const std::string email = Text("SELECT email FROM guardian WHERE id = " + std::to_string(shared));
    SignIn("manager1", "tadaima-demo");
    Get("/sites/1/import");
    // The same details again: nothing to change, accepted.
    EXPECT_EQ(PostFile("/sites/1/import", {{"mode", "check"}}, "roster.csv", row(email)).status, 200);
    Get("/sites/1/import");
    auto changed = PostFile("/sites/1/import", {{"mode", "apply"}}, "roster.csv", row("new@example.test"));
    EXPECT_EQ(changed.status, 422);
    EXPECT_NE(changed.body.find("<tr><td>2</td>"), std::string::npos);
    EXPECT_EQ(Text("SELECT email FROM guardian WHERE id = " + std::to_string(shared)), email);
    // A municipal admin may.
    cookies_.clear();
    SignIn("admin", "tadaima-demo");
    Get("/sites/1/import");
    EXPECT_EQ(PostFile("/sites/1/import", {{"mode", "apply"}}, "roster.csv", row("new@example.test")).status, 200);
    EXPECT_EQ(Text("SELECT email FROM guardian WHERE id = " + std::to_string(shared)), "new@example.test");
}

// 2. Permission came from every placement a child ever had: after a move, the former site kept full rights.
TEST_P(SideDoors, AFormerSiteKeepsOnlyItsOwnHistoryOfAChildWhoMoved) {
    // A day at site 2 before the move, recorded by its staff.
    auto yesterday = clock_.Now() - std::chrono::hours(24);
    database().Write([&](db::WriteTx& tx) {
        attendance::RecordByStaff(tx,
                                  {common::ChildId(child_), common::SiteId(2), attendance::Direction::kIn, yesterday,
                                   common::UserId(One("SELECT id FROM staff_user WHERE login_id = 'staff2'")), ""},
                                  clock_);
    });
    MoveChild(common::ChildId(child_), common::SiteId(1));
    const std::string yesterday_date = common::FormatDate(common::TokyoDate(yesterday));
    const std::string today = common::FormatDate(common::TokyoDate(clock_.Now()));
    const auto events = One("SELECT COUNT(*) FROM attendance_event");

    SignIn("staff2", "tadaima-demo");
    auto page = Get(ChildPath());
    EXPECT_EQ(page.status, 200);
    EXPECT_EQ(page.body.find(GuardianName()), std::string::npos) << "the former site sees the guardians";
    EXPECT_EQ(page.body.find(SiteName(1)), std::string::npos) << "the former site learns where the child went";
    EXPECT_EQ(Get(ChildPath("/attendance?date=" + yesterday_date)).status, 200);
    EXPECT_EQ(Get(ChildPath("/attendance?date=" + today)).status, 404);
    EXPECT_EQ(Get("/guardians/" + std::to_string(guardian_)).status, 404);
    Get(ChildPath("/attendance?date=" + yesterday_date));
    auto record = Post(ChildPath("/attendance"), {{"direction", "in"}, {"off_hours_ok", "1"}});
    EXPECT_TRUE(record.status == 403 || record.status == 404) << record.status;
    EXPECT_EQ(One("SELECT COUNT(*) FROM attendance_event"), events);
    // Not in the former site's lists either.
    EXPECT_EQ(
        Get("/children?q=" + http::UrlEncode(Text("SELECT given_name FROM child WHERE id = " + std::to_string(child_))))
            .body.find(ChildPath()),
        std::string::npos);

    cookies_.clear();
    SignIn("manager2", "tadaima-demo");
    const auto card = database().Write(
        [&](db::WriteTx& tx) { return attendance::EnsureCard(tx, common::ChildId(child_), clock_).value; });
    const auto letters = One("SELECT COUNT(*) FROM registration_letter");
    const auto placements = One("SELECT COUNT(*) FROM child_placement");
    const auto links = One("SELECT COUNT(*) FROM guardian_child WHERE child_id = " + std::to_string(child_));
    Get(ChildPath());
    for (const auto& [path, form] :
         std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>>{
             {ChildPath("/card/reissue"), {}},
             {ChildPath("/letter"), {{"days", "30"}}},
             {ChildPath("/deactivate"), {}},
             {ChildPath("/guardians/" + std::to_string(guardian_) + "/unlink"), {}},
             {ChildPath(),
              {{"family_name", "戻"},
               {"given_name", "子"},
               {"family_kana", "もど"},
               {"given_kana", "こ"},
               {"birth_date", "2019-05-05"},
               {"grade", "1"},
               {"site_id", "2"},
               {"start_date", today}}}}) {
        auto r = Post(path, form);
        EXPECT_TRUE(r.status == 403 || r.status == 404) << path << " → " << r.status;
    }
    EXPECT_EQ(One("SELECT id FROM card WHERE revoked_at IS NULL AND child_id = " + std::to_string(child_)), card);
    EXPECT_EQ(One("SELECT COUNT(*) FROM registration_letter"), letters);
    EXPECT_EQ(One("SELECT COUNT(*) FROM child_placement"), placements);
    EXPECT_EQ(One("SELECT COUNT(*) FROM child WHERE deactivated_at IS NOT NULL"), 0);
    EXPECT_EQ(One("SELECT COUNT(*) FROM guardian_child WHERE child_id = " + std::to_string(child_)), links);
    EXPECT_EQ(Get(ChildPath("/card.pdf")).status, 403);

    // The child's new site has it all.
    cookies_.clear();
    SignIn("staff1", "tadaima-demo");
    page = Get(ChildPath());
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find(GuardianName()), std::string::npos);
    EXPECT_EQ(Get("/guardians/" + std::to_string(guardian_)).status, 200);
    Get(ChildPath("/attendance"));
    EXPECT_EQ(Post(ChildPath("/attendance"), {{"direction", "in"}, {"off_hours_ok", "1"}}).status, 303);
    EXPECT_EQ(One("SELECT COUNT(*) FROM attendance_event"), events + 1);
    EXPECT_EQ(One("SELECT site_id FROM attendance_event ORDER BY id DESC LIMIT 1"), 1);
}

// 3. A manager could set a password on an account that also holds a role at another site, and sign in as it there.
TEST_P(SideDoors, AManagerCannotTakeOverAnAccountThatAlsoWorksAtAnotherSite) {
    auto both = database().Write([&](db::WriteTx& tx) {
        auto id = staff::InsertStaff(tx, "both.sites", "二施設 職員", auth::HashPassword("a two site passphrase"), "ja",
                                     clock_);
        staff::ReplaceRoles(tx, id, {common::SiteId(1), common::SiteId(2)},
                            {{common::SiteId(1), auth::Role::kStaff}, {common::SiteId(2), auth::Role::kStaff}},
                            std::nullopt, clock_);
        return id.value;
    });
    const std::string path = "/staff/" + std::to_string(both);
    const std::string hash = Text("SELECT password_hash FROM staff_user WHERE id = " + std::to_string(both));
    SignIn("manager1", "tadaima-demo");
    Get(path + "/edit");
    auto r = Post(path, {{"display_name", "二施設 職員"},
                         {"language", "ja"},
                         {"role_1", "staff"},
                         {"password", "taken over by manager one"}});
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(Text("SELECT password_hash FROM staff_user WHERE id = " + std::to_string(both)), hash);
    for (const char* action : {"/deactivate", "/sessions/end", "/unlock"}) {
        Get(path + "/edit");
        EXPECT_EQ(Post(path + action, {}).status, 403) << action;
    }
    EXPECT_EQ(One("SELECT COUNT(*) FROM staff_user WHERE deactivated_at IS NOT NULL"), 0);
    // Ending the account's work at the manager's own site is still the manager's to do.
    Get(path + "/edit");
    EXPECT_EQ(Post(path, {{"role_1", ""}}).status, 303);
    EXPECT_EQ(One("SELECT COUNT(*) FROM staff_role WHERE user_id = " + std::to_string(both)), 1);
    EXPECT_EQ(One("SELECT site_id FROM staff_role WHERE user_id = " + std::to_string(both)), 2);
    // A municipal admin manages any account.
    cookies_.clear();
    SignIn("admin", "tadaima-demo");
    Get(path + "/edit");
    EXPECT_EQ(Post(path, {{"display_name", "二施設 職員"},
                          {"language", "ja"},
                          {"role_2", "staff"},
                          {"password", "reset by the city office"}})
                  .status,
              303);
    EXPECT_NE(Text("SELECT password_hash FROM staff_user WHERE id = " + std::to_string(both)), hash);
}

// 7. A guardian's page showed staff of site 1 the guardian's children at other sites, with links.
TEST_P(SideDoors, AGuardiansPageShowsOnlyTheChildrenOfTheViewersSites) {
    auto shared = SharedGuardian();
    ASSERT_GT(shared, 0);
    auto elsewhere = ChildAt(shared, 2);
    SignIn("staff1", "tadaima-demo");
    auto page = Get("/guardians/" + std::to_string(shared));
    EXPECT_EQ(page.status, 200);
    EXPECT_EQ(page.body.find("/children/" + std::to_string(elsewhere) + "\""), std::string::npos);
    EXPECT_EQ(page.body.find(Text("SELECT given_name FROM child WHERE id = " + std::to_string(elsewhere))),
              std::string::npos);
}

// 7. /metrics answered anyone.
TEST_P(SideDoors, MetricsNeedTheOperatorsToken) {
    EXPECT_EQ(Get("/metrics").status, 404);  // no token configured: not served at all
    config_.metrics_token = "a-metrics-token-for-tests-0123456789";
    EXPECT_EQ(Get("/metrics").status, 401);
    http::Request req;
    req.method = "GET";
    req.path = "/metrics";
    req.headers["authorization"] = "Bearer wrong";
    EXPECT_EQ(app_->Handle(req).status, 401);
    req.headers["authorization"] = "Bearer " + config_.metrics_token;
    auto ok = app_->Handle(req);
    EXPECT_EQ(ok.status, 200);
    EXPECT_NE(ok.body.find("tadaima_"), std::string::npos);
}

// 7. A stranger who knew a login id locked the account out for 30 minutes with ten requests, and thirty failures from
//    one address (a school's shared connection) blocked every sign-in from it.
TEST_P(SideDoors, AStrangerCannotLockAStaffMemberOutOfTheirOwnBrowser) {
    // staff1 has signed in on this browser before: it holds the account's device cookie.
    auto staff1_browser = BrowserThatSignedInBefore("staff1");
    auto staff2_browser = BrowserThatSignedInBefore("staff2");
    // Someone else, from the same address, guesses at staff1 and sprays other accounts.
    for (int i = 0; i < 40; ++i) {
        Get("/login");
        Post("/login", {{"login_id", i % 2 ? "staff1" : "manager" + std::to_string(i % 3 + 1)},
                        {"password", "guess " + std::to_string(i)}});
    }
    // The stranger is held back, even with the right password…
    Get("/login");
    auto stranger = Post("/login", {{"login_id", "staff1"}, {"password", "tadaima-demo"}});
    EXPECT_NE(stranger.status, 303);
    // …while staff1 and staff2 sign in from their own browsers at the same address.
    cookies_ = staff1_browser;
    Get("/login");
    EXPECT_EQ(Post("/login", {{"login_id", "staff1"}, {"password", "tadaima-demo"}}).status, 303);
    cookies_ = staff2_browser;
    Get("/login");
    EXPECT_EQ(Post("/login", {{"login_id", "staff2"}, {"password", "tadaima-demo"}}).status, 303);
}

// 7. Staff could not change their own password.
TEST_P(SideDoors, StaffChangeTheirOwnPasswordWithTheCurrentOne) {
    SignIn("staff1", "tadaima-demo");
    EXPECT_NE(Get("/").body.find("/account/password"), std::string::npos);
    EXPECT_EQ(Get("/account/password").status, 200);
    auto wrong = Post("/account/password", {{"current_password", "not it"},
                                            {"new_password", "a brand new passphrase"},
                                            {"confirm_password", "a brand new passphrase"}});
    EXPECT_EQ(wrong.status, 422);
    Get("/account/password");
    auto ok = Post("/account/password", {{"current_password", "tadaima-demo"},
                                         {"new_password", "a brand new passphrase"},
                                         {"confirm_password", "a brand new passphrase"}});
    EXPECT_EQ(ok.status, 303);
    EXPECT_EQ(One("SELECT COUNT(*) FROM audit_event WHERE action = 'staff.password_own' AND outcome = 'ok'"), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM audit_event WHERE action = 'staff.password_own' AND outcome = 'failed'"), 1);
    cookies_.clear();
    Get("/login");
    EXPECT_EQ(Post("/login", {{"login_id", "staff1"}, {"password", "tadaima-demo"}}).status, 401);
    Get("/login");
    EXPECT_EQ(Post("/login", {{"login_id", "staff1"}, {"password", "a brand new passphrase"}}).status, 303);
}

// 7. Posting a subscription with an endpoint already registered moved it to the poster.
TEST_P(SideDoors, APushEndpointBelongsToTheAccountThatRegisteredItFirst) {
    const std::string endpoint = "https://push.example.net/send/one-phone";
    const std::string p256dh =
        "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    const std::string auth = "BTBZMqHH6r4Tts7J_aSIgg";
    SignInGuardian("guardian1@example.com", "tadaima-demo");
    Get("/family/settings");
    EXPECT_EQ(Post("/family/push/subscribe", {{"endpoint", endpoint}, {"p256dh", p256dh}, {"auth", auth}}).status, 200);
    const auto owner = One("SELECT account_id FROM push_subscription");
    SignInGuardian("family1@example.com", "tadaima-demo");
    Get("/family/settings");
    auto taken = Post("/family/push/subscribe", {{"endpoint", endpoint}, {"p256dh", p256dh}, {"auth", auth}});
    EXPECT_EQ(taken.status, 409);
    EXPECT_EQ(One("SELECT account_id FROM push_subscription"), owner);
    EXPECT_EQ(One("SELECT COUNT(*) FROM push_subscription"), 1);
}

INSTANTIATE_TEST_SUITE_P(Both, SideDoors, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

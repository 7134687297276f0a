// Every handler through the application's one entry point (sessions, CSRF, permissions, audit, errors), on both
// databases, without sockets. The socket layer is covered by the API tests against the built binary.
#include "db/migrate.hpp"
#include "harness.hpp"

namespace {

using testing_support::AppTest;

class Handlers : public AppTest {
 protected:
    void SetUp() override {
        AppTest::SetUp();
        SeedSmallCity(3, 30);
    }
    std::int64_t Count(const std::string& sql) {
        return database().Read([&](db::ReadTx& tx) { return tx.QueryOne(sql).Int(0); });
    }
    std::vector<std::pair<std::string, std::string>> ChildForm(const std::string& site) {
        return {{"family_name", "試験"},  {"given_name", "花子"},       {"family_kana", "しけん"},
                {"given_kana", "はなこ"}, {"birth_date", "2019-06-01"}, {"grade", "1"},
                {"site_id", site},        {"start_date", "2026-04-01"}, {"end_date", ""}};
    }
};

TEST_P(Handlers, PagesNeedASignInAndSendBrowsersToIt) {
    auto r = Get("/children");
    EXPECT_EQ(r.status, 303);
    EXPECT_EQ(r.location, "/login?next=%2Fchildren");
    // The query comes back too, so a shared link to a filtered list still works after signing in.
    EXPECT_EQ(Get("/children?site_id=1&q=%E3%82%84").location,
              "/login?next=%2Fchildren%3Fsite_id%3D1%26q%3D%25E3%2582%2584");
}

TEST_P(Handlers, AWrongPasswordIsRefusedAndAudited) {
    auto r = SignIn("admin", "not the password");
    EXPECT_EQ(r.status, 401);
    EXPECT_NE(r.body.find("ログインIDまたはパスワードが正しくありません"), std::string::npos);
    EXPECT_EQ(AuditCount("signin"), 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_event WHERE action = 'signin' AND outcome = 'failed'"), 1);
    EXPECT_EQ(Get("/").status, 303);
}

TEST_P(Handlers, AnUnknownLoginGetsTheSameAnswerAsAWrongPassword) {
    auto wrong = SignIn("admin", "not the password");
    auto unknown = SignIn("nobody", "not the password");
    EXPECT_EQ(wrong.status, unknown.status);
    EXPECT_NE(unknown.body.find("ログインIDまたはパスワードが正しくありません"), std::string::npos);
}

TEST_P(Handlers, SigningInAndOutStartsAndEndsTheSession) {
    auto r = SignIn("staff1", "tadaima-demo");  // staff: no second factor unless they set one up
    ASSERT_EQ(r.status, 303);
    EXPECT_EQ(r.location, "/");
    EXPECT_EQ(Get("/").status, 200);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM user_session WHERE ended_at IS NULL"), 1);
    auto token = cookies_["tadaima_session"];
    EXPECT_EQ(Post("/logout", {}).status, 303);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM user_session WHERE ended_at IS NULL"), 0);
    cookies_["tadaima_session"] = token;  // replaying the old cookie does not bring the session back
    EXPECT_EQ(Get("/").status, 303);
}

TEST_P(Handlers, AFormPostWithoutTheCsrfTokenIsRefusedAndChangesNothing) {
    SignIn("admin", "tadaima-demo");
    auto before = Count("SELECT COUNT(*) FROM child");
    auto r = Post("/children", ChildForm("1"), /*with_csrf=*/false);
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM child"), before);
    csrf_ = "0123456789abcdef0123456789abcdef";
    EXPECT_EQ(Post("/children", ChildForm("1")).status, 403);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM child"), before);
}

TEST_P(Handlers, ASignInFormWithoutTheCsrfCookieTokenIsRefused) {
    Get("/login");
    auto r = Post("/login", {{"login_id", "admin"}, {"password", "tadaima-demo"}}, /*with_csrf=*/false);
    EXPECT_EQ(r.status, 403);
}

TEST_P(Handlers, AManagerRegistersAChildWhoIsThenFoundByHalfWidthKana) {
    SignIn("manager1", "tadaima-demo");
    Get("/children/new?site_id=1");
    auto r = Post("/children", ChildForm("1"));
    ASSERT_EQ(r.status, 303) << r.body;
    EXPECT_EQ(AuditCount("child.create"), 1);
    auto found = Get("/children?q=%EF%BD%BC%EF%BD%B9%EF%BE%9D");  // ｼｹﾝ
    EXPECT_EQ(found.status, 200);
    EXPECT_NE(found.body.find("試験 花子"), std::string::npos);
    auto view = Get(r.location.substr(0, r.location.find('?')));
    EXPECT_EQ(view.status, 200);
    EXPECT_NE(view.body.find("しけん はなこ"), std::string::npos);
    EXPECT_EQ(AuditCount("child.view"), 1);
}

TEST_P(Handlers, FormErrorsAppearBesideTheFieldInTheUsersLanguage) {
    SignIn("manager1", "tadaima-demo");
    Get("/children/new?site_id=1");
    auto form = ChildForm("1");
    form[2].second = "shiken";      // kana field with latin letters
    form[4].second = "2026-02-30";  // no such date
    auto before = Count("SELECT COUNT(*) FROM child");
    auto r = Post("/children", form);
    EXPECT_EQ(r.status, 422);
    EXPECT_NE(r.body.find("id=\"family_kana-error\">ひらがなかカタカナで入力してください。"), std::string::npos);
    EXPECT_NE(r.body.find("id=\"birth_date-error\">"), std::string::npos);
    EXPECT_NE(r.body.find("value=\"shiken\""), std::string::npos) << "the user's input is shown again";
    EXPECT_EQ(Count("SELECT COUNT(*) FROM child"), before);

    Get("/lang/en?next=/children/new");
    Get("/children/new?site_id=1");
    r = Post("/children", form);
    EXPECT_EQ(r.status, 422);
    EXPECT_NE(r.body.find("Please use hiragana or katakana."), std::string::npos);
    EXPECT_NE(r.body.find("<html lang=\"en\">"), std::string::npos);
}

TEST_P(Handlers, StaffOfOneSiteCannotSeeAChildOfAnother) {
    auto other = Count("SELECT MIN(c.id) FROM child c JOIN child_placement p ON p.child_id = c.id WHERE p.site_id = 2");
    auto own = Count("SELECT MIN(c.id) FROM child c JOIN child_placement p ON p.child_id = c.id WHERE p.site_id = 1");
    SignIn("staff1", "tadaima-demo");
    EXPECT_EQ(Get("/children/" + std::to_string(own)).status, 200);
    EXPECT_EQ(Get("/children/" + std::to_string(other)).status, 404) << "existence does not leak";
    auto list = Get("/children");
    EXPECT_EQ(list.status, 200);
    EXPECT_EQ(list.body.find("/children/" + std::to_string(other) + "\""), std::string::npos);
}

TEST_P(Handlers, StaffMayReadButNotChangeAndTheDenialIsAudited) {
    auto own = Count("SELECT MIN(c.id) FROM child c JOIN child_placement p ON p.child_id = c.id WHERE p.site_id = 1");
    SignIn("staff1", "tadaima-demo");
    Get("/children/" + std::to_string(own));
    auto r = Post("/children/" + std::to_string(own) + "/deactivate", {});
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM child WHERE deactivated_at IS NOT NULL"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_event WHERE outcome = 'denied'"), 1);
    EXPECT_EQ(Get("/staff").status, 403);
    EXPECT_EQ(Get("/sites/new").status, 403);
}

TEST_P(Handlers, AManagerDeactivatesAndReactivatesAChildFromItsEditPage) {
    SignIn("manager1", "tadaima-demo");
    auto child = Count("SELECT MIN(c.id) FROM child c JOIN child_placement p ON p.child_id = c.id WHERE p.site_id = 1");
    auto path = "/children/" + std::to_string(child);
    auto form = Get(path + "/edit");
    EXPECT_NE(form.body.find("action=\"" + path + "/deactivate\""), std::string::npos);
    EXPECT_EQ(Post(path + "/deactivate", {}).status, 303);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM child WHERE deactivated_at IS NOT NULL"), 1);
    EXPECT_EQ(Get("/children").body.find("href=\"" + path + "\""), std::string::npos) << "hidden from the list";
    EXPECT_NE(Get("/children?inactive=1").body.find("href=\"" + path + "\""), std::string::npos);
    form = Get(path + "/edit");
    EXPECT_NE(form.body.find("action=\"" + path + "/reactivate\""), std::string::npos);
    EXPECT_EQ(Post(path + "/reactivate", {}).status, 303);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM child WHERE deactivated_at IS NOT NULL"), 0);
    EXPECT_EQ(AuditCount("child.deactivate"), 1);
    EXPECT_EQ(AuditCount("child.reactivate"), 1);
}

TEST_P(Handlers, HealthAndAssetsSetNoCookies) {
    EXPECT_TRUE(Get("/healthz").raw.cookies.empty());
    EXPECT_FALSE(Get("/login").raw.cookies.empty());
}

TEST_P(Handlers, OnlyTheCityCreatesSites) {
    SignIn("manager1", "tadaima-demo");
    Get("/sites");
    auto r = Post("/sites", {{"kind", "gakudo"}, {"name", "新しい学童"}});
    EXPECT_EQ(r.status, 403);
    SignIn("admin", "tadaima-demo");
    Get("/sites/new");
    r = Post("/sites", {{"kind", "gakudo"},
                        {"name", "新しい学童"},
                        {"name_kana", "あたらしいがくどう"},
                        {"open_1", "13:00"},
                        {"close_1", "19:00"},
                        {"open_2", "19:00"},
                        {"close_2", "13:00"}});
    EXPECT_EQ(r.status, 422);
    EXPECT_NE(r.body.find("終了時刻は開始時刻より後にしてください。"), std::string::npos);
    r = Post("/sites", {{"kind", "gakudo"},
                        {"name", "新しい学童"},
                        {"name_kana", "あたらしいがくどう"},
                        {"open_1", "13:00"},
                        {"close_1", "19:00"}});
    EXPECT_EQ(r.status, 303);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM site"), 4);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM site_opening_hours WHERE site_id = 4"), 1);
}

TEST_P(Handlers, AManagerCreatesAStaffAccountForTheirSiteOnly) {
    SignIn("manager1", "tadaima-demo");
    Get("/staff/new");
    auto r = Post("/staff", {{"login_id", "newcarer"},
                             {"display_name", "新人"},
                             {"password", "short"},
                             {"language", "ja"},
                             {"role_1", "staff"}});
    EXPECT_EQ(r.status, 422);
    EXPECT_NE(r.body.find("パスワードは8文字以上にしてください。"), std::string::npos);
    r = Post("/staff", {{"login_id", "newcarer"},
                        {"display_name", "新人"},
                        {"password", "a long enough passphrase"},
                        {"language", "ja"},
                        {"role_1", "staff"},
                        {"role_2", "site_manager"},
                        {"municipal", "1"}});
    EXPECT_EQ(r.status, 303);
    EXPECT_EQ(
        Count("SELECT COUNT(*) FROM staff_role r JOIN staff_user u ON u.id = r.user_id WHERE u.login_id = 'newcarer'"),
        1)
        << "roles at other sites and the municipal role are not the manager's to give";
    Get("/staff/new");
    r = Post("/staff", {{"login_id", "newcarer"},
                        {"display_name", "二人目"},
                        {"password", "a long enough passphrase"},
                        {"language", "ja"},
                        {"role_1", "staff"}});
    EXPECT_EQ(r.status, 422);
    EXPECT_NE(r.body.find("このログインIDはすでに使われています。"), std::string::npos);
}

TEST_P(Handlers, AnAdminSeesAnAccountsSessionsAndEndsThem) {
    SignIn("staff1", "tadaima-demo");
    auto staff_cookies = cookies_;
    EXPECT_EQ(Get("/children").status, 200);
    cookies_.clear();
    SignIn("admin", "tadaima-demo");
    auto id = std::to_string(Count("SELECT id FROM staff_user WHERE login_id = 'staff1'"));
    auto page = Get("/staff/" + id + "/edit");
    EXPECT_NE(page.body.find("data-qa=\"sessions\""), std::string::npos);
    EXPECT_NE(page.body.find("127.0.0.1"), std::string::npos);
    EXPECT_EQ(Post("/staff/" + id + "/sessions/end", {}).status, 303);
    EXPECT_EQ(AuditCount("staff.end_sessions"), 1);
    EXPECT_NE(Get("/staff/" + id + "/edit").body.find("data-qa=\"no-sessions\""), std::string::npos);
    cookies_ = staff_cookies;
    EXPECT_EQ(Get("/children").status, 303) << "the ended session no longer signs anyone in";
}

TEST_P(Handlers, SecureCookiesCarryTheHostPrefix) {
    config_.secure_cookies = true;
    auto login = Get("/login");
    ASSERT_FALSE(login.raw.cookies.empty());
    EXPECT_EQ(login.raw.cookies[0].name, "__Host-tadaima_csrf");
    EXPECT_TRUE(login.raw.cookies[0].secure);
    auto r = Post("/login", {{"login_id", "staff1"}, {"password", "tadaima-demo"}});
    ASSERT_EQ(r.status, 303);
    bool host_session = false;
    for (const auto& c : r.raw.cookies) host_session = host_session || (c.name == "__Host-tadaima_session" && c.secure);
    EXPECT_TRUE(host_session);
    EXPECT_EQ(Get("/").status, 200) << "the prefixed cookie is the one read back";
    bool hsts = false;
    for (const auto& [k, v] : Get("/").raw.headers) hsts = hsts || k == "Strict-Transport-Security";
    EXPECT_TRUE(hsts);
}

TEST_P(Handlers, DeactivatingAnAccountEndsItsSessions) {
    SignIn("staff1", "tadaima-demo");
    auto staff_cookies = cookies_;
    cookies_.clear();
    SignIn("manager1", "tadaima-demo");
    auto id = Count("SELECT id FROM staff_user WHERE login_id = 'staff1'");
    Get("/staff/" + std::to_string(id) + "/edit");
    EXPECT_EQ(Post("/staff/" + std::to_string(id) + "/deactivate", {}).status, 303);
    cookies_ = staff_cookies;
    EXPECT_EQ(Get("/children").status, 303);
    EXPECT_EQ(SignIn("staff1", "tadaima-demo").status, 401);
}

TEST_P(Handlers, AGuardianIsAddedFromTheChildsPageAndLinkedToASibling) {
    SignIn("manager1", "tadaima-demo");
    auto child = Count("SELECT MIN(c.id) FROM child c JOIN child_placement p ON p.child_id = c.id WHERE p.site_id = 1");
    auto sibling =
        Count("SELECT MAX(c.id) FROM child c JOIN child_placement p ON p.child_id = c.id WHERE p.site_id = 1");
    Get("/guardians/new?child_id=" + std::to_string(child));
    auto r = Post("/guardians", {{"child_id", std::to_string(child)},
                                 {"family_name", "試験"},
                                 {"given_name", "一郎"},
                                 {"family_kana", "シケン"},
                                 {"given_kana", "イチロウ"},
                                 {"email", "not-an-email"},
                                 {"language", "ja"},
                                 {"relationship", "father"}});
    EXPECT_EQ(r.status, 422);
    EXPECT_NE(r.body.find("メールアドレスの形式が正しくありません。"), std::string::npos);
    r = Post("/guardians", {{"child_id", std::to_string(child)},
                            {"family_name", "試験"},
                            {"given_name", "一郎"},
                            {"family_kana", "シケン"},
                            {"given_kana", "イチロウ"},
                            {"email", "ichiro@example.com"},
                            {"phone", "090-1234-5678"},
                            {"language", "en"},
                            {"relationship", "father"}});
    ASSERT_EQ(r.status, 303);
    auto g = Count("SELECT id FROM guardian WHERE email = 'ichiro@example.com'");
    auto page = Get("/children/" + std::to_string(sibling) + "?guardian_q=%E3%81%97%E3%81%91%E3%82%93");  // しけん
    EXPECT_NE(page.body.find("試験 一郎"), std::string::npos);
    r = Post("/children/" + std::to_string(sibling) + "/guardians",
             {{"guardian_id", std::to_string(g)}, {"relationship", "father"}});
    EXPECT_EQ(r.status, 303);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM guardian_child WHERE guardian_id = " + std::to_string(g)), 2);
    EXPECT_GE(AuditCount("guardian.view"), 1);
}

TEST_P(Handlers, AManagerCannotLinkAGuardianOfAnotherSiteByGuessingAnId) {
    SignIn("manager1", "tadaima-demo");
    auto child = Count("SELECT MIN(c.id) FROM child c JOIN child_placement p ON p.child_id = c.id WHERE p.site_id = 1");
    auto foreign = Count(
        "SELECT MIN(gc.guardian_id) FROM guardian_child gc JOIN child_placement p ON p.child_id = gc.child_id "
        "WHERE p.site_id = 2 AND gc.guardian_id NOT IN (SELECT gc2.guardian_id FROM guardian_child gc2 "
        "JOIN child_placement p2 ON p2.child_id = gc2.child_id WHERE p2.site_id = 1)");
    Get("/children/" + std::to_string(child));
    auto r = Post("/children/" + std::to_string(child) + "/guardians",
                  {{"guardian_id", std::to_string(foreign)}, {"relationship", "mother"}});
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(Get("/guardians/" + std::to_string(foreign)).status, 404);
    auto foreign_child =
        Count("SELECT MIN(c.id) FROM child c JOIN child_placement p ON p.child_id = c.id WHERE p.site_id = 2");
    EXPECT_EQ(Get("/guardians/new?child_id=" + std::to_string(foreign_child)).status, 404);
    EXPECT_EQ(Get("/children/" + std::to_string(foreign_child) + "/edit").status, 404);
}

TEST_P(Handlers, HealthReportsTheDatabaseKindAndSchemaVersion) {
    auto r = Get("/healthz");
    EXPECT_EQ(r.status, 200);
    std::string kind = GetParam() == db::Kind::kSqlite ? "sqlite" : "postgresql";
    EXPECT_NE(r.body.find("\"database\":\"" + kind + "\""), std::string::npos);
    auto latest = db::EmbeddedMigrations(GetParam()).back().version;
    EXPECT_NE(r.body.find("\"schema_version\":" + std::to_string(latest) + ","), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("\"status\":\"ok\""), std::string::npos);
}

TEST_P(Handlers, MetricsCountRequestsPerRoute) {
    config_.metrics_token = "a-metrics-token-for-tests-0123456789";
    Get("/healthz");
    Get("/healthz");
    http::Request req;
    req.method = "GET";
    req.path = "/metrics";
    req.headers["authorization"] = "Bearer " + config_.metrics_token;
    auto res = app_->Handle(req);
    AppTest::Result r{res.status, res.body, "", res};
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("tadaima_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"),
              std::string::npos)
        << r.body.substr(0, 2000);
    EXPECT_NE(r.body.find("tadaima_http_request_duration_seconds_bucket{route=\"/healthz\""), std::string::npos);
}

TEST_P(Handlers, UnknownPagesAre404InTheUsersLanguageWithSecurityHeaders) {
    auto r = Get("/no/such/page");
    EXPECT_EQ(r.status, 404);
    EXPECT_NE(r.body.find("ページが見つかりません。"), std::string::npos);
    bool csp = false;
    for (const auto& [k, v] : r.raw.headers)
        csp = csp || (k == "Content-Security-Policy" && v.find("script-src 'self'") != std::string::npos);
    EXPECT_TRUE(csp);
    Get("/lang/en?next=/");
    EXPECT_NE(Get("/no/such/page").body.find("Page not found."), std::string::npos);
}

TEST_P(Handlers, TheLanguageSwitchOnlyRedirectsWithinTheSite) {
    auto r = Get("/lang/en?next=//evil.example/");
    EXPECT_EQ(r.status, 303);
    EXPECT_EQ(r.location, "/");
    EXPECT_EQ(Get("/lang/xx").status, 404);
}

TEST_P(Handlers, AMalformedFormIsABadRequest) {
    SignIn("admin", "tadaima-demo");
    http::Request req;
    auto r = Post("/sites", {{"name", std::string("\xff\xfe", 2)}});
    EXPECT_EQ(r.status, 400) << "invalid UTF-8 in a form";
    EXPECT_EQ(Get("/children?page=0").status, 400);
    EXPECT_EQ(Get("/children?page=x").status, 400);
    EXPECT_EQ(Get("/children/abc").status, 404);
}

INSTANTIATE_TEST_SUITE_P(Both, Handlers, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

// A database that goes away gives 503 on health and an error page, and comes back when the database does.
TEST(DatabaseOutage, HealthIs503AndPagesShowAnErrorPageWhilePostgresqlIsDown) {
    testing_support::PostgresCluster cluster;
    auto url = cluster.CreateDatabase();
    auto database = db::Database::Open({url, 2});
    db::Migrate(*database);
    common::FixedClock clock(*common::ParseInstant("2026-11-22T01:00:00.000Z"));
    web::Catalogue catalogue;
    web::Templates templates;
    web::Assets assets;
    app::Metrics metrics;
    app::Config config;
    app::Services services{*database, clock, catalogue, templates, assets, config, metrics, {}, {}};
    app::App application(services, metrics);
    auto get = [&](const std::string& path) {
        http::Request req;
        req.method = "GET";
        req.path = path;
        req.headers["cookie"] = "tadaima_session=" + std::string(64, 'a');
        return application.Handle(req);
    };
    EXPECT_EQ(get("/healthz").status, 200);
    cluster.Stop();
    auto health = get("/healthz");
    EXPECT_EQ(health.status, 503);
    EXPECT_NE(health.body.find("\"status\":\"unavailable\""), std::string::npos);
    auto page = get("/children");
    EXPECT_EQ(page.status, 503);
    EXPECT_NE(page.body.find("ただいまサービスを利用できません"), std::string::npos);
}

}  // namespace

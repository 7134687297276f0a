// The second factor of staff sign-in, on both databases with a fixed clock: required set-up for admins and
// managers, codes used once, recovery codes, wrong codes counted towards the lock, and no data before it.
#include <regex>

#include "auth/totp.hpp"
#include "harness.hpp"

namespace {

using testing_support::AppTest;

class SecondFactor : public AppTest {
 protected:
    void SetUp() override {
        AppTest::SetUp();
        SeedSmallCity(2, 4);
    }
    // Password only; the session is left half signed in.
    Result Password(const std::string& login) {
        Get("/login");
        return Post("/login", {{"login_id", login}, {"password", "tadaima-demo"}});
    }
    std::string SecretOnPage(const std::string& body) {
        std::smatch m;
        std::regex re(R"re(data-qa="totp-secret">([A-Z2-7 ]+)<)re");
        if (!std::regex_search(body, m, re)) return "";
        std::string s = m[1];
        std::erase(s, ' ');
        return s;
    }
    std::string Code(const std::string& secret, int steps_ahead = 0) {
        return auth::TotpCode(*auth::Base32Decode(secret), auth::TotpStep(clock_.Now()) + steps_ahead);
    }
    std::vector<std::string> RecoveryCodes(const std::string& body) {
        std::vector<std::string> out;
        std::regex re(R"re(<li><code>([a-z0-9]{4}-[a-z0-9]{4})</code>)re");
        for (auto it = std::sregex_iterator(body.begin(), body.end(), re); it != std::sregex_iterator(); ++it) {
            out.push_back((*it)[1]);
        }
        return out;
    }
};

TEST_P(SecondFactor, AManagerSetsItUpAtFirstSignInAndSeesNothingBefore) {
    auto r = Password("manager1");
    ASSERT_EQ(r.status, 303);
    EXPECT_EQ(r.location, "/mfa?next=%2F");
    EXPECT_EQ(Get("/children").location, "/mfa?next=%2Fchildren") << "no data before the second factor";
    auto to_setup = Get("/mfa?next=%2F");
    EXPECT_EQ(to_setup.location, "/mfa/setup?next=%2F");
    auto setup = Get(to_setup.location);
    EXPECT_EQ(setup.status, 200);
    EXPECT_NE(setup.body.find("<svg xmlns"), std::string::npos) << "the QR code";
    auto secret = SecretOnPage(setup.body);
    ASSERT_EQ(secret.size(), 32u);
    // With this session's own CSRF token (from the set-up page) a change is still refused.
    EXPECT_EQ(Post("/children/1/deactivate", {}).status, 401);
    auto half_signed_in = cookies_["tadaima_session"];
    auto wrong = Post("/mfa/setup", {{"code", "000000"}, {"next", "/"}});
    EXPECT_EQ(wrong.status, 422);
    EXPECT_EQ(SecretOnPage(wrong.body), secret) << "the same secret until it is confirmed";
    auto elsewhere = Get("/mfa/setup?next=%2F%2Fevil.example%2F");
    EXPECT_NE(elsewhere.body.find("name=\"next\" value=\"/\""), std::string::npos) << "no way off the site";
    auto done = Post("/mfa/setup", {{"code", Code(secret)}, {"next", "/children"}});
    EXPECT_EQ(done.status, 200);
    EXPECT_EQ(RecoveryCodes(done.body).size(), 10u);
    EXPECT_NE(done.body.find("href=\"/children\""), std::string::npos);
    EXPECT_NE(cookies_["tadaima_session"], half_signed_in) << "a new session token after the second factor";
    EXPECT_EQ(Get("/children").status, 200);
    cookies_["tadaima_session"] = half_signed_in;
    EXPECT_EQ(Get("/children").status, 303) << "the half-signed-in token is worth nothing now";
    EXPECT_EQ(AuditCount("mfa.enrol"), 1);
}

TEST_P(SecondFactor, LaterSignInsAskForACodeAndEachCodeWorksOnce) {
    SignIn("manager1", "tadaima-demo");  // sets it up
    auto secret = totp_secrets_.at("manager1");
    cookies_.clear();
    clock_.Advance(std::chrono::minutes(5));
    Password("manager1");
    auto page = Get("/mfa?next=%2F");
    EXPECT_EQ(page.status, 200);
    EXPECT_EQ(SecretOnPage(page.body), "") << "the secret is never shown again";
    auto code = Code(secret);
    EXPECT_EQ(Post("/mfa", {{"code", code}, {"next", "/"}}).status, 303);
    EXPECT_EQ(Get("/").status, 200);
    cookies_.clear();
    Password("manager1");
    Get("/mfa");
    auto replay = Post("/mfa", {{"code", code}, {"next", "/"}});
    EXPECT_EQ(replay.status, 401) << "the same code again";
    EXPECT_NE(replay.body.find("コードが正しくありません"), std::string::npos);
    EXPECT_EQ(Post("/mfa", {{"code", Code(secret, 1)}, {"next", "/"}}).status, 303) << "the next step's code works";
}

TEST_P(SecondFactor, ARecoveryCodeWorksOnceInPlaceOfTheApp) {
    Password("manager1");
    auto setup = Get("/mfa/setup");
    auto codes = RecoveryCodes(Post("/mfa/setup", {{"code", Code(SecretOnPage(setup.body))}}).body);
    ASSERT_EQ(codes.size(), 10u);
    for (int round = 0; round < 2; ++round) {
        cookies_.clear();
        Password("manager1");
        Get("/mfa");
        std::string typed = codes[0];
        std::transform(typed.begin(), typed.end(), typed.begin(), ::toupper);  // as someone might type it
        auto r = Post("/mfa", {{"code", typed}, {"next", "/"}});
        EXPECT_EQ(r.status, round == 0 ? 303 : 401) << "round " << round;
    }
}

TEST_P(SecondFactor, WrongCodesCountTowardsTheLock) {
    SignIn("manager1", "tadaima-demo");
    cookies_.clear();
    clock_.Advance(std::chrono::minutes(1));
    for (int i = 0; i < 10; ++i) {
        Password("manager1");
        Get("/mfa");
        Post("/mfa", {{"code", "000000"}, {"next", "/"}});
    }
    EXPECT_EQ(AuditCount("account.locked"), 1);
    cookies_.clear();
    auto r = Password("manager1");
    EXPECT_EQ(r.status, 401) << "locked: even the right password is refused";
}

TEST_P(SecondFactor, StaffMayChooseToUseItAndAreThenAskedForIt) {
    SignIn("staff1", "tadaima-demo");
    EXPECT_NE(Get("/").body.find("data-qa=\"suggest-mfa\""), std::string::npos);
    auto setup = Get("/mfa/setup");
    auto secret = SecretOnPage(setup.body);
    ASSERT_FALSE(secret.empty());
    EXPECT_EQ(Post("/mfa/setup", {{"code", Code(secret)}}).status, 200);
    EXPECT_EQ(Get("/").body.find("data-qa=\"suggest-mfa\""), std::string::npos);
    cookies_.clear();
    clock_.Advance(std::chrono::minutes(1));
    EXPECT_EQ(Password("staff1").location, "/mfa?next=%2F");
}

INSTANTIATE_TEST_SUITE_P(Both, SecondFactor, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

// Sign-in throttling on both databases, with a fixed clock: untrusted attempts held back per account (ending by
// time or a manager's unlock), a browser the account trusts never held back by others' failures, a growing delay
// per address, and no way to tell an unknown login id from a wrong password.
#include <regex>

#include "harness.hpp"

namespace {

using testing_support::AppTest;

class Throttling : public AppTest {
 protected:
    void SetUp() override {
        AppTest::SetUp();
        SeedSmallCity(2, 4);
    }
    // The sign-in page as answered, without what differs legitimately between two answers: the login id typed
    // back into the form and the request id.
    std::string Normalised(std::string body, const std::string& login) {
        body = std::regex_replace(body, std::regex("value=\"" + login + "\""), "value=\"LOGIN\"");
        return body;
    }
    std::int64_t Count(const std::string& sql) {
        return database().Read([&](db::ReadTx& tx) { return tx.QueryOne(sql).Int(0); });
    }
    void FailTimes(const std::string& login, int n) {
        for (int i = 0; i < n; ++i) {
            auto r = SignIn(login, "wrong password " + std::to_string(i));
            ASSERT_EQ(r.status, 401);
        }
    }
};

TEST_P(Throttling, TenFailuresInAnHourLockTheAccountEvenForTheRightPassword) {
    FailTimes("staff1", 10);
    EXPECT_EQ(AuditCount("account.locked"), 1);
    auto locked = SignIn("staff1", "tadaima-demo");
    EXPECT_EQ(locked.status, 401);
    EXPECT_NE(locked.body.find("ログインIDまたはパスワードが正しくありません"), std::string::npos);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM user_session"), 0);
    clock_.Advance(std::chrono::minutes(31));
    EXPECT_EQ(SignIn("staff1", "tadaima-demo").status, 303) << "the lock ends by itself";
}

TEST_P(Throttling, NineFailuresAnHourApartDoNotLock) {
    FailTimes("staff1", 9);
    clock_.Advance(std::chrono::minutes(61));
    FailTimes("staff1", 9);
    EXPECT_EQ(SignIn("staff1", "tadaima-demo").status, 303);
}

TEST_P(Throttling, AManagerUnlocksAnAccountAtOnce) {
    FailTimes("staff1", 10);
    clock_.Advance(std::chrono::minutes(2));
    cookies_.clear();
    SignIn("manager1", "tadaima-demo");
    auto id = Count("SELECT id FROM staff_user WHERE login_id = 'staff1'");
    auto form = Get("/staff/" + std::to_string(id) + "/edit");
    EXPECT_NE(form.body.find("data-qa=\"locked\""), std::string::npos);
    EXPECT_EQ(Post("/staff/" + std::to_string(id) + "/unlock", {}).status, 303);
    EXPECT_EQ(AuditCount("staff.unlock"), 1);
    cookies_.clear();
    EXPECT_EQ(SignIn("staff1", "tadaima-demo").status, 303);
    cookies_.clear();
    clock_.Advance(std::chrono::minutes(2));
    FailTimes("staff1", 9);  // failures before the unlock no longer count
    EXPECT_EQ(SignIn("staff1", "tadaima-demo").status, 303);
}

TEST_P(Throttling, AnUnknownLoginIdIsAnsweredExactlyLikeAWrongPasswordAndALockedAccount) {
    auto unknown = SignIn("nobody", "wrong password");
    auto wrong = SignIn("staff1", "wrong password");
    EXPECT_EQ(unknown.status, wrong.status);
    EXPECT_EQ(Normalised(unknown.body, "nobody"), Normalised(wrong.body, "staff1"));
    FailTimes("staff1", 10);
    auto locked = SignIn("staff1", "tadaima-demo");
    EXPECT_EQ(locked.status, wrong.status);
    EXPECT_EQ(Normalised(locked.body, "staff1"), Normalised(wrong.body, "staff1"));
}

TEST_P(Throttling, AnAddressSprayingManyAccountsIsHeldBack) {
    for (int i = 0; i < 30; ++i) SignIn("guess" + std::to_string(i), "password1");
    auto r = SignIn("manager1", "tadaima-demo");
    EXPECT_EQ(r.status, 429);
    EXPECT_NE(r.body.find("しばらく受け付けません"), std::string::npos);
    bool retry_after = false;
    for (const auto& [k, v] : r.raw.headers) retry_after = retry_after || k == "Retry-After";
    EXPECT_TRUE(retry_after);
    EXPECT_EQ(AuditCount("signin") - 30, 1);
    clock_.Advance(std::chrono::minutes(11));
    EXPECT_EQ(SignIn("manager1", "tadaima-demo").status, 303);
}

// The owner's browser (trusted at an earlier sign-in) is not held back by a stranger's failures at the account, nor
// by those of the address both share.
TEST_P(Throttling, ABrowserTheAccountSignedInFromIsNotHeldBackByAStrangersFailures) {
    auto owner = BrowserThatSignedInBefore("staff1");
    FailTimes("staff1", 10);
    for (int i = 0; i < 30; ++i) SignIn("guess" + std::to_string(i), "password1");
    EXPECT_EQ(SignIn("staff1", "tadaima-demo").status, 429);  // the stranger, with the right password
    cookies_ = owner;
    EXPECT_EQ(SignIn("staff1", "tadaima-demo").status, 303);
    // The trusted attempt names the browser, and the account's hold is the untrusted attempts' alone.
    EXPECT_EQ(Count("SELECT COUNT(*) FROM login_attempt WHERE succeeded = 1 AND device_id IS NOT NULL"), 1);
}

// A trusted browser that keeps failing is held back itself — and only itself.
TEST_P(Throttling, ATrustedBrowsersOwnFailuresHoldBackOnlyThatBrowser) {
    cookies_ = BrowserThatSignedInBefore("staff1");
    FailTimes("staff1", 10);
    EXPECT_EQ(SignIn("staff1", "tadaima-demo").status, 401);
    EXPECT_EQ(AuditCount("account.locked"), 0);
    cookies_.clear();  // another browser
    EXPECT_EQ(SignIn("staff1", "tadaima-demo").status, 303);
}

// Past the address's limit each further failure doubles the wait, told in Retry-After.
TEST_P(Throttling, TheAddressWaitDoublesWithEachFurtherFailure) {
    for (int i = 0; i < 30; ++i) SignIn("guess" + std::to_string(i), "password1");
    auto retry_after = [](const AppTest::Result& r) {
        for (const auto& [k, v] : r.raw.headers) {
            if (k == "Retry-After") return std::stoi(v);
        }
        return -1;
    };
    auto first = SignIn("guess-a", "password1");
    EXPECT_EQ(first.status, 429);
    EXPECT_EQ(retry_after(first), 1);
    clock_.Advance(std::chrono::seconds(1));
    EXPECT_EQ(SignIn("guess-b", "password1").status, 401);  // waited: tried, and failed once more
    auto second = SignIn("guess-c", "password1");
    EXPECT_EQ(second.status, 429);
    EXPECT_EQ(retry_after(second), 2);
}

TEST_P(Throttling, AttemptsKeepNoLoginIdInClear) {
    SignIn("staff1", "wrong password");
    SignIn("nobody", "wrong password");
    EXPECT_EQ(Count("SELECT COUNT(*) FROM login_attempt WHERE login_key IN ('staff1', 'nobody')"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM login_attempt WHERE length(login_key) = 64"), 2);
}

INSTANTIATE_TEST_SUITE_P(Both, Throttling, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

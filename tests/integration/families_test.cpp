// Guardian onboarding through the whole application: registration letters (read back from the PDF with
// poppler's pdftotext), the confirmation mail, sign-in, siblings, family invitations, and what guardians may see.
#include <cstdio>
#include <fstream>
#include <regex>

#include "auth/passwords.hpp"
#include "families/families.hpp"
#include "harness.hpp"

namespace {

using testing_support::AppTest;

class Families : public AppTest {
 protected:
    void SetUp() override {
        AppTest::SetUp();
        SeedSmallCity(2, 12);
        child_a_ = ChildAt(1, 0);
        child_b_ = ChildAt(1, 1);
        other_child_ = ChildAt(2, 0);
    }
    std::int64_t ChildAt(int site, int nth) {
        return One("SELECT child_id FROM child_placement WHERE site_id = " + std::to_string(site) +
                   " ORDER BY child_id LIMIT 1 OFFSET " + std::to_string(nth));
    }
    std::string ChildName(std::int64_t child) {
        return database().Read([&](db::ReadTx& tx) {
            auto r = tx.QueryOne("SELECT family_name, given_name FROM child WHERE id = ?", child);
            return r.Text(0) + " " + r.Text(1);
        });
    }
    static std::string PdfText(const std::string& pdf) {
        auto text = testing_support::PdfText(pdf);
        EXPECT_FALSE(text.empty()) << "pdftotext read nothing";
        return text;
    }
    static std::string CodeIn(const std::string& text) {
        std::smatch m;
        if (!std::regex_search(text, m, std::regex(R"([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})"))) return "";
        return m[0];
    }
    // A manager prints a letter for the child; returns the code read from the PDF.
    std::string PrintLetter(std::int64_t child, const std::string& days = "30") {
        SignIn("manager1", "tadaima-demo");
        Get("/children/" + std::to_string(child));
        auto r = Post("/children/" + std::to_string(child) + "/letter", {{"days", days}});
        EXPECT_EQ(r.status, 200);
        letter_text_ = PdfText(r.body);
        SignOutAll();
        return CodeIn(letter_text_);
    }
    void SignOutAll() {
        cookies_.clear();
        csrf_.clear();
    }
    Result Register(const std::string& code, const std::string& email,
                    const std::string& password = "a long family passphrase") {
        Get("/register?code=" + code);
        return Post("/register", {{"code", code},
                                  {"display_name", "試験 保護者"},
                                  {"email", email},
                                  {"password", password},
                                  {"language", "ja"}});
    }
    // Registers and confirms through the mail; leaves the guardian signed in.
    void RegisterAndConfirm(const std::string& code, const std::string& email) {
        ASSERT_EQ(Register(code, email).status, 200);
        RunJobs();
        auto mails = Mails();
        ASSERT_FALSE(mails.empty());
        auto link = LocalLink(mails.back().body);
        ASSERT_TRUE(link.starts_with("/register/confirm?t=")) << mails.back().body;
        ASSERT_EQ(Get(link).status, 200);
        auto r = Post("/register/confirm", {{"t", link.substr(link.find("t=") + 2)}});
        ASSERT_EQ(r.status, 303);
        ASSERT_EQ(r.location, "/family?notice=registered");
    }
    std::int64_t child_a_ = 0, child_b_ = 0, other_child_ = 0;
    std::string letter_text_;
};

TEST_P(Families, AGuardianRegistersFromALetterConfirmsByMailAndSeesTheChild) {
    auto code = PrintLetter(child_a_);
    ASSERT_FALSE(code.empty()) << letter_text_;
    EXPECT_NE(letter_text_.find(ChildName(child_a_)), std::string::npos) << "the letter names the child";
    EXPECT_NE(letter_text_.find("保護者登録のご案内"), std::string::npos);
    EXPECT_NE(letter_text_.find("http://tadaima.test/register"), std::string::npos);
    EXPECT_EQ(AuditCount("letter.issue"), 1);

    auto sent = Register(code, "Parent.One@Example.test");
    ASSERT_EQ(sent.status, 200);
    EXPECT_NE(sent.body.find("data-qa=\"register-sent\""), std::string::npos);
    // Not confirmed yet: cannot sign in, sees nothing.
    EXPECT_EQ(Get("/family").status, 303);
    EXPECT_EQ(RunJobs(), 1);
    auto mails = Mails();
    ASSERT_EQ(mails.size(), 1u);
    EXPECT_EQ(mails[0].to, "parent.one@example.test");
    EXPECT_EQ(mails[0].subject, "【ただいま市】メールアドレスの確認");
    EXPECT_NE(mails[0].raw.find("Message-ID: <mail.confirm_email."), std::string::npos);
    EXPECT_TRUE(mails[0].raw.starts_with("Date: ")) << mails[0].raw;
    EXPECT_NE(mails[0].body.find("試験 保護者 様"), std::string::npos) << mails[0].body;
    auto link = LocalLink(mails[0].body);
    ASSERT_TRUE(link.starts_with("/register/confirm?t=")) << mails[0].body;

    ASSERT_EQ(Get(link).status, 200);
    auto token = link.substr(link.find("t=") + 2);
    auto confirmed = Post("/register/confirm", {{"t", token}});
    ASSERT_EQ(confirmed.status, 303);
    EXPECT_EQ(confirmed.location, "/family?notice=registered");
    auto home = Get("/family");
    ASSERT_EQ(home.status, 200);
    EXPECT_NE(home.body.find(ChildName(child_a_)), std::string::npos);
    EXPECT_NE(home.body.find("data-qa=\"family-role\">保護者"), std::string::npos);

    // The link and the code work once.
    EXPECT_EQ(Post("/register/confirm", {{"t", token}}).status, 410);
    SignOutAll();
    auto again = Register(code, "someone.else@example.test");
    EXPECT_EQ(again.status, 422);
    EXPECT_NE(again.body.find("すでに使われています"), std::string::npos);
    EXPECT_EQ(One("SELECT COUNT(*) FROM guardian_account WHERE email = 'someone.else@example.test'"), 0);

    // Staff see the account on the child's page.
    SignIn("manager1", "tadaima-demo");
    auto page = Get("/children/" + std::to_string(child_a_));
    EXPECT_NE(page.body.find("試験 保護者"), std::string::npos);
    EXPECT_NE(page.body.find("使用済み"), std::string::npos);
}

TEST_P(Families, ACodeCanBeTypedInFullWidthWithoutHyphens) {
    auto code = PrintLetter(child_a_);
    std::string typed;
    for (char c : code) {
        if (c == '-') continue;
        // Full-width forms (U+FF21… for A–Z, U+FF10… for 0–9), as a Japanese keyboard may type them.
        char32_t wide = c >= 'A' ? U'Ａ' + (c - 'A') : U'０' + (c - '0');
        typed += static_cast<char>(0xE0 | (wide >> 12));
        typed += static_cast<char>(0x80 | ((wide >> 6) & 0x3F));
        typed += static_cast<char>(0x80 | (wide & 0x3F));
    }
    EXPECT_EQ(Register(typed, "wide@example.test").status, 200);
}

TEST_P(Families, WrongCodesGetAClearMessageAndAreThrottled) {
    for (int i = 0; i < services_->throttle_policy.code_failures; ++i) {
        auto r = Register("ABCD-EFGH-JKMN", "guess@example.test");
        ASSERT_EQ(r.status, 422);
        EXPECT_NE(r.body.find("登録コードが正しくありません"), std::string::npos);
    }
    auto held = Register("ABCD-EFGH-JKMN", "guess@example.test");
    EXPECT_EQ(held.status, 429);
    EXPECT_NE(held.body.find("しばらく入力できません"), std::string::npos);
    // Even a right code waits now: guessing cannot continue.
    EXPECT_EQ(One("SELECT COUNT(*) FROM guardian_account WHERE email LIKE '%example.test'"), 0);
    EXPECT_EQ(One("SELECT COUNT(*) FROM job"), 0);
    clock_.Advance(std::chrono::hours(1) + std::chrono::seconds(1));
    EXPECT_EQ(Register("ABCD-EFGH-JKMN", "guess@example.test").status, 422);
}

TEST_P(Families, AnExpiredOrReplacedCodeSaysSo) {
    auto first = PrintLetter(child_a_, "7");
    auto second = PrintLetter(child_a_, "7");
    auto replaced = Register(first, "late@example.test");
    EXPECT_EQ(replaced.status, 422);
    EXPECT_NE(replaced.body.find("新しい案内に置き換えられました"), std::string::npos);
    clock_.Advance(std::chrono::hours(24 * 8));
    auto expired = Register(second, "late@example.test");
    EXPECT_EQ(expired.status, 422);
    EXPECT_NE(expired.body.find("有効期限が過ぎています"), std::string::npos);
}

TEST_P(Families, ASiblingsLetterLinksToTheSameAccount) {
    auto code_a = PrintLetter(child_a_);
    auto code_b = PrintLetter(child_b_);
    RegisterAndConfirm(code_a, "sibling@example.test");
    Get("/register?code=" + code_b);
    auto r = Post("/register", {{"code", code_b}});
    ASSERT_EQ(r.status, 303);
    EXPECT_EQ(r.location, "/family?notice=child_added");
    auto home = Get("/family");
    EXPECT_NE(home.body.find(ChildName(child_a_)), std::string::npos);
    EXPECT_NE(home.body.find(ChildName(child_b_)), std::string::npos);
    EXPECT_EQ(One("SELECT COUNT(*) FROM guardian_account WHERE email LIKE '%example.test'"), 1);
}

TEST_P(Families, RegisteringAnAddressThatHasAnAccountTellsItsOwnerAndChangesNothing) {
    auto code_a = PrintLetter(child_a_);
    auto code_b = PrintLetter(child_b_);
    RegisterAndConfirm(code_a, "taken@example.test");
    SignOutAll();
    auto before = database().Read([&](db::ReadTx& tx) {
        return tx.QueryOne("SELECT password_hash FROM guardian_account WHERE email = 'taken@example.test'").Text(0);
    });
    auto r = Register(code_b, "taken@example.test", "another long passphrase");
    EXPECT_EQ(r.status, 200) << "the same answer as for a new address";
    RunJobs();
    auto mails = Mails();
    ASSERT_EQ(mails.size(), 2u);
    EXPECT_EQ(mails[1].subject, "【ただいま市】ご登録について");
    auto after = database().Read([&](db::ReadTx& tx) {
        return tx.QueryOne("SELECT password_hash FROM guardian_account WHERE email = 'taken@example.test'").Text(0);
    });
    EXPECT_EQ(before, after);
    EXPECT_EQ(One("SELECT COUNT(*) FROM registration_letter WHERE used_at IS NOT NULL"), 1);
}

TEST_P(Families, GuardianSignInAnswersAlikeForUnknownAndWrongAndSignOutEndsTheSession) {
    RegisterAndConfirm(PrintLetter(child_a_), "signin@example.test");
    SignOutAll();
    Get("/family/login");
    auto wrong = Post("/family/login", {{"email", "signin@example.test"}, {"password", "not the password"}});
    Get("/family/login");
    auto unknown = Post("/family/login", {{"email", "nobody@example.test"}, {"password", "not the password"}});
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(unknown.status, 401);
    auto error = [](const std::string& body) {
        std::smatch m;
        std::regex_search(body, m, std::regex(R"(data-qa="login-error">([^<]*)<)"));
        return m[1].str();
    };
    EXPECT_EQ(error(wrong.body), error(unknown.body));
    EXPECT_FALSE(error(wrong.body).empty());

    Get("/family/login");
    auto ok = Post("/family/login", {{"email", "SIGNIN@example.test"}, {"password", "a long family passphrase"}});
    ASSERT_EQ(ok.status, 303);
    EXPECT_EQ(ok.location, "/family");
    auto cookie = cookies_.at("tadaima_family");
    Get("/family");
    EXPECT_EQ(Post("/family/logout", {}).status, 303);
    cookies_["tadaima_family"] = cookie;  // the old cookie, replayed
    EXPECT_EQ(Get("/family").status, 303);
}

TEST_P(Families, AGuardiansSessionLastsThirtyDaysFromSignInThenAsksAgain) {
    RegisterAndConfirm(PrintLetter(child_a_), "phone@example.test");
    clock_.Advance(std::chrono::hours(24 * 29));
    EXPECT_EQ(Get("/family").status, 200);
    clock_.Advance(std::chrono::hours(24 * 2));
    auto r = Get("/family");
    EXPECT_EQ(r.status, 303);
    EXPECT_TRUE(r.location.starts_with("/family/login")) << r.location;
}

TEST_P(Families, AGuardianInvitesAFamilyMemberWhoJoinsWithTheFamilyRole) {
    RegisterAndConfirm(PrintLetter(child_a_), "mother@example.test");
    Get("/family/invite");
    auto r = Post("/family/invite",
                  {{"email", "grandma@example.test"}, {"role", "family"}, {"child_id", std::to_string(child_a_)}});
    ASSERT_EQ(r.status, 303);
    RunJobs();
    auto mails = Mails();
    ASSERT_EQ(mails.size(), 2u);
    EXPECT_EQ(mails[1].to, "grandma@example.test");
    EXPECT_EQ(mails[1].subject, "【ただいま市】試験 保護者 さんからの招待");
    EXPECT_NE(mails[1].body.find("2026-11-29 まで有効"), std::string::npos) << mails[1].body;
    auto link = LocalLink(mails[1].body);
    ASSERT_TRUE(link.starts_with("/family/invitation?t=")) << mails[1].body;

    SignOutAll();
    auto page = Get(link);
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("data-qa=\"invitation-form\""), std::string::npos);
    auto token = link.substr(link.find("t=") + 2);
    auto bad = Post("/family/invitation", {{"t", token}, {"display_name", "祖母"}, {"password", "short"}});
    EXPECT_EQ(bad.status, 422);
    EXPECT_EQ(One("SELECT COUNT(*) FROM guardian_account WHERE email LIKE '%example.test'"), 1);
    auto joined = Post(
        "/family/invitation",
        {{"t", token}, {"display_name", "試験 祖母"}, {"password", "grandma's long passphrase"}, {"language", "en"}});
    ASSERT_EQ(joined.status, 303);
    auto home = Get("/family");
    EXPECT_NE(home.body.find(ChildName(child_a_)), std::string::npos);
    EXPECT_NE(home.body.find("data-qa=\"family-role\">Family"), std::string::npos) << "in her own language";
    // The family role sees but does not invite.
    EXPECT_EQ(home.body.find("data-qa=\"invite-family\""), std::string::npos);
    EXPECT_EQ(Get("/family/invite").status, 403);
    Get("/family");
    EXPECT_EQ(
        Post("/family/invite", {{"email", "x@example.test"}, {"role", "full"}, {"child_id", std::to_string(child_a_)}})
            .status,
        403);
    // The link works once.
    SignOutAll();
    EXPECT_EQ(Get(link).status, 410);
}

TEST_P(Families, AnInvitationThatClosedMeanwhileLinksNothing) {
    auto [invitation, first, second] = database().Write([&](db::WriteTx& tx) {
        auto inviter = families::CreateConfirmedAccount(tx, "inviter@example.test", "招待 者", "x", "ja", clock_);
        families::LinkChild(tx, inviter, common::ChildId(child_a_), auth::FamilyRole::kFull, clock_);
        auto id = families::CreateInvitation(tx, inviter, "both@example.test", auth::FamilyRole::kFamily,
                                             {common::ChildId(child_a_)}, clock_);
        auto a = families::CreateConfirmedAccount(tx, "first@example.test", "一人目", "x", "ja", clock_);
        auto b = families::CreateConfirmedAccount(tx, "second@example.test", "二人目", "x", "ja", clock_);
        return std::tuple{*families::GetInvitation(tx, id, clock_), a, b};
    });
    // Both read the invitation while it was open; the first to write wins.
    auto won =
        database().Write([&](db::WriteTx& tx) { return families::AcceptInvitation(tx, invitation, first, clock_); });
    ASSERT_TRUE(won);
    EXPECT_EQ(won->size(), 1u);
    auto lost =
        database().Write([&](db::WriteTx& tx) { return families::AcceptInvitation(tx, invitation, second, clock_); });
    EXPECT_FALSE(lost);
    EXPECT_EQ(One("SELECT COUNT(*) FROM guardian_account_child WHERE account_id = " + std::to_string(second.value)), 0);
    // An expired one, likewise.
    auto late = database().Write([&](db::WriteTx& tx) {
        auto inviter = families::FindAccountByEmail(tx, "inviter@example.test")->id;
        return *families::GetInvitation(
            tx,
            families::CreateInvitation(tx, inviter, "late@example.test", auth::FamilyRole::kFamily,
                                       {common::ChildId(child_a_)}, clock_),
            clock_);
    });
    clock_.Advance(families::kInvitationValid + std::chrono::seconds(1));
    EXPECT_FALSE(
        database().Write([&](db::WriteTx& tx) { return families::AcceptInvitation(tx, late, second, clock_); }));
}

TEST_P(Families, AGuardianCannotInviteToAnotherFamilysChild) {
    RegisterAndConfirm(PrintLetter(child_a_), "nosy@example.test");
    Get("/family/invite");
    auto r = Post("/family/invite",
                  {{"email", "x@example.test"}, {"role", "full"}, {"child_id", std::to_string(other_child_)}});
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(One("SELECT COUNT(*) FROM family_invitation"), 0);
    EXPECT_EQ(One("SELECT COUNT(*) FROM job WHERE kind = 'mail.family_invitation'"), 0);
}

TEST_P(Families, StaffAndGuardianPagesRefuseTheOtherKindOfUser) {
    RegisterAndConfirm(PrintLetter(child_a_), "both@example.test");
    // A guardian's session opens no staff page.
    for (const char* path : {"/", "/children", "/guardians", "/sites/1"}) {
        auto r = Get(path);
        EXPECT_EQ(r.status, 303) << path;
        EXPECT_TRUE(r.location.starts_with("/login")) << path;
    }
    Get("/family");
    EXPECT_EQ(Post("/children/" + std::to_string(child_a_) + "/letter", {{"days", "30"}}).status, 401);
    // A staff session opens no guardian page.
    SignOutAll();
    SignIn("admin", "tadaima-demo");
    auto r = Get("/family");
    EXPECT_EQ(r.status, 303);
    EXPECT_TRUE(r.location.starts_with("/family/login"));
}

TEST_P(Families, StaffEndAnAccountsLinkAndTheGuardianNoLongerSeesTheChild) {
    RegisterAndConfirm(PrintLetter(child_a_), "ended@example.test");
    auto guardian_cookie = cookies_.at("tadaima_family");
    auto account = One("SELECT id FROM guardian_account WHERE email = 'ended@example.test'");
    SignOutAll();
    SignIn("staff1", "tadaima-demo");
    Get("/children/" + std::to_string(child_a_));
    auto path = "/children/" + std::to_string(child_a_) + "/accounts/" + std::to_string(account) + "/end";
    EXPECT_EQ(Post(path, {}).status, 403) << "staff may not; managers may";
    SignOutAll();
    SignIn("manager1", "tadaima-demo");
    Get("/children/" + std::to_string(child_a_));
    EXPECT_EQ(Post(path, {}).status, 303);
    EXPECT_EQ(AuditCount("family.link_end"), 1);
    SignOutAll();
    cookies_["tadaima_family"] = guardian_cookie;
    auto home = Get("/family");
    EXPECT_EQ(home.body.find(ChildName(child_a_)), std::string::npos);
    EXPECT_NE(home.body.find("data-qa=\"no-children\""), std::string::npos);
}

TEST_P(Families, ASiteManagerPrintsLettersForEveryChildWithoutAnAccount) {
    RegisterAndConfirm(PrintLetter(child_a_), "first@example.test");
    SignOutAll();
    SignIn("manager1", "tadaima-demo");
    Get("/sites/1");
    auto r = Post("/sites/1/letters", {{"days", "14"}, {"only_unregistered", "1"}});
    ASSERT_EQ(r.status, 200);
    auto text = PdfText(r.body);
    auto without =
        One("SELECT COUNT(DISTINCT p.child_id) FROM child_placement p WHERE p.site_id = 1 AND NOT EXISTS "
            "(SELECT 1 FROM guardian_account_child l WHERE l.child_id = p.child_id AND l.ended_at IS NULL)");
    EXPECT_EQ(std::count(text.begin(), text.end(), '\f'), without) << "one page per child without an account";
    EXPECT_EQ(text.find(ChildName(child_a_) + " さん"), std::string::npos);
    EXPECT_NE(text.find(ChildName(child_b_) + " さん"), std::string::npos);
    EXPECT_EQ(Post("/sites/1/letters", {{"days", "0"}}).status, 422);
}

INSTANTIATE_TEST_SUITE_P(Both, Families, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

// Reporting absences is the full guardian's choice for each family member: a grandparent sees the child but reports
// nothing until allowed; allowed, the report is theirs on the staff side; stopped, refused again.
TEST_P(Families, AFullGuardianLetsAFamilyMemberReportAbsences) {
    RegisterAndConfirm(PrintLetter(child_a_), "mother@example.test");
    auto mother = cookies_.at("tadaima_family");
    auto grandma = database().Write([&](db::WriteTx& tx) {
        auto a = families::CreateConfirmedAccount(tx, "grandma@example.test", "試験 祖母",
                                                  auth::HashPassword("grandma's long passphrase"), "ja", clock_);
        families::LinkChild(tx, a, common::ChildId(child_a_), auth::FamilyRole::kFamily, clock_);
        return a;
    });
    SignOutAll();
    Get("/family/login");
    ASSERT_EQ(
        Post("/family/login", {{"email", "grandma@example.test"}, {"password", "grandma's long passphrase"}}).status,
        303);
    auto grandma_cookie = cookies_.at("tadaima_family");
    const std::string contact = "/family/children/" + std::to_string(child_a_) + "/contact";
    auto home = Get("/family");
    EXPECT_EQ(home.body.find("data-qa=\"contact-link\""), std::string::npos);
    EXPECT_EQ(home.body.find("data-qa=\"member-reporting\""), std::string::npos) << "only the full guardian switches";
    EXPECT_EQ(Get(contact).status, 403);
    const std::string allow =
        "/family/children/" + std::to_string(child_a_) + "/members/" + grandma.ToString() + "/reporting";
    Get("/family");
    EXPECT_EQ(Post(allow, {{"allow", "1"}}).status, 403) << "a family member cannot allow themselves";

    cookies_.clear();
    cookies_["tadaima_family"] = mother;
    home = Get("/family");
    EXPECT_NE(home.body.find("欠席連絡はできません"), std::string::npos);
    ASSERT_EQ(Post(allow, {{"allow", "1"}}).status, 303);
    EXPECT_EQ(AuditCount("family.reporting_allow"), 1);
    home = Get("/family");
    EXPECT_NE(home.body.find("欠席連絡ができます"), std::string::npos);
    EXPECT_NE(home.body.find("欠席連絡の許可をやめる"), std::string::npos);
    // Another family's member, or the full guardian's own link: not found.
    auto mine = One("SELECT id FROM guardian_account WHERE email = 'mother@example.test'");
    EXPECT_EQ(Post("/family/children/" + std::to_string(child_a_) + "/members/" + std::to_string(mine) + "/reporting",
                   {{"allow", "1"}})
                  .status,
              404);

    cookies_.clear();
    cookies_["tadaima_family"] = grandma_cookie;
    home = Get("/family");
    EXPECT_NE(home.body.find("data-qa=\"contact-link\""), std::string::npos);
    ASSERT_EQ(Get(contact).status, 200);
    ASSERT_EQ(Post(contact, {{"date", "2026-11-25"}, {"kind", "absence"}, {"absence_reason", "illness"}}).status, 303);
    EXPECT_EQ(One("SELECT COUNT(*) FROM plan_contact WHERE account_id = " + grandma.ToString()), 1);
    // Planning the month stays the full guardian's.
    Get("/family/children/" + std::to_string(child_a_) + "/plans");
    EXPECT_EQ(Post("/family/children/" + std::to_string(child_a_) + "/plans",
                   {{"day", "2026-11-26"}, {"attending", "1"}, {"leave_time", "17:00"}, {"way_home", "alone"}})
                  .status,
              403);

    cookies_.clear();
    cookies_["tadaima_family"] = mother;
    Get("/family");
    ASSERT_EQ(Post(allow, {{"allow", "0"}}).status, 303);
    cookies_.clear();
    cookies_["tadaima_family"] = grandma_cookie;
    EXPECT_EQ(Get(contact).status, 403);
    // Allowed again, then the link ends and is made anew: the old leave does not come back with it.
    cookies_.clear();
    cookies_["tadaima_family"] = mother;
    Get("/family");
    ASSERT_EQ(Post(allow, {{"allow", "1"}}).status, 303);
    database().Write([&](db::WriteTx& tx) {
        families::EndChildLink(tx, grandma, common::ChildId(child_a_), clock_);
        families::LinkChild(tx, grandma, common::ChildId(child_a_), auth::FamilyRole::kFamily, clock_);
    });
    cookies_.clear();
    cookies_["tadaima_family"] = grandma_cookie;
    EXPECT_EQ(Get(contact).status, 403);
}

// Pure pieces of guardian onboarding and mail: letter codes, signed link tokens, RFC 2047 subjects, mail dates.
#include <gtest/gtest.h>
#include <sodium.h>

#include "auth/permissions.hpp"
#include "auth/tokens.hpp"
#include "common/dates.hpp"
#include "families/families.hpp"
#include "mail/mail.hpp"

namespace {

TEST(LetterCodes, AreTwelveCharactersWithoutLookAlikesInGroupsOfFour) {
    for (int i = 0; i < 200; ++i) {
        auto code = families::NewLetterCode();
        ASSERT_EQ(code.size(), 14u) << code;
        EXPECT_EQ(code[4], '-');
        EXPECT_EQ(code[9], '-');
        EXPECT_EQ(code.find_first_of("01OIL"), std::string::npos) << code;
    }
    EXPECT_NE(families::NewLetterCode(), families::NewLetterCode());
}

TEST(LetterCodes, ReadAsTypedInAnyWidthCaseAndSpacing) {
    EXPECT_EQ(families::NormaliseCode("abcd-efgh-2345"), "ABCDEFGH2345");
    EXPECT_EQ(families::NormaliseCode(" ABCD EFGH 2345 "), "ABCDEFGH2345");
    EXPECT_EQ(families::NormaliseCode("ＡＢＣＤ－ＥＦＧＨ－２３４５"), "ABCDEFGH2345");
    EXPECT_EQ(families::NormaliseCode("ABCDーEFGHー2345"), "ABCDEFGH2345");  // a prolonged sound mark for a hyphen
    EXPECT_EQ(families::FormatCode("ABCDEFGH2345"), "ABCD-EFGH-2345");
}

TEST(SignedTokens, CarryTheIdAndRefuseAnyChange) {
    auto t = auth::SignToken("server secret of enough length", "confirm", 42);
    EXPECT_EQ(auth::VerifyToken("server secret of enough length", "confirm", t), 42);
    EXPECT_FALSE(auth::VerifyToken("another secret of enough length", "confirm", t));
    EXPECT_FALSE(auth::VerifyToken("server secret of enough length", "invite", t)) << "purpose is bound";
    std::string forged = "43" + t.substr(t.find('.'));
    EXPECT_FALSE(auth::VerifyToken("server secret of enough length", "confirm", forged));
    for (const char* bad : {"", ".", "42", "42.", "x.abc", "-1.abc", "99999999999999999999.abc"}) {
        EXPECT_FALSE(auth::VerifyToken("server secret of enough length", "confirm", bad)) << bad;
    }
}

TEST(MailHeaders, AsciiStaysAsIsAndJapaneseIsEncodedWithoutSplittingACharacter) {
    EXPECT_EQ(mail::EncodeHeader("Hello"), "Hello");
    EXPECT_EQ(mail::EncodeHeader("a\r\nBcc: x@example.test"), "a  Bcc: x@example.test") << "no header injection";
    std::string subject = "【tadaima】メールアドレスの確認とお知らせ・髙﨑①の件について";
    auto encoded = mail::EncodeHeader(subject);
    std::string decoded;
    std::size_t pos = 0;
    int words = 0;
    while ((pos = encoded.find("=?UTF-8?B?", pos)) != std::string::npos) {
        auto end = encoded.find("?=", pos + 10);
        std::string b64 = encoded.substr(pos + 10, end - pos - 10);
        EXPECT_LE(end + 2 - pos, 64u);
        // Each word decodes to whole UTF-8 characters: its first byte is never a continuation byte.
        std::string raw(b64.size(), '\0');
        std::size_t len = 0;
        ASSERT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), b64.data(), b64.size(),
                                    nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL),
                  0);
        raw.resize(len);
        EXPECT_NE(static_cast<unsigned char>(raw[0]) & 0xC0, 0x80);
        decoded += raw;
        pos = end;
        ++words;
    }
    EXPECT_GT(words, 1);
    EXPECT_EQ(decoded, subject);
}

TEST(MailHeaders, DatesAreRfc5322InJapanTime) {
    EXPECT_EQ(mail::FormatDate(*common::ParseInstant("2026-11-22T01:00:00.000Z")), "Sun, 22 Nov 2026 10:00:00 +0900");
    EXPECT_EQ(mail::FormatDate(*common::ParseInstant("2026-12-31T15:30:05.000Z")), "Fri, 01 Jan 2027 00:30:05 +0900");
    EXPECT_EQ(mail::AddressOf("ただいま <noreply@tadaima.test>"), "noreply@tadaima.test");
}

TEST(FamilyRoles, FullGuardiansChangePlansAndInviteFamilyMembersOnlySee) {
    using auth::FamilyAction;
    using auth::FamilyRole;
    EXPECT_TRUE(auth::FamilyRoleAllows(FamilyRole::kFull, FamilyAction::kPlanEdit));
    EXPECT_TRUE(auth::FamilyRoleAllows(FamilyRole::kFull, FamilyAction::kFamilyInvite));
    EXPECT_TRUE(auth::FamilyRoleAllows(FamilyRole::kFamily, FamilyAction::kChildView));
    EXPECT_FALSE(auth::FamilyRoleAllows(FamilyRole::kFamily, FamilyAction::kPlanEdit));
    EXPECT_FALSE(auth::FamilyRoleAllows(FamilyRole::kFamily, FamilyAction::kFamilyInvite));
    auth::GuardianActor g;
    g.children[common::ChildId(1)] = FamilyRole::kFull;
    EXPECT_TRUE(g.Can(FamilyAction::kPlanEdit, common::ChildId(1)));
    EXPECT_FALSE(g.Can(FamilyAction::kChildView, common::ChildId(2))) << "never another family's child";
}

}  // namespace

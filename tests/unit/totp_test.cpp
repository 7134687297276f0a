#include <gtest/gtest.h>

#include "auth/totp.hpp"
#include "common/dates.hpp"

using namespace std::chrono;

TEST(Base32, RoundTripsTheRfc4648Vectors) {
    EXPECT_EQ(auth::Base32Encode("foobar"), "MZXW6YTBOI======");
    EXPECT_EQ(auth::Base32Encode("f"), "MY======");
    EXPECT_EQ(auth::Base32Decode("MZXW6YTBOI======"), "foobar");
    EXPECT_EQ(auth::Base32Decode("mzxw 6ytb oi"), "foobar") << "spaces and case do not matter";
    EXPECT_FALSE(auth::Base32Decode("MZXW1"));  // 1 is not in the alphabet
}

// RFC 6238 Appendix B, SHA-1, with its 20-byte ASCII key and 8 digits.
TEST(Totp, MatchesTheRfc6238TestVectors) {
    const std::string key = "12345678901234567890";
    struct V {
        std::int64_t unix;
        const char* code;
    };
    for (auto v : {V{59, "94287082"}, V{1111111109, "07081804"}, V{1111111111, "14050471"}, V{1234567890, "89005924"},
                   V{2000000000, "69279037"}, V{20000000000, "65353130"}}) {
        EXPECT_EQ(auth::TotpCode(key, v.unix / 30, 8), v.code) << v.unix;
    }
    // The step of an instant (the last vector's year 2603 is beyond a nanosecond system_clock, so not this one).
    EXPECT_EQ(auth::TotpStep(common::Instant(seconds(1234567890))), 1234567890 / 30);
}

TEST(Totp, AcceptsOneStepOfDriftAndEachCodeOnce) {
    auto secret = auth::NewTotpSecret();
    auto key = *auth::Base32Decode(secret);
    auto now = *common::ParseInstant("2026-11-22T01:00:10.000Z");
    auto step = auth::TotpStep(now);
    EXPECT_EQ(auth::MatchTotp(secret, auth::TotpCode(key, step), now, 0), step);
    EXPECT_EQ(auth::MatchTotp(secret, auth::TotpCode(key, step - 1), now, 0), step - 1);
    EXPECT_EQ(auth::MatchTotp(secret, auth::TotpCode(key, step + 1), now, 0), step + 1);
    EXPECT_FALSE(auth::MatchTotp(secret, auth::TotpCode(key, step - 2), now, 0)) << "too old";
    EXPECT_FALSE(auth::MatchTotp(secret, auth::TotpCode(key, step), now, step)) << "already used";
    EXPECT_FALSE(auth::MatchTotp(secret, "12345", now, 0));
}

TEST(Totp, TheQrCodeIsAnSvgAndTheUriNamesTheAccount) {
    auto uri = auth::OtpauthUri("tadaima", "city.admin", "JBSWY3DPEHPK3PXP");
    EXPECT_EQ(
        uri,
        "otpauth://totp/tadaima:city.admin?secret=JBSWY3DPEHPK3PXP&issuer=tadaima&algorithm=SHA1&digits=6&period=30");
    auto svg = auth::QrSvg(uri);
    EXPECT_TRUE(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    EXPECT_NE(svg.find("h1v1h-1z"), std::string::npos);
}

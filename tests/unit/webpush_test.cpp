// Web Push: the RFC 8291 Appendix A example byte for byte, decryption with the user agent's key, and VAPID
// (RFC 8292) tokens a push service accepts or refuses.
#include <gtest/gtest.h>

#include "common/base64.hpp"
#include "common/dates.hpp"
#include "push/webpush.hpp"

namespace {

std::string B(std::string_view text) {
    auto v = common::Base64UrlDecode(text);
    EXPECT_TRUE(v.has_value()) << text;
    return v.value_or("");
}

// RFC 8291 Appendix A.
constexpr std::string_view kPlaintext = "When I grow up, I want to be a watermelon";
constexpr std::string_view kAsPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
constexpr std::string_view kAsPublic =
    "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
constexpr std::string_view kUaPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
constexpr std::string_view kUaPublic =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
constexpr std::string_view kSalt = "DGv6ra1nlYgDCS1FRnbzlw";
constexpr std::string_view kAuth = "BTBZMqHH6r4Tts7J_aSIgg";
constexpr std::string_view kBody =
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_"
    "c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_"
    "yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

TEST(WebPush, TheRfc8291ExampleIsReproducedByteForByte) {
    EXPECT_EQ(common::Base64UrlEncode(push::PublicKeyOf(B(kAsPrivate))), kAsPublic);
    EXPECT_EQ(common::Base64UrlEncode(push::PublicKeyOf(B(kUaPrivate))), kUaPublic);
    auto body = push::Encrypt(kPlaintext, B(kUaPublic), B(kAuth), {B(kAsPrivate), B(kAsPublic)}, B(kSalt));
    EXPECT_EQ(common::Base64UrlEncode(body), kBody);
}

TEST(WebPush, TheUserAgentDecryptsTheExampleAndFreshMessagesAndRefusesTamperedOnes) {
    EXPECT_EQ(push::Decrypt(B(kBody), B(kUaPrivate), B(kAuth)), std::optional<std::string>(kPlaintext));
    auto ua = push::GenerateKeyPair();
    std::string auth = B("AAECAwQFBgcICQoLDA0ODw");
    std::string text = R"({"title":"山田 花子 さんが入室しました（15:02）","url":"/family/inbox/7"})";
    auto a = push::Encrypt(text, ua.public_key, auth);
    auto b = push::Encrypt(text, ua.public_key, auth);
    EXPECT_NE(a, b) << "a fresh salt and sender key each time";
    EXPECT_EQ(push::Decrypt(a, ua.private_key, auth), text);
    auto tampered = a;
    tampered.back() ^= 1;
    EXPECT_EQ(push::Decrypt(tampered, ua.private_key, auth), std::nullopt);
    EXPECT_EQ(push::Decrypt(a, ua.private_key, B("AAECAwQFBgcICQoLDA0ODg")), std::nullopt) << "another auth secret";
    EXPECT_EQ(push::Decrypt("short", ua.private_key, auth), std::nullopt);
    EXPECT_THROW(push::Encrypt(std::string(5000, 'x'), ua.public_key, auth), std::runtime_error);
    EXPECT_THROW(push::Encrypt(text, "not a key", auth), std::runtime_error);
}

TEST(WebPush, AVapidTokenIsAcceptedForItsAudienceUntilItExpiresAndNotOtherwise) {
    auto server = push::GenerateKeyPair();
    auto now = *common::ParseInstant("2026-11-22T01:00:00.000Z");
    auto header = push::VapidAuthorization(server, "https://push.example.net", "mailto:ops@tadaima.example.jp",
                                           now + std::chrono::hours(12));
    EXPECT_TRUE(header.starts_with("vapid t=ey"));
    EXPECT_NE(header.find(", k=" + common::Base64UrlEncode(server.public_key)), std::string::npos);
    EXPECT_EQ(push::VerifyVapid(header, "https://push.example.net", now),
              std::optional<std::string>("mailto:ops@tadaima.example.jp"));
    EXPECT_EQ(push::VerifyVapid(header, "https://other.example.net", now), std::nullopt);
    EXPECT_EQ(push::VerifyVapid(header, "https://push.example.net", now + std::chrono::hours(13)), std::nullopt);
    // Another key's k, or a changed claim, breaks the signature.
    auto other = push::GenerateKeyPair();
    auto swapped = header.substr(0, header.find(", k=")) + ", k=" + common::Base64UrlEncode(other.public_key);
    EXPECT_EQ(push::VerifyVapid(swapped, "https://push.example.net", now), std::nullopt);
    EXPECT_EQ(push::VerifyVapid("WebPush abc", "https://push.example.net", now), std::nullopt);
    EXPECT_EQ(push::OriginOf("https://push.example.net:8443/wpush/v2/abc"), "https://push.example.net:8443");
}

}  // namespace

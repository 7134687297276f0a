#include "auth/totp.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <qrencode.h>

#include <memory>
#include <stdexcept>

#include "common/random.hpp"
#include "http/message.hpp"

namespace auth {
namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
}

std::string Base32Encode(std::string_view bytes) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (unsigned char c : bytes) {
        buffer = (buffer << 8) | c;
        bits += 8;
        while (bits >= 5) {
            out += kAlphabet[(buffer >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
    while (out.size() % 8) out += '=';
    return out;
}

std::optional<std::string> Base32Decode(std::string_view text) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (char c : text) {
        if (c == ' ' || c == '-' || c == '=') continue;
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        const char* p = std::char_traits<char>::find(kAlphabet, 32, c);
        if (!p) return std::nullopt;
        buffer = (buffer << 5) | static_cast<std::uint32_t>(p - kAlphabet);
        bits += 5;
        if (bits >= 8) {
            out += static_cast<char>((buffer >> (bits - 8)) & 0xFF);
            bits -= 8;
        }
    }
    return out;
}

std::string NewTotpSecret() {
    auto b32 = Base32Encode(common::RandomBytes(20));
    while (!b32.empty() && b32.back() == '=') b32.pop_back();
    return b32;
}

std::int64_t TotpStep(common::Instant t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count() / 30;
}

std::string TotpCode(std::string_view key, std::int64_t step, int digits) {
    unsigned char counter[8];
    for (int i = 7; i >= 0; --i) {
        counter[i] = static_cast<unsigned char>(step & 0xFF);
        step >>= 8;
    }
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), counter, sizeof counter, mac, &len)) {
        throw std::runtime_error("HMAC-SHA1 failed");
    }
    int offset = mac[len - 1] & 0x0F;  // RFC 4226 dynamic truncation
    std::uint32_t bin =
        ((mac[offset] & 0x7F) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
    std::uint32_t mod = 1;
    for (int i = 0; i < digits; ++i) mod *= 10;
    std::string code = std::to_string(bin % mod);
    return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}

std::optional<std::int64_t> MatchTotp(const std::string& base32_secret, std::string_view code, common::Instant now,
                                      std::int64_t last_step) {
    if (code.size() != 6) return std::nullopt;
    auto key = Base32Decode(base32_secret);
    if (!key) return std::nullopt;
    auto step = TotpStep(now);
    for (std::int64_t s : {step - 1, step, step + 1}) {
        if (s <= last_step) continue;
        if (common::ConstantTimeEquals(TotpCode(*key, s), code)) return s;
    }
    return std::nullopt;
}

std::string OtpauthUri(const std::string& issuer, const std::string& account, const std::string& base32_secret) {
    return "otpauth://totp/" + http::UrlEncode(issuer) + ":" + http::UrlEncode(account) + "?secret=" + base32_secret +
           "&issuer=" + http::UrlEncode(issuer) + "&algorithm=SHA1&digits=6&period=30";
}

std::string QrSvg(const std::string& text) {
    std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1),
                                                       &QRcode_free);
    if (!qr) throw std::runtime_error("QR encoding failed");
    const int n = qr->width, margin = 4, size = n + 2 * margin;
    std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(size) + " " +
                      std::to_string(size) +
                      "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" "
                      "fill=\"#fff\"/><path fill=\"#000\" d=\"";
    for (int y = 0; y < n; ++y) {
        for (int x = 0; x < n; ++x) {
            if (qr->data[y * n + x] & 1) {
                svg += "M" + std::to_string(x + margin) + "," + std::to_string(y + margin) + "h1v1h-1z";
            }
        }
    }
    return svg + "\"/></svg>";
}

}  // namespace auth

#include "entrance/pass.hpp"

#include <charconv>
#include <vector>

#include "auth/tokens.hpp"
#include "auth/totp.hpp"
#include "common/kana.hpp"
#include "common/random.hpp"
#include "common/text.hpp"

namespace entrance {
namespace {

constexpr std::size_t kMacBytes = 10;  // 80 bits: 16 base32 characters
constexpr std::string_view kPassPrefix = "TDF1-";

std::string Mac(std::string_view secret, const std::string& message) {
    std::string mac = auth::HmacSha256(secret, message);
    return auth::Base32Encode(std::string_view(mac).substr(0, kMacBytes));
}

std::string PassMac(std::string_view secret, std::int64_t account, std::int64_t expires) {
    return Mac(secret, "pass:1:" + std::to_string(account) + ":" + std::to_string(expires));
}

std::string TicketMac(std::string_view secret, std::int64_t kiosk, std::int64_t account, std::int64_t expires) {
    return Mac(secret, "entrance-ticket:1:" + std::to_string(kiosk) + ":" + std::to_string(account) + ":" +
                           std::to_string(expires));
}

std::int64_t UnixSeconds(common::Instant t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// A positive decimal number without a leading zero, or none.
std::optional<std::int64_t> Number(std::string_view s) {
    if (s.empty() || s.size() > 18 || s.front() == '0') return std::nullopt;
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || end != s.data() + s.size() || n <= 0) return std::nullopt;
    return n;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    while (true) {
        auto at = s.find(sep);
        out.push_back(s.substr(0, at));
        if (at == std::string_view::npos) return out;
        s.remove_prefix(at + 1);
    }
}

}  // namespace

std::string MakePass(std::string_view secret, common::AccountId account, common::Instant now) {
    std::int64_t expires = UnixSeconds(now + kPassLifetime);
    return std::string(kPassPrefix) + account.ToString() + "-" + std::to_string(expires) + "-" +
           PassMac(secret, account.value, expires);
}

std::variant<Pass, PassProblem> ReadPass(std::string_view secret, std::string_view text, common::Instant now) {
    if (text.size() > 96) return PassProblem::kUnreadable;
    std::string s = common::TrimmedAscii(text);
    for (char& c : s) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    if (!s.starts_with(kPassPrefix)) return PassProblem::kUnreadable;
    auto parts = Split(std::string_view(s).substr(kPassPrefix.size()), '-');
    if (parts.size() != 3) return PassProblem::kUnreadable;
    auto account = Number(parts[0]);
    auto expires = Number(parts[1]);
    if (!account || !expires) return PassProblem::kUnreadable;
    if (!common::ConstantTimeEquals(parts[2], PassMac(secret, *account, *expires))) return PassProblem::kUnreadable;
    if (*expires < UnixSeconds(now)) return PassProblem::kExpired;
    // A pass can only be made for the next minute: one "expiring" later was not made by MakePass.
    if (*expires > UnixSeconds(now + kPassLifetime) + 5) return PassProblem::kUnreadable;
    return Pass{common::AccountId(*account), *expires};
}

std::optional<std::string> NormalisePin(std::string_view typed) {
    if (typed.size() > 64) return std::nullopt;
    std::string digits;
    // Full-width digits as ASCII and every space gone (NFKC, as search keys are folded); hyphens may group them.
    for (char c : common::FoldForSearch(typed)) {
        if (c >= '0' && c <= '9') {
            digits += c;
        } else if (c != '-') {
            return std::nullopt;
        }
    }
    if (digits.size() != kPinDigits) return std::nullopt;
    return digits;
}

std::string PinKey(std::string_view secret, std::string_view digits) {
    return common::BytesToHex(auth::HmacSha256(secret, "pin:" + std::string(digits)));
}

std::string NewPin() {
    std::string pin;
    for (std::size_t i = 0; i < kPinDigits; ++i) pin += static_cast<char>('0' + common::RandomBelow(10));
    return pin;
}

std::string MakeTicket(std::string_view secret, common::KioskId kiosk, common::AccountId account, common::Instant now) {
    std::int64_t expires = UnixSeconds(now + kTicketLifetime);
    return account.ToString() + "." + std::to_string(expires) + "." +
           TicketMac(secret, kiosk.value, account.value, expires);
}

std::optional<common::AccountId> ReadTicket(std::string_view secret, std::string_view ticket, common::KioskId kiosk,
                                            common::Instant now) {
    if (ticket.size() > 96) return std::nullopt;
    auto parts = Split(ticket, '.');
    if (parts.size() != 3) return std::nullopt;
    auto account = Number(parts[0]);
    auto expires = Number(parts[1]);
    if (!account || !expires) return std::nullopt;
    if (!common::ConstantTimeEquals(parts[2], TicketMac(secret, kiosk.value, *account, *expires))) return std::nullopt;
    if (*expires < UnixSeconds(now)) return std::nullopt;
    return common::AccountId(*account);
}

}  // namespace entrance

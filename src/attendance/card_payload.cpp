#include "attendance/card_payload.hpp"

#include <charconv>

#include "auth/tokens.hpp"
#include "auth/totp.hpp"
#include "common/random.hpp"
#include "common/text.hpp"

namespace attendance {
namespace {

constexpr std::size_t kMacBytes = 10;  // 80 bits: 16 base32 characters

std::string CardMac(std::string_view secret, common::CardId card) {
    std::string mac = auth::HmacSha256(secret, "card:" + std::to_string(kCardVersion) + ":" + card.ToString());
    return auth::Base32Encode(std::string_view(mac).substr(0, kMacBytes));
}

}  // namespace

std::string CardPayload(std::string_view secret, common::CardId card) {
    return "TD" + std::to_string(kCardVersion) + "-" + card.ToString() + "-" + CardMac(secret, card);
}

std::variant<common::CardId, CardProblem> ParseCardPayload(std::string_view secret, std::string_view text) {
    if (text.size() > 64) return CardProblem::kUnreadable;
    std::string s = common::TrimmedAscii(text);
    for (char& c : s) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    auto first = s.find('-');
    if (first == std::string::npos || !s.starts_with("TD")) return CardProblem::kUnreadable;
    std::string_view version = std::string_view(s).substr(2, first - 2);
    if (version.empty() || version.find_first_not_of("0123456789") != std::string_view::npos) {
        return CardProblem::kUnreadable;
    }
    if (version != std::to_string(kCardVersion)) return CardProblem::kUnsupportedVersion;
    auto second = s.find('-', first + 1);
    if (second == std::string::npos) return CardProblem::kUnreadable;
    std::string_view id_text = std::string_view(s).substr(first + 1, second - first - 1);
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    if (ec != std::errc() || end != id_text.data() + id_text.size() || id <= 0 || id_text.starts_with('0')) {
        return CardProblem::kUnreadable;
    }
    if (!common::ConstantTimeEquals(std::string_view(s).substr(second + 1), CardMac(secret, common::CardId(id)))) {
        return CardProblem::kUnreadable;
    }
    return common::CardId(id);
}

}  // namespace attendance

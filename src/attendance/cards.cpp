#include "attendance/cards.hpp"

#include <charconv>

#include "auth/tokens.hpp"
#include "auth/totp.hpp"
#include "common/dates.hpp"
#include "common/random.hpp"

namespace attendance {
namespace {

constexpr std::size_t kMacBytes = 10;  // 80 bits: 16 base32 characters

std::string CardMac(std::string_view secret, common::CardId card) {
    std::string mac = auth::HmacSha256(secret, "card:" + std::to_string(kCardVersion) + ":" + card.ToString());
    return auth::Base32Encode(std::string_view(mac).substr(0, kMacBytes));
}

std::string Trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return std::string(s);
}

Card CardFromRow(const db::Row& r) {
    return Card{r.Id<common::CardId>(0), r.Id<common::ChildId>(1), common::CanonicalInstant(r.Text(2)),
                r.IsNull(3) ? std::nullopt : std::optional(common::CanonicalInstant(r.Text(3)))};
}

}  // namespace

std::string CardPayload(std::string_view secret, common::CardId card) {
    return "TD" + std::to_string(kCardVersion) + "-" + card.ToString() + "-" + CardMac(secret, card);
}

std::variant<common::CardId, CardProblem> ParseCardPayload(std::string_view secret, std::string_view text) {
    if (text.size() > 64) return CardProblem::kUnreadable;
    std::string s = Trim(text);
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

std::optional<Card> GetCard(db::ReadTx& tx, common::CardId id) {
    auto r = tx.QueryOptional("SELECT id, child_id, created_at, revoked_at FROM card WHERE id = ?", id);
    if (!r) return std::nullopt;
    return CardFromRow(*r);
}

std::optional<Card> ActiveCard(db::ReadTx& tx, common::ChildId child) {
    auto r = tx.QueryOptional(
        "SELECT id, child_id, created_at, revoked_at FROM card WHERE child_id = ? AND revoked_at IS NULL", child);
    if (!r) return std::nullopt;
    return CardFromRow(*r);
}

common::CardId IssueCard(db::WriteTx& tx, common::ChildId child, const common::Clock& clock) {
    std::string now = common::FormatInstant(clock.Now());
    tx.Exec("UPDATE card SET revoked_at = ? WHERE child_id = ? AND revoked_at IS NULL", now, child);
    return tx.QueryOne("INSERT INTO card (child_id, created_at) VALUES (?, ?) RETURNING id", child, now)
        .Id<common::CardId>(0);
}

common::CardId EnsureCard(db::WriteTx& tx, common::ChildId child, const common::Clock& clock) {
    if (auto card = ActiveCard(tx, child)) return card->id;
    return IssueCard(tx, child, clock);
}

}  // namespace attendance

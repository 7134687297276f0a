#pragma once
// A child's QR card. The payload is short, versioned and signed, and names no one:
//   TD1-<card id>-<first 80 bits of HMAC-SHA256(server secret, "card:1:<id>") in base32>
// e.g. "TD1-42-K3J5QW7ZP2M4XAHB" (upper case letters, digits and '-': QR alphanumeric mode, and what a USB reader
// types on any keyboard layout). It cannot be made without the server secret; the card row says whose it is and
// whether it was revoked by a reissue.
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"

namespace attendance {

inline constexpr int kCardVersion = 1;

std::string CardPayload(std::string_view secret, common::CardId card);

enum class CardProblem {
    kUnreadable,          // not a card of ours, or a forged or damaged one
    kUnsupportedVersion,  // a card format this server does not know (TD2 … from a newer server)
};
// The card id, when the payload is well-formed and its signature matches. Case and surrounding spaces are
// ignored (a reader on a keyboard with Caps Lock on types lower case).
std::variant<common::CardId, CardProblem> ParseCardPayload(std::string_view secret, std::string_view text);

struct Card {
    common::CardId id;
    common::ChildId child_id;
    std::string created_at;
    std::optional<std::string> revoked_at;
};
std::optional<Card> GetCard(db::ReadTx& tx, common::CardId id);
// The child's card in use, if any.
std::optional<Card> ActiveCard(db::ReadTx& tx, common::ChildId child);
// Revokes the child's card in use (a lost card) and makes a new one.
common::CardId IssueCard(db::WriteTx& tx, common::ChildId child, const common::Clock& clock);
// The card in use, made on first need.
common::CardId EnsureCard(db::WriteTx& tx, common::ChildId child, const common::Clock& clock);

}  // namespace attendance

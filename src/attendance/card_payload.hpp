#pragma once
// A child's QR card payload: short, versioned and signed, and naming no one:
//   TD1-<card id>-<first 80 bits of HMAC-SHA256(server secret, "card:1:<id>") in base32>
// e.g. "TD1-42-K3J5QW7ZP2M4XAHB" (upper case letters, digits and '-': QR alphanumeric mode, and what a USB reader
// types on any keyboard layout). It cannot be made without the server secret. Pure functions (fuzzed: fuzz/).
#include <string>
#include <string_view>
#include <variant>

#include "common/ids.hpp"

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

}  // namespace attendance

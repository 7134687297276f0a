#pragma once
// What a guardian shows or types at a nursery's entrance kiosk, and what the kiosk holds between the guardian's two
// taps. Pure functions (fuzzed: fuzz/), with the time given.
//
//   - The family pass: the QR code the guardian app shows, short-lived and refreshed on screen, so that a screenshot
//     or a photo of it is useless a minute later:
//       TDF1-<account id>-<expiry, Unix seconds>-<first 80 bits of HMAC-SHA256(secret, "pass:1:<id>:<expiry>")>
//     in base32 (upper-case letters, digits and '-': QR alphanumeric mode, and what a USB reader types). A kiosk
//     also refuses a pass expiring no later than the last one it accepted for the account (entrance.hpp).
//   - The family PIN: six digits the server gives each account, typed on the tablet when the phone is not at hand.
//     Looked up by an HMAC under the server secret; typed full-width digits and spaces are accepted.
//   - The kiosk's ticket: once a pass or PIN named the family, the kiosk gets a ticket bound to itself and the
//     account for a few minutes, good for the stamp that follows (the guardian chooses children and who picks up).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/clock.hpp"
#include "common/ids.hpp"

namespace entrance {

inline constexpr auto kPassLifetime = std::chrono::seconds(60);
inline constexpr auto kPassRefresh = std::chrono::seconds(20);  // the app shows a new pass this often
inline constexpr auto kTicketLifetime = std::chrono::minutes(3);
inline constexpr std::size_t kPinDigits = 6;

std::string MakePass(std::string_view secret, common::AccountId account, common::Instant now);

struct Pass {
    common::AccountId account;
    std::int64_t expires = 0;  // Unix seconds
};
enum class PassProblem {
    kUnreadable,  // not a pass of ours (forged, damaged, or something else entirely)
    kExpired,     // ours, but its minute is over
};
std::variant<Pass, PassProblem> ReadPass(std::string_view secret, std::string_view text, common::Instant now);

// The digits of a PIN as typed (full-width digits, spaces and hyphens allowed), or none when it is not six digits.
std::optional<std::string> NormalisePin(std::string_view typed);
// The key a PIN is found by: hex HMAC-SHA256(secret, "pin:<digits>").
std::string PinKey(std::string_view secret, std::string_view digits);
// Six random digits.
std::string NewPin();

std::string MakeTicket(std::string_view secret, common::KioskId kiosk, common::AccountId account, common::Instant now);
// The account the ticket was made for, if it was made for this kiosk, by this server's secret, and is still good.
std::optional<common::AccountId> ReadTicket(std::string_view secret, std::string_view ticket, common::KioskId kiosk,
                                            common::Instant now);

}  // namespace entrance

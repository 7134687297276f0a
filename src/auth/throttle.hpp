#pragma once
// Sign-in throttling that a stranger cannot turn against the account's owner (OWASP's "device cookies", and growing
// delays instead of hard blocks; docs/security.md says why):
//   - a browser where an account signed in fully is trusted for it (a random token in a cookie, its hash stored).
//     Attempts from it are counted on their own: ten failures in an hour hold back that browser alone for a while;
//   - attempts from anywhere else are untrusted: ten untrusted failures in an hour hold back untrusted attempts for
//     the account for 30 minutes (a manager can lift it) — which never stops the owner on their own browsers;
//   - untrusted attempts from an address that keeps failing (30 in 10 minutes: a spray across accounts) wait a delay
//     that doubles with each further failure, up to 15 minutes; trusted browsers behind the same address (a school's
//     or the city office's shared connection) are not held back.
// Unknown login ids get the same answer, after the same hashing work, as wrong passwords.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"

namespace auth {

// Attempts are kept by a hash of the login id as typed (lower-cased), not the id itself.
std::string StaffLoginKey(std::string_view login_id);

struct ThrottlePolicy {
    int account_failures = 10;  // untrusted failures within the window that hold back untrusted attempts
    std::chrono::minutes account_window{60};
    std::chrono::minutes lock_for{30};
    int device_failures = 10;   // failures from one trusted browser within the account window hold it back
    int address_failures = 30;  // untrusted failures from one address within its window before delays begin
    std::chrono::minutes address_window{10};
    std::chrono::minutes max_address_delay{15};
    int code_failures = 10;  // wrong registration codes from one address within an hour
};

// The browser's token, kept in this cookie for years; one browser may be trusted for several accounts (a site's
// shared PC).
inline constexpr std::string_view kDeviceCookie = "tadaima_device";
enum class OwnerKind { kStaff, kGuardian };
// A well-formed device token (64 hex digits), or nothing.
bool IsDeviceToken(std::string_view token);
// The trusted_device row for this browser and account, if the account signed in fully from it before.
std::optional<std::int64_t> TrustedDevice(db::ReadTx& tx, OwnerKind kind, std::int64_t owner, std::string_view token);
// After a full sign-in: trust this browser for the account (and note its use).
void TrustDevice(db::WriteTx& tx, OwnerKind kind, std::int64_t owner, std::string_view token,
                 const common::Clock& clock);
// The browser trusted for the staff account with this login id, if any (before the password is checked, so that a
// trusted browser skips the address's delay).
std::optional<std::int64_t> TrustedStaffDevice(db::ReadTx& tx, std::string_view login_id, std::string_view token);
// Whether a trusted browser has failed too often lately for its account.
bool DeviceHeldBack(db::ReadTx& tx, std::int64_t device, const common::Clock& clock, const ThrottlePolicy& policy);

// How long an untrusted attempt from this address must still wait (zero: not at all).
std::chrono::seconds AddressWait(db::ReadTx& tx, const std::string& address, const common::Clock& clock,
                                 const ThrottlePolicy& policy);

struct CredentialCheck {
    std::optional<common::UserId> user;   // set only when the password is right and the attempt not held back
    std::optional<common::UserId> known;  // the account the login id names, if any (for the attempt record)
    std::optional<std::int64_t> device;   // this browser, when trusted for that account
    bool locked = false;                  // held back: the account for untrusted attempts, or this browser
};
// Checks a login id and password, always doing the same hashing work whether the id exists, is held back or not.
CredentialCheck CheckCredentials(db::ReadTx& tx, std::string_view login_id, std::string_view password,
                                 std::string_view device_token, const common::Clock& clock,
                                 const ThrottlePolicy& policy);
// Whether the account's untrusted attempts are held back now (a wrong second-factor code counts like a password).
bool AccountHeldBack(db::ReadTx& tx, common::UserId user, const common::Clock& clock);

// Records an attempt (from a trusted browser when `device` is set). After an untrusted failure that reaches the
// limit, holds the account back for untrusted attempts; returns true when it did.
bool RecordSignInAttempt(db::WriteTx& tx, std::string_view login_id, std::optional<common::UserId> user,
                         const std::string& address, std::optional<std::int64_t> device, bool succeeded,
                         const common::Clock& clock, const ThrottlePolicy& policy);

// A manager's unlock: the hold ends and earlier untrusted failures stop counting.
void UnlockAccount(db::WriteTx& tx, common::UserId user, const common::Clock& clock);

// Guardians sign in with an e-mail address: their untrusted failures are counted by its hash (the login key).
bool LoginKeyHeldBack(db::ReadTx& tx, const std::string& login_key, const common::Clock& clock,
                      const ThrottlePolicy& policy);

}  // namespace auth

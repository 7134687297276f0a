#pragma once
// Sign-in throttling: an account is locked after too many failures in an hour (it unlocks by time, or a manager
// unlocks it), and an address that sprays failures across accounts is held back. Unknown login ids get the same
// answer, after the same hashing work, as wrong passwords.
#include <chrono>
#include <optional>
#include <string>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"

namespace auth {

struct ThrottlePolicy {
    int account_failures = 10;  // failures within the window that lock an account
    std::chrono::minutes account_window{60};
    std::chrono::minutes lock_for{30};
    int address_failures = 30;  // failures from one address within its window
    std::chrono::minutes address_window{10};
    int code_failures = 10;  // wrong registration codes from one address within an hour
};

// True when this address has failed too often lately; its attempts are refused before any password is checked.
bool AddressThrottled(db::ReadTx& tx, const std::string& address, const common::Clock& clock,
                      const ThrottlePolicy& policy);

struct CredentialCheck {
    std::optional<common::UserId> user;   // set only when the password is right and the account is not locked
    std::optional<common::UserId> known;  // the account the login id names, if any (for the attempt record)
    bool locked = false;
};
// Checks a login id and password, always doing the same hashing work whether the id exists, is locked or not.
CredentialCheck CheckCredentials(db::ReadTx& tx, std::string_view login_id, std::string_view password,
                                 const common::Clock& clock);

// Records an attempt; after a failure that reaches the limit, locks the account. Returns true when it locked it.
bool RecordSignInAttempt(db::WriteTx& tx, std::string_view login_id, std::optional<common::UserId> user,
                         const std::string& address, bool succeeded, const common::Clock& clock,
                         const ThrottlePolicy& policy);

// A manager's unlock: the lock ends and earlier failures stop counting.
void UnlockAccount(db::WriteTx& tx, common::UserId user, const common::Clock& clock);

}  // namespace auth

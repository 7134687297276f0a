#pragma once
// The second factor for staff: TOTP with one-time recovery codes. Required for municipal admins and site
// managers, optional for staff.
#include <optional>
#include <string>
#include <vector>

#include "auth/data_keys.hpp"
#include "auth/permissions.hpp"
#include "common/clock.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"

namespace auth {

inline constexpr int kRecoveryCodes = 10;

bool MfaRequired(const Actor& actor);
bool MfaEnrolled(db::ReadTx& tx, common::UserId user);

// The TOTP secret is stored sealed under the data keys (auth/data_keys.hpp), never in plain text.
// The secret being set up (unconfirmed), made on first call; replaced only by a reset.
std::string PendingMfaSecret(db::WriteTx& tx, const DataKeys& keys, common::UserId user, const common::Clock& clock);
// Confirms the pending secret with a code from it; returns the new recovery codes (shown once) or nullopt.
std::optional<std::vector<std::string>> ConfirmMfa(db::WriteTx& tx, const DataKeys& keys, common::UserId user,
                                                   const std::string& code, const common::Clock& clock);
// Checks a TOTP code (each used once) or an unused recovery code (then spent).
bool VerifySecondFactor(db::WriteTx& tx, const DataKeys& keys, common::UserId user, const std::string& code,
                        const common::Clock& clock);
// Removes the second factor (operator command); the account sets it up again at its next sign-in.
void ResetMfa(db::WriteTx& tx, common::UserId user);

}  // namespace auth

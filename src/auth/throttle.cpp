#include "auth/throttle.hpp"

#include <algorithm>

#include "auth/passwords.hpp"
#include "common/dates.hpp"
#include "common/random.hpp"

namespace auth {

using common::FormatInstant;

namespace {
// Attempts are kept by a hash of the login id as typed (lower-cased), not the id itself.
std::string LoginKey(std::string_view login_id) {
    std::string lower(login_id);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return common::Sha256Hex(lower);
}
}  // namespace

bool AddressThrottled(db::ReadTx& tx, const std::string& address, const common::Clock& clock,
                      const ThrottlePolicy& policy) {
    auto since = FormatInstant(clock.Now() - policy.address_window);
    auto n = tx.QueryOne("SELECT COUNT(*) FROM login_attempt WHERE address = ? AND succeeded = 0 AND created_at >= ?",
                         address, since)
                 .Int(0);
    return n >= policy.address_failures;
}

CredentialCheck CheckCredentials(db::ReadTx& tx, std::string_view login_id, std::string_view password,
                                 const common::Clock& clock) {
    CredentialCheck out;
    auto row = tx.QueryOptional(
        "SELECT id, password_hash, locked_until FROM staff_user WHERE login_id = ? AND deactivated_at IS NULL",
        login_id);
    if (!row) {
        VerifyPasswordOrDummy(std::nullopt, password);
        return out;
    }
    out.known = row->Id<common::UserId>(0);
    bool password_ok = VerifyPassword(row->Text(1), password);  // checked even when locked: same time
    if (auto until = row->OptText(2)) {
        auto t = common::ParseInstant(*until);
        out.locked = t && clock.Now() < *t;
    }
    if (password_ok && !out.locked) out.user = out.known;
    return out;
}

bool RecordSignInAttempt(db::WriteTx& tx, std::string_view login_id, std::optional<common::UserId> user,
                         const std::string& address, bool succeeded, const common::Clock& clock,
                         const ThrottlePolicy& policy) {
    auto now = clock.Now();
    tx.Exec("INSERT INTO login_attempt (login_key, user_id, address, succeeded, created_at) VALUES (?, ?, ?, ?, ?)",
            LoginKey(login_id), user, address, succeeded ? 1 : 0, FormatInstant(now));
    if (succeeded || !user) return false;
    auto state = tx.QueryOne("SELECT locked_until, failures_reset_at FROM staff_user WHERE id = ?", *user);
    if (auto until = state.OptText(0)) {
        auto t = common::ParseInstant(*until);
        if (t && now < *t) return false;  // already locked; the lock does not grow with more tries
    }
    // Failures in the window count, but not those before a manager's unlock or before the last lock ended.
    auto since = now - policy.account_window;
    for (int i : {0, 1}) {
        if (auto v = state.OptText(i)) {
            if (auto t = common::ParseInstant(*v); t && *t > since) since = *t;
        }
    }
    auto failures =
        tx.QueryOne("SELECT COUNT(*) FROM login_attempt WHERE user_id = ? AND succeeded = 0 AND created_at >= ?", *user,
                    FormatInstant(since))
            .Int(0);
    if (failures < policy.account_failures) return false;
    tx.Exec("UPDATE staff_user SET locked_until = ? WHERE id = ?", FormatInstant(now + policy.lock_for), *user);
    return true;
}

void UnlockAccount(db::WriteTx& tx, common::UserId user, const common::Clock& clock) {
    tx.Exec("UPDATE staff_user SET locked_until = NULL, failures_reset_at = ? WHERE id = ?", FormatInstant(clock.Now()),
            user);
}

}  // namespace auth

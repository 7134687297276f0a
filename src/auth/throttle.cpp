#include "auth/throttle.hpp"

#include <algorithm>

#include "auth/passwords.hpp"
#include "common/dates.hpp"
#include "common/random.hpp"

namespace auth {

using common::FormatInstant;

namespace {

std::string_view KindName(OwnerKind kind) { return kind == OwnerKind::kStaff ? "staff" : "guardian"; }

// Failures of a trusted browser, or untrusted failures of a staff account since `since`.
std::int64_t DeviceFailuresSince(db::ReadTx& tx, std::int64_t device, common::Instant since) {
    return tx
        .QueryOne("SELECT COUNT(*) FROM login_attempt WHERE device_id = ? AND succeeded = 0 AND created_at >= ?",
                  device, FormatInstant(since))
        .Int(0);
}

}  // namespace

std::string StaffLoginKey(std::string_view login_id) {
    std::string lower(login_id);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return common::Sha256Hex(lower);
}

bool IsDeviceToken(std::string_view token) {
    return token.size() == 64 && std::all_of(token.begin(), token.end(),
                                             [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::optional<std::int64_t> TrustedDevice(db::ReadTx& tx, OwnerKind kind, std::int64_t owner, std::string_view token) {
    if (!IsDeviceToken(token)) return std::nullopt;
    auto r = tx.QueryOptional("SELECT id FROM trusted_device WHERE token_hash = ? AND owner_kind = ? AND owner_id = ?",
                              common::Sha256Hex(token), std::string(KindName(kind)), owner);
    if (!r) return std::nullopt;
    return r->Int(0);
}

void TrustDevice(db::WriteTx& tx, OwnerKind kind, std::int64_t owner, std::string_view token,
                 const common::Clock& clock) {
    if (!IsDeviceToken(token)) return;
    auto now = FormatInstant(clock.Now());
    tx.Exec(
        "INSERT INTO trusted_device (token_hash, owner_kind, owner_id, created_at, last_used_at) VALUES (?, ?, ?, ?, "
        "?) ON CONFLICT (token_hash, owner_kind, owner_id) DO UPDATE SET last_used_at = excluded.last_used_at",
        common::Sha256Hex(token), std::string(KindName(kind)), owner, now, now);
}

std::optional<std::int64_t> TrustedStaffDevice(db::ReadTx& tx, std::string_view login_id, std::string_view token) {
    if (!IsDeviceToken(token)) return std::nullopt;
    auto r = tx.QueryOptional(
        "SELECT d.id FROM trusted_device d JOIN staff_user u ON u.id = d.owner_id WHERE d.owner_kind = 'staff' AND "
        "d.token_hash = ? AND u.login_id = ?",
        common::Sha256Hex(token), login_id);
    if (!r) return std::nullopt;
    return r->Int(0);
}

bool DeviceHeldBack(db::ReadTx& tx, std::int64_t device, const common::Clock& clock, const ThrottlePolicy& policy) {
    auto now = clock.Now();
    if (DeviceFailuresSince(tx, device, now - policy.account_window) < policy.device_failures) return false;
    // Held back until lock_for after the failure that reached the limit… approximated by the latest failure, so
    // that going on guessing from this browser keeps it held back.
    auto last = tx.QueryOne("SELECT MAX(created_at) FROM login_attempt WHERE device_id = ? AND succeeded = 0", device);
    auto at = common::ParseInstant(last.Text(0));
    return at && now < *at + policy.lock_for;
}

std::chrono::seconds AddressWait(db::ReadTx& tx, const std::string& address, const common::Clock& clock,
                                 const ThrottlePolicy& policy) {
    auto now = clock.Now();
    auto r = tx.QueryOne(
        "SELECT COUNT(*), MAX(created_at) FROM login_attempt WHERE address = ? AND succeeded = 0 AND device_id IS NULL "
        "AND created_at >= ?",
        address, FormatInstant(now - policy.address_window));
    auto failures = r.Int(0);
    if (failures < policy.address_failures) return std::chrono::seconds(0);
    // 1 s after the limit is reached, then 2, 4, 8 … up to the maximum.
    auto over = std::min<std::int64_t>(failures - policy.address_failures, 20);
    auto delay =
        std::min<std::chrono::seconds>(std::chrono::seconds(std::int64_t{1} << over),
                                       std::chrono::duration_cast<std::chrono::seconds>(policy.max_address_delay));
    auto last = common::ParseInstant(r.Text(1));
    if (!last) return std::chrono::seconds(0);
    auto until = *last + delay;
    if (now >= until) return std::chrono::seconds(0);
    return std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(until - now));
}

CredentialCheck CheckCredentials(db::ReadTx& tx, std::string_view login_id, std::string_view password,
                                 std::string_view device_token, const common::Clock& clock,
                                 const ThrottlePolicy& policy) {
    CredentialCheck out;
    auto row = tx.QueryOptional(
        "SELECT id, password_hash FROM staff_user WHERE login_id = ? AND deactivated_at IS NULL", login_id);
    if (!row) {
        VerifyPasswordOrDummy(std::nullopt, password);
        return out;
    }
    out.known = row->Id<common::UserId>(0);
    bool password_ok = VerifyPassword(row->Text(1), password);  // checked even when held back: same time
    out.device = TrustedDevice(tx, OwnerKind::kStaff, out.known->value, device_token);
    out.locked = out.device ? DeviceHeldBack(tx, *out.device, clock, policy) : AccountHeldBack(tx, *out.known, clock);
    if (password_ok && !out.locked) out.user = out.known;
    return out;
}

bool AccountHeldBack(db::ReadTx& tx, common::UserId user, const common::Clock& clock) {
    auto until = tx.QueryOne("SELECT locked_until FROM staff_user WHERE id = ?", user).OptText(0);
    if (!until) return false;
    auto t = common::ParseInstant(*until);
    return t && clock.Now() < *t;
}

bool RecordSignInAttempt(db::WriteTx& tx, std::string_view login_id, std::optional<common::UserId> user,
                         const std::string& address, std::optional<std::int64_t> device, bool succeeded,
                         const common::Clock& clock, const ThrottlePolicy& policy) {
    auto now = clock.Now();
    tx.Exec(
        "INSERT INTO login_attempt (login_key, user_id, address, device_id, succeeded, created_at) VALUES (?, ?, ?, ?, "
        "?, ?)",
        StaffLoginKey(login_id), user, address, device, succeeded ? 1 : 0, FormatInstant(now));
    // A trusted browser's failures hold back only that browser (DeviceHeldBack); the account is not touched.
    if (succeeded || !user || device) return false;
    auto state = tx.QueryOne("SELECT locked_until, failures_reset_at FROM staff_user WHERE id = ?", *user);
    if (auto until = state.OptText(0)) {
        auto t = common::ParseInstant(*until);
        if (t && now < *t) return false;  // already held back; the hold does not grow with more tries
    }
    // Untrusted failures in the window count, but not those before a manager's unlock or before the last hold ended.
    auto since = now - policy.account_window;
    for (int i : {0, 1}) {
        if (auto v = state.OptText(i)) {
            if (auto t = common::ParseInstant(*v); t && *t > since) since = *t;
        }
    }
    auto failures = tx.QueryOne(
                          "SELECT COUNT(*) FROM login_attempt WHERE user_id = ? AND succeeded = 0 AND device_id IS "
                          "NULL AND created_at >= ?",
                          *user, FormatInstant(since))
                        .Int(0);
    if (failures < policy.account_failures) return false;
    tx.Exec("UPDATE staff_user SET locked_until = ? WHERE id = ?", FormatInstant(now + policy.lock_for), *user);
    return true;
}

void UnlockAccount(db::WriteTx& tx, common::UserId user, const common::Clock& clock) {
    tx.Exec("UPDATE staff_user SET locked_until = NULL, failures_reset_at = ? WHERE id = ?", FormatInstant(clock.Now()),
            user);
}

bool LoginKeyHeldBack(db::ReadTx& tx, const std::string& login_key, const common::Clock& clock,
                      const ThrottlePolicy& policy) {
    auto failures = tx.QueryOne(
                          "SELECT COUNT(*) FROM login_attempt WHERE login_key = ? AND succeeded = 0 AND device_id IS "
                          "NULL AND created_at >= ?",
                          login_key, FormatInstant(clock.Now() - policy.account_window))
                        .Int(0);
    return failures >= policy.account_failures;
}

}  // namespace auth

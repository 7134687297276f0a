#include "auth/mfa.hpp"

#include "auth/totp.hpp"
#include "common/dates.hpp"
#include "common/random.hpp"

namespace auth {
namespace {

// Recovery codes look like "k3f9-a7q2": 8 characters of an alphabet without look-alikes, compared lower-cased
// and without the dash.
std::string NewRecoveryCode() {
    static constexpr char kChars[] = "abcdefghjkmnpqrstuvwxyz23456789";
    std::string out;
    for (std::size_t i = 0; i < 8; ++i) {
        out += kChars[common::RandomBelow(sizeof kChars - 1)];
        if (i == 3) out += '-';
    }
    return out;
}

std::string NormaliseRecoveryCode(const std::string& code) {
    std::string out;
    for (char c : code) {
        if (c == '-' || c == ' ') continue;
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

std::string SecretPlace(common::UserId user) { return PlaceOf(kMfaSecretField, user.value); }

}  // namespace

bool MfaRequired(const Actor& actor) { return actor.PrimaryRole() != Role::kStaff; }

bool MfaEnrolled(db::ReadTx& tx, common::UserId user) {
    return !tx.Query("SELECT 1 FROM staff_mfa WHERE user_id = ? AND confirmed_at IS NOT NULL", user).empty();
}

std::string PendingMfaSecret(db::WriteTx& tx, const DataKeys& keys, common::UserId user, const common::Clock& clock) {
    if (auto r = tx.QueryOptional("SELECT secret FROM staff_mfa WHERE user_id = ? AND confirmed_at IS NULL", user)) {
        return keys.Open(r->Text(0), SecretPlace(user));
    }
    auto secret = NewTotpSecret();
    tx.Exec("INSERT INTO staff_mfa (user_id, secret, created_at) VALUES (?, ?, ?)", user,
            keys.Seal(secret, SecretPlace(user)), common::FormatInstant(clock.Now()));
    return secret;
}

std::optional<std::vector<std::string>> ConfirmMfa(db::WriteTx& tx, const DataKeys& keys, common::UserId user,
                                                   const std::string& code, const common::Clock& clock) {
    auto row = tx.QueryOptional("SELECT id, secret FROM staff_mfa WHERE user_id = ? AND confirmed_at IS NULL", user);
    if (!row) return std::nullopt;
    auto step = MatchTotp(keys.Open(row->Text(1), SecretPlace(user)), code, clock.Now(), 0);
    if (!step) return std::nullopt;
    auto now = common::FormatInstant(clock.Now());
    tx.Exec("UPDATE staff_mfa SET confirmed_at = ?, last_step = ? WHERE id = ?", now, *step, row->Int(0));
    tx.Exec("DELETE FROM staff_recovery_code WHERE user_id = ?", user);
    std::vector<std::string> codes;
    for (int i = 0; i < kRecoveryCodes; ++i) {
        codes.push_back(NewRecoveryCode());
        tx.Exec("INSERT INTO staff_recovery_code (user_id, code_hash, created_at) VALUES (?, ?, ?)", user,
                common::Sha256Hex(NormaliseRecoveryCode(codes.back())), now);
    }
    return codes;
}

bool VerifySecondFactor(db::WriteTx& tx, const DataKeys& keys, common::UserId user, const std::string& code,
                        const common::Clock& clock) {
    auto row = tx.QueryOptional(
        "SELECT id, secret, last_step FROM staff_mfa WHERE user_id = ? AND confirmed_at IS NOT NULL", user);
    if (!row) return false;
    if (auto step = MatchTotp(keys.Open(row->Text(1), SecretPlace(user)), code, clock.Now(), row->Int(2))) {
        tx.Exec("UPDATE staff_mfa SET last_step = ? WHERE id = ?", *step, row->Int(0));
        return true;
    }
    auto spent =
        tx.Exec("UPDATE staff_recovery_code SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
                common::FormatInstant(clock.Now()), user, common::Sha256Hex(NormaliseRecoveryCode(code)));
    return spent == 1;
}

void ResetMfa(db::WriteTx& tx, common::UserId user) {
    tx.Exec("DELETE FROM staff_recovery_code WHERE user_id = ?", user);
    tx.Exec("DELETE FROM staff_mfa WHERE user_id = ?", user);
}

}  // namespace auth

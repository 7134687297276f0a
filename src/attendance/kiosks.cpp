#include "attendance/kiosks.hpp"

#include "common/dates.hpp"
#include "common/random.hpp"
#include "families/families.hpp"

namespace attendance {
namespace {

std::string CredentialHash(std::string_view credential) {
    return common::Sha256Hex("kiosk:" + std::string(credential));
}
std::string CodeHash(std::string_view normalised) {
    return common::Sha256Hex("kiosk-pairing:" + std::string(normalised));
}

constexpr std::string_view kKioskSelect =
    "SELECT k.id, k.site_id, k.name, k.created_at, k.last_seen_at, k.revoked_at, s.repeat_scan_seconds, s.name, "
    "s.kind ";
constexpr std::string_view kKioskFrom = "FROM kiosk k JOIN site s ON s.id = k.site_id ";
const std::string kKioskColumns = std::string(kKioskSelect) + std::string(kKioskFrom);
constexpr int kKioskColumnCount = 9;

Kiosk KioskFromRow(const db::Row& r) {
    Kiosk k;
    k.id = r.Id<common::KioskId>(0);
    k.site_id = r.Id<common::SiteId>(1);
    k.name = r.Text(2);
    k.created_at = common::CanonicalInstant(r.Text(3));
    if (!r.IsNull(4)) k.last_seen_at = common::CanonicalInstant(r.Text(4));
    if (!r.IsNull(5)) k.revoked_at = common::CanonicalInstant(r.Text(5));
    k.repeat_scan_seconds = static_cast<int>(r.Int(6));
    k.site_name = r.Text(7);
    k.site_kind = r.Text(8);
    return k;
}

}  // namespace

Pairing CreatePairing(db::WriteTx& tx, common::SiteId site, const std::string& name, const common::Clock& clock) {
    auto now = clock.Now();
    Pairing p;
    std::string raw = common::RandomCode(kPairingCodeLength);
    p.code = families::FormatCode(raw);
    p.expires_at = common::FormatInstant(now + std::chrono::minutes(kPairingMinutes));
    tx.Exec("INSERT INTO kiosk_pairing (site_id, name, code_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?)", site,
            name, CodeHash(raw), p.expires_at, common::FormatInstant(now));
    return p;
}

NewKiosk CreateKiosk(db::WriteTx& tx, common::SiteId site, const std::string& name, const common::Clock& clock) {
    NewKiosk k;
    k.site_id = site;
    k.credential = common::RandomHex(32);
    k.id = tx.QueryOne("INSERT INTO kiosk (site_id, name, token_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id",
                       site, name, CredentialHash(k.credential), common::FormatInstant(clock.Now()))
               .Id<common::KioskId>(0);
    return k;
}

std::variant<NewKiosk, PairingProblem> Pair(db::WriteTx& tx, std::string_view typed_code, const common::Clock& clock) {
    std::string code = families::NormaliseCode(typed_code);
    if (code.size() != kPairingCodeLength) return PairingProblem::kUnknown;
    auto row = tx.QueryOptional("SELECT id, site_id, name, expires_at, used_at FROM kiosk_pairing WHERE code_hash = ?",
                                CodeHash(code));
    if (!row) return PairingProblem::kUnknown;
    if (!row->IsNull(4)) return PairingProblem::kUsed;
    auto expires = common::ParseInstant(row->Text(3));
    if (!expires || clock.Now() >= *expires) return PairingProblem::kExpired;
    NewKiosk k = CreateKiosk(tx, row->Id<common::SiteId>(1), row->Text(2), clock);
    // Only one taker: a second kiosk racing with the same code changes no row and gets nothing.
    if (tx.Exec("UPDATE kiosk_pairing SET used_at = ?, kiosk_id = ? WHERE id = ? AND used_at IS NULL",
                common::FormatInstant(clock.Now()), k.id, row->Int(0)) != 1) {
        throw std::runtime_error("kiosk pairing taken twice");
    }
    return k;
}

std::optional<Kiosk> FindKiosk(db::ReadTx& tx, std::string_view credential) {
    if (credential.empty() || credential.size() > 128) return std::nullopt;
    auto r = tx.QueryOptional(std::string(kKioskColumns) + "WHERE k.token_hash = ?", CredentialHash(credential));
    if (!r) return std::nullopt;
    return KioskFromRow(*r);
}

std::optional<std::pair<Kiosk, db::Row>> FindKioskWith(db::ReadTx& tx, std::string_view credential,
                                                       std::string_view columns, std::string_view joins,
                                                       std::vector<db::Value> params) {
    if (credential.empty() || credential.size() > 128) return std::nullopt;
    params.emplace_back(CredentialHash(credential));
    auto r = tx.QueryParams(std::string(kKioskSelect) + ", " + std::string(columns) + " " + std::string(kKioskFrom) +
                                std::string(joins) + " WHERE k.token_hash = ?",
                            params);
    if (r.empty()) return std::nullopt;
    if (r.size() > 1) throw std::logic_error("FindKioskWith: the joins gave more than one row");
    auto kiosk = KioskFromRow(r.front());
    return std::pair{std::move(kiosk), r.front().Drop(kKioskColumnCount)};
}

std::optional<Kiosk> GetKiosk(db::ReadTx& tx, common::KioskId id) {
    auto r = tx.QueryOptional(std::string(kKioskColumns) + "WHERE k.id = ?", id);
    if (!r) return std::nullopt;
    return KioskFromRow(*r);
}

std::vector<Kiosk> ListKiosks(db::ReadTx& tx, common::SiteId site) {
    std::vector<Kiosk> out;
    for (const auto& r :
         tx.Query(std::string(kKioskColumns) + "WHERE k.site_id = ? ORDER BY k.revoked_at IS NOT NULL, k.id", site)) {
        out.push_back(KioskFromRow(r));
    }
    return out;
}

void RevokeKiosk(db::WriteTx& tx, common::KioskId id, const common::Clock& clock) {
    tx.Exec("UPDATE kiosk SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", common::FormatInstant(clock.Now()),
            id);
}

void TouchKiosk(db::WriteTx& tx, const Kiosk& kiosk, const common::Clock& clock) {
    auto now = clock.Now();
    if (kiosk.last_seen_at) {
        auto seen = common::ParseInstant(*kiosk.last_seen_at);
        if (seen && now - *seen < std::chrono::minutes(1)) return;
    }
    tx.Exec("UPDATE kiosk SET last_seen_at = ? WHERE id = ?", common::FormatInstant(now), kiosk.id);
}

}  // namespace attendance

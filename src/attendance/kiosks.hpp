#pragma once
// Kiosks: a tablet or PC by a site's door, paired once with a short code a manager makes, then holding a long-lived
// credential (stored only as its SHA-256) that is good for scanning at that site and nothing else.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"

namespace attendance {

inline constexpr int kPairingMinutes = 15;
inline constexpr int kPairingCodeLength = 8;

struct Pairing {
    std::string code;  // shown once to the manager: "ABCD-EFGH"
    std::string expires_at;
};
// A one-time code for a new kiosk at the site, good for kPairingMinutes.
Pairing CreatePairing(db::WriteTx& tx, common::SiteId site, const std::string& name, const common::Clock& clock);

struct NewKiosk {
    common::KioskId id;
    common::SiteId site_id;
    std::string credential;  // given to the device once; never stored
};
enum class PairingProblem { kUnknown, kExpired, kUsed };
// Takes a pairing code (as typed: case, spaces, hyphens and full-width characters do not matter).
std::variant<NewKiosk, PairingProblem> Pair(db::WriteTx& tx, std::string_view typed_code, const common::Clock& clock);
// A kiosk made directly (the operator command `tadaima kiosk create`).
NewKiosk CreateKiosk(db::WriteTx& tx, common::SiteId site, const std::string& name, const common::Clock& clock);

struct Kiosk {
    common::KioskId id;
    common::SiteId site_id;
    std::string name;
    std::string created_at;
    std::optional<std::string> last_seen_at;
    std::optional<std::string> revoked_at;
    int repeat_scan_seconds = 60;  // the site's setting
    std::string site_name;
    std::string site_kind;  // gakudo, nursery, … (the words the kiosk uses)
};
// The kiosk a credential belongs to (revoked ones too: the caller says why it stops).
std::optional<Kiosk> FindKiosk(db::ReadTx& tx, std::string_view credential);
// The same, with columns of the caller's from further tables in the same statement (one round trip where a scan
// needs several lookups): `columns` are selected after the kiosk's and returned as the row, `joins` (LEFT JOINs,
// each giving at most one row; `k` is the kiosk) follow its FROM; `params` fill the placeholders of both, in order.
std::optional<std::pair<Kiosk, db::Row>> FindKioskWith(db::ReadTx& tx, std::string_view credential,
                                                       std::string_view columns, std::string_view joins,
                                                       std::vector<db::Value> params);
std::optional<Kiosk> GetKiosk(db::ReadTx& tx, common::KioskId id);
std::vector<Kiosk> ListKiosks(db::ReadTx& tx, common::SiteId site);
void RevokeKiosk(db::WriteTx& tx, common::KioskId id, const common::Clock& clock);
// Notes that the kiosk was heard from (at most once a minute, to keep scans to one write each).
void TouchKiosk(db::WriteTx& tx, const Kiosk& kiosk, const common::Clock& clock);

}  // namespace attendance

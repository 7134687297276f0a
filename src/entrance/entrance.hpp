#pragma once
// The nursery's entrance (A5): a guardian stamps their children's arrival and departure on the entrance kiosk with
// the family pass from the app or the family PIN, siblings in one go, and says at pick-up who takes them home. The
// marks go into the attendance record as a kiosk's (attendance/), so the roster, the family's notices, the registers
// and the extended-care counts follow as for a card's scan; which guardian stamped and who picked up is kept beside
// them (entrance_stamp).
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "attendance/attendance.hpp"
#include "attendance/kiosks.hpp"
#include "auth/data_keys.hpp"
#include "common/clock.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"
#include "entrance/pass.hpp"

namespace entrance {

// Wrong PINs at one kiosk within ten minutes before it stops taking PINs for a while, and at one site in a day:
// six digits are guessable only slowly (a family pass or staff still work meanwhile). Each wrong PIN is audited.
inline constexpr int kPinFailuresPerKiosk = 5;
inline constexpr auto kPinKioskWindow = std::chrono::minutes(10);
inline constexpr int kPinFailuresPerSite = 50;
inline constexpr auto kPinSiteWindow = std::chrono::minutes(24 * 60);
std::string PinAttemptKey(common::KioskId kiosk);
std::string PinSiteAttemptKey(common::SiteId site);

// The account's PIN (made on first use, unique among all accounts), in plain digits for the app to show.
std::string EnsurePin(db::WriteTx& tx, const auth::DataKeys& keys, std::string_view secret, common::AccountId account,
                      const common::Clock& clock);
// The PIN if the account has one.
std::optional<std::string> GetPin(db::ReadTx& tx, const auth::DataKeys& keys, common::AccountId account);
// A new PIN in place of the old one (which stops working at once).
std::string RenewPin(db::WriteTx& tx, const auth::DataKeys& keys, std::string_view secret, common::AccountId account,
                     const common::Clock& clock);
// The account whose PIN this is.
std::optional<common::AccountId> FindAccountByPin(db::ReadTx& tx, std::string_view secret, std::string_view digits);
// Accepts a pass once: false when a pass of the account expiring as late or later was accepted before (a replay, or
// a photo of a pass already used), or the account never opened its pass.
bool AcceptPass(db::WriteTx& tx, const Pass& pass, const common::Clock& clock);

// A child of the family at the kiosk's site today, as the tablet shows it before the guardian confirms.
struct ChildHere {
    common::ChildId id;
    std::string display_name, kana;
    attendance::DayState day;
    attendance::Direction next = attendance::Direction::kIn;  // what a stamp now records
};
// Someone on the pick-up lists of the family's children here (the same name and relation on several children's
// lists is one choice), with the children whose list has them.
struct PickupChoice {
    common::PickupPersonId id;  // the first child's entry
    std::string name, relation;
    std::vector<common::ChildId> children;
};
struct FamilyHere {
    common::AccountId account;
    std::string guardian_name;
    std::vector<ChildHere> children;  // oldest first
    std::vector<PickupChoice> pickup;
};
// The children the account may stamp (auth::FamilyAction::kCheckIn, from its links today) that are placed at the
// kiosk's site today. None when the account is not usable or has no child here.
std::optional<FamilyHere> FamilyAtSite(db::ReadTx& tx, common::AccountId account, const attendance::Kiosk& kiosk,
                                       common::Instant now);

struct StampRequest {
    common::AccountId account;
    std::string stamp_id;  // made by the kiosk; a retry sends the same one and records nothing new
    std::vector<std::pair<common::ChildId, attendance::Direction>> children;  // as the tablet showed them
    bool pickup_given = false;                                                // required when a child goes home
    std::optional<common::PickupPersonId> pickup;  // none: the guardian who stamps takes them
};
enum class StampProblem {
    kNoChildren,      // nothing chosen
    kNotHere,         // a child the account may not stamp here today
    kPickupRequired,  // a child goes home and nobody was named
    kPickupUnknown,   // the person named is not on every going child's list
    kBadStampId,
};
enum class StampOutcome {
    kRecorded,
    kAlreadyRecorded,  // within the site's repeat interval of the same mark, or this stamp_id again
    kChanged,          // the child's state changed since the tablet showed it (another guardian, staff): nothing
};
struct Stamped {
    ChildHere child;
    StampOutcome outcome = StampOutcome::kRecorded;
    attendance::Direction direction = attendance::Direction::kIn;
    common::Instant at;
};
// Records each chosen child's mark now (in one transaction: all or, on a problem, none).
std::variant<std::vector<Stamped>, StampProblem> Stamp(db::WriteTx& tx, const attendance::Kiosk& kiosk,
                                                       const StampRequest& request, const common::Clock& clock);

// Who stamped an entry or exit at the entrance and who took the child home (for the child's day and the notice).
struct StampRecord {
    common::AccountId account;
    std::string guardian_name;
    std::optional<std::string> pickup_name, pickup_relation;  // none: the guardian
};
std::optional<StampRecord> GetStampRecord(db::ReadTx& tx, common::EventId event);

}  // namespace entrance

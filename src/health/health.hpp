#pragma once
// A nursery's health records in the database: the child's record (児童票: allergies, the family doctor, notes),
// versioned; and dated entries — temperature checks, growth, illnesses — each sealed under the data keys. Who may
// read or write them is decided by the handlers through rights/.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "auth/data_keys.hpp"
#include "common/clock.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"
#include "health/rules.hpp"

namespace health {

struct SavedRecord {
    Record record;
    int version = 0;  // 0: nothing written yet
    std::string by;   // the staff member's name
    std::optional<std::string> at;
};
SavedRecord GetRecord(db::ReadTx& tx, const auth::DataKeys& keys, common::ChildId child);
// Saves the record made on `based_on`; false (nothing written) when it is another version by now.
bool SaveRecord(db::WriteTx& tx, const auth::DataKeys& keys, common::ChildId child, const Record& record, int based_on,
                common::UserId by, const common::Clock& clock);

enum class Kind { kTemperature, kGrowth, kIllness };
std::string_view KindName(Kind kind);

struct Entry {
    std::int64_t id = 0;
    Kind kind = Kind::kTemperature;
    common::ChildId child;
    common::SiteId site;
    std::string date;
    Temperature temperature;  // kTemperature
    Growth growth;            // kGrowth
    Illness illness;          // kIllness (its onset is `date`)
    std::string by;           // who recorded it: a staff member's or a guardian's name
    bool from_family = false;
    std::optional<std::string> told_family_at;  // kTemperature: when the family was told of it (a fever notice)
};
// Keeps an entry at `site`, recorded by staff or reported by a guardian (one of the two).
std::int64_t Add(db::WriteTx& tx, const auth::DataKeys& keys, const Entry& entry, std::optional<common::UserId> staff,
                 std::optional<common::AccountId> account, const common::Clock& clock);
// A child's entries of a kind, newest first (growth: oldest first, for the chart); at most `limit`.
std::vector<Entry> ForChild(db::ReadTx& tx, const auth::DataKeys& keys, common::ChildId child, Kind kind,
                            int limit = 200);
// A site's entries of a kind dated from `from` to `to`.
std::vector<Entry> ForSite(db::ReadTx& tx, const auth::DataKeys& keys, common::SiteId site, Kind kind,
                           const std::string& from, const std::string& to);

// A site's choice of telling families of a fever staff measure: from which temperature (tenths of °C, one of
// kFeverNoticeChoices); none: not told by the system.
inline constexpr std::array<int, 2> kFeverNoticeChoices{375, 380};
std::optional<int> FeverNotice(db::ReadTx& tx, common::SiteId site);
void SaveFeverNotice(db::WriteTx& tx, common::SiteId site, std::optional<int> tenths, common::UserId by,
                     const common::Clock& clock);
// After staff recorded a temperature check (`entry`, its id `id`): when the site tells families of a fever and this
// is the child's first one that day at or above the site's choice, plans an urgent 'health' notice (it says only
// that there is news of the child's health; the value is behind sign-in) and marks the check as told. True if told.
bool TellFever(db::WriteTx& tx, const Entry& entry, std::int64_t id, const common::Clock& clock);
// A temperature check by its id (for a family's notice), if it is still kept.
std::optional<Entry> FindEntry(db::ReadTx& tx, const auth::DataKeys& keys, std::int64_t id);

// The infections warning the site's classes on `date` (reported in the last 60 days), counted per class.
std::vector<Warning> SiteWarnings(db::ReadTx& tx, const auth::DataKeys& keys, common::SiteId site,
                                  const std::string& date);

}  // namespace health

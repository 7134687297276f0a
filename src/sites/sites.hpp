#pragma once
// Sites of the city: 学童クラブ, 放課後子どもひろば, 保育園, schools. Their groups live in sites/groups.hpp.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/scope.hpp"
#include "db/database.hpp"

namespace sites {

inline constexpr const char* kKinds[] = {"gakudo", "hiroba", "nursery", "school"};
// Sites whose entrance kiosk takes guardians' family passes and PINs (entrance/): nurseries, where guardians bring
// and fetch the children (a club's children come alone, with their own cards).
inline bool TakesFamilyStamps(std::string_view kind) { return kind == "nursery"; }
// Sites that keep a contact notebook for each child (notebook/): nurseries.
inline bool KeepsNotebooks(std::string_view kind) { return kind == "nursery"; }
bool IsKind(std::string_view kind);

struct OpeningHours {
    int weekday;  // 0 = Sunday … 6 = Saturday
    int opens;    // minutes after midnight, Tokyo time
    int closes;
};

struct SiteInput {
    std::string kind;
    std::string name;
    std::string name_kana;
    std::string address;
    std::string phone;
    std::vector<OpeningHours> hours;
    int repeat_scan_seconds = 60;  // a second scan of a card within this is "already recorded" (0–3600)
    std::string area;              // 地区 (a ward or school district): the city's overview filters by it
};

struct Site {
    common::SiteId id;
    SiteInput fields;
    bool active = true;
    std::int64_t child_count = 0;  // children enrolled here on the list's date (lists only)
};

// Just enough of a site for a picker or a label.
struct SiteOption {
    common::SiteId id;
    std::string name;
    std::string name_kana, kind, area;
};

struct SiteFilter {
    common::SiteScope scope;
    std::string query;  // folded search text; empty: everything
    bool include_inactive = false;
};

common::CityId EnsureCity(db::WriteTx& tx, const std::string& name, const common::Clock& clock);
// A page of sites in name order, each with the number of active children enrolled on `today` (YYYY-MM-DD).
std::vector<Site> ListSites(db::ReadTx& tx, const SiteFilter& filter, int limit, int offset, const std::string& today);
// Every site in scope, in name order, without counts.
std::vector<SiteOption> ListSiteOptions(db::ReadTx& tx, const common::SiteScope& scope, bool include_inactive = false);
// The areas the city's sites are in, in order (for a picker and the overview's filter).
std::vector<std::string> ListAreas(db::ReadTx& tx);
std::int64_t CountSites(db::ReadTx& tx, const SiteFilter& filter);
std::optional<Site> GetSite(db::ReadTx& tx, common::SiteId id);
common::SiteId InsertSite(db::WriteTx& tx, common::CityId city, const SiteInput& in, const common::Clock& clock);
void UpdateSite(db::WriteTx& tx, common::SiteId id, const SiteInput& in, const common::Clock& clock);
void SetSiteActive(db::WriteTx& tx, common::SiteId id, bool active, const common::Clock& clock);

}  // namespace sites

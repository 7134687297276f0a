#pragma once
// Groups within a site: a grade (学年), a class (クラス) or a custom group.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"

namespace sites {

inline constexpr const char* kGroupKinds[] = {"grade", "class", "custom"};
bool IsGroupKind(std::string_view kind);

struct GroupInput {
    std::string kind;
    std::string name;
    std::optional<int> grade;
};

struct Group {
    common::GroupId id;
    common::SiteId site_id;
    GroupInput fields;
    bool active = true;
};

std::vector<Group> ListGroups(db::ReadTx& tx, common::SiteId site, bool include_inactive);
std::optional<Group> GetGroup(db::ReadTx& tx, common::GroupId id);
common::GroupId InsertGroup(db::WriteTx& tx, common::SiteId site, const GroupInput& in, const common::Clock& clock);
void UpdateGroup(db::WriteTx& tx, common::GroupId id, const GroupInput& in, const common::Clock& clock);
void SetGroupActive(db::WriteTx& tx, common::GroupId id, bool active, const common::Clock& clock);

// SQL to append to a query over children `ch`: the child is a member of a group at some time from one date to
// another. Binds, in order: the group, the last date, the first date (the same date twice for one day).
inline constexpr std::string_view kInGroupBetween =
    " AND EXISTS (SELECT 1 FROM child_group_membership m WHERE m.child_id = ch.id AND m.group_id = ? AND "
    "m.start_date <= ? AND (m.end_date IS NULL OR m.end_date >= ?))";

}  // namespace sites

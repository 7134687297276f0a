#pragma once
// Groups within a site: a grade (学年), a class (クラス) or a custom group.
#include <optional>
#include <string>
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

}  // namespace sites

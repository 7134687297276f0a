#include "sites/groups.hpp"

#include "common/dates.hpp"

namespace sites {

bool IsGroupKind(std::string_view kind) {
    for (const char* k : kGroupKinds) {
        if (kind == k) return true;
    }
    return false;
}

namespace {
Group FromRow(const db::Row& r) {
    Group g;
    g.id = r.Id<common::GroupId>(0);
    g.site_id = r.Id<common::SiteId>(1);
    g.fields.kind = r.Text(2);
    g.fields.name = r.Text(3);
    if (auto grade = r.OptInt(4)) g.fields.grade = static_cast<int>(*grade);
    g.active = r.IsNull(5);
    return g;
}
constexpr const char* kColumns = "SELECT id, site_id, kind, name, grade, deactivated_at FROM child_group ";
}  // namespace

std::vector<Group> ListGroups(db::ReadTx& tx, common::SiteId site, bool include_inactive) {
    std::vector<Group> out;
    for (const auto& r :
         tx.Query(std::string(kColumns) + "WHERE site_id = ? AND (? = 1 OR deactivated_at IS NULL) "
                                          "ORDER BY CASE kind WHEN 'grade' THEN 0 WHEN 'class' THEN 1 ELSE 2 END, "
                                          "grade, name, id",
                  site, include_inactive ? 1 : 0)) {
        out.push_back(FromRow(r));
    }
    return out;
}

std::optional<Group> GetGroup(db::ReadTx& tx, common::GroupId id) {
    auto r = tx.QueryOptional(std::string(kColumns) + "WHERE id = ?", id);
    if (!r) return std::nullopt;
    return FromRow(*r);
}

common::GroupId InsertGroup(db::WriteTx& tx, common::SiteId site, const GroupInput& in, const common::Clock& clock) {
    auto now = common::FormatInstant(clock.Now());
    return tx
        .QueryOne(
            "INSERT INTO child_group (site_id, kind, name, grade, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            site, in.kind, in.name, in.grade, now, now)
        .Id<common::GroupId>(0);
}

void UpdateGroup(db::WriteTx& tx, common::GroupId id, const GroupInput& in, const common::Clock& clock) {
    tx.Exec("UPDATE child_group SET kind = ?, name = ?, grade = ?, updated_at = ? WHERE id = ?", in.kind, in.name,
            in.grade, common::FormatInstant(clock.Now()), id);
}

void SetGroupActive(db::WriteTx& tx, common::GroupId id, bool active, const common::Clock& clock) {
    auto now = common::FormatInstant(clock.Now());
    tx.Exec("UPDATE child_group SET deactivated_at = ?, updated_at = ? WHERE id = ?",
            active ? std::optional<std::string>() : std::optional<std::string>(now), now, id);
}

}  // namespace sites

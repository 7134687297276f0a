#include "children/children.hpp"

#include <algorithm>
#include <unordered_map>

#include "common/kana.hpp"
#include "db/sql.hpp"

namespace children {

using common::FormatInstant;

namespace {

// Filters on the child alone, so that a page can be chosen (and counted) before any join. Who is in scope is the
// permission rule's own SQL (rights::kChildInScope).
const std::string& Where() {
    static const std::string w =
        std::string(" WHERE ") + rights::kChildInScope +
        " AND (? = 0 OR EXISTS (SELECT 1 FROM child_placement p4 WHERE p4.child_id = c.id AND p4.site_id = ?"
        "   AND (? = 1 OR p4.end_date IS NULL OR p4.end_date >= ?)))"
        " AND (? = 1 OR c.deactivated_at IS NULL)"
        " AND (? = '' OR c.search_key LIKE ? ESCAPE '\\')";
    return w;
}

constexpr const char* kChildColumns =
    "SELECT c.id, c.family_name, c.given_name, c.family_kana, c.given_kana, c.birth_date, c.grade, c.deactivated_at "
    "FROM child c";

std::vector<db::Value> FilterParams(const ChildFilter& f) {
    const int former = f.include_former ? 1 : 0;
    return {f.scope.AllFlag(),           former, f.today, f.scope.UserValue(),        f.site ? 1 : 0,
            f.site ? f.site->value : 0,  former, f.today, f.include_inactive ? 1 : 0, f.query,
            db::ContainsPattern(f.query)};
}

Child FromRow(const db::Row& r) {
    Child c;
    c.id = r.Id<common::ChildId>(0);
    c.fields.family_name = r.Text(1);
    c.fields.given_name = r.Text(2);
    c.fields.family_kana = r.Text(3);
    c.fields.given_kana = r.Text(4);
    c.fields.birth_date = r.Text(5);
    if (auto g = r.OptInt(6)) c.fields.grade = static_cast<int>(*g);
    c.active = r.IsNull(7);
    return c;
}

// Fills in each child's placement and its site: the latest one, or in a list the latest one at the viewer's sites
// (one not yet ended first), so that a former site never learns where a child went. A separate query for just
// these children: joined into the list query, PostgreSQL hashes every placement ever made instead of looking up
// fifty.
void AddPlacements(db::ReadTx& tx, std::vector<Child>& children, const common::SiteScope& scope,
                   const std::string& today) {
    if (children.empty()) return;
    std::string sql =
        "SELECT p.child_id, p.site_id, s.name, p.start_date, p.end_date, s.kind FROM child_placement p "
        "JOIN site s ON s.id = p.site_id WHERE (? = 1 OR p.site_id IN (SELECT site_id FROM staff_role WHERE "
        "user_id = ?)) AND p.child_id IN (";
    std::vector<db::Value> params{scope.AllFlag(), scope.UserValue()};
    for (const auto& c : children) {
        sql += params.size() == 2 ? "?" : ", ?";
        params.emplace_back(c.id);
    }
    sql += ") ORDER BY p.child_id, p.start_date, p.id";
    std::unordered_map<std::int64_t, Child*> by_id;
    for (auto& c : children) by_id[c.id.value] = &c;
    std::unordered_map<std::int64_t, bool> has_current;
    for (const auto& r : tx.QueryParams(sql, params)) {  // oldest first: a later row replaces an earlier one
        Child& c = *by_id.at(r.Int(0));
        bool ended = r.OptText(4) && *r.OptText(4) < today;
        if (ended && has_current[c.id.value]) continue;  // a current placement outranks any that ended
        has_current[c.id.value] = has_current[c.id.value] || !ended;
        c.fields.site_id = r.Id<common::SiteId>(1);
        c.site_name = r.Text(2);
        c.site_kind = r.Text(5);
        c.fields.start_date = r.Text(3);
        c.fields.end_date = r.OptText(4);
        c.left = ended;
    }
}

}  // namespace

std::string DayBefore(const std::string& date) {
    auto d = common::ParseDate(date);
    return common::FormatDate(std::chrono::year_month_day{std::chrono::sys_days{*d} - std::chrono::days{1}});
}

void StartMembership(db::WriteTx& tx, common::ChildId child, common::GroupId group, const std::string& start,
                     const std::optional<std::string>& end, const std::string& now) {
    tx.Exec(
        "INSERT INTO child_group_membership (child_id, group_id, start_date, end_date, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        child, group, start, end, now);
}

// Ends a placement or membership row as of `from` (the first day it no longer applies): a row that had not
// started by then never applied and is removed; otherwise its end date becomes the day before.
void EndPeriod(db::WriteTx& tx, const char* table, std::int64_t id, const std::string& start, const std::string& from) {
    if (start >= from) {
        tx.Exec(std::string("DELETE FROM ") + table + " WHERE id = ?", id);
    } else {
        tx.Exec(std::string("UPDATE ") + table + " SET end_date = ? WHERE id = ?", DayBefore(from), id);
    }
}

std::string ChildSearchKey(const ChildInput& in) {
    return common::FoldForSearch(in.family_name + in.given_name + "|" + in.family_kana + in.given_kana + "|" +
                                 in.given_name + in.family_name);
}

std::vector<Child> ListChildren(db::ReadTx& tx, const ChildFilter& f, int limit, int offset) {
    auto params = FilterParams(f);
    params.emplace_back(limit);
    params.emplace_back(offset);
    std::vector<Child> out;
    for (const auto& r : tx.QueryParams(
             std::string(kChildColumns) + Where() + " ORDER BY c.family_kana, c.given_kana, c.id LIMIT ? OFFSET ?",
             params)) {
        out.push_back(FromRow(r));
    }
    AddPlacements(tx, out, f.scope, f.today);
    return out;
}

std::int64_t CountChildren(db::ReadTx& tx, const ChildFilter& f) {
    return tx.QueryParams(std::string("SELECT COUNT(*) FROM child c") + Where(), FilterParams(f)).at(0).Int(0);
}

std::optional<Child> GetChild(db::ReadTx& tx, common::ChildId id, const common::Date& today) {
    auto rows = tx.Query(std::string(kChildColumns) + " WHERE c.id = ?", id);
    if (rows.empty()) return std::nullopt;
    std::vector<Child> one{FromRow(rows.front())};
    AddPlacements(tx, one, common::SiteScope{}, "");
    Child c = std::move(one.front());
    for (const auto& r :
         tx.Query("SELECT g.id, g.name FROM child_group_membership m JOIN child_group g ON g.id = m.group_id "
                  "WHERE m.child_id = ? AND (m.end_date IS NULL OR m.end_date >= ?) ORDER BY g.grade, g.name, g.id",
                  id, common::FormatDate(today))) {
        c.groups.push_back({r.Id<common::GroupId>(0), r.Text(1)});
        c.fields.group_ids.push_back(r.Id<common::GroupId>(0));
    }
    return c;
}

Heading HeadingOf(db::ReadTx& tx, common::ChildId id) {
    auto r =
        tx.QueryOne("SELECT family_name, given_name, family_kana, given_kana, birth_date FROM child WHERE id = ?", id);
    return {r.Text(0) + " " + r.Text(1), r.Text(2) + " " + r.Text(3), r.Text(4).substr(0, 10)};
}

bool ChildExists(db::ReadTx& tx, common::ChildId id) {
    return !tx.Query("SELECT 1 FROM child WHERE id = ?", id).empty();
}

void ShowPlacement(db::ReadTx& tx, Child& child, const rights::Period& period, const std::string& today) {
    child.fields.site_id = period.site;
    child.fields.start_date = period.start;
    child.fields.end_date = period.end;
    auto site = tx.QueryOne("SELECT name, kind FROM site WHERE id = ?", period.site);
    child.site_name = site.Text(0);
    child.site_kind = site.Text(1);
    child.left = period.EndedBefore(today);
}

common::ChildId InsertChild(db::WriteTx& tx, const ChildInput& in, const common::Clock& clock) {
    auto now = FormatInstant(clock.Now());
    auto id = tx.QueryOne(
                    "INSERT INTO child (family_name, given_name, family_kana, given_kana, birth_date, grade, "
                    "search_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    in.family_name, in.given_name, in.family_kana, in.given_kana, in.birth_date, in.grade,
                    ChildSearchKey(in), now, now)
                  .Id<common::ChildId>(0);
    tx.Exec("INSERT INTO child_placement (child_id, site_id, start_date, end_date, created_at) VALUES (?, ?, ?, ?, ?)",
            id, in.site_id, in.start_date, in.end_date, now);
    for (auto g : in.group_ids) StartMembership(tx, id, g, in.start_date, in.end_date, now);
    return id;
}

void UpdateChild(db::WriteTx& tx, common::ChildId id, const ChildInput& in, const common::Clock& clock) {
    auto now = FormatInstant(clock.Now());
    const std::string today = common::FormatDate(common::TokyoDate(clock.Now()));
    UpdateChildDetails(tx, id, in, clock);

    auto latest = tx.QueryOptional(
        "SELECT id, site_id, start_date FROM child_placement WHERE child_id = ? ORDER BY id DESC LIMIT 1", id);
    bool moved = !latest || latest->Id<common::SiteId>(1) != in.site_id;
    if (!moved) {
        tx.Exec("UPDATE child_placement SET start_date = ?, end_date = ? WHERE id = ?", in.start_date, in.end_date,
                latest->Int(0));
    } else {
        if (latest) EndPeriod(tx, "child_placement", latest->Int(0), latest->Text(2), in.start_date);
        tx.Exec(
            "INSERT INTO child_placement (child_id, site_id, start_date, end_date, created_at) VALUES (?, ?, ?, ?, ?)",
            id, in.site_id, in.start_date, in.end_date, now);
    }

    // Memberships that still apply today or later; the change takes effect from today (or the placement start).
    const std::string from = std::max(today, in.start_date);
    std::vector<common::GroupId> kept;
    for (const auto& r : tx.Query("SELECT id, group_id, start_date FROM child_group_membership "
                                  "WHERE child_id = ? AND (end_date IS NULL OR end_date >= ?)",
                                  id, from)) {
        auto group = r.Id<common::GroupId>(1);
        bool selected = std::find(in.group_ids.begin(), in.group_ids.end(), group) != in.group_ids.end();
        if (selected && !moved) {
            kept.push_back(group);
            tx.Exec("UPDATE child_group_membership SET end_date = ? WHERE id = ?", in.end_date, r.Int(0));
        } else {
            EndPeriod(tx, "child_group_membership", r.Int(0), r.Text(2), from);
        }
    }
    for (auto g : in.group_ids) {
        if (std::find(kept.begin(), kept.end(), g) == kept.end()) StartMembership(tx, id, g, from, in.end_date, now);
    }
}

void SetChildActive(db::WriteTx& tx, common::ChildId id, bool active, const common::Clock& clock) {
    auto now = FormatInstant(clock.Now());
    tx.Exec("UPDATE child SET deactivated_at = ?, updated_at = ? WHERE id = ?",
            active ? std::optional<std::string>() : std::optional<std::string>(now), now, id);
}

void UpdateChildDetails(db::WriteTx& tx, common::ChildId id, const ChildInput& in, const common::Clock& clock) {
    tx.Exec(
        "UPDATE child SET family_name = ?, given_name = ?, family_kana = ?, given_kana = ?, birth_date = ?, grade = ?, "
        "search_key = ?, updated_at = ? WHERE id = ?",
        in.family_name, in.given_name, in.family_kana, in.given_kana, in.birth_date, in.grade, ChildSearchKey(in),
        FormatInstant(clock.Now()), id);
}

std::optional<common::ChildId> FindChildByExternalId(db::ReadTx& tx, const std::string& external_id) {
    auto r = tx.QueryOptional("SELECT id FROM child WHERE external_id = ?", external_id);
    if (!r) return std::nullopt;
    return r->Id<common::ChildId>(0);
}

void SetChildExternalId(db::WriteTx& tx, common::ChildId id, const std::string& external_id) {
    tx.Exec("UPDATE child SET external_id = ? WHERE id = ?", external_id, id);
}

bool EnsurePlacement(db::WriteTx& tx, common::ChildId id, common::SiteId site, const std::string& date,
                     const common::Clock& clock) {
    bool placed = !tx.Query(
                         "SELECT 1 FROM child_placement WHERE child_id = ? AND site_id = ? AND start_date <= ? "
                         "AND (end_date IS NULL OR end_date >= ?)",
                         id, site, date, date)
                       .empty();
    if (placed) return false;
    tx.Exec("INSERT INTO child_placement (child_id, site_id, start_date, created_at) VALUES (?, ?, ?, ?)", id, site,
            date, FormatInstant(clock.Now()));
    return true;
}

bool EnsureMembership(db::WriteTx& tx, common::ChildId id, common::GroupId group, const std::string& date,
                      const common::Clock& clock) {
    bool member = !tx.Query(
                         "SELECT 1 FROM child_group_membership WHERE child_id = ? AND group_id = ? "
                         "AND (end_date IS NULL OR end_date >= ?)",
                         id, group, date)
                       .empty();
    if (member) return false;
    StartMembership(tx, id, group, date, std::nullopt, FormatInstant(clock.Now()));
    return true;
}

}  // namespace children

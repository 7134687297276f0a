#include "staff/staff.hpp"

#include <algorithm>

#include "common/dates.hpp"
#include "common/kana.hpp"
#include "db/sql.hpp"

namespace staff {

using common::FormatInstant;

namespace {

constexpr const char* kFrom =
    " FROM staff_user u"
    " WHERE (? = 1 OR EXISTS (SELECT 1 FROM staff_role r WHERE r.user_id = u.id AND r.site_id IN"
    "   (SELECT site_id FROM staff_role WHERE user_id = ?)))"
    " AND (? = 1 OR u.deactivated_at IS NULL)"
    " AND (u.login_id LIKE ? ESCAPE '\\' OR u.display_name LIKE ? ESCAPE '\\')";

std::vector<db::Value> FilterParams(const StaffFilter& f) {
    auto pattern = db::ContainsPattern(f.query);
    return {f.scope.AllFlag(), f.scope.UserValue(), f.include_inactive ? 1 : 0, pattern, pattern};
}

void AddRole(StaffUser& u, const std::string& name, std::optional<std::int64_t> site) {
    auto role = auth::ParseRole(name);
    if (!role) return;
    if (*role == auth::Role::kMunicipalAdmin) {
        u.municipal = true;
    } else if (site) {
        u.site_roles[common::SiteId(*site)] = *role;
    }
}

void LoadRoles(db::ReadTx& tx, StaffUser& u) {
    for (const auto& r : tx.Query("SELECT role, site_id FROM staff_role WHERE user_id = ?", u.id)) {
        AddRole(u, r.Text(0), r.OptInt(1));
    }
}

StaffUser FromRow(const db::Row& r) {
    return {r.Id<common::UserId>(0), r.Text(1), r.Text(2), r.Text(3), r.IsNull(4), false, {}, std::nullopt};
}

}  // namespace

std::vector<StaffUser> ListStaff(db::ReadTx& tx, const StaffFilter& f, int limit, int offset) {
    auto params = FilterParams(f);
    params.emplace_back(limit);
    params.emplace_back(offset);
    std::vector<StaffUser> out;
    for (const auto& r :
         tx.QueryParams(std::string("SELECT u.id, u.login_id, u.display_name, u.language, u.deactivated_at") + kFrom +
                            " ORDER BY u.login_id LIMIT ? OFFSET ?",
                        params)) {
        out.push_back(FromRow(r));
    }
    if (out.empty()) return out;
    // The roles of the whole page in one query, not one per user.
    std::string sql = "SELECT user_id, role, site_id FROM staff_role WHERE user_id IN (";
    std::vector<db::Value> ids;
    std::map<std::int64_t, StaffUser*> by_id;
    for (auto& u : out) {
        sql += ids.empty() ? "?" : ", ?";
        ids.emplace_back(u.id);
        by_id[u.id.value] = &u;
    }
    for (const auto& r : tx.QueryParams(sql + ")", ids)) AddRole(*by_id.at(r.Int(0)), r.Text(1), r.OptInt(2));
    return out;
}

std::int64_t CountStaff(db::ReadTx& tx, const StaffFilter& f) {
    return tx.QueryParams(std::string("SELECT COUNT(*)") + kFrom, FilterParams(f)).at(0).Int(0);
}

std::optional<StaffUser> GetStaff(db::ReadTx& tx, common::UserId id) {
    auto r = tx.QueryOptional(
        "SELECT id, login_id, display_name, language, deactivated_at, locked_until FROM staff_user WHERE id = ?", id);
    if (!r) return std::nullopt;
    auto u = FromRow(*r);
    u.locked_until = r->OptText(5);
    LoadRoles(tx, u);
    return u;
}

bool LoginIdTaken(db::ReadTx& tx, const std::string& login_id) {
    return !tx.Query("SELECT 1 FROM staff_user WHERE login_id = ?", login_id).empty();
}

common::UserId InsertStaff(db::WriteTx& tx, const std::string& login_id, const std::string& display_name,
                           const std::string& password_hash, const std::string& language, const common::Clock& clock) {
    auto now = FormatInstant(clock.Now());
    return tx
        .QueryOne(
            "INSERT INTO staff_user (login_id, display_name, password_hash, language, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            login_id, display_name, password_hash, language, now, now)
        .Id<common::UserId>(0);
}

void UpdateStaff(db::WriteTx& tx, common::UserId id, const std::string& display_name, const std::string& language,
                 const common::Clock& clock) {
    tx.Exec("UPDATE staff_user SET display_name = ?, language = ?, updated_at = ? WHERE id = ?", display_name, language,
            FormatInstant(clock.Now()), id);
}

std::string PasswordHashOf(db::ReadTx& tx, common::UserId id) {
    return tx.QueryOne("SELECT password_hash FROM staff_user WHERE id = ?", id).Text(0);
}

void SetPasswordHash(db::WriteTx& tx, common::UserId id, const std::string& hash, const common::Clock& clock) {
    tx.Exec("UPDATE staff_user SET password_hash = ?, updated_at = ? WHERE id = ?", hash, FormatInstant(clock.Now()),
            id);
}

void SetStaffActive(db::WriteTx& tx, common::UserId id, bool active, const common::Clock& clock) {
    auto now = FormatInstant(clock.Now());
    tx.Exec("UPDATE staff_user SET deactivated_at = ?, updated_at = ? WHERE id = ?",
            active ? std::optional<std::string>() : std::optional<std::string>(now), now, id);
}

void ReplaceRoles(db::WriteTx& tx, common::UserId id, const std::vector<common::SiteId>& editable,
                  const std::map<common::SiteId, auth::Role>& roles, std::optional<bool> municipal,
                  const common::Clock& clock) {
    auto now = FormatInstant(clock.Now());
    for (auto site : editable) {
        tx.Exec("DELETE FROM staff_role WHERE user_id = ? AND site_id = ?", id, site);
        auto it = roles.find(site);
        if (it == roles.end()) continue;
        tx.Exec("INSERT INTO staff_role (user_id, site_id, role, created_at) VALUES (?, ?, ?, ?)", id, site,
                std::string(auth::RoleName(it->second)), now);
    }
    if (municipal) {
        tx.Exec("DELETE FROM staff_role WHERE user_id = ? AND role = 'municipal_admin'", id);
        if (*municipal) {
            tx.Exec(
                "INSERT INTO staff_role (user_id, site_id, role, created_at) VALUES (?, NULL, 'municipal_admin', ?)",
                id, now);
        }
    }
}

}  // namespace staff

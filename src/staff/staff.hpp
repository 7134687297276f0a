#pragma once
// Staff accounts and their roles per site.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "auth/permissions.hpp"
#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/scope.hpp"
#include "db/database.hpp"

namespace staff {

struct StaffUser {
    common::UserId id;
    std::string login_id;
    std::string display_name;
    std::string language;
    bool active = true;
    bool municipal = false;
    std::map<common::SiteId, auth::Role> site_roles;
    std::optional<std::string> locked_until;  // ISO instant, while sign-in is locked after repeated failures
};

struct StaffFilter {
    common::SiteScope scope;  // users with a role at a site in scope
    std::string query;
    bool include_inactive = false;
};

std::vector<StaffUser> ListStaff(db::ReadTx& tx, const StaffFilter& f, int limit, int offset);
std::int64_t CountStaff(db::ReadTx& tx, const StaffFilter& f);
std::optional<StaffUser> GetStaff(db::ReadTx& tx, common::UserId id);
bool LoginIdTaken(db::ReadTx& tx, const std::string& login_id);

common::UserId InsertStaff(db::WriteTx& tx, const std::string& login_id, const std::string& display_name,
                           const std::string& password_hash, const std::string& language, const common::Clock& clock);
void UpdateStaff(db::WriteTx& tx, common::UserId id, const std::string& display_name, const std::string& language,
                 const common::Clock& clock);
std::string PasswordHashOf(db::ReadTx& tx, common::UserId id);
void SetPasswordHash(db::WriteTx& tx, common::UserId id, const std::string& hash, const common::Clock& clock);
void SetStaffActive(db::WriteTx& tx, common::UserId id, bool active, const common::Clock& clock);

// Replaces the user's roles at `editable` sites (others stay), and the municipal role when `municipal` is set.
void ReplaceRoles(db::WriteTx& tx, common::UserId id, const std::vector<common::SiteId>& editable,
                  const std::map<common::SiteId, auth::Role>& roles, std::optional<bool> municipal,
                  const common::Clock& clock);

}  // namespace staff

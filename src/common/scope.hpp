#pragma once
// Which sites a query may see: every site (municipal admins), or the sites where one user holds a role.
// Queries bind it as `(? = 1 OR x.site_id IN (SELECT site_id FROM staff_role WHERE user_id = ?))`
// with AllFlag() and UserValue(): two bound parameters, no SQL built from values.
#include <cstdint>
#include <optional>

#include "common/ids.hpp"

namespace common {

struct SiteScope {
    std::optional<UserId> user;  // nullopt: all sites
    int AllFlag() const { return user ? 0 : 1; }
    std::int64_t UserValue() const { return user ? user->value : 0; }
};

}  // namespace common

#pragma once
// The audit trail: append-only rows with ids, never names, emails or tokens.
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"

namespace auth {

struct AuditEvent {
    std::optional<common::UserId> actor;
    std::string actor_role;
    std::optional<common::SiteId> site;
    std::string action;       // e.g. "child.view", "signin", "denied:child.edit"
    std::string target_kind;  // "child", "guardian", "site", "staff_user", …
    std::optional<std::int64_t> target_id;
    std::string address;
    std::string outcome;  // "ok", "denied", "failed"
    std::string request_id;
};

void WriteAudit(db::WriteTx& tx, const AuditEvent& event, const common::Clock& clock);

}  // namespace auth

#include "auth/audit.hpp"

#include "common/dates.hpp"

namespace auth {

void WriteAudit(db::WriteTx& tx, const AuditEvent& e, const common::Clock& clock) {
    tx.Exec(
        "INSERT INTO audit_event (created_at, actor_user_id, actor_role, site_id, action, target_kind, target_id, "
        "address, outcome, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        common::FormatInstant(clock.Now()), e.actor, e.actor_role, e.site, e.action, e.target_kind, e.target_id,
        e.address, e.outcome, e.request_id);
}

}  // namespace auth

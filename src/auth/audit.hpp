#pragma once
// The audit trail: append-only rows with ids, never names, emails or tokens, hash-chained so that an edited,
// removed or reordered entry is found by VerifyAuditChain.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"

namespace auth {

struct AuditEvent {
    std::optional<common::UserId> actor;
    std::string actor_role;
    std::optional<common::SiteId> site;
    std::string action;       // e.g. "child.view", "signin", "denied:/children/{id}"
    std::string target_kind;  // "child", "guardian", "site", "staff_user", …
    std::optional<std::int64_t> target_id;
    std::string address;
    std::string outcome;  // "ok", "denied", "failed"
    std::string request_id;
};

// Appends an entry, linked to the entry before it. On PostgreSQL appends are serialised by an advisory lock held
// to commit, so several app nodes still build one chain.
void WriteAudit(db::WriteTx& tx, const AuditEvent& event, const common::Clock& clock);

struct AuditRow {
    std::int64_t id = 0;
    std::string created_at;  // ISO 8601 UTC, canonical form
    AuditEvent event;
    std::string prev_hash;
    std::string hash;
};

struct AuditFilter {
    std::optional<std::string> from;  // YYYY-MM-DD, Tokyo dates, inclusive
    std::optional<std::string> to;
    std::optional<common::UserId> actor;
    std::string action_prefix;  // "child." matches child.view, child.update …
    std::string target_kind;
    std::optional<std::int64_t> target_id;
    std::string outcome;
};

// Newest first.
std::vector<AuditRow> ListAudit(db::ReadTx& tx, const AuditFilter& f, int limit, int offset);
std::int64_t CountAudit(db::ReadTx& tx, const AuditFilter& f);

struct ChainCheck {
    std::int64_t checked = 0;            // entries whose hashes were checked
    std::optional<std::int64_t> bad_id;  // the first entry whose content or link does not match
    std::string problem;                 // "altered" (its own hash is wrong) or "link" (the entry before it was
                                         // removed, altered or reordered)
};
ChainCheck VerifyAuditChain(db::ReadTx& tx);

// The text an entry's hash covers: every field but the id, in a fixed order and form.
std::string CanonicalAuditText(const std::string& created_at, const AuditEvent& e);

}  // namespace auth

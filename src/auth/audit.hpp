#pragma once
// The audit trail: append-only rows with ids, never names, emails or tokens. Each entry's hash is an HMAC, under a
// key derived from the server secret (kept outside the database), of its id, its content and the hash before it:
// whoever can write to the database but lacks the secret cannot edit, remove, reorder or insert an entry and
// recompute the chain after it. Cutting off the newest entries leaves a shorter chain that is still whole; the head
// (last id and hash), written to the log hourly and by `tadaima audit head` for a city to keep elsewhere, is what
// finds that (VerifyAuditChain with heads). docs/security.md says what this proves and what it does not.
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

// The chain's key: HMAC-SHA256(server secret, "tadaima audit chain v1"). Every command that writes or checks the
// trail installs it once at start, from the database's own secret (app::SecretForDatabase).
std::string AuditKeyFromSecret(std::string_view secret);
void InstallAuditKey(std::string key);

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

// The newest entry: what a city keeps elsewhere to find a cut-off tail later.
struct AuditHead {
    std::int64_t id = 0;
    std::string hash;
    std::string created_at;
};
std::optional<AuditHead> GetAuditHead(db::ReadTx& tx);
// "tadaima-audit-head id=1234 hash=<64 hex> at=2026-12-02T10:00:00.000Z": one line.
std::string FormatAuditHead(const AuditHead& head);
// Every head in a text: lines as FormatAuditHead writes them, or the server's JSON log lines of the head.
std::vector<AuditHead> ParseAuditHeads(std::string_view text);

// Retention: removes the entries up to `through` (the newest at or before it stays the anchor: its id and hash,
// with an HMAC under the chain's key), so the chain goes on verifying from there. Returns the entries removed.
std::int64_t TrimAuditChain(db::WriteTx& tx, std::int64_t through, const common::Clock& clock);

struct ChainCheck {
    std::int64_t checked = 0;            // entries whose hashes were checked
    std::optional<std::int64_t> bad_id;  // the first entry whose content or link does not match
    // "altered" (its own hash is wrong: edited, or keyed with another secret), "link" (the entry before it was
    // removed, altered or reordered), "cut" (a recorded head is gone: the newest entries were removed) or "head" (a
    // recorded head's entry is there but different: the chain was rebuilt from there on) or "anchor" (where the
    // trail starts after retention was not written with this secret)
    std::string problem;
};
// The whole chain under the installed key, and each recorded head against it.
ChainCheck VerifyAuditChain(db::ReadTx& tx, const std::vector<AuditHead>& heads = {});

// The text an entry's hash covers: its id and every field, in a fixed order and form.
std::string CanonicalAuditText(std::int64_t id, const std::string& created_at, const AuditEvent& e);

// Migration 0016: the entries written under the plain SHA-256 chain are checked against it and chained again
// under the key. Throws std::runtime_error when the plain chain is already broken: that is for a person to look at,
// not to be sealed over.
void KeyAuditChain(db::WriteTx& tx);

}  // namespace auth

#include "auth/audit.hpp"

#include <chrono>

#include "common/dates.hpp"
#include "common/random.hpp"

namespace auth {
namespace {

constexpr std::int64_t kAuditChainLock = 727172;
constexpr const char* kColumns =
    "SELECT id, created_at, actor_user_id, actor_role, site_id, action, target_kind, target_id, address, outcome, "
    "request_id, prev_hash, hash FROM audit_event";

std::string Opt(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : ""; }

AuditRow FromRow(const db::Row& r) {
    AuditRow a;
    a.id = r.Int(0);
    // PostgreSQL returns timestamptz in its own format; the hash covers our canonical one.
    a.created_at = common::CanonicalInstant(r.Text(1));
    if (auto u = r.OptInt(2)) a.event.actor = common::UserId(*u);
    a.event.actor_role = r.Text(3);
    if (auto s = r.OptInt(4)) a.event.site = common::SiteId(*s);
    a.event.action = r.Text(5);
    a.event.target_kind = r.Text(6);
    a.event.target_id = r.OptInt(7);
    a.event.address = r.Text(8);
    a.event.outcome = r.Text(9);
    a.event.request_id = r.Text(10);
    a.prev_hash = r.Text(11);
    a.hash = r.Text(12);
    return a;
}

// Tokyo dates → UTC instants bounding them.
std::string TokyoDayStart(const std::string& date, int plus_days) {
    auto d = common::ParseDate(date);
    auto start = std::chrono::sys_days{*d} + std::chrono::days{plus_days} - common::kTokyoOffset;
    return common::FormatInstant(std::chrono::time_point_cast<common::Instant::duration>(start));
}

std::string Where(const AuditFilter& f, std::vector<db::Value>& params) {
    std::string w = " WHERE 1 = 1";
    if (f.from) {
        w += " AND created_at >= ?";
        params.emplace_back(TokyoDayStart(*f.from, 0));
    }
    if (f.to) {
        w += " AND created_at < ?";
        params.emplace_back(TokyoDayStart(*f.to, 1));
    }
    if (f.actor) {
        w += " AND actor_user_id = ?";
        params.emplace_back(*f.actor);
    }
    if (!f.action_prefix.empty()) {
        w += " AND substr(action, 1, ?) = ?";
        params.emplace_back(static_cast<std::int64_t>(f.action_prefix.size()));
        params.emplace_back(f.action_prefix);
    }
    if (!f.target_kind.empty()) {
        w += " AND target_kind = ?";
        params.emplace_back(f.target_kind);
    }
    if (f.target_id) {
        w += " AND target_id = ?";
        params.emplace_back(*f.target_id);
    }
    if (!f.outcome.empty()) {
        w += " AND outcome = ?";
        params.emplace_back(f.outcome);
    }
    return w;
}

}  // namespace

std::string CanonicalAuditText(const std::string& created_at, const AuditEvent& e) {
    // Fields separated by U+001F, which none of them can hold (they are ids, codes and addresses).
    const char sep = '\x1f';
    std::string t;
    for (const std::string& part : {created_at, Opt(e.actor ? std::optional(e.actor->value) : std::nullopt),
                                    e.actor_role, Opt(e.site ? std::optional(e.site->value) : std::nullopt), e.action,
                                    e.target_kind, Opt(e.target_id), e.address, e.outcome, e.request_id}) {
        t += part;
        t.push_back(sep);
    }
    return t;
}

void WriteAudit(db::WriteTx& tx, const AuditEvent& e, const common::Clock& clock) {
    if (tx.kind() == db::Kind::kPostgresql) tx.Query("SELECT pg_advisory_xact_lock(?)", kAuditChainLock);
    auto last = tx.QueryOptional("SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1");
    std::string prev = last ? last->Text(0) : "";
    std::string created_at = common::FormatInstant(clock.Now());
    std::string hash = common::Sha256Hex(prev + "\n" + CanonicalAuditText(created_at, e));
    tx.Exec(
        "INSERT INTO audit_event (created_at, actor_user_id, actor_role, site_id, action, target_kind, target_id, "
        "address, outcome, request_id, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        created_at, e.actor, e.actor_role, e.site, e.action, e.target_kind, e.target_id, e.address, e.outcome,
        e.request_id, prev, hash);
}

std::vector<AuditRow> ListAudit(db::ReadTx& tx, const AuditFilter& f, int limit, int offset) {
    std::vector<db::Value> params;
    std::string sql = std::string(kColumns) + Where(f, params) + " ORDER BY id DESC LIMIT ? OFFSET ?";
    params.emplace_back(limit);
    params.emplace_back(offset);
    std::vector<AuditRow> out;
    for (const auto& r : tx.QueryParams(sql, params)) out.push_back(FromRow(r));
    return out;
}

std::int64_t CountAudit(db::ReadTx& tx, const AuditFilter& f) {
    std::vector<db::Value> params;
    std::string sql = "SELECT COUNT(*) FROM audit_event" + Where(f, params);
    return tx.QueryParams(sql, params).at(0).Int(0);
}

ChainCheck VerifyAuditChain(db::ReadTx& tx) {
    ChainCheck out;
    std::string prev;      // the hash of the entry before
    bool chained = false;  // entries before the chain began (migration 0003) have empty hashes
    std::int64_t after = 0;
    // In pages, so a long trail is not held in memory at once.
    for (;;) {
        auto rows = tx.Query(std::string(kColumns) + " WHERE id > ? ORDER BY id LIMIT 5000", after);
        if (rows.empty()) break;
        for (const auto& r : rows) {
            auto a = FromRow(r);
            after = a.id;
            if (a.hash.empty() && !chained) continue;
            chained = true;
            ++out.checked;
            if (a.hash != common::Sha256Hex(a.prev_hash + "\n" + CanonicalAuditText(a.created_at, a.event))) {
                out.bad_id = a.id;
                out.problem = "altered";
                return out;
            }
            if (a.prev_hash != prev) {
                out.bad_id = a.id;
                out.problem = "link";
                return out;
            }
            prev = a.hash;
        }
    }
    return out;
}

}  // namespace auth

#include "auth/audit.hpp"

#include <chrono>

#include <regex>
#include <stdexcept>

#include "auth/tokens.hpp"
#include "common/dates.hpp"
#include "common/random.hpp"

namespace auth {
namespace {

constexpr std::int64_t kAuditChainLock = 727172;
constexpr const char* kColumns =
    "SELECT id, created_at, actor_user_id, actor_role, site_id, action, target_kind, target_id, address, outcome, "
    "request_id, prev_hash, hash FROM audit_event";

std::string Opt(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : ""; }

// Set once at start, before any request or job runs; read-only afterwards.
std::string& Key() {
    static std::string key;
    return key;
}

const std::string& RequireKey() {
    if (Key().empty()) throw std::logic_error("the audit chain's key was not installed");
    return Key();
}

std::string EntryHash(const std::string& key, const std::string& prev, std::int64_t id, const std::string& created_at,
                      const AuditEvent& e) {
    return common::BytesToHex(HmacSha256(key, prev + "\n" + CanonicalAuditText(id, created_at, e)));
}

// The plain chain of the entries written before migration 0016 (SHA-256, without the id).
std::string PlainText(const std::string& created_at, const AuditEvent& e) {
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

std::string CanonicalAuditText(std::int64_t id, const std::string& created_at, const AuditEvent& e) {
    // Fields separated by U+001F, which none of them can hold (they are ids, codes and addresses).
    return std::to_string(id) + '\x1f' + PlainText(created_at, e);
}

std::string AuditKeyFromSecret(std::string_view secret) { return HmacSha256(secret, "tadaima audit chain v1"); }

void InstallAuditKey(std::string key) { Key() = std::move(key); }

void WriteAudit(db::WriteTx& tx, const AuditEvent& e, const common::Clock& clock) {
    const auto& key = RequireKey();
    if (tx.kind() == db::Kind::kPostgresql) tx.Query("SELECT pg_advisory_xact_lock(?)", kAuditChainLock);
    // Appends are serialised (the lock above; SQLite has one writer), so the next id is known before the insert and
    // the hash can cover it.
    auto last = tx.QueryOptional("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1");
    // Every entry removed by retention: the chain goes on from its anchor.
    if (!last) last = tx.QueryOptional("SELECT last_id, last_hash FROM audit_anchor WHERE id = 1");
    const std::int64_t id = last ? last->Int(0) + 1 : 1;
    std::string prev = last ? last->Text(1) : "";
    std::string created_at = common::FormatInstant(clock.Now());
    std::string hash = EntryHash(key, prev, id, created_at, e);
    tx.Exec(
        "INSERT INTO audit_event (id, created_at, actor_user_id, actor_role, site_id, action, target_kind, target_id, "
        "address, outcome, request_id, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        id, created_at, e.actor, e.actor_role, e.site, e.action, e.target_kind, e.target_id, e.address, e.outcome,
        e.request_id, prev, hash);
}

std::optional<AuditHead> GetAuditHead(db::ReadTx& tx) {
    auto r = tx.QueryOptional("SELECT id, hash, created_at FROM audit_event ORDER BY id DESC LIMIT 1");
    if (!r) return std::nullopt;
    return AuditHead{r->Int(0), r->Text(1), common::CanonicalInstant(r->Text(2))};
}

std::string FormatAuditHead(const AuditHead& head) {
    return "tadaima-audit-head id=" + std::to_string(head.id) + " hash=" + head.hash + " at=" + head.created_at;
}

std::vector<AuditHead> ParseAuditHeads(std::string_view text) {
    static const std::regex kOwn(R"(tadaima-audit-head id=(\d{1,18}) hash=([0-9a-f]{64})(?: at=(\S+))?)");
    static const std::regex kLog(R"re("audit_head_id":(\d{1,18}).*"audit_head_hash":"([0-9a-f]{64})")re");
    std::vector<AuditHead> out;
    std::string all(text);
    std::size_t start = 0;
    while (start < all.size()) {
        auto end = all.find('\n', start);
        std::string line = all.substr(start, end == std::string::npos ? std::string::npos : end - start);
        start = end == std::string::npos ? all.size() : end + 1;
        std::smatch m;
        if (std::regex_search(line, m, kOwn)) {
            out.push_back({std::stoll(m[1]), m[2], m[3]});
        } else if (std::regex_search(line, m, kLog)) {
            out.push_back({std::stoll(m[1]), m[2], ""});
        }
    }
    return out;
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

namespace {

std::string AnchorMac(const std::string& key, std::int64_t id, const std::string& hash) {
    return common::BytesToHex(HmacSha256(key, "tadaima audit anchor v1\n" + std::to_string(id) + "\n" + hash));
}

}  // namespace

std::int64_t TrimAuditChain(db::WriteTx& tx, std::int64_t through, const common::Clock& clock) {
    const auto& key = RequireKey();
    if (tx.kind() == db::Kind::kPostgresql) tx.Query("SELECT pg_advisory_xact_lock(?)", kAuditChainLock);
    auto last = tx.QueryOptional("SELECT id, hash FROM audit_event WHERE id <= ? ORDER BY id DESC LIMIT 1", through);
    if (!last) return 0;
    const auto id = last->Int(0);
    const auto hash = last->Text(1);
    const auto removed = tx.Exec("DELETE FROM audit_event WHERE id <= ?", id);
    tx.Exec("DELETE FROM audit_anchor WHERE id = 1");
    tx.Exec("INSERT INTO audit_anchor (id, last_id, last_hash, mac, created_at) VALUES (1, ?, ?, ?, ?)", id, hash,
            AnchorMac(key, id, hash), common::FormatInstant(clock.Now()));
    return removed;
}

ChainCheck VerifyAuditChain(db::ReadTx& tx, const std::vector<AuditHead>& heads) {
    const auto& key = RequireKey();
    ChainCheck out;
    std::string prev;  // the hash of the entry before
    std::int64_t after = 0;
    // The oldest entries may have passed their retention: the chain then starts at the anchor they left.
    if (auto anchor = tx.QueryOptional("SELECT last_id, last_hash, mac FROM audit_anchor WHERE id = 1")) {
        after = anchor->Int(0);
        prev = anchor->Text(1);
        if (!common::ConstantTimeEquals(anchor->Text(2), AnchorMac(key, after, prev))) {
            out.bad_id = after;
            out.problem = "anchor";
            return out;
        }
    }
    const std::int64_t anchored = after;
    // In pages, so a long trail is not held in memory at once.
    for (;;) {
        auto rows = tx.Query(std::string(kColumns) + " WHERE id > ? ORDER BY id LIMIT 5000", after);
        if (rows.empty()) break;
        for (const auto& r : rows) {
            auto a = FromRow(r);
            after = a.id;
            ++out.checked;
            if (a.hash != EntryHash(key, a.prev_hash, a.id, a.created_at, a.event)) {
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
    // The chain is whole; is it still the one whose heads were kept?
    for (const auto& h : heads) {
        if (h.id <= anchored) continue;  // removed by retention, behind the anchor
        auto r = tx.QueryOptional("SELECT hash FROM audit_event WHERE id = ?", h.id);
        if (!r) {
            out.bad_id = h.id;
            out.problem = "cut";
            return out;
        }
        if (r->Text(0) != h.hash) {
            out.bad_id = h.id;
            out.problem = "head";
            return out;
        }
    }
    return out;
}

void KeyAuditChain(db::WriteTx& tx) {
    const auto& key = RequireKey();
    auto rows = tx.Query(std::string(kColumns) + " ORDER BY id");
    // First the plain chain they were written with (entries before migration 0003 have no hashes at all).
    std::string prev;
    bool chained = false;
    for (const auto& r : rows) {
        auto a = FromRow(r);
        if (a.hash.empty() && !chained) continue;
        chained = true;
        if (a.hash != common::Sha256Hex(a.prev_hash + "\n" + PlainText(a.created_at, a.event)) || a.prev_hash != prev) {
            throw std::runtime_error("the audit trail was altered before it was keyed, at entry " +
                                     std::to_string(a.id) +
                                     "; nothing was changed. Keep a copy of the database and look into it before "
                                     "migrating.");
        }
        prev = a.hash;
    }
    if (rows.empty()) return;
    // The append-only guard stands aside for this one rewrite, inside the migration's transaction.
    if (tx.kind() == db::Kind::kSqlite) {
        tx.ExecScript("DROP TRIGGER audit_event_no_update;");
    } else {
        tx.ExecScript("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change;");
    }
    prev.clear();
    for (const auto& r : rows) {
        auto a = FromRow(r);
        std::string hash = EntryHash(key, prev, a.id, a.created_at, a.event);
        tx.Exec("UPDATE audit_event SET prev_hash = ?, hash = ? WHERE id = ?", prev, hash, a.id);
        prev = hash;
    }
    if (tx.kind() == db::Kind::kSqlite) {
        tx.ExecScript(
            "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
            "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;");
    } else {
        tx.ExecScript("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_change;");
    }
}

}  // namespace auth

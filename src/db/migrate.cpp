#include "db/migrate.hpp"

#include <algorithm>
#include <chrono>
#include <set>

#include "common/dates.hpp"
#include "web/embedded.hpp"

namespace db {
namespace {

bool HasMigrationsTable(ReadTx& tx) {
    if (tx.kind() == Kind::kSqlite) {
        return !tx.Query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").empty();
    }
    return !tx.QueryOne("SELECT to_regclass('schema_migrations')::text").IsNull(0);
}

std::set<int> AppliedVersions(ReadTx& tx) {
    std::set<int> out;
    if (!HasMigrationsTable(tx)) return out;
    for (const Row& r : tx.Query("SELECT version FROM schema_migrations")) out.insert(static_cast<int>(r.Int(0)));
    return out;
}

}  // namespace

std::vector<Migration> EmbeddedMigrations(Kind kind) {
    const std::string prefix = kind == Kind::kSqlite ? "migrations/sqlite/" : "migrations/postgresql/";
    std::vector<Migration> out;
    for (const auto& f : web::EmbeddedFiles()) {
        if (!f.path.starts_with(prefix) || !f.path.ends_with(".sql")) continue;
        std::string name(f.path.substr(prefix.size()));
        out.push_back({std::stoi(name.substr(0, 4)), name.substr(0, name.size() - 4), f.data});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
    return out;
}

SchemaStatus GetSchemaStatus(Database& db) {
    auto migrations = EmbeddedMigrations(db.kind());
    std::set<int> known;
    for (const auto& m : migrations) known.insert(m.version);
    SchemaStatus s;
    s.latest = migrations.empty() ? 0 : migrations.back().version;
    auto applied = db.Read([](ReadTx& tx) { return AppliedVersions(tx); });
    for (int v : applied) {
        if (!known.count(v)) s.unknown = true;
    }
    // "current" is the last of an unbroken run from the first migration: a gap means behind.
    for (const auto& m : migrations) {
        if (!applied.count(m.version)) break;
        s.current = m.version;
    }
    if (!applied.empty() && s.current == 0) s.unknown = true;
    return s;
}

namespace {
constexpr std::string_view kRebuildsTables = "-- migrate: rebuilds tables";
}  // namespace

int Migrate(Database& db, const std::function<void(WriteTx&, int version)>& after) {
    int ran = 0;
    for (const auto& m : EmbeddedMigrations(db.kind())) {
        bool applied = false;
        auto apply = [&](WriteTx& tx) {
            if (tx.kind() == Kind::kPostgresql) {
                // Several app nodes may start at once; one migrates, the others wait and then see it done.
                tx.Query("SELECT pg_advisory_xact_lock(727171)");
            }
            if (HasMigrationsTable(tx) &&
                !tx.Query("SELECT 1 FROM schema_migrations WHERE version = ?", m.version).empty()) {
                return false;
            }
            tx.ExecScript(m.sql);
            if (after) after(tx, m.version);
            tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", m.version, m.name,
                    common::FormatInstant(std::chrono::system_clock::now()));
            return true;
        };
        // A SQLite migration that rebuilds a table (to change a CHECK, which ALTER TABLE cannot) drops the old table
        // while others still refer to it: it says so, and its foreign keys are checked once, at its end.
        if (m.sql.find(kRebuildsTables) != std::string::npos) {
            db.WriteCheckedAtEnd([&](WriteTx& tx) { applied = apply(tx); });
        } else {
            applied = db.Write(apply);
        }
        if (applied) ++ran;
    }
    return ran;
}

}  // namespace db

#include "app/secret.hpp"

#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "app/config.hpp"
#include "auth/tokens.hpp"
#include "common/dates.hpp"
#include "common/random.hpp"

namespace app {
namespace {

bool TableExists(db::ReadTx& tx, const std::string& table) {
    if (tx.kind() == db::Kind::kSqlite) {
        return !tx.Query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", table).empty();
    }
    return !tx.QueryOne("SELECT to_regclass(?)::text", table).IsNull(0);
}

// Anything in it that a secret made or signed: accounts, sites, the trail.
bool HoldsAnything(db::ReadTx& tx) {
    for (const char* table : {"site", "staff_user", "audit_event", "card", "guardian_account"}) {
        if (TableExists(tx, table) && !tx.Query(std::string("SELECT 1 FROM ") + table + " LIMIT 1").empty()) {
            return true;
        }
    }
    return false;
}

}  // namespace

std::string SecretFingerprint(const std::string& secret) {
    return common::BytesToHex(auth::HmacSha256(secret, "tadaima secret check v1"));
}

std::string SecretForDatabase(const std::string& path, db::Database& db) {
    struct Found {
        bool has_table = false;
        std::optional<std::string> recorded;
        bool holds_anything = false;
    };
    auto found = db.Read([&](db::ReadTx& tx) {
        Found f;
        f.has_table = TableExists(tx, "secret_check");
        if (f.has_table) {
            if (auto r = tx.QueryOptional("SELECT fingerprint FROM secret_check WHERE id = 1")) f.recorded = r->Text(0);
        }
        f.holds_anything = HoldsAnything(tx);
        return f;
    });
    if (!std::filesystem::exists(path) && (found.recorded || found.holds_anything)) {
        throw std::runtime_error(
            "the secret file " + path +
            " is missing, and this database was set up with a secret: restore the file from your backup (or point "
            "TADAIMA_SECRET_FILE at it). A new secret would void every card, letter and link and leave the audit "
            "trail unverifiable, so none is made.");
    }
    std::string secret = LoadOrCreateSecret(path);
    const std::string fingerprint = SecretFingerprint(secret);
    if (found.recorded && *found.recorded != fingerprint) {
        throw std::runtime_error("the secret in " + path +
                                 " is not this database's own (its fingerprint differs): use the secret file that "
                                 "was kept with this database");
    }
    if (found.has_table && !found.recorded) {
        db.Write([&](db::WriteTx& tx) {
            tx.Exec(
                "INSERT INTO secret_check (id, fingerprint, created_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING",
                fingerprint, common::FormatInstant(std::chrono::system_clock::now()));
        });
        // Two commands at once: the first one's fingerprint counts.
        auto stored = db.Read(
            [](db::ReadTx& tx) { return tx.QueryOne("SELECT fingerprint FROM secret_check WHERE id = 1").Text(0); });
        if (stored != fingerprint) throw std::runtime_error("the secret in " + path + " is not this database's own");
    }
    return secret;
}

}  // namespace app

#pragma once
#include <functional>
// Numbered migrations, embedded from migrations/<dialect>/NNNN_name.sql; the same names in both trees.
#include <string>
#include <vector>

#include "db/database.hpp"

namespace db {

struct Migration {
    int version;
    std::string name;
    std::string_view sql;
};

// The migrations for this dialect, in order.
std::vector<Migration> EmbeddedMigrations(Kind kind);

struct SchemaStatus {
    int current = 0;       // highest applied version (0: empty database)
    int latest = 0;        // highest version this binary knows
    bool unknown = false;  // the database holds a version this binary does not know
    bool UpToDate() const { return !unknown && current == latest; }
};

SchemaStatus GetSchemaStatus(Database& db);
// Applies what is missing, each migration in its own transaction; returns how many ran. Twice is a no-op.
// Applies the migrations not yet applied, each in its own transaction; `after` (when given) runs in that same
// transaction right after a migration's SQL, for the steps SQL cannot do (the audit chain's keying at 0016).
int Migrate(Database& db, const std::function<void(WriteTx&, int version)>& after = nullptr);

}  // namespace db

#pragma once
// The server secret signs cards, links and sessions' companions, and keys the audit chain; it lives in a file
// (TADAIMA_SECRET_FILE), never in the database. The database keeps an HMAC of a fixed text under it (secret_check),
// so that every command finds out whether the secret it was given is this database's own — and none ever makes a
// new secret next to a database that already has one (which would quietly void every card, letter and link, and
// make the audit trail unverifiable).
#include <string>

#include "db/database.hpp"

namespace app {

// The secret for this database: read from the file and checked against the database's fingerprint (recorded on
// first use); made (mode 0600) only when the file is missing and the database holds nothing yet. Throws
// std::runtime_error with what to do otherwise.
std::string SecretForDatabase(const std::string& path, db::Database& db);

// HMAC-SHA256(secret, "tadaima secret check v1") in hex.
std::string SecretFingerprint(const std::string& secret);

}  // namespace app

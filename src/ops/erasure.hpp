#pragma once
// Erasure (J6): a child, a family or a whole site removed on request or at the end of a contract, in one
// transaction, with a certificate the city can check. What goes: every row about the people erased — the child
// and everything kept about it (placements, entries and exits, plans, contacts, alerts, cards, pick-up persons,
// letters, threads, notifications, roll-call lines), the guardians and guardian accounts left without a child,
// and at a site's end also the site's own records and the accounts of staff who worked only there (kept as
// anonymous rows, because the audit trail names them by id). What stays: the audit trail, whole and chained,
// which names ids only; other children and sites, untouched. After the commit the database files are scrubbed
// (db::Database::Scrub), so no copy of an erased name stays readable in them.
//
// The certificate is JSON signed with Ed25519 under a key derived from the server secret: ids and counts, when,
// by whom and under which request — never a name. `VerifyCertificate` refuses any changed byte.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"

namespace ops {

enum class ErasureScope { kChild, kFamily, kSite };
std::string_view ScopeName(ErasureScope scope);
std::optional<ErasureScope> ParseScope(std::string_view name);

// The id asked for is not there (nothing is changed). → 404 on the page, exit 1 on the command line.
class ErasureNotFound : public std::runtime_error {
 public:
    using std::runtime_error::runtime_error;
};

struct ErasureRequest {
    ErasureScope scope = ErasureScope::kChild;
    std::int64_t target = 0;  // a child, a guardian (family) or a site id
    std::string reference;    // the request it answers (受付番号, a contract's end), required
    // Who: a staff account (the admin page) or an operator at the command line (by_name: the system user).
    std::optional<common::UserId> by_user;
    std::string by_name;
};

// What an erasure removes, before it does: ids of the people, and rows per table.
struct ErasurePreview {
    std::vector<std::int64_t> children, guardians, accounts, staff;
    std::map<std::string, std::int64_t> rows;  // table → rows deleted or made anonymous
    std::set<std::string> changed;             // every table a row went from or changed in (what the scrub rewrites)
};

// Reads what `Erase` would remove. Throws ErasureNotFound for an unknown id.
ErasurePreview PreviewErasure(db::Database& db, const ErasureRequest& request);

struct ErasureResult {
    std::int64_t id = 0;
    std::string certificate;  // the signed JSON, one line and a newline
    ErasurePreview erased;
    std::string scrub_problem;  // empty: the files hold no copy of what was erased
};

// Erases in one transaction (an audit entry in it), then scrubs the files. `secret` is the server secret, whose
// derived key signs the certificate. Throws ErasureNotFound (nothing changed) or std::invalid_argument for a
// missing reference. A scrub that could not finish (a reader held SQLite's log throughout) leaves `scrub_problem`
// set and the certificate saying so; `ScrubFiles` does it again.
ErasureResult Erase(db::Database& db, const ErasureRequest& request, const std::string& secret,
                    const common::Clock& clock);

// The scrub alone, over every table an erasure may touch (db::Database::Scrub); returns its steps.
std::vector<std::string> ScrubFiles(db::Database& db);

// The signed certificate of erasure `id` (not of a retention run), or nullopt.
std::optional<std::string> StoredCertificate(db::Database& db, std::int64_t id);

// The certificate as a PDF (A4, Japanese with English), from its JSON.
std::string CertificatePdf(const std::string& certificate);

struct CertificateCheck {
    std::string problem;  // empty: the certificate is whole, signed by this installation, recorded in this database
    std::int64_t erasure_id = 0;
};

// Checks a certificate's exact bytes, its signature, that its key is this installation's (from `secret`), and,
// with a database, that the erasure it names is recorded there with this very certificate.
CertificateCheck VerifyCertificate(const std::string& text, const std::string& secret, db::Database* db);

// The certificate's public key for this installation (base64), to publish beside certificates.
std::string CertificatePublicKey(const std::string& secret);

}  // namespace ops

// The command line: serve, migrate, seed-demo.
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "app/app.hpp"
#include "app/job_handlers.hpp"
#include "app/secret.hpp"
#include "attendance/cards.hpp"
#include "attendance/kiosks.hpp"
#include "attendance/live.hpp"
#include "auth/audit.hpp"
#include "auth/mfa.hpp"
#include "auth/passwords.hpp"
#include "children/rollover.hpp"
#include "common/dates.hpp"
#include "common/files.hpp"
#include "common/log.hpp"
#include "common/random.hpp"
#include "db/migrate.hpp"
#include "demo/seed.hpp"
#include "jobs/jobs.hpp"
#include "live/feed.hpp"
#include "mail/mail.hpp"
#include "naps/naps.hpp"
#include "ops/backup.hpp"
#include "ops/erasure.hpp"
#include "ops/export.hpp"
#include "ops/retention.hpp"
#include "plans/alerts.hpp"
#include "reports/counts.hpp"
#include "reports/export.hpp"
#include "reports/register.hpp"
#include "roster/import.hpp"
#include "sites/sites.hpp"
#include "staff/staff.hpp"

namespace app {
namespace {

constexpr const char* kUsage = R"(tadaima — attendance, plans and messages for children's facilities

Usage:
  tadaima serve                 start the web server (TADAIMA_LISTEN, default 127.0.0.1:8080)
  tadaima migrate               bring the database schema up to date (running it twice changes nothing)
  tadaima seed-demo [--sites N] [--children M] [--plans] [--registered PERCENT] [--history-days D]
                                fill an empty database with a generated dummy city (default 3 sites, 150 children);
                                --plans adds dismissal times and two weeks of plans at the 学童 sites;
                                --history-days the D days before today at them (plans, absences, entries and exits)
  tadaima user create --login L --name N --role R [--site S] [--language ja|en]
                                create a staff account (roles: municipal_admin, site_manager, staff; a site id
                                for the last two); the password is read from standard input, or asked for twice
                                without echo on a terminal
  tadaima user reset-mfa --login L
                                remove an account's second factor (a lost phone); it sets one up again at its
                                next sign-in, and its sessions end
  tadaima roster import --site S FILE [--apply] [--lang en]
                                children, guardians and groups for site S from a CSV (UTF-8 or CP932; header:
                                児童番号,姓,名,せい,めい,生年月日,学年,グループ,保護者番号,保護者姓,保護者名,
                                保護者せい,保護者めい,続柄,メール,電話); without --apply only reports
  tadaima kiosk create --site S [--name N]
                                a kiosk for site S without pairing; prints its device credential (for the
                                Authorization: Bearer header of the scan API, or the kiosk page's pairing)
  tadaima naps sweep            records every sleeping child's missed nap checks now (what the servers' sweep does
                                every 30 seconds, e.g. after they were down); prints how many, over how many naps
  tadaima card show --child C   prints the payload of child C's card (made if the child has none)
  tadaima card show --site S    the same for every child at site S today, "child-id payload" per line
  tadaima report register [--site S] --month YYYY-MM [--format xlsx|pdf|csv|csv-cp932] [--lang ja|en]
                                site S's monthly register (出席簿), or every site's (a sheet or PDF section
                                each), to standard output (default xlsx)
  tadaima report counts --month YYYY-MM [--site S] [--format xlsx|pdf|csv|csv-cp932] [--table sites|days|grades]
  tadaima report counts --year YYYY [--survey YYYY-MM-DD] [--site S] [--format …]
                                the counts of every site (or site S) for a month, or a fiscal year's subsidy
                                figures, to standard output (default xlsx; a CSV holds one table)
  tadaima audit verify [--head FILE]
                                check the audit trail's keyed hash chain, and each head kept in FILE; exit 1 at the
                                first altered, missing or reordered entry, or a cut-off tail
  tadaima audit head            the newest entry's id and hash, one line, to keep elsewhere
  tadaima backup FILE           a consistent copy of the database in one file, taken while the server runs (SQLite's
                                online backup; pg_dump on PostgreSQL); never over an existing FILE, nothing is left
                                under FILE when it fails
  tadaima backup verify FILE    check a backup without restoring it: an SQLite database of a schema this version
                                knows, intact, with the secret in TADAIMA_SECRET_FILE, and an unbroken audit trail
  tadaima restore FILE          bring a verified backup into TADAIMA_DB, which must be empty or missing
  tadaima export --city | --site S --out FILE.zip
                                every record of the city (or of site S and its children, families and staff) as
                                a CSV file per table with schema.json describing them, UTF-8, in one ZIP
  tadaima erase --child C | --family G | --site S --request REF [--out BASE] [--dry-run]
                                remove a child, a family (guardian G, their children, and every guardian left
                                without a child) or a whole site's personal records for request REF, scrub the
                                database files, and write the certificate of erasure as BASE.json (signed) and
                                BASE.pdf (default erasure-N); --dry-run only counts what would go
  tadaima erase verify FILE.json
                                check a certificate: unchanged, signed by this installation, recorded here
  tadaima erase certificate N [--out BASE]
                                write erasure N's certificate again
  tadaima erase scrub           scrub the database files again (after an erasure that could not finish it)
  tadaima retention [set KIND MONTHS | run]
                                how long each kind of record is kept (attendance, plans, notifications, messages,
                                audit) and what would go now; set a kind's months; or remove what has passed now
                                (a running server does it nightly at 03:00 JST)
  tadaima keys rotate           a new data key (TADAIMA_DATA_KEYS_FILE): every sealed field sealed again under it,
                                then the old key dropped; safe while servers run (they reread the file)
  tadaima rollover --date YYYY-04-01 [--apply]
                                the school-year rollover: grades up, leavers' placements end on 31 March, grade
                                groups and age classes move on; without --apply only shows what it would do; with
                                it, applies it now if the day has come, else plans it for 00:00 JST that day
  tadaima --help                this text

Environment:
  TADAIMA_DB              SQLite file path (default var/tadaima.db) or postgresql://user@host:port/dbname
  TADAIMA_LISTEN          address:port to listen on (default 127.0.0.1:8080)
  TADAIMA_SECRET_FILE     server secret, created on first start (default var/secret.key)
  TADAIMA_DATA_KEYS_FILE  keys sealing sensitive fields (second-factor secrets), made on first start
                          (default data.keys beside the secret file); keep it with the secret and the backups
  TADAIMA_SECURE_COOKIES  1 when users reach the server over HTTPS through a proxy (set by itself with TLS)
  TADAIMA_TLS_CERT        PEM certificate chain: serve HTTPS (TLS 1.2 and 1.3) on TADAIMA_LISTEN; reread on SIGHUP
  TADAIMA_TLS_KEY         its PEM private key
  TADAIMA_HTTP_REDIRECT_LISTEN  address:port of a plain-HTTP port that only redirects to HTTPS (with TLS)
  TADAIMA_STAFF_NETWORKS  networks (CIDR, comma-separated) staff sign-in and pages answer from (default: any)
  TADAIMA_KIOSK_NETWORKS  the same for kiosks (default: any); families are never limited
  TADAIMA_TRUSTED_PROXIES reverse proxies whose X-Forwarded-For names the client (default: none)
  TADAIMA_PUBLIC_URL      how users reach the server, for links in mails and letters (default http://LISTEN)
  TADAIMA_SMTP_URL        mail server: smtp://host:25 or smtps://user:password@host:465
  TADAIMA_SMTP_STARTTLS   1 to require STARTTLS on smtp://
  TADAIMA_SMTP_CA_FILE    a PEM file of the CA that signed the mail server's certificate (else the system's)
  TADAIMA_MAIL_FROM       sender (default "tadaima <noreply@tadaima.invalid>")
  TADAIMA_MAIL_DIR        without a mail server: write each mail as a .eml file here (demo)
  TADAIMA_ADDRESS_FAILURE_LIMIT  failed sign-ins per address in 10 minutes before it is held back (default 30)
  TADAIMA_CODE_FAILURE_LIMIT     wrong registration codes per address in an hour (default 10)
  TADAIMA_VAPID_SUBJECT   contact the push services see (default mailto:<TADAIMA_MAIL_FROM's address>)
  TADAIMA_PUSH_TIMEOUT_MS wait for a push service's answer (default 10000)
  TADAIMA_NODE_ID         this node's name among nodes sharing a database (default host:port)
  TADAIMA_WORKERS         request worker threads (default 32)
  TADAIMA_DB_POOL         database connections (default 8)
  TADAIMA_DB_DURABILITY   required (default: refuse a PostgreSQL with fsync or full_page_writes off) or
                          unchecked (throwaway test clusters only)
  TADAIMA_JOB_WORKERS     threads sending mail and push and running other jobs (default 4; 0: none here)
  TADAIMA_MAX_BODY_BYTES  largest request body accepted (default 1048576)
  TADAIMA_MAX_UPLOAD_BYTES  largest form with files, e.g. a message's PDFs (default 8388608)
  TADAIMA_MAX_CONNECTIONS open connections accepted at once (default 2048)
  TADAIMA_LOG_LEVEL       debug, info, warn or error (default info)
)";

// This node's name among the app nodes sharing the job table: TADAIMA_NODE_ID, else host and port (two servers on
// one host listen on different ports). Its job worker is "<node>:<pid>".
std::string NodeId(const Config& config) {
    if (const char* id = std::getenv("TADAIMA_NODE_ID"); id && *id) return id;
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    return std::string(host) + ":" + std::to_string(config.listen_port);
}

std::unique_ptr<db::Database> OpenDatabase(const Config& config) {
    return db::Database::Open({config.database, config.db_pool_size});
}

// The database's own secret (never a new one beside a database that has one) into the config, and the audit
// chain's key from it.
void InstallSecret(Config& config, db::Database& database) {
    config.secret = SecretForDatabase(config.secret_file, database);
    auth::InstallAuditKey(auth::AuditKeyFromSecret(config.secret));
}

// The database with its secret installed: every command but serve and migrate opens it this way.
std::unique_ptr<db::Database> OpenWithSecret(Config& config) {
    auto database = OpenDatabase(config);
    InstallSecret(config, *database);
    return database;
}

// The system clock, or for browser tests (TADAIMA_TEST_CLOCK_FILE) the time they moved it to.
class CommandClock {
 public:
    explicit CommandClock(const Config& config) {
        if (!config.test_clock_file.empty()) test_ = std::make_unique<common::OffsetFileClock>(config.test_clock_file);
    }
    const common::Clock& Get() const { return test_ ? static_cast<const common::Clock&>(*test_) : system_; }
    bool Moved() const { return test_ != nullptr; }

 private:
    common::SystemClock system_;
    std::unique_ptr<common::OffsetFileClock> test_;
};

int Serve(Config config) {
    auto database = OpenDatabase(config);
    auto schema = db::GetSchemaStatus(*database);
    if (schema.unknown) {
        std::cerr << "tadaima: the database schema is newer than this program knows (version " << schema.current
                  << "+); use a newer tadaima.\n";
        return 2;
    }
    if (schema.current != schema.latest) {
        std::cerr << "tadaima: the database schema is at version " << schema.current << " but this program needs "
                  << schema.latest << ". Run `tadaima migrate` first.\n";
        return 2;
    }
    if (auto problems = database->DurabilityProblems(); !problems.empty()) {
        std::string list;
        for (const auto& p : problems) list += (list.empty() ? "" : "; ") + p;
        if (!config.durability_unchecked) {
            std::cerr << "tadaima: refusing to serve: on this database an acknowledged scan could be lost: " << list
                      << ". Turn these settings on (docs/operations.md).\n";
            return 2;
        }
        common::LogWarn(
            "TADAIMA_DB_DURABILITY=unchecked: serving on a database that can lose acknowledged writes; "
            "never in production",
            {{"problems", list}});
    }
    InstallSecret(config, *database);
    config.data_keys = auth::DataKeysForDatabase(config.data_keys_file, *database);
    LogAuditHead(*database);
    CommandClock clocks(config);
    if (clocks.Moved())
        common::LogWarn("TADAIMA_TEST_CLOCK_FILE is set: the server's time is moved by tests; never in production");
    const common::Clock& clock = clocks.Get();
    web::Catalogue catalogue;
    web::Templates templates;
    web::Assets assets;
    Metrics metrics;
    const std::string node = NodeId(config);
    const std::string worker = node + ":" + std::to_string(getpid());
    // What this node was sending when it was last stopped hard goes out again now (with the same Message-ID).
    if (int released = jobs::ReleaseFromEarlierRuns(*database, node, worker); released > 0) {
        common::LogInfo("jobs released from an earlier run", {{"jobs", released}});
    }
    jobs::Runner runner(*database, clock, worker);
    Services services{*database, clock, catalogue, templates, assets, config, metrics, {}, {}};
    live::Feed feed(*database, attendance::ReadStates);
    services.live = &feed;
    services.throttle_policy.address_failures = config.address_failure_limit;
    services.throttle_policy.code_failures = config.code_failure_limit;
    App application(services, metrics);
    http::ServerOptions options;
    options.address = config.listen_address;
    options.port = config.listen_port;
    options.limits = config.limits;
    options.worker_threads = config.worker_threads;
    if (!config.tls_cert_file.empty()) {
        http::TlsOptions tls{config.tls_cert_file, config.tls_key_file, std::nullopt, ""};
        if (config.redirect_port != 0 || !config.redirect_address.empty())
            tls.redirect_listen = std::pair{config.redirect_address, config.redirect_port};
        if (config.public_url.starts_with("https://")) tls.redirect_base = config.public_url;
        options.tls = std::move(tls);
    }
    http::Server server(options, application);  // throws with the reason on a bad certificate or key
    if (config.public_url.empty()) {
        config.public_url = std::string(options.tls ? "https://" : "http://") + config.listen_address + ":" +
                            std::to_string(server.port());
    }
    auto transport = mail::MakeTransport(
        {config.smtp_url, config.smtp_starttls, config.mail_dir, config.mail_from, config.smtp_ca_file}, clock);
    if (!transport) {
        common::LogWarn("no mail transport: set TADAIMA_SMTP_URL (or TADAIMA_MAIL_DIR); mails wait in the job table");
    }
    RegisterJobHandlers(runner, *database, transport.get(), catalogue, config, clock);
    EnsureRecurringJobs(*database, clock);
    database->SetJobsPlannedHook([&runner] { runner.Wake(); });
    // 0: a node that only answers requests (in a large city, jobs can run on the others).
    if (config.job_workers > 0) runner.Start(std::chrono::milliseconds(1000), config.job_workers);
    feed.Start();
    common::LogInfo("listening", {{"address", config.listen_address},
                                  {"port", server.port()},
                                  {"tls", options.tls.has_value()},
                                  {"redirect_port", server.redirect_port()},
                                  {"database", std::string(db::KindName(database->kind()))},
                                  {"schema_version", schema.current}});
    server.Run();
    runner.Stop();
    feed.Stop();
    LogAuditHead(*database);
    database->SetJobsPlannedHook({});
    common::LogInfo("stopped");
    return 0;
}

int Migrate(Config& config) {
    auto database = OpenDatabase(config);
    // The secret first: migration 0016 keys the audit chain with it.
    InstallSecret(config, *database);
    int ran = db::Migrate(*database, [](db::WriteTx& tx, int version) {
        if (version == 16) auth::KeyAuditChain(tx);
    });
    SecretForDatabase(config.secret_file, *database);  // now that it has a place for it, the database keeps its check
    auto schema = db::GetSchemaStatus(*database);
    std::cout << "migrate: applied " << ran << " migration(s); schema version " << schema.current << "\n";
    return 0;
}

// `audit verify [--head FILE]`: the chain, and each head kept in FILE (lines of `audit head`, or the server's log).
int AuditVerify(Config& config, int argc, char** argv) {
    std::vector<auth::AuditHead> heads;
    if (argc == 5 && std::string(argv[3]) == "--head") {
        std::ifstream in(argv[4]);
        if (!in) throw std::runtime_error("audit verify: cannot read " + std::string(argv[4]));
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        heads = auth::ParseAuditHeads(text);
        if (heads.empty()) throw std::runtime_error("audit verify: " + std::string(argv[4]) + " holds no audit head");
    } else if (argc != 3) {
        throw std::runtime_error("usage: tadaima audit verify [--head FILE]");
    }
    auto database = OpenWithSecret(config);
    auto check = database->Read([&](db::ReadTx& tx) { return auth::VerifyAuditChain(tx, heads); });
    if (!check.bad_id) {
        std::cout << "audit verify: " << check.checked << " entries checked; the chain is intact";
        if (!heads.empty()) std::cout << " and holds the " << heads.size() << " head(s) kept";
        std::cout << "\n";
        return 0;
    }
    const auto bad = std::to_string(*check.bad_id);
    if (check.problem == "altered") {
        std::cout << "audit verify: entry " << bad << " has been altered (its hash does not match)\n";
    } else if (check.problem == "link") {
        std::cout << "audit verify: the chain breaks at entry " << bad
                  << ": the entry before it was removed, altered or reordered\n";
    } else if (check.problem == "cut") {
        std::cout << "audit verify: entry " << bad << ", kept as a head, is gone: the newest entries were removed\n";
    } else {
        std::cout << "audit verify: entry " << bad
                  << " differs from the head kept for it: the trail was rebuilt from there on\n";
    }
    return 1;
}

// `audit head`: the newest entry's id and hash, one line, for a city to keep elsewhere (cron into a write-once
// store, say).
int AuditHead(Config& config) {
    auto database = OpenWithSecret(config);
    auto head = database->Read([](db::ReadTx& tx) { return auth::GetAuditHead(tx); });
    if (!head) throw std::runtime_error("audit head: the audit trail is empty");
    std::cout << auth::FormatAuditHead(*head) << "\n";
    return 0;
}

// An audit entry for a change made from the command line, where no one is signed in.
auth::AuditEvent OperatorEvent(std::string action, common::UserId account, std::optional<common::SiteId> site = {}) {
    auth::AuditEvent ev;
    ev.actor_role = "operator";
    ev.site = site;
    ev.action = std::move(action);
    ev.target_kind = "staff_user";
    ev.target_id = account.value;
    ev.outcome = "ok";
    return ev;
}

bool OnPostgresql(const Config& config) { return config.database.starts_with("postgresql://"); }

// An operator's command over the whole database (a backup taken, a restore) as an audit entry.
void AuditDatabaseEvent(const Config& config, db::Database& database, const std::string& action) {
    CommandClock clock(config);
    auto ev = OperatorEvent(action, common::UserId(0));
    ev.target_kind = "database";
    ev.target_id.reset();
    database.Write([&](db::WriteTx& tx) { auth::WriteAudit(tx, ev, clock.Get()); });
}

// What checking a backup found: nothing wrong (problem empty), or the first thing wrong, as one line.
struct BackupCheck {
    std::string problem;
    int schema = 0;
    int latest = 0;
    std::int64_t entries = 0;
};

// A restored copy checked: a tadaima schema this version knows, whose secret is TADAIMA_SECRET_FILE's, whose sealed
// fields open with TADAIMA_DATA_KEYS_FILE, and whose audit chain is unbroken.
void CheckRestored(Config& config, db::Database& database, BackupCheck& out) {
    const auto schema = db::GetSchemaStatus(database);
    out.schema = schema.current;
    out.latest = schema.latest;
    if (schema.current == 0) {
        out.problem = "it holds no tadaima schema (not a tadaima backup)";
        return;
    }
    if (schema.unknown) {
        out.problem = "it is from a newer tadaima (schema " + std::to_string(schema.current) + "; this one knows " +
                      std::to_string(schema.latest) + "): use that version";
        return;
    }
    InstallSecret(config, database);  // throws when TADAIMA_SECRET_FILE is not this backup's secret
    if (auto keys = auth::CheckDataKeys(config.data_keys_file, database); !keys.empty()) {
        out.problem = "its sealed fields do not open with TADAIMA_DATA_KEYS_FILE: " + keys;
        return;
    }
    auto chain = database.Read([](db::ReadTx& tx) { return auth::VerifyAuditChain(tx); });
    out.entries = chain.checked;
    if (chain.bad_id) {
        out.problem =
            "its audit trail is broken at entry " + std::to_string(*chain.bad_id) + " (" + chain.problem + ")";
    }
}

// An SQLite backup checked on a private working copy at `work` (the backup itself is never changed): an SQLite
// file, intact, then CheckRestored. Leaves the working copy closed at `work` for the caller to keep or remove.
BackupCheck CheckBackup(Config& config, const std::string& file, const std::string& work) {
    ops::CopyBackup(file, work);
    BackupCheck out;
    auto database = db::Database::Open({work, 1});
    auto integrity = database->Read([](db::ReadTx& tx) { return tx.Query("PRAGMA integrity_check"); });
    if (integrity.empty() || integrity.front().Text(0) != "ok") {
        out.problem =
            "the file is damaged (" + (integrity.empty() ? std::string("no answer") : integrity.front().Text(0)) + ")";
        return out;
    }
    CheckRestored(config, *database, out);
    return out;
}

// A PostgreSQL backup (pg_dump's custom format) restored by pg_restore into a scratch database on the same server,
// checked there, and the scratch database dropped.
BackupCheck CheckPostgresqlBackup(Config& config, const std::string& file) {
    BackupCheck out;
    const std::string name = "tadaima_verify_" + common::RandomHex(6);
    ops::CreatePostgresqlDatabase(config.database, name);
    try {
        const auto scratch = ops::WithDatabase(config.database, name);
        try {
            ops::RestorePostgresql(file, scratch);
        } catch (const std::runtime_error& e) {
            out.problem = std::string("not a tadaima backup, or damaged (") + e.what() + ")";
        }
        if (out.problem.empty()) {
            auto database = db::Database::Open({scratch, 1});
            CheckRestored(config, *database, out);
        }
    } catch (...) {
        ops::DropPostgresqlDatabase(config.database, name);
        throw;
    }
    ops::DropPostgresqlDatabase(config.database, name);
    return out;
}

// `backup FILE`: SQLite's online backup, in one read snapshot, while the server goes on writing; on PostgreSQL
// pg_dump's, in one snapshot as well.
int Backup(Config& config, int argc, char** argv) {
    if (argc != 3) throw std::runtime_error("usage: tadaima backup FILE | tadaima backup verify FILE");
    const std::string file = argv[2];
    auto database = OpenWithSecret(config);  // the database's own secret, or it refuses before copying anything
    if (OnPostgresql(config)) {
        const auto bytes = ops::BackupPostgresql(config.database, file);
        AuditDatabaseEvent(config, *database, "backup.taken");
        std::cout << "backup: " << file << " written (" << bytes << " bytes) by PostgreSQL's pg_dump (custom format); "
                  << "check it with tadaima backup verify " << file << "\n";
        return 0;
    }
    const auto bytes = ops::BackupSqlite(config.database, file);
    AuditDatabaseEvent(config, *database, "backup.taken");
    std::cout << "backup: " << file << " written (" << bytes << " bytes) with SQLite's online backup; check it with "
              << "tadaima backup verify " << file << "\n";
    return 0;
}

// `backup verify FILE`: exit 0 when the backup would restore whole, 1 with the first thing wrong.
int BackupVerify(Config& config, int argc, char** argv) {
    if (argc != 4) throw std::runtime_error("usage: tadaima backup verify FILE");
    const std::string file = argv[3];
    const std::string work =
        (std::filesystem::temp_directory_path() / ("tadaima-verify-" + common::RandomHex(6) + ".db")).string();
    BackupCheck check;
    if (OnPostgresql(config)) {
        if (!std::filesystem::exists(file)) throw std::runtime_error("backup verify: there is no file " + file);
        check = CheckPostgresqlBackup(config, file);
    } else {
        try {
            check = CheckBackup(config, file, work);
        } catch (...) {
            ops::RemoveDatabaseFiles(work);
            throw;
        }
        ops::RemoveDatabaseFiles(work);
    }
    if (!check.problem.empty()) {
        std::cerr << "backup verify: " << file << ": " << check.problem << "\n";
        return 1;
    }
    std::cout << "backup verify: " << file << " is intact: schema version " << check.schema << ", " << check.entries
              << " audit entries checked, the chain unbroken";
    if (check.schema < check.latest) std::cout << " (an older schema: tadaima migrate after restoring it)";
    std::cout << "\n";
    return 0;
}

// `restore FILE`: the backup, once checked, becomes the database at TADAIMA_DB, which must be empty or missing.
int Restore(Config& config, int argc, char** argv) {
    if (argc != 3) throw std::runtime_error("usage: tadaima restore FILE");
    const std::string file = argv[2];
    if (OnPostgresql(config)) {
        // Checked in a scratch database first, then restored in one transaction into the empty target.
        const bool empty = OpenDatabase(config)->Read([](db::ReadTx& tx) {
            return tx.QueryOne("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()")
                       .Int(0) == 0;
        });
        if (!empty) {
            throw std::runtime_error(
                "restore: the database at TADAIMA_DB is not empty: a backup is restored into an "
                "empty database only");
        }
        if (!std::filesystem::exists(file)) throw std::runtime_error("restore: there is no file " + file);
        auto check = CheckPostgresqlBackup(config, file);
        if (!check.problem.empty()) throw std::runtime_error("restore: " + file + ": " + check.problem);
        ops::RestorePostgresql(file, config.database);
        auto database = OpenWithSecret(config);
        AuditDatabaseEvent(config, *database, "backup.restored");
        std::cout << "restore: TADAIMA_DB now holds " << file << " (pg_restore; schema version " << check.schema << ", "
                  << check.entries << " audit entries checked)\n";
        return 0;
    }
    const std::string& target = config.database;
    if (!ops::SqliteFileIsEmpty(target)) {
        throw std::runtime_error("restore: " + target +
                                 " is not empty: a backup is restored into an empty database only (move this one "
                                 "aside first)");
    }
    const std::string work = common::TemporaryBeside(target, "restore");
    BackupCheck check;
    try {
        check = CheckBackup(config, file, work);
        if (!check.problem.empty()) throw std::runtime_error("restore: " + file + ": " + check.problem);
        ops::RemoveDatabaseFiles(target);
        std::filesystem::rename(work, target);
    } catch (...) {
        ops::RemoveDatabaseFiles(work);
        throw;
    }
    auto database = OpenWithSecret(config);
    AuditDatabaseEvent(config, *database, "backup.restored");
    std::cout << "restore: " << target << " now holds " << file << " (schema version " << check.schema << ", "
              << check.entries << " audit entries checked)";
    if (check.schema < check.latest) std::cout << "; run tadaima migrate before serving";
    std::cout << "\n";
    return 0;
}

// A password from standard input: asked for twice without echo on a terminal, else the first line.
std::string ReadPassword() {
    auto read_line = [] {
        std::string line;
        std::getline(std::cin, line);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return line;
    };
    if (!isatty(STDIN_FILENO)) return read_line();
    termios old{};
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::cerr << "Password: ";
    std::string first = read_line();
    std::cerr << "\nAgain: ";
    std::string second = read_line();
    std::cerr << "\n";
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    if (first != second) throw std::runtime_error("the two passwords differ");
    return first;
}

// --name value pairs after the subcommand's two words.
// "--name value" pairs from argv[first] on (a subcommand's own words come before), and `flags`, options without a
// value ("--dry-run"), as "1". Anything else is the usage.
std::map<std::string, std::string> Options(int argc, char** argv, const std::string& usage, int first = 3,
                                           std::initializer_list<std::string_view> flags = {}) {
    std::map<std::string, std::string> opts;
    for (int i = first; i < argc; ++i) {
        std::string arg = argv[i];
        if (!arg.starts_with("--")) throw std::runtime_error(usage);
        if (std::find(flags.begin(), flags.end(), arg.substr(2)) != flags.end()) {
            opts[arg.substr(2)] = "1";
            continue;
        }
        if (i + 1 >= argc) throw std::runtime_error(usage);
        opts[arg.substr(2)] = argv[++i];
    }
    return opts;
}

std::int64_t IdOption(const std::map<std::string, std::string>& opts, const std::string& name,
                      const std::string& usage) {
    auto it = opts.find(name);
    if (it == opts.end()) throw std::runtime_error(usage);
    std::size_t used = 0;
    std::int64_t id = 0;
    try {
        id = std::stoll(it->second, &used);
    } catch (const std::exception&) {
    }
    if (used != it->second.size() || id <= 0) throw std::runtime_error("--" + name + " must be an id: " + usage);
    return id;
}

// The certificate of erasure as BASE.json and BASE.pdf, neither of which may exist yet.
void WriteCertificate(const std::string& certificate, const std::string& base) {
    for (const auto& file : {base + ".json", base + ".pdf"}) {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out << (file.ends_with(".json") ? certificate : ops::CertificatePdf(certificate));
        out.close();
        if (!out) throw std::runtime_error("erase: could not write " + file);
    }
}

// Refuses an output name whose files exist or whose directory is missing, before anything is erased.
void CheckCertificateOut(const std::string& base) {
    const auto dir = std::filesystem::path(base).parent_path();
    if (!dir.empty() && !std::filesystem::is_directory(dir))
        throw std::runtime_error("erase: no directory " + dir.string() + " for the certificate");
    for (const auto& file : {base + ".json", base + ".pdf"}) {
        if (std::filesystem::exists(file)) throw std::runtime_error("erase: " + file + " exists already");
    }
}

int Erase(Config& config, int argc, char** argv) {
    const std::string usage =
        "usage: tadaima erase --child C | --family G | --site S --request REF [--out BASE] [--dry-run]";
    auto opts = Options(argc, argv, usage, 2, {"dry-run"});
    const bool dry_run = opts.contains("dry-run");
    ops::ErasureRequest request;
    int scopes = 0;
    for (const char* name : {"child", "family", "site"}) {
        if (!opts.contains(name)) continue;
        ++scopes;
        request.scope = *ops::ParseScope(name);
        request.target = IdOption(opts, name, usage);
    }
    if (scopes != 1) throw std::runtime_error(usage);
    for (const auto& [k, v] : opts) {
        if (k != "child" && k != "family" && k != "site" && k != "request" && k != "out" && k != "dry-run")
            throw std::runtime_error("erase: unknown option --" + k + "\n" + usage);
    }
    request.reference = opts.contains("request") ? opts["request"] : "";
    if (!dry_run && request.reference.empty())
        throw std::runtime_error("erase: say which request this answers with --request (a reference number)");
    const char* user = std::getenv("SUDO_USER");
    if (!user || !*user) user = std::getenv("USER");
    request.by_name = user && *user ? user : "operator";
    auto database = OpenWithSecret(config);
    if (dry_run) {
        auto preview = ops::PreviewErasure(*database, request);
        std::cout << "erase --dry-run: " << ops::ScopeName(request.scope) << " " << request.target << ": "
                  << preview.children.size() << " children, " << preview.guardians.size() << " guardians, "
                  << preview.accounts.size() << " guardian accounts, " << preview.staff.size()
                  << " staff accounts; nothing changed\n";
        for (const auto& [table, n] : preview.rows) std::cout << "  " << table << " " << n << "\n";
        return 0;
    }
    const std::string base = opts.contains("out") ? opts["out"] : "";
    if (!base.empty()) CheckCertificateOut(base);
    CommandClock clock(config);
    auto result = ops::Erase(*database, request, config.secret, clock.Get());
    const std::string out = base.empty() ? "erasure-" + std::to_string(result.id) : base;
    try {
        if (base.empty()) CheckCertificateOut(out);  // the default name is known only now
        WriteCertificate(result.certificate, out);
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(std::string(e.what()) + "; erasure " + std::to_string(result.id) +
                                 " is done: write its certificate with tadaima erase certificate " +
                                 std::to_string(result.id) + " --out BASE");
    }
    if (!result.scrub_problem.empty()) {
        std::cerr << "erase: erasure " << result.id << " is done, but the database files were not scrubbed ("
                  << result.scrub_problem << "); run tadaima erase scrub when the server is quiet\n";
        return 1;
    }
    std::int64_t rows = 0;
    for (const auto& [table, n] : result.erased.rows) rows += n;
    std::cout << "erase: erasure " << result.id << " done: " << result.erased.children.size() << " children, "
              << result.erased.guardians.size() << " guardians, " << result.erased.accounts.size()
              << " guardian accounts, " << result.erased.staff.size() << " staff accounts, " << rows
              << " rows; the files scrubbed; certificate " << out << ".json and " << out << ".pdf\n";
    return 0;
}

int Export(Config& config, int argc, char** argv) {
    const std::string usage = "usage: tadaima export --city | --site S --out FILE.zip";
    auto opts = Options(argc, argv, usage, 2, {"city"});
    const bool city = opts.contains("city");
    for (const auto& [k, v] : opts) {
        if (k != "city" && k != "site" && k != "out") throw std::runtime_error(usage);
    }
    if (city == opts.contains("site") || !opts.contains("out")) throw std::runtime_error(usage);
    std::optional<common::SiteId> site;
    if (!city) site = common::SiteId(IdOption(opts, "site", usage));
    auto database = OpenWithSecret(config);
    CommandClock clock(config);
    // Sealed fields are exported opened: the database's own keys (none yet: nothing is sealed).
    std::shared_ptr<auth::DataKeys> keys;
    if (std::filesystem::exists(config.data_keys_file)) keys = std::make_shared<auth::DataKeys>(config.data_keys_file);
    const auto summary =
        ops::Export(*database, site, opts["out"], common::FormatInstant(clock.Get().Now()), keys.get());
    auto ev = OperatorEvent("export.taken", common::UserId(0), site);
    ev.target_kind = site ? "site" : "city";
    ev.target_id = site ? std::optional<std::int64_t>(site->value) : std::nullopt;
    database->Write([&](db::WriteTx& tx) { auth::WriteAudit(tx, ev, clock.Get()); });
    std::cout << "export: " << opts["out"] << " written: " << summary.tables << " tables, " << summary.rows << " rows, "
              << summary.bytes << " bytes (schema.json describes them)\n";
    return 0;
}

// `retention`: every kind's period and what would go now; `retention set KIND MONTHS`; `retention run`.
int Retention(Config& config, int argc, char** argv) {
    const std::string usage = "usage: tadaima retention [set KIND MONTHS | run]";
    const std::string verb = argc > 2 ? argv[2] : "";
    if (!(argc == 2 || (verb == "run" && argc == 3) || (verb == "set" && argc == 5))) throw std::runtime_error(usage);
    auto database = OpenWithSecret(config);
    CommandClock clock(config);
    const auto today = common::TokyoDate(clock.Get().Now());
    if (verb == "set") {
        const std::string months_text = argv[4];
        int months = 0;
        const auto [end, ec] = std::from_chars(months_text.data(), months_text.data() + months_text.size(), months);
        if (ec != std::errc() || end != months_text.data() + months_text.size())
            throw std::runtime_error("retention set: MONTHS must be a whole number of months: " + usage);
        try {
            database->Write(
                [&](db::WriteTx& tx) { ops::SetRetention(tx, argv[3], months, std::nullopt, clock.Get()); });
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error(std::string("retention set: ") + e.what());
        }
    }
    auto settings = database->Read([&](db::ReadTx& tx) { return ops::RetentionSettings(tx, today); });
    for (const auto& s : settings) {
        std::cout << "  " << s.kind << ": " << s.months << " months" << (s.is_default ? " (default)" : "")
                  << ", records before " << common::FormatDate(s.cutoff) << " go\n";
    }
    if (verb == "set") return 0;
    const auto run =
        verb == "run" ? ops::RunRetention(*database, clock.Get()) : ops::PreviewRetention(*database, clock.Get());
    std::cout << "retention " << (verb == "run" ? "run" : "would remove (nothing changed; run to do it)") << ": "
              << run.total() << " rows";
    if (run.erasure_id) std::cout << " (erasure " << run.erasure_id << ")";
    std::cout << "\n";
    for (const auto& [table, n] : run.rows) std::cout << "  " << table << " " << n << "\n";
    return 0;
}

int KeysRotate(Config& config, int argc, char**) {
    if (argc != 3) throw std::runtime_error("usage: tadaima keys rotate");
    auto database = OpenWithSecret(config);
    auto rotation = auth::RotateDataKeys(config.data_keys_file, *database);
    auto ev = OperatorEvent("keys.rotated", common::UserId(0), std::nullopt);
    ev.target_kind = "data_key";
    ev.target_id.reset();
    CommandClock clock(config);
    database->Write([&](db::WriteTx& tx) { auth::WriteAudit(tx, ev, clock.Get()); });
    std::cout << "keys rotate: " << config.data_keys_file << " now holds key " << rotation.new_id << " alone (was "
              << rotation.old_ids << "); " << rotation.resealed
              << " fields sealed again; the database files scrubbed\n";
    return 0;
}

int Rollover(Config& config, int argc, char** argv) {
    const std::string usage = "usage: tadaima rollover --date YYYY-04-01 [--apply]";
    auto opts = Options(argc, argv, usage, 2, {"apply"});
    for (const auto& [k, v] : opts) {
        if (k != "date" && k != "apply") throw std::runtime_error("rollover: unknown option --" + k + "\n" + usage);
    }
    if (!opts.contains("date")) throw std::runtime_error(usage);
    const auto date = children::RolloverDate(opts["date"]);
    auto database = OpenWithSecret(config);
    CommandClock clock(config);
    auto print = [](const children::RolloverPlan& plan) {
        for (const auto& s : plan.sites) {
            std::cout << "  site " << s.site.value << " " << s.name << ": " << s.staying << " staying, "
                      << s.leaving.size() << " leaving, " << s.group_moves << " group moves, " << s.starting
                      << " new from the day";
            if (!s.to_place.empty()) {
                std::cout << "; to put in a group by hand:";
                for (auto c : s.to_place) std::cout << " " << c.value;
            }
            std::cout << "\n";
        }
        std::cout << "  " << plan.grades_up << " grades up, " << plan.leaving() << " leaving, " << plan.to_place()
                  << " to put in a group by hand\n";
    };
    const std::string d = common::FormatDate(date);
    if (!opts.contains("apply")) {
        std::optional<children::RolloverRecord> existing;
        children::RolloverPlan plan;
        database->Read([&](db::ReadTx& tx) {
            existing = children::RolloverFor(tx, date);
            plan = children::PlanRollover(tx, date);
        });
        if (existing && existing->state == "done") {
            std::cout << "rollover " << d << ": done already (rollover " << existing->id << "); nothing to do\n";
            return 0;
        }
        if (children::RolloverTooLate(date, common::TokyoDate(clock.Get().Now()))) {
            std::cout << "rollover " << d << " is past (a rollover applies until the end of April of its year); it "
                      << "would have done (nothing changed):\n";
            print(plan);
            return 0;
        }
        std::cout << "rollover " << d << " would do (nothing changed; --apply to do it"
                  << (existing ? ", planned already as rollover " + std::to_string(existing->id) : std::string())
                  << "):\n";
        print(plan);
        return 0;
    }
    auto result = children::RequestRollover(*database, date, std::nullopt, clock.Get());
    switch (result.outcome) {
        case children::RolloverOutcome::kAlreadyDone:
            std::cout << "rollover " << d << ": done already (rollover " << result.id << "); nothing changed\n";
            break;
        case children::RolloverOutcome::kAlreadyPlanned:
            std::cout << "rollover " << d << ": planned already (rollover " << result.id << "); nothing changed\n";
            break;
        case children::RolloverOutcome::kPlanned:
            std::cout << "rollover " << d << ": planned as rollover " << result.id
                      << " for 00:00 JST that day (a running server applies it); as of now it would do:\n";
            print(result.plan);
            break;
        case children::RolloverOutcome::kApplied:
            std::cout << "rollover " << d << ": done (rollover " << result.id << "):\n";
            print(result.plan);
            break;
    }
    return 0;
}

int EraseVerify(Config& config, int argc, char** argv) {
    if (argc != 4) throw std::runtime_error("usage: tadaima erase verify FILE.json");
    std::ifstream in(argv[3], std::ios::binary);
    if (!in) throw std::runtime_error(std::string("erase verify: cannot read ") + argv[3]);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto database = OpenWithSecret(config);
    auto check = ops::VerifyCertificate(text, config.secret, database.get());
    if (!check.problem.empty()) {
        std::cerr << "erase verify: " << argv[3] << ": " << check.problem << "\n";
        return 1;
    }
    std::cout << "erase verify: " << argv[3] << " is erasure " << check.erasure_id
              << "'s certificate, unchanged, signed by this installation and recorded in this database\n";
    return 0;
}

int EraseScrub(Config& config, int argc, char**) {
    if (argc != 3) throw std::runtime_error("usage: tadaima erase scrub");
    auto database = OpenWithSecret(config);
    for (const auto& step : ops::ScrubFiles(*database)) std::cout << "erase scrub: " << step << "\n";
    return 0;
}

int EraseCertificate(Config& config, int argc, char** argv) {
    const std::string usage = "usage: tadaima erase certificate N [--out BASE]";
    if (argc < 4) throw std::runtime_error(usage);
    auto opts = Options(argc, argv, usage, 4);
    opts["id"] = argv[3];
    const auto id = IdOption(opts, "id", usage);
    auto database = OpenWithSecret(config);
    auto certificate = ops::StoredCertificate(*database, id);
    if (!certificate) throw std::runtime_error("erase certificate: no certificate for erasure " + opts["id"]);
    const std::string base = opts.contains("out") ? opts["out"] : "erasure-" + opts["id"];
    CheckCertificateOut(base);
    WriteCertificate(*certificate, base);
    std::cout << "erase certificate: " << base << ".json and " << base << ".pdf\n";
    return 0;
}

int UserCreate(Config& config, int argc, char** argv) {
    auto opts =
        Options(argc, argv, "usage: tadaima user create --login L --name N --role R [--site S] [--language ja|en]");
    for (const char* required : {"login", "name", "role"}) {
        if (!opts.count(required)) throw std::runtime_error(std::string("user create: --") + required + " is required");
    }
    auto role = auth::ParseRole(opts["role"]);
    if (!role) throw std::runtime_error("user create: --role must be municipal_admin, site_manager, lead or staff");
    std::optional<common::SiteId> site;
    if (*role != auth::Role::kMunicipalAdmin) {
        if (!opts.count("site")) throw std::runtime_error("user create: --site is required for " + opts["role"]);
        try {
            site = common::SiteId(std::stoll(opts["site"]));
        } catch (const std::exception&) {
            throw std::runtime_error("user create: --site must be a site id");
        }
    }
    std::string language = opts.count("language") ? opts["language"] : "ja";
    if (language != "ja" && language != "en") throw std::runtime_error("user create: --language must be ja or en");
    const std::string& login = opts["login"];
    bool login_ok = login.size() >= 3 && login.size() <= 64;
    for (char c : login)
        login_ok = login_ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-');
    if (!login_ok) throw std::runtime_error("user create: --login takes 3–64 of a–z, 0–9, '.', '_', '-'");

    auto database = OpenWithSecret(config);
    if (!db::GetSchemaStatus(*database).UpToDate()) throw std::runtime_error("run `tadaima migrate` first");
    std::string password = ReadPassword();
    if (auto bad = auth::CheckPasswordPolicy(password, login)) {
        web::Catalogue catalogue;
        throw std::runtime_error("user create: " + catalogue.Get("en", *bad));
    }
    std::string hash = auth::HashPassword(password);
    common::SystemClock clock;
    auto id = database->Write([&](db::WriteTx& tx) {
        if (site && !tx.QueryOptional("SELECT 1 FROM site WHERE id = ?", *site)) {
            throw std::runtime_error("user create: there is no site " + site->ToString());
        }
        if (staff::LoginIdTaken(tx, login)) throw std::runtime_error("user create: the login id is already taken");
        auto id = staff::InsertStaff(tx, login, opts["name"], hash, language, clock);
        if (site) {
            staff::ReplaceRoles(tx, id, {*site}, {{*site, *role}}, std::nullopt, clock);
        } else {
            staff::ReplaceRoles(tx, id, {}, {}, true, clock);
        }
        auth::WriteAudit(tx, OperatorEvent("staff.create", id, site), clock);
        return id;
    });
    std::cout << "user create: created account " << id.value << " (" << opts["role"] << ")\n";
    return 0;
}

int UserResetMfa(Config& config, int argc, char** argv) {
    if (argc != 5 || std::string(argv[3]) != "--login")
        throw std::runtime_error("usage: tadaima user reset-mfa --login L");
    std::string login = argv[4];
    auto database = OpenWithSecret(config);
    common::SystemClock clock;
    auto id = database->Write([&](db::WriteTx& tx) {
        auto row = tx.QueryOptional("SELECT id FROM staff_user WHERE login_id = ?", login);
        if (!row) throw std::runtime_error("user reset-mfa: there is no account with that login id");
        auto id = row->Id<common::UserId>(0);
        auth::ResetMfa(tx, id);
        auth::EndAllSessions(tx, id, clock);
        auth::WriteAudit(tx, OperatorEvent("mfa.reset", id), clock);
        return id;
    });
    std::cout << "user reset-mfa: account " << id.value << " sets up its second factor at its next sign-in\n";
    return 0;
}

int RosterImport(Config& config, int argc, char** argv) {
    std::optional<common::SiteId> site;
    std::string file, lang = "ja";
    bool apply = false;
    for (int i = 3; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--apply") {
            apply = true;
        } else if (arg == "--site" && i + 1 < argc) {
            try {
                site = common::SiteId(std::stoll(argv[++i]));
            } catch (const std::exception&) {
                throw std::runtime_error("roster import: --site must be a site id");
            }
        } else if (arg == "--lang" && i + 1 < argc) {
            lang = argv[++i];
        } else if (!arg.starts_with("--") && file.empty()) {
            file = arg;
        } else {
            throw std::runtime_error("roster import: unexpected " + arg);
        }
    }
    if (!site || file.empty()) throw std::runtime_error("usage: tadaima roster import --site S FILE [--apply]");
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("roster import: cannot read " + file);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto database = OpenWithSecret(config);
    common::SystemClock clock;
    auto report = roster::ImportRoster(*database, *site, bytes, apply, clock, nullptr);
    web::Catalogue catalogue;
    std::cout << roster::FormatReport(report, catalogue, catalogue.HasLanguage(lang) ? lang : "ja");
    return report.errors.empty() ? 0 : 1;
}

int KioskCreate(Config& config, int argc, char** argv) {
    const std::string usage = "usage: tadaima kiosk create --site S [--name N]";
    auto opts = Options(argc, argv, usage);
    auto site = common::SiteId(IdOption(opts, "site", usage));
    std::string name = opts.count("name") ? opts["name"] : "kiosk";
    auto database = OpenWithSecret(config);
    common::SystemClock clock;
    auto kiosk = database->Write([&](db::WriteTx& tx) {
        if (tx.Query("SELECT 1 FROM site WHERE id = ? AND deactivated_at IS NULL", site).empty()) {
            throw std::runtime_error("kiosk create: there is no active site " + site.ToString());
        }
        auto k = attendance::CreateKiosk(tx, site, name, clock);
        auto ev = OperatorEvent("kiosk.create", common::UserId(0), site);
        ev.target_kind = "kiosk";
        ev.target_id = k.id.value;
        auth::WriteAudit(tx, ev, clock);
        return k;
    });
    std::cerr << "kiosk create: kiosk " << kiosk.id.value << " at site " << site.value
              << "; its credential follows (keep it secret)\n";
    std::cout << kiosk.credential << "\n";
    return 0;
}

int NapsSweep(Config& config) {
    auto database = OpenWithSecret(config);
    common::SystemClock clock;
    const auto open = database->Read(
        [](db::ReadTx& tx) { return tx.QueryOne("SELECT COUNT(*) FROM nap WHERE ended_at IS NULL").Int(0); });
    const auto t0 = std::chrono::steady_clock::now();
    const int recorded = naps::RecordOverdue(*database, clock);
    const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "naps sweep: " << recorded << " missed check(s) recorded over " << open << " open nap(s) in "
              << static_cast<long>(ms) << " ms\n";
    return 0;
}

int CardShow(Config& config, int argc, char** argv) {
    const std::string usage = "usage: tadaima card show --child C | --site S";
    auto opts = Options(argc, argv, usage);
    auto database = OpenWithSecret(config);
    const std::string& secret = config.secret;
    common::SystemClock clock;
    // The child's card in use; one made here (the child had none) is audited.
    auto card_of = [&](db::WriteTx& tx, common::ChildId child, std::optional<common::SiteId> site) {
        if (auto card = attendance::ActiveCard(tx, child)) return card->id;
        auto id = attendance::IssueCard(tx, child, clock);
        auto ev = OperatorEvent("card.issue", common::UserId(0), site);
        ev.target_kind = "child";
        ev.target_id = child.value;
        auth::WriteAudit(tx, ev, clock);
        return id;
    };
    if (opts.count("site")) {
        // Every child placed at the site today: "child-id payload" per line.
        auto site = common::SiteId(IdOption(opts, "site", usage));
        std::string today = common::FormatDate(common::TokyoDate(clock.Now()));
        auto lines = database->Write([&](db::WriteTx& tx) {
            std::vector<std::string> out;
            for (const auto& r :
                 tx.Query("SELECT DISTINCT p.child_id FROM child_placement p JOIN child c ON c.id = p.child_id "
                          "WHERE p.site_id = ? AND p.start_date <= ? AND (p.end_date IS NULL OR p.end_date >= ?) "
                          "AND c.deactivated_at IS NULL ORDER BY p.child_id",
                          site, today, today)) {
                auto child = r.Id<common::ChildId>(0);
                out.push_back(child.ToString() + " " + attendance::CardPayload(secret, card_of(tx, child, site)));
            }
            return out;
        });
        for (const auto& l : lines) std::cout << l << "\n";
        return 0;
    }
    auto child = common::ChildId(IdOption(opts, "child", usage));
    auto card = database->Write([&](db::WriteTx& tx) {
        if (tx.Query("SELECT 1 FROM child WHERE id = ?", child).empty()) {
            throw std::runtime_error("card show: there is no child " + child.ToString());
        }
        return card_of(tx, child, std::nullopt);
    });
    std::cout << attendance::CardPayload(secret, card) << "\n";
    return 0;
}

int SeedDemo(Config& config, int argc, char** argv) {
    demo::SeedOptions options;
    for (int i = 2; i < argc; ++i) {
        std::string arg = argv[i];
        auto number = [&](int& out) {
            if (i + 1 >= argc) throw std::runtime_error(arg + " needs a number");
            try {
                std::size_t used = 0;
                out = std::stoi(argv[++i], &used);
                if (argv[i][used] != '\0' || out < 0) throw std::invalid_argument("");
            } catch (const std::logic_error&) {
                throw std::runtime_error(arg + " needs a whole number, not " + std::string(argv[i]));
            }
        };
        if (arg == "--sites") {
            number(options.sites);
        } else if (arg == "--children") {
            number(options.children);
        } else if (arg == "--plans") {
            options.plans = true;
        } else if (arg == "--history-days") {
            number(options.history_days);
            if (options.history_days > 400) throw std::runtime_error("--history-days is at most 400");
        } else if (arg == "--registered") {
            number(options.registered_percent);
            if (options.registered_percent > 100) throw std::runtime_error("--registered is a percentage, 0 to 100");
        } else {
            throw std::runtime_error("unknown option " + arg);
        }
    }
    auto database = OpenWithSecret(config);
    if (!db::GetSchemaStatus(*database).UpToDate()) {
        throw std::runtime_error("the schema is not up to date; run `tadaima migrate` first");
    }
    // The notebook's pages of the history are sealed with the database's own data keys (found, or made as the
    // server would for a database with nothing sealed yet).
    if (options.history_days > 0) options.keys = auth::DataKeysForDatabase(config.data_keys_file, *database);
    // The browser tests seed a city as of the day their server's moved clock shows.
    CommandClock clocks(config);
    auto r = demo::SeedDemo(*database, options, clocks.Get());
    std::cout << "seed-demo: " << r.sites << " sites, " << r.groups << " groups, " << r.children << " children, "
              << r.guardians << " guardians, " << r.staff << " staff accounts, " << r.accounts
              << " registered families\n";
    return 0;
}

// A site's register for the city's scripts: the file on standard output, or a line on stderr and exit 2 (nothing on
// standard output) for a bad month, site or format. Audited as the operator's.
int ReportRegister(Config& config, int argc, char** argv) {
    const std::string usage =
        "usage: tadaima report register [--site S] --month YYYY-MM [--format xlsx|pdf|csv|csv-cp932] [--lang ja|en]";
    auto opts = Options(argc, argv, usage);
    std::optional<common::SiteId> only;
    if (opts.count("site")) only = common::SiteId(IdOption(opts, "site", usage));
    if (!opts.count("month")) throw std::runtime_error(usage);
    auto format = reports::ParseFormat(opts.count("format") ? opts.at("format") : "xlsx");
    const std::string lang = opts.count("lang") ? opts.at("lang") : "ja";
    web::Catalogue catalogue;
    if (!format) throw std::runtime_error(catalogue.Get("en", "error_format"));
    if (lang != "ja" && lang != "en") throw std::runtime_error(usage);
    auto database = OpenWithSecret(config);
    CommandClock clocks(config);
    const auto& clock = clocks.Get();
    const auto today = common::TokyoDate(clock.Now());
    struct Outcome {
        std::string file;
        std::string problem;  // a catalogue key
    };
    // Read in a read transaction (a city's month must not hold the write lock the kiosks' scans wait on), then the
    // audit row.
    auto result = database->Read([&](db::ReadTx& tx) -> Outcome {
        std::vector<std::pair<reports::Register, reports::Labels>> registers;
        std::vector<sites::Site> list;
        if (only) {
            auto s = sites::GetSite(tx, *only);
            if (!s) return {"", "error_site_unknown"};
            list.push_back(*s);
        } else {
            list = sites::ListSites(tx, {common::SiteScope{}, "", false}, 100000, 0, common::FormatDate(today));
            if (auto problem = reports::CheckMonth(opts.at("month"), today)) return {"", problem->key};
        }
        for (const auto& s : list) {
            auto reg = reports::SiteRegister(tx, s.id, opts.at("month"), std::nullopt, today);
            if (auto* problem = std::get_if<reports::MonthProblem>(&reg)) {
                if (only || problem->key != "error_month_before_site") return {"", problem->key};
                continue;  // every site: one opened after the month has no register for it
            }
            registers.emplace_back(std::get<reports::Register>(std::move(reg)),
                                   reports::Labels{catalogue, lang, s.fields.kind, s.fields.name});
        }
        if (only) return {reports::RegisterFile(registers.front().first, *format, registers.front().second), ""};
        return {reports::CityRegisterFile(registers, *format), ""};
    });
    if (!result.problem.empty()) {
        std::cerr << "tadaima: " << catalogue.Get(lang, result.problem) << "\n";
        return 2;
    }
    database->Write([&](db::WriteTx& tx) {
        auto ev = OperatorEvent("report.register", common::UserId(0), only);
        ev.target_kind = only ? "site" : "city";
        if (only) ev.target_id = only->value;
        auth::WriteAudit(tx, ev, clock);
    });
    std::cout << result.file;
    return 0;
}

// The counts for the city's scripts: a month of every site (or one), or a fiscal year's subsidy figures. A bad
// month, year, survey day, site or format is a line on stderr and exit 2, with nothing on standard output.
int ReportCounts(Config& config, int argc, char** argv) {
    const std::string usage =
        "usage: tadaima report counts (--month YYYY-MM | --year YYYY [--survey YYYY-MM-DD]) [--site S] "
        "[--format xlsx|pdf|csv|csv-cp932] [--table sites|days|grades] [--lang ja|en]";
    auto opts = Options(argc, argv, usage);
    if (opts.count("month") == opts.count("year")) throw std::runtime_error(usage);
    const std::string lang = opts.count("lang") ? opts.at("lang") : "ja";
    if (lang != "ja" && lang != "en") throw std::runtime_error(usage);
    web::Catalogue catalogue;
    auto refuse = [&](const std::string& key) {
        std::cerr << "tadaima: " << catalogue.Get(lang, key) << "\n";
        return 2;
    };
    auto format = reports::ParseFormat(opts.count("format") ? opts.at("format") : "xlsx");
    auto table = reports::ParseCountsTable(opts.count("table") ? opts.at("table") : "sites");
    if (!format || !table) return refuse("error_format");
    std::optional<common::SiteId> only;
    if (opts.count("site")) only = common::SiteId(IdOption(opts, "site", usage));
    auto database = OpenWithSecret(config);
    CommandClock clocks(config);
    const auto& clock = clocks.Get();
    const auto today = common::TokyoDate(clock.Now());
    // The year and survey day, checked before anything is read.
    int year = 0;
    common::Date survey;
    if (opts.count("year")) {
        auto asked = reports::CheckYear(opts.at("year"),
                                        opts.count("survey") ? std::optional(opts.at("survey")) : std::nullopt, today);
        if (auto* problem = std::get_if<reports::MonthProblem>(&asked)) return refuse(problem->key);
        year = std::get<reports::YearAsked>(asked).year;
        survey = std::get<reports::YearAsked>(asked).survey;
    } else if (auto problem = reports::CheckMonth(opts.at("month"), today)) {
        return refuse(problem->key);
    }
    struct Outcome {
        std::string file;
        std::string problem;
    };
    auto result = database->Read([&](db::ReadTx& tx) -> Outcome {
        std::vector<reports::SiteLine> sites;
        for (auto& s : sites::ListSiteOptions(tx, common::SiteScope{}, false)) {
            if (!only || s.id == *only) sites.push_back({s.id, s.name, s.kind});
        }
        if (only && sites.empty()) return {"", "error_site_unknown"};
        if (year) {
            return {
                reports::CityYearFile(reports::LoadCityYear(tx, sites, year, survey, today), *format, catalogue, lang),
                ""};
        }
        return {reports::CityMonthFile(reports::LoadCityMonth(tx, sites, opts.at("month"), today), *format, catalogue,
                                       lang, *table),
                ""};
    });
    if (!result.problem.empty()) return refuse(result.problem);
    database->Write([&](db::WriteTx& tx) {
        auto ev = OperatorEvent(year ? "report.year_export" : "report.counts_export", common::UserId(0), only);
        ev.target_kind = only ? "site" : "city";
        if (only) ev.target_id = only->value;
        auth::WriteAudit(tx, ev, clock);
    });
    std::cout << result.file;
    return 0;
}

}  // namespace

int Main(int argc, char** argv) {
    std::string command = argc > 1 ? argv[1] : "";
    if (command.empty() || command == "--help" || command == "-h" || command == "help") {
        std::cout << kUsage;
        return command.empty() ? 2 : 0;
    }
    try {
        Config config = ConfigFromEnvironment();
        if (config.log_level == "debug") common::SetLogLevel(common::LogLevel::kDebug);
        if (config.log_level == "warn") common::SetLogLevel(common::LogLevel::kWarn);
        if (config.log_level == "error") common::SetLogLevel(common::LogLevel::kError);
        if (command == "serve") return Serve(config);
        if (command == "migrate") return Migrate(config);
        if (command == "seed-demo") return SeedDemo(config, argc, argv);
        if (command == "audit" && argc > 2 && std::string(argv[2]) == "verify") return AuditVerify(config, argc, argv);
        if (command == "audit" && argc == 3 && std::string(argv[2]) == "head") return AuditHead(config);
        if (command == "backup" && argc > 2 && std::string(argv[2]) == "verify")
            return BackupVerify(config, argc, argv);
        if (command == "backup") return Backup(config, argc, argv);
        if (command == "restore") return Restore(config, argc, argv);
        if (command == "export") return Export(config, argc, argv);
        if (command == "erase" && argc > 2 && std::string(argv[2]) == "verify") return EraseVerify(config, argc, argv);
        if (command == "erase" && argc > 2 && std::string(argv[2]) == "certificate")
            return EraseCertificate(config, argc, argv);
        if (command == "erase" && argc > 2 && std::string(argv[2]) == "scrub") return EraseScrub(config, argc, argv);
        if (command == "erase") return Erase(config, argc, argv);
        if (command == "rollover") return Rollover(config, argc, argv);
        if (command == "retention") return Retention(config, argc, argv);
        if (command == "keys" && argc > 2 && std::string(argv[2]) == "rotate") return KeysRotate(config, argc, argv);
        if (command == "user" && argc > 2 && std::string(argv[2]) == "create") return UserCreate(config, argc, argv);
        if (command == "roster" && argc > 2 && std::string(argv[2]) == "import")
            return RosterImport(config, argc, argv);
        if (command == "kiosk" && argc > 2 && std::string(argv[2]) == "create") return KioskCreate(config, argc, argv);
        if (command == "naps" && argc == 3 && std::string(argv[2]) == "sweep") return NapsSweep(config);
        if (command == "card" && argc > 2 && std::string(argv[2]) == "show") return CardShow(config, argc, argv);
        if (command == "report" && argc > 2 && std::string(argv[2]) == "register")
            return ReportRegister(config, argc, argv);
        if (command == "report" && argc > 2 && std::string(argv[2]) == "counts")
            return ReportCounts(config, argc, argv);
        if (command == "user" && argc > 2 && std::string(argv[2]) == "reset-mfa")
            return UserResetMfa(config, argc, argv);
        std::cerr << "tadaima: unknown command '" << command << "'\n\n" << kUsage;
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "tadaima: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace app

// PostgreSQL through libpq: synchronous commit, UTC session time zone, text parameters typed by the server.
#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <unordered_map>

#include "db/database.hpp"
#include "db/pool.hpp"

namespace db {
namespace {

// A new connection, or Unavailable with libpq's reason.
PGconn* Connect(const std::string& url) {
    PGconn* conn = PQconnectdb(url.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
        std::string msg = PQerrorMessage(conn);
        PQfinish(conn);
        throw Unavailable("cannot connect to PostgreSQL: " + msg);
    }
    return conn;
}

class PgConnection final : public Connection {
 public:
    explicit PgConnection(const std::string& url) : conn_(Connect(url)) {
        ExecScript(
            "SET TimeZone = 'UTC'; SET synchronous_commit = on; SET DateStyle = 'ISO, YMD';"
            "SET client_min_messages = warning;");
    }
    ~PgConnection() override { PQfinish(conn_); }

    std::vector<Row> Query(std::string_view sql, std::span<const Value> params) override {
        PGresult* res = Run(sql, params);
        std::vector<Row> rows;
        const int n = PQntuples(res), ncol = PQnfields(res);
        rows.reserve(n);
        for (int r = 0; r < n; ++r) {
            std::vector<std::optional<std::string>> cols;
            cols.reserve(ncol);
            for (int c = 0; c < ncol; ++c) {
                if (PQgetisnull(res, r, c)) {
                    cols.emplace_back();
                } else {
                    cols.emplace_back(std::string(PQgetvalue(res, r, c), PQgetlength(res, r, c)));
                }
            }
            rows.emplace_back(std::move(cols));
        }
        PQclear(res);
        return rows;
    }

    std::int64_t Exec(std::string_view sql, std::span<const Value> params) override {
        PGresult* res = Run(sql, params);
        const char* affected = PQcmdTuples(res);
        std::int64_t n = (affected && *affected) ? std::stoll(affected) : 0;
        PQclear(res);
        return n;
    }

    void ExecScript(std::string_view sql) override {
        std::string text(sql);
        PGresult* res = PQexec(conn_, text.c_str());
        Check(res, sql);
        PQclear(res);
    }

    bool Healthy() override { return PQstatus(conn_) == CONNECTION_OK; }

 private:
    // Each statement text is prepared once per connection (PQprepare, then PQexecPrepared): PostgreSQL plans a
    // statement at every PQexecParams, and for a scan that planning cost more than the work itself. Bounded, so
    // statements built with a varying number of values (IN lists, multi-row inserts) cannot fill the server's
    // memory: past kMaxPrepared texts they run unprepared.
    static constexpr std::size_t kMaxPrepared = 400;

    PGresult* Run(std::string_view sql, std::span<const Value> params) {
        std::vector<std::string> storage;
        storage.reserve(params.size());
        std::vector<const char*> values;
        values.reserve(params.size());
        for (const Value& v : params) {
            if (v.IsNull()) {
                values.push_back(nullptr);
            } else {
                storage.push_back(v.ToText());
                values.push_back(storage.back().c_str());
            }
        }
        const int n = static_cast<int>(values.size());
        // Keyed by the text as written: `?` becomes `$n` once, when the statement is prepared.
        std::string key(sql);
        auto it = prepared_.find(key);
        if (it == prepared_.end() && prepared_.size() < kMaxPrepared) {
            std::string name = "t" + std::to_string(prepared_.size());
            Check(PQprepare(conn_, name.c_str(), ToPostgresPlaceholders(sql).c_str(), n, nullptr), sql, true);
            it = prepared_.emplace(std::move(key), std::move(name)).first;
        }
        PGresult* res = it != prepared_.end()
                            ? PQexecPrepared(conn_, it->second.c_str(), n, values.data(), nullptr, nullptr, 0)
                            : PQexecParams(conn_, ToPostgresPlaceholders(sql).c_str(), n, nullptr, values.data(),
                                           nullptr, nullptr, 0);
        Check(res, sql);
        return res;
    }

    void Check(PGresult* res, std::string_view sql, bool clear = false) {
        auto status = PQresultStatus(res);
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
            if (clear) PQclear(res);
            return;
        }
        std::string msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn_);
        const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
        std::string sqlstate = state ? state : "";
        PQclear(res);
        msg += " in: " + std::string(sql.substr(0, 120));
        if (sqlstate.starts_with("23")) throw ConstraintViolation(msg);
        // Syntax errors, undefined columns and the like are programmer errors.
        if (sqlstate.starts_with("42")) throw std::logic_error("PostgreSQL: " + msg);
        throw Unavailable("PostgreSQL: " + msg);
    }

    PGconn* conn_ = nullptr;
    std::unordered_map<std::string, std::string> prepared_;  // statement as written → its name on this connection
};

// LISTEN on a connection of its own; notifications arrive between transactions, in commit order.
class PgListener final : public Database::Listener {
 public:
    explicit PgListener(const std::string& url) : conn_(Connect(url)) {
        PGresult* res = PQexec(conn_, ("LISTEN " + std::string(kFeedChannel)).c_str());
        const bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
        PQclear(res);
        if (!ok) {
            std::string msg = PQerrorMessage(conn_);
            PQfinish(conn_);
            conn_ = nullptr;
            throw Unavailable("PostgreSQL: LISTEN failed: " + msg);
        }
    }
    ~PgListener() override { PQfinish(conn_); }

    std::vector<std::string> Wait(std::chrono::milliseconds timeout) override {
        std::vector<std::string> out;
        Drain(out);
        if (!out.empty()) return out;
        pollfd p{PQsocket(conn_), POLLIN, 0};
        if (p.fd < 0) throw Unavailable("PostgreSQL: the listening connection is closed");
        const int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
        if (n < 0 && errno != EINTR) throw Unavailable("PostgreSQL: poll on the listening connection failed");
        if (n > 0) {
            if (!PQconsumeInput(conn_) || PQstatus(conn_) != CONNECTION_OK)
                throw Unavailable(std::string("PostgreSQL: the listening connection was lost: ") +
                                  PQerrorMessage(conn_));
            Drain(out);
        }
        return out;
    }

 private:
    void Drain(std::vector<std::string>& out) {
        while (PGnotify* n = PQnotifies(conn_)) {
            out.emplace_back(n->extra ? n->extra : "");
            PQfreemem(n);
        }
    }
    PGconn* conn_ = nullptr;
};

class PgDatabase final : public Database {
 public:
    explicit PgDatabase(const Options& o)
        : url_(o.url),
          pool_size_(o.pool_size),
          pool_([this] { return std::make_unique<PgConnection>(url_); }, o.pool_size) {}
    Kind kind() const override { return Kind::kPostgresql; }

    std::unique_ptr<Listener> ListenFeed() override { return std::make_unique<PgListener>(url_); }

    std::optional<std::vector<FeedMark>> SequenceFeed() override {
        std::vector<FeedMark> marks;
        bool numbered = false;
        Run("BEGIN", [&](Connection& c) {
            // The lock first, in a statement of its own: the numbering statement's snapshot then holds the last
            // sequencer's commit, and nobody numbers until this one has committed. Tried, not waited for: when
            // another server is numbering, this one tries again shortly (a waiting sequencer held a connection and
            // a transaction open for nothing). With it, no sequential scan for this transaction: the numbering
            // statement's plan is cached per connection, and one made while live_event was small (a new server, a
            // new city) read the whole table on every later run once it had grown (measured: 38,000 rows a run at
            // 1,000 scans a second); the partial index of unnumbered entries is the right path at any size.
            numbered = c.Query("SELECT pg_try_advisory_xact_lock(7273), set_config('enable_seqscan', 'off', true)", {})
                           .front()
                           .Bool(0);
            if (!numbered) return;
            for (const auto& r :
                 c.Query("WITH p AS (SELECT id, site_id, row_number() OVER (PARTITION BY site_id ORDER BY id) AS rn, "
                         "count(*) OVER (PARTITION BY site_id) AS n FROM live_event WHERE seq IS NULL ORDER BY id "
                         "LIMIT 20000), "
                         "s AS (INSERT INTO live_site (site_id, seq, created_at, updated_at) SELECT site_id, MAX(n), "
                         "now(), now() FROM p GROUP BY site_id ON CONFLICT (site_id) DO UPDATE SET seq = live_site.seq "
                         "+ excluded.seq, updated_at = excluded.updated_at RETURNING site_id, seq), "
                         "u AS (UPDATE live_event e SET seq = s.seq - p.n + p.rn FROM p JOIN s USING (site_id) WHERE "
                         "e.id = p.id RETURNING e.site_id) "
                         "SELECT s.site_id, s.seq FROM s WHERE EXISTS (SELECT 1 FROM u)",
                         {})) {
                marks.push_back(FeedMark{r.Int(0), r.Int(1)});
            }
            // The other servers hear of it with the commit (a notification is sent if and only if its transaction
            // commits) rather than at their next look; a server that dies before committing leaves the entries
            // unnumbered, for the others' polling.
            if (!marks.empty()) {
                const Value params[] = {Value(std::string(kFeedChannel)), Value(FeedPayload(marks))};
                c.Query("SELECT pg_notify(?, ?)", params);
            }
        });
        if (!numbered) return std::nullopt;
        return marks;
    }

    bool FeedUnnumbered() override {
        auto lease = pool_.Acquire();
        return !lease->Query("SELECT 1 FROM live_event WHERE seq IS NULL LIMIT 1", {}).empty();
    }

    void Optimize() override {
        auto lease = pool_.Acquire();
        lease->ExecScript("VACUUM ANALYZE");  // not in a transaction: VACUUM refuses to run inside one
    }

    void RefreshStatistics() override {}  // autovacuum analyses tables as they change

    std::vector<std::string> Scrub(const std::vector<std::string>& tables) override {
        auto lease = pool_.Acquire();
        std::vector<std::string> steps;
        std::string list;
        for (const auto& t : tables) {
            // Table names come from the erasure's own fixed list, never from input; checked all the same.
            if (t.empty() || t.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos)
                throw std::logic_error("Scrub: not a table name: " + t);
            list += (list.empty() ? "" : ", ") + t;
        }
        if (!list.empty()) {
            // VACUUM FULL keeps a deleted row that an older snapshot may still see (another session's open
            // transaction, an autovacuum ANALYZE in this database): wait, a bounded while, until no session here
            // holds a snapshot from before now; if one still does, say so rather than claim the rows are gone.
            const auto wait_for_older_snapshots = [&lease] {
                const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
                const std::vector<Value> horizon{
                    Value(lease->Query("SELECT pg_current_xact_id()::xid::text", {}).front().Text(0))};
                for (;;) {
                    auto older = lease->Query(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> "
                        "pg_backend_pid() AND backend_xmin IS NOT NULL AND age(backend_xmin) >= age(?::text::xid)",
                        horizon);
                    if (older.front().Int(0) == 0) return;
                    if (std::chrono::steady_clock::now() > deadline)
                        throw std::runtime_error(
                            "a transaction opened before the erasure is still open; run `tadaima "
                            "erase scrub` when it has ended");
                    std::this_thread::sleep_for(std::chrono::milliseconds(100));
                }
            };
            wait_for_older_snapshots();
            lease->ExecScript("VACUUM FULL " + list);  // each table rewritten from its live rows; old files removed
            steps.push_back("postgresql: VACUUM FULL of " + std::to_string(tables.size()) +
                            " tables (no dead row left in them)");
            // The planner's statistics keep sample values of every column (pg_statistic): taken again from the
            // live rows, and the catalog rewritten without the old ones (the database's owner may; else say so).
            lease->ExecScript("ANALYZE " + list);
            // ANALYZE of a table left empty writes nothing, keeping the last samples: its columns' statistics go
            // with an ALTER to the type they have (no rewrite; keys and identities, which name no one, are left).
            for (const auto& t : tables) {
                const std::vector<Value> table{Value(t)};
                if (!lease->Query("SELECT 1 FROM " + t + " LIMIT 1", {}).empty()) continue;
                for (const auto& alter : lease->Query(
                         "SELECT format('ALTER TABLE %I ALTER COLUMN %I TYPE %s', s.tablename, s.attname, "
                         "format_type(a.atttypid, a.atttypmod)) FROM pg_stats s JOIN pg_attribute a ON a.attrelid = "
                         "to_regclass(quote_ident(s.tablename)) AND a.attname = s.attname WHERE s.schemaname = "
                         "current_schema() AND s.tablename = ? AND a.attidentity = '' AND a.attgenerated = '' AND "
                         "NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.contype IN ('p', 'f') AND c.conrelid = "
                         "a.attrelid AND a.attnum = ANY (c.conkey))",
                         table))
                    lease->ExecScript(alter.Text(0));
            }
            wait_for_older_snapshots();
            try {
                lease->ExecScript("VACUUM FULL pg_catalog.pg_statistic");
            } catch (const std::exception& e) {
                throw std::runtime_error(
                    "the planner's statistics may still hold erased values: VACUUM FULL pg_statistic needs the "
                    "database's owner (" +
                    std::string(e.what()) + ")");
            }
            steps.push_back("postgresql: statistics of those tables taken again and pg_statistic rewritten");
        }
        try {
            lease->ExecScript("CHECKPOINT");
            steps.push_back("postgresql: CHECKPOINT");
        } catch (const std::exception&) {
            // Needs pg_checkpoint or superuser; without it the server's own checkpoints follow within minutes.
            steps.push_back("postgresql: CHECKPOINT left to the server (the role may not run it)");
        }
        return steps;
    }

    std::vector<std::string> DurabilityProblems() override {
        auto lease = pool_.Acquire();
        std::vector<std::string> out;
        // Settings the server reads at start (postgresql.conf, the command line), and this session's commit mode
        // (set to on by every connection of ours; a role's or database's "off" would show here if it did not).
        for (const auto& r :
             lease->Query("SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'full_page_writes', "
                          "'synchronous_commit') ORDER BY name",
                          {})) {
            const std::string& name = r.Text(0);
            const std::string& value = r.Text(1);
            if ((name == "fsync" || name == "full_page_writes") && value != "on")
                out.push_back(name + " is " + value + " (an acknowledged write can be lost or corrupt after a crash)");
            if (name == "synchronous_commit" && (value == "off" || value == "local"))
                out.push_back("synchronous_commit is " + value +
                              " (a commit is acknowledged before it is safe on disk or on the standby)");
        }
        return out;
    }

    bool Ping() override {
        try {
            auto lease = pool_.Acquire();
            try {
                lease->Query("SELECT 1", {});
            } catch (...) {
                lease.Discard();
                throw;
            }
            return true;
        } catch (const std::exception&) {
            return false;
        }
    }

 protected:
    void RunRead(const std::function<void(ReadTx&)>& f) override {
        Run("BEGIN READ ONLY", [&](Connection& c) {
            ReadTx tx(c, Kind::kPostgresql);
            f(tx);
        });
    }
    void RunWrite(const std::function<void(WriteTx&)>& f) override {
        Committing done;
        Run("BEGIN", [&](Connection& c) {
            WriteTx tx(c, Kind::kPostgresql);
            f(tx);
            done = BeforeCommit(tx);
        });
        Committed(done);
    }

    // As many as the machine has cores (more only make smaller batches that wait on each other: measured in
    // bench/run.sh), and half the pool at most, so that reads always find a connection.
    int GroupedWriters() const override {
        const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
        return std::max(1, std::min(cores, pool_size_ / 2));
    }

 private:
    void Run(const char* begin, const std::function<void(Connection&)>& body) {
        auto lease = pool_.Acquire();
        try {
            lease->ExecScript(begin);
            try {
                body(*lease);
                lease->ExecScript("COMMIT");
            } catch (...) {
                if (lease->Healthy()) {
                    try {
                        lease->ExecScript("ROLLBACK");
                    } catch (const std::exception&) {
                    }
                }
                throw;
            }
        } catch (...) {
            if (!lease->Healthy()) lease.Discard();
            throw;
        }
    }

    std::string url_;
    int pool_size_;
    Pool pool_;
};

}  // namespace

std::unique_ptr<Database> OpenPostgresql(const Options& options) { return std::make_unique<PgDatabase>(options); }

}  // namespace db

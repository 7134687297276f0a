// SQLite: WAL with synchronous=FULL, so an acknowledged write survives power loss. One writer connection behind a
// mutex (SQLite has one writer anyway; queueing here is cheaper than SQLITE_BUSY retries), readers from a pool.
#include <sqlite3.h>

#include <filesystem>
#include <mutex>

#include "db/database.hpp"
#include "db/pool.hpp"

namespace db {
namespace {

class SqliteConnection final : public Connection {
 public:
    explicit SqliteConnection(const std::string& path) {
        int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
        if (rc != SQLITE_OK) {
            std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
            sqlite3_close(db_);
            db_ = nullptr;
            throw Unavailable("cannot open SQLite database: " + msg);
        }
        sqlite3_busy_timeout(db_, 10000);
        sqlite3_extended_result_codes(db_, 1);
        ExecScript(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
            "PRAGMA temp_store=MEMORY;");
    }
    ~SqliteConnection() override {
        for (auto& [_, stmt] : cache_) sqlite3_finalize(stmt);
        sqlite3_close(db_);
    }

    std::vector<Row> Query(std::string_view sql, std::span<const Value> params) override {
        Statement st(*this, sql, params);
        std::vector<Row> rows;
        const int ncol = sqlite3_column_count(st.stmt);
        for (;;) {
            int rc = sqlite3_step(st.stmt);
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) Fail(rc, sql);
            std::vector<std::optional<std::string>> cols;
            cols.reserve(ncol);
            for (int i = 0; i < ncol; ++i) {
                if (sqlite3_column_type(st.stmt, i) == SQLITE_NULL) {
                    cols.emplace_back();
                } else {
                    auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st.stmt, i));
                    cols.emplace_back(std::string(text, sqlite3_column_bytes(st.stmt, i)));
                }
            }
            rows.emplace_back(std::move(cols));
        }
        return rows;
    }

    std::int64_t Exec(std::string_view sql, std::span<const Value> params) override {
        Statement st(*this, sql, params);
        for (;;) {
            int rc = sqlite3_step(st.stmt);
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) Fail(rc, sql);
        }
        return sqlite3_changes64(db_);
    }

    void ExecScript(std::string_view sql) override {
        char* err = nullptr;
        std::string text(sql);
        int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
        if (rc != SQLITE_OK) {
            std::string msg = err ? err : sqlite3_errstr(rc);
            sqlite3_free(err);
            if ((rc & 0xff) == SQLITE_CONSTRAINT) throw ConstraintViolation(msg);
            throw Unavailable("SQLite: " + msg);
        }
    }

    bool Healthy() override { return true; }

 private:
    // A prepared statement from the per-connection cache, bound and reset for one use.
    struct Statement {
        Statement(SqliteConnection& c, std::string_view sql, std::span<const Value> params) {
            auto it = c.cache_.find(sql);
            if (it != c.cache_.end()) {
                stmt = it->second;
            } else {
                int rc = sqlite3_prepare_v3(c.db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                            &stmt, nullptr);
                if (rc != SQLITE_OK) c.Fail(rc, sql);
                c.cache_.emplace(std::string(sql), stmt);
            }
            int i = 1;
            for (const Value& v : params) {
                int rc;
                if (auto* n = v.Int()) {
                    rc = sqlite3_bind_int64(stmt, i, *n);
                } else if (auto* s = v.Text()) {
                    rc = sqlite3_bind_text(stmt, i, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
                } else {
                    rc = sqlite3_bind_null(stmt, i);
                }
                if (rc != SQLITE_OK) c.Fail(rc, sql);
                ++i;
            }
        }
        ~Statement() {
            sqlite3_reset(stmt);
            sqlite3_clear_bindings(stmt);
        }
        sqlite3_stmt* stmt = nullptr;
    };

    [[noreturn]] void Fail(int rc, std::string_view sql) {
        std::string msg = std::string(sqlite3_errmsg(db_)) + " in: " + std::string(sql.substr(0, 120));
        if ((rc & 0xff) == SQLITE_CONSTRAINT) throw ConstraintViolation(msg);
        if ((rc & 0xff) == SQLITE_ERROR) throw std::logic_error("SQLite: " + msg);  // bad SQL is a programmer error
        throw Unavailable("SQLite: " + msg);
    }

    sqlite3* db_ = nullptr;
    // Looked up by the caller's string_view, without copying the text of every statement run.
    struct TextHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, sqlite3_stmt*, TextHash, std::equal_to<>> cache_;
};

class SqliteDatabase final : public Database {
 public:
    explicit SqliteDatabase(const Options& o)
        : path_(o.url), readers_([this] { return std::make_unique<SqliteConnection>(path_); }, o.pool_size) {
        auto parent = std::filesystem::path(path_).parent_path();
        if (!parent.empty()) std::filesystem::create_directories(parent);
        writer_ = std::make_unique<SqliteConnection>(path_);
    }
    Kind kind() const override { return Kind::kSqlite; }

    void Optimize() override {
        std::lock_guard lock(write_mutex_);
        writer_->ExecScript("ANALYZE; PRAGMA optimize;");
    }

    void RefreshStatistics() override {
        std::lock_guard lock(write_mutex_);
        // About a thousand rows of each index: tens of milliseconds for a city, where a full ANALYZE reads it all.
        writer_->ExecScript("PRAGMA analysis_limit = 1000; ANALYZE; PRAGMA analysis_limit = 0;");
    }

    std::vector<std::string> Scrub(const std::vector<std::string>&) override {
        std::lock_guard lock(write_mutex_);
        writer_->ExecScript("VACUUM");
        // Readers of an older snapshot keep the log's frames; the busy timeout waits for them, a few times over.
        for (int attempt = 0; attempt < 5; ++attempt) {
            auto rows = writer_->Query("PRAGMA wal_checkpoint(TRUNCATE)", {});
            if (!rows.empty() && rows.front().Int(0) == 0) {
                std::error_code ec;
                const auto wal = std::filesystem::file_size(path_ + "-wal", ec);
                if (ec || wal == 0)
                    return {"sqlite: VACUUM (the file rebuilt from live rows)",
                            "sqlite: wal_checkpoint(TRUNCATE) (the write-ahead log emptied)"};
            }
        }
        throw std::runtime_error(
            "the write-ahead log could not be emptied: another process kept reading the database; run the erasure's "
            "scrub again when it is quieter");
    }

    std::vector<std::string> DurabilityProblems() override {
        std::vector<std::string> out;
        std::lock_guard lock(write_mutex_);
        if (writer_->Query("PRAGMA journal_mode", {}).front().Text(0) != "wal")
            out.push_back("journal_mode is not WAL");
        if (writer_->Query("PRAGMA synchronous", {}).front().Text(0) != "2") out.push_back("synchronous is not FULL");
        return out;
    }

    bool Ping() override {
        try {
            auto lease = readers_.Acquire();
            lease->Query("SELECT 1", {});
            return true;
        } catch (const std::exception&) {
            return false;
        }
    }

 protected:
    void RunRead(const std::function<void(ReadTx&)>& f) override {
        auto lease = readers_.Acquire();
        lease->ExecScript("BEGIN");
        try {
            ReadTx tx(*lease, Kind::kSqlite);
            f(tx);
            lease->ExecScript("COMMIT");
        } catch (...) {
            RollbackQuietly(*lease);
            throw;
        }
    }

    void RunWriteCheckedAtEnd(const std::function<void(WriteTx&)>& f) override {
        Committing done;
        {
            std::lock_guard lock(write_mutex_);
            writer_->ExecScript("PRAGMA foreign_keys = OFF");  // only outside a transaction
            try {
                writer_->ExecScript("BEGIN IMMEDIATE");
                try {
                    WriteTx tx(*writer_, Kind::kSqlite);
                    f(tx);
                    done = BeforeCommit(tx);
                    auto broken = writer_->Query("PRAGMA foreign_key_check", {});
                    if (!broken.empty()) {
                        throw ConstraintViolation("foreign key broken in " + broken.front().Text(0) + " (row " +
                                                  broken.front().OptText(1).value_or("?") + ")");
                    }
                    writer_->ExecScript("COMMIT");
                } catch (...) {
                    RollbackQuietly(*writer_);
                    throw;
                }
            } catch (...) {
                writer_->ExecScript("PRAGMA foreign_keys = ON");
                throw;
            }
            writer_->ExecScript("PRAGMA foreign_keys = ON");
        }
        Committed(done);
    }

    void RunWrite(const std::function<void(WriteTx&)>& f) override {
        Committing done;
        {
            std::lock_guard lock(write_mutex_);
            writer_->ExecScript("BEGIN IMMEDIATE");
            try {
                WriteTx tx(*writer_, Kind::kSqlite);
                f(tx);
                done = BeforeCommit(tx);
                writer_->ExecScript("COMMIT");
            } catch (...) {
                RollbackQuietly(*writer_);
                throw;
            }
        }
        Committed(done);
    }

 private:
    // Some SQLite errors end the transaction themselves; a failed ROLLBACK must not hide the first error.
    static void RollbackQuietly(Connection& c) {
        try {
            c.ExecScript("ROLLBACK");
        } catch (const std::exception&) {
        }
    }

    std::string path_;
    Pool readers_;
    std::mutex write_mutex_;
    std::unique_ptr<SqliteConnection> writer_;
};

}  // namespace

std::unique_ptr<Database> OpenSqlite(const Options& options) { return std::make_unique<SqliteDatabase>(options); }

}  // namespace db

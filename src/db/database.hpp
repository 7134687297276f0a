#pragma once
// The database seam. Raw SQL with `?` placeholders, written once for both dialects where they agree;
// PostgreSQL placeholders are rewritten to $n here. Functions that may write take WriteTx&, readers ReadTx&.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/ids.hpp"

namespace db {

enum class Kind { kSqlite, kPostgresql };
std::string_view KindName(Kind kind);

// The database cannot be reached or answered with an error that is not the caller's fault. → 503.
class Unavailable : public std::runtime_error {
 public:
    using std::runtime_error::runtime_error;
};
// A unique or foreign-key constraint refused the change; `constraint` names it where the driver says.
class ConstraintViolation : public std::runtime_error {
 public:
    using std::runtime_error::runtime_error;
};

class Value {
 public:
    Value() = default;
    Value(std::nullptr_t) {}
    Value(std::int64_t v) : v_(v) {}
    Value(int v) : v_(static_cast<std::int64_t>(v)) {}
    Value(std::string v) : v_(std::move(v)) {}
    Value(std::string_view v) : v_(std::string(v)) {}
    Value(const char* v) : v_(std::string(v)) {}
    template <class Tag>
    Value(common::Id<Tag> id) : v_(id.value) {}
    template <class T>
    Value(const std::optional<T>& o) {
        if (o) *this = Value(*o);
    }
    bool IsNull() const { return std::holds_alternative<std::monostate>(v_); }
    const std::int64_t* Int() const { return std::get_if<std::int64_t>(&v_); }
    const std::string* Text() const { return std::get_if<std::string>(&v_); }
    std::string ToText() const;

 private:
    std::variant<std::monostate, std::int64_t, std::string> v_;
};

class Row {
 public:
    explicit Row(std::vector<std::optional<std::string>> cols) : cols_(std::move(cols)) {}
    std::size_t size() const { return cols_.size(); }
    bool IsNull(std::size_t i) const { return !cols_.at(i).has_value(); }
    const std::string& Text(std::size_t i) const;  // throws on NULL
    std::optional<std::string> OptText(std::size_t i) const { return cols_.at(i); }
    std::int64_t Int(std::size_t i) const;  // throws on NULL or non-integer
    std::optional<std::int64_t> OptInt(std::size_t i) const;
    // A truth value as either database answers it (SQLite 1/0, PostgreSQL t/f for a boolean expression).
    bool Bool(std::size_t i) const;
    template <class IdT>
    IdT Id(std::size_t i) const {
        return IdT(Int(i));
    }
    // The columns after the first n, as a row of their own.
    Row Drop(std::size_t n) const {
        return Row(std::vector<std::optional<std::string>>(
            cols_.begin() + static_cast<std::ptrdiff_t>(std::min(n, cols_.size())), cols_.end()));
    }

 private:
    std::vector<std::optional<std::string>> cols_;
};

class Connection {
 public:
    virtual ~Connection() = default;
    virtual std::vector<Row> Query(std::string_view sql, std::span<const Value> params) = 0;
    virtual std::int64_t Exec(std::string_view sql, std::span<const Value> params) = 0;
    virtual void ExecScript(std::string_view sql) = 0;
    virtual bool Healthy() = 0;
};

class ReadTx {
 public:
    ReadTx(Connection& c, Kind kind) : conn_(c), kind_(kind) {}
    ReadTx(const ReadTx&) = delete;
    ReadTx& operator=(const ReadTx&) = delete;
    Kind kind() const { return kind_; }

    template <class... A>
    std::vector<Row> Query(std::string_view sql, const A&... args) {
        const Value params[] = {Value(args)..., Value()};
        return conn_.Query(sql, std::span<const Value>(params, sizeof...(A)));
    }
    std::vector<Row> QueryParams(std::string_view sql, std::span<const Value> params) {
        return conn_.Query(sql, params);
    }
    // Exactly one row, or a logic error: for queries whose shape guarantees one row.
    template <class... A>
    Row QueryOne(std::string_view sql, const A&... args) {
        auto rows = Query(sql, args...);
        if (rows.size() != 1)
            throw std::logic_error("QueryOne: expected exactly one row, got " + std::to_string(rows.size()));
        return std::move(rows.front());
    }
    template <class... A>
    std::optional<Row> QueryOptional(std::string_view sql, const A&... args) {
        auto rows = Query(sql, args...);
        if (rows.size() > 1) throw std::logic_error("QueryOptional: more than one row");
        if (rows.empty()) return std::nullopt;
        return std::move(rows.front());
    }

 protected:
    Connection& conn_;
    Kind kind_;
};

// An entry for the live feed (live/feed.hpp), added to a transaction and numbered per site when it commits.
struct FeedEntry {
    std::int64_t site = 0;
    std::string date;  // the facility date it is about
    std::string kind;  // state, alert, rollcall, touch
    std::optional<std::int64_t> child;
    std::string data;  // JSON, ids only
    std::string at;    // when (UTC ISO text)
};
// What a committed transaction added to a site's feed: its newest number there (0: added unnumbered, to be numbered
// by SequenceFeed).
struct FeedMark {
    std::int64_t site = 0;
    std::int64_t seq = 0;
};

class WriteTx : public ReadTx {
 public:
    using ReadTx::ReadTx;
    template <class... A>
    std::int64_t Exec(std::string_view sql, const A&... args) {
        const Value params[] = {Value(args)..., Value()};
        return conn_.Exec(sql, std::span<const Value>(params, sizeof...(A)));
    }
    std::int64_t ExecParams(std::string_view sql, std::span<const Value> params) { return conn_.Exec(sql, params); }
    void ExecScript(std::string_view sql) { conn_.ExecScript(sql); }
    // Set by whoever plans a job in this transaction; once it commits, the database calls its jobs-planned hook.
    void NoteJobPlanned() { jobs_planned_ = true; }
    bool jobs_planned() const { return jobs_planned_; }
    // Adds an entry to the live feed; the database numbers the transaction's entries just before it commits.
    void AppendFeed(FeedEntry e) { feed_.push_back(std::move(e)); }
    std::vector<FeedEntry>& feed() { return feed_; }

 private:
    bool jobs_planned_ = false;
    std::vector<FeedEntry> feed_;
};

struct Options {
    std::string url;    // a SQLite file path, or postgresql://…
    int pool_size = 8;  // connections for readers (SQLite) or for everything (PostgreSQL)
};

class Database {
 public:
    virtual ~Database() = default;
    static std::unique_ptr<Database> Open(const Options& options);

    virtual Kind kind() const = 0;
    // Runs f in a read transaction (a consistent snapshot) and returns what it returns.
    template <class F>
    auto Read(F&& f) {
        using R = std::invoke_result_t<F, ReadTx&>;
        if constexpr (std::is_void_v<R>) {
            RunRead([&](ReadTx& tx) { f(tx); });
        } else {
            std::optional<R> out;
            RunRead([&](ReadTx& tx) { out.emplace(f(tx)); });
            return std::move(*out);
        }
    }
    // Runs f in a write transaction; commits when f returns, rolls back when it throws. Nothing half-written.
    template <class F>
    auto Write(F&& f) {
        using R = std::invoke_result_t<F, WriteTx&>;
        if constexpr (std::is_void_v<R>) {
            RunWrite([&](WriteTx& tx) { f(tx); });
        } else {
            std::optional<R> out;
            RunWrite([&](WriteTx& tx) { out.emplace(f(tx)); });
            return std::move(*out);
        }
    }
    // Like Write, but callers that arrive while a transaction is being written share the next one (group commit):
    // one that throws undoes only its own changes and gets its exception back (SQLite: each f in a savepoint;
    // PostgreSQL: the others run again without it, so f may run more than once and must only write through tx);
    // all the others commit together with one sync to disk. Returns once the commit is durable. For many small
    // independent writes at once (kiosk scans); f must not depend on another caller's changes. SQLite writes one
    // such transaction at a time (it has one writer); PostgreSQL a few side by side, each on its own connection.
    template <class F>
    auto WriteGrouped(F&& f) {
        using R = std::invoke_result_t<F, WriteTx&>;
        if constexpr (std::is_void_v<R>) {
            RunGrouped([&](WriteTx& tx) { f(tx); });
        } else {
            std::optional<R> out;
            RunGrouped([&](WriteTx& tx) { out.emplace(f(tx)); });
            return std::move(*out);
        }
    }
    // Like Write, for bulk deletes in a known order (an erasure): SQLite checks the foreign keys once over the whole
    // database before the commit instead of row by row (a deleted parent row whose children have no index on their
    // column would cost a scan of the child table each); a violation throws ConstraintViolation and nothing is
    // written. PostgreSQL checks them as always (by index).
    template <class F>
    void WriteCheckedAtEnd(F&& f) {
        RunWriteCheckedAtEnd([&](WriteTx& tx) { f(tx); });
    }
    // Called after each commit that planned a job (the server wakes its job workers, so that a scan's mail does not
    // wait for their next poll). Set before the first write and cleared after the last.
    void SetJobsPlannedHook(std::function<void()> hook) { jobs_planned_hook_ = std::move(hook); }
    // Called after each commit that added to the live feed, with each site's newest number (this process's live
    // feed hears its own commits at once; other processes hear them through Listen, or when they next look).
    void SetFeedHook(std::function<void(const std::vector<FeedMark>&)> hook) { feed_hook_ = std::move(hook); }
    // Another process's commits to the feed, as they happen: PostgreSQL's LISTEN on a connection of its own (each
    // notification's payload is "site:seq,site:seq…"). Nothing on SQLite, whose writers are one process (a command
    // run beside the server is found by polling live_site).
    class Listener {
     public:
        virtual ~Listener() = default;
        // Waits up to `timeout` and returns the payloads that arrived (maybe none); throws Unavailable when the
        // connection is lost (notifications may have been missed: the caller polls, then listens again).
        virtual std::vector<std::string> Wait(std::chrono::milliseconds timeout) = 0;
    };
    virtual std::unique_ptr<Listener> ListenFeed() { return nullptr; }
    // Numbers the feed's committed entries that have no number yet, per site in the order they are found, and tells
    // the other servers (NOTIFY); one process at a time (an advisory lock until its commit), so every number given
    // later is higher than every number anyone has read. Returns each site's newest number, or nothing when another
    // process is numbering (try again shortly). PostgreSQL only: SQLite's entries are numbered as they commit.
    virtual std::optional<std::vector<FeedMark>> SequenceFeed() { return std::vector<FeedMark>{}; }
    // True when committed entries wait for a number (a server died between its commit and its sequencing).
    virtual bool FeedUnnumbered() { return false; }
    // True when a trivial query succeeds now.
    virtual bool Ping() = 0;
    // Why an acknowledged write might not survive a crash or power loss here, in words for the operator (empty: it
    // would). SQLite: always WAL with synchronous=FULL. PostgreSQL: fsync and full_page_writes off, or a
    // synchronous_commit that does not wait for the flush; `serve` refuses to start on any of them.
    virtual std::vector<std::string> DurabilityProblems() = 0;
    // Refreshes planner statistics (and on PostgreSQL the visibility map, for index-only scans) after a bulk load.
    virtual void Optimize() = 0;
    // The same, cheaply enough to run while serving (SQLite samples each index; PostgreSQL's autovacuum already
    // does it). Statistics taken when a table was small make SQLite scan it whole once it is large.
    virtual void RefreshStatistics() = 0;
    // After an erasure: leaves no copy of deleted rows in the database's files. SQLite rebuilds the file (VACUUM)
    // and empties the write-ahead log (a TRUNCATE checkpoint, waiting for readers); PostgreSQL rewrites `tables`
    // (VACUUM FULL, so no dead row stays on disk) and checkpoints where the role may. Returns the steps done, in
    // words for the certificate; throws std::runtime_error when a step could not be completed.
    virtual std::vector<std::string> Scrub(const std::vector<std::string>& tables) = 0;

 protected:
    // What a transaction leaves to do once committed.
    struct Committing {
        bool jobs_planned = false;
        std::vector<FeedMark> feed;
    };
    // Backends call this inside the transaction after f, just before COMMIT: writes the feed's entries (on SQLite
    // numbered, each site's live_site row in site order; on PostgreSQL unnumbered, for SequenceFeed).
    Committing BeforeCommit(WriteTx& tx);
    // And this after the commit.
    void Committed(const Committing& c) const {
        if (c.jobs_planned && jobs_planned_hook_) jobs_planned_hook_();
        if (!c.feed.empty() && feed_hook_) feed_hook_(c.feed);
    }
    virtual void RunRead(const std::function<void(ReadTx&)>& f) = 0;
    virtual void RunWrite(const std::function<void(WriteTx&)>& f) = 0;
    virtual void RunWriteCheckedAtEnd(const std::function<void(WriteTx&)>& f) { RunWrite(f); }

    // How many grouped transactions may be written at once: SQLite 1 (one writer); PostgreSQL a few, each on its
    // own connection, so that one batch's round trips overlap another's commit.
    virtual int GroupedWriters() const { return 1; }

 private:
    // One caller of WriteGrouped; woken on its own when its batch is done or when it is first in line to lead.
    struct GroupedWrite {
        const std::function<void(WriteTx&)>* f;
        std::exception_ptr error;
        bool taken = false;  // in a batch that a leader is writing
        bool done = false;
        std::condition_variable wake;
    };
    // A batch is at most this many callers (the rest lead the next one), so one batch does not hold its callers
    // for long on a busy PostgreSQL connection.
    static constexpr std::size_t kMaxBatch = 128;
    void RunGrouped(const std::function<void(WriteTx&)>& f);
    void WriteBatchWithSavepoints(const std::vector<GroupedWrite*>& batch);
    void WriteBatchOptimistically(const std::vector<GroupedWrite*>& batch);
    std::mutex group_mutex_;
    std::deque<GroupedWrite*> group_queue_;
    int group_leaders_ = 0;
    std::function<void()> jobs_planned_hook_;
    std::function<void(const std::vector<FeedMark>&)> feed_hook_;
};

// The feed's notification payload ("3:17,5:2") and back; malformed parts are skipped.
std::string FeedPayload(const std::vector<FeedMark>& marks);
std::vector<FeedMark> ParseFeedPayload(std::string_view payload);
inline constexpr std::string_view kFeedChannel = "tadaima_feed";

std::unique_ptr<Database> OpenSqlite(const Options& options);
std::unique_ptr<Database> OpenPostgresql(const Options& options);

// `?` → `$1, $2 …`, leaving quoted literals and identifiers alone.
std::string ToPostgresPlaceholders(std::string_view sql);

}  // namespace db

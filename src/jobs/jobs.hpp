#pragma once
// The job table: every side effect (a mail now; push and more later) is planned as a row in the same transaction
// as the change that causes it, then run by a worker with retries. A job exists if and only if its cause
// committed; a handler may run more than once (after a crash between sending and recording), so handlers are
// idempotent or at least recognisable (a mail's Message-ID is stable per job).
#include <boost/json/object.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"

namespace jobs {

struct JobTag {};
using JobId = common::Id<JobTag>;

struct PlanOptions {
    std::optional<common::Instant> run_at;  // default: now
    int max_attempts = 10;
};

// Plans a job of `kind` with a payload of ids (never names, addresses or tokens).
JobId Plan(db::WriteTx& tx, std::string_view kind, const boost::json::object& payload, const common::Clock& clock,
           const PlanOptions& options = {});

// For a job that plans its own next run (a sweep, a refresh): plans one at `at` unless one of `kind` is queued
// already (a restart, or another server process, planned it), and forgets finished ones older than a day, which
// would otherwise pile up (a sweep a minute is 1,440 rows a day).
void PlanRecurring(db::WriteTx& tx, std::string_view kind, common::Instant at, const common::Clock& clock);

struct Job {
    JobId id;
    std::string kind;
    boost::json::object payload;
    int attempt = 0;  // 1 for the first run
    int max_attempts = 0;
};

// A handler throws to fail the attempt; PermanentError makes the job dead at once (nothing a retry could mend).
class PermanentError : public std::runtime_error {
 public:
    using std::runtime_error::runtime_error;
};

// A handler throws RetryLater to fail the attempt and ask for at least `after` before the next one (a service's
// Retry-After); the attempt still counts.
class RetryLater : public std::runtime_error {
 public:
    RetryLater(const std::string& what, std::optional<std::chrono::seconds> wait)
        : std::runtime_error(what), after(wait) {}
    std::optional<std::chrono::seconds> after;
};

// The wait before attempt n+1 after n failures: 10 s, 20 s, 40 s … at most an hour.
std::chrono::seconds Backoff(int failures);

// Claims up to `limit` due jobs for this worker, each for `lease` (a crashed worker's jobs come back after it).
// On PostgreSQL several server processes claim from one table without taking the same job (SKIP LOCKED).
std::vector<Job> ClaimDue(db::Database& db, const std::string& worker, int limit, const common::Clock& clock,
                          std::chrono::seconds lease = std::chrono::seconds(300));
// Work done in the transaction that closes a job: recording what the job achieved together with its end.
using Finish = std::function<void(db::WriteTx&)>;
void Complete(db::Database& db, const Job& job, const std::string& worker, const common::Clock& clock,
              const Finish& finish = {});
// Records a failed attempt: queued again after the backoff, or dead after the last attempt (or when permanent),
// running `on_dead` in the same transaction when it is.
void Fail(db::Database& db, const Job& job, const std::string& worker, const std::string& error, bool permanent,
          const common::Clock& clock, const Finish& on_dead = {},
          std::optional<std::chrono::seconds> at_least = std::nullopt);

// Jobs that a previous run of this node was running when it died (workers are named "<node>:<pid>"): queued
// again at once instead of after their lease. Returns how many.
int ReleaseFromEarlierRuns(db::Database& db, const std::string& node, const std::string& worker);

// Jobs whose last attempt failed for good, newest first, for the city's operators; and sending one again (a few
// more attempts from now). Payloads hold ids only.
struct DeadJob {
    JobId id;
    std::string kind;
    int attempts = 0;
    std::string last_error, finished_at, payload;
};
std::vector<DeadJob> DeadJobs(db::ReadTx& tx, int limit);
bool Retry(db::WriteTx& tx, JobId id, const common::Clock& clock);

struct JobCounts {
    std::int64_t queued = 0, running = 0, done = 0, dead = 0;
};
JobCounts CountJobs(db::ReadTx& tx);

// Runs jobs by kind. Start() runs them on a thread that wakes when told (Wake(), after a commit that planned
// jobs) and polls every `poll` otherwise (jobs planned by another process, retries coming due). RunDue() runs
// what is due now on the calling thread (the thread and the tests use it).
class Runner {
 public:
    using Handler = std::function<void(const Job&)>;
    // A handler whose outcome is recorded with the job's end: it returns what to write on success, and `on_dead`
    // writes the failure when the last attempt failed.
    using TrackedHandler = std::function<Finish(const Job&)>;
    using DeadHandler = std::function<void(db::WriteTx&, const Job&)>;
    Runner(db::Database& db, const common::Clock& clock, std::string worker_id);
    ~Runner();
    void Register(std::string kind, Handler handler);
    void RegisterTracked(std::string kind, TrackedHandler handler, DeadHandler on_dead);
    // Runs due jobs until none is left; returns how many attempts ran.
    int RunDue();
    // `threads` workers, each claiming its own batches (a claim is exclusive), so slow sends overlap.
    void Start(std::chrono::milliseconds poll = std::chrono::milliseconds(1000), int threads = 1);
    void Wake();
    void Stop();

 private:
    void Run(const Job& job);
    void Record(const std::function<void()>& write);
    void ReleaseLostClaims();  // with claiming_ held

    static constexpr std::chrono::seconds kLease{300};

    db::Database& db_;
    const common::Clock& clock_;
    std::string worker_;
    struct Kind {
        TrackedHandler run;
        DeadHandler on_dead;
    };
    std::map<std::string, Kind, std::less<>> handlers_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::uint64_t wakes_ = 0;  // each worker runs again when this moved on since it last looked
    bool stopping_ = false;
    std::vector<std::thread> threads_;
    // Claims are made one at a time, so that the jobs claimed in this worker's name and not held by any of its
    // threads are known: those a claim or a run lost to a database outage, released once it is back.
    std::mutex claiming_;
    std::set<JobId> held_;
    bool claims_lost_ = false;
};

}  // namespace jobs

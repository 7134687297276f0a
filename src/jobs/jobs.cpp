#include "jobs/jobs.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "common/dates.hpp"
#include "common/log.hpp"

namespace jobs {

using common::FormatInstant;
using namespace std::chrono_literals;

JobId Plan(db::WriteTx& tx, std::string_view kind, const boost::json::object& payload, const common::Clock& clock,
           const PlanOptions& options) {
    auto now = clock.Now();
    tx.NoteJobPlanned();
    return tx
        .QueryOne(
            "INSERT INTO job (kind, payload, run_at, max_attempts, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
            std::string(kind), boost::json::serialize(payload), FormatInstant(options.run_at.value_or(now)),
            options.max_attempts, FormatInstant(now))
        .Id<JobId>(0);
}

void PlanRecurring(db::WriteTx& tx, std::string_view kind, common::Instant at, const common::Clock& clock) {
    const std::string k(kind);
    if (tx.kind() == db::Kind::kPostgresql) {
        // Several servers starting at once each plan the job; one at a time per kind, so only the first does (the
        // rest see its row). The key: the kind's FNV-1a hash, in a space of its own (two int4 keys).
        std::uint32_t h = 2166136261u;
        for (unsigned char c : k) h = (h ^ c) * 16777619u;
        tx.Query("SELECT pg_advisory_xact_lock(7272, ?)", static_cast<std::int64_t>(static_cast<std::int32_t>(h)));
    }
    tx.Exec("DELETE FROM job WHERE kind = ? AND state = 'done' AND finished_at < ?", k,
            FormatInstant(clock.Now() - std::chrono::hours(24)));
    if (tx.QueryOptional("SELECT 1 FROM job WHERE kind = ? AND state = 'queued'", k)) return;
    Plan(tx, k, {}, clock, {at, 3});
}

std::chrono::seconds Backoff(int failures) {
    std::int64_t s = 10;
    for (int i = 1; i < failures && s < 3600; ++i) s *= 2;
    return std::chrono::seconds(std::min<std::int64_t>(s, 3600));
}

std::vector<Job> ClaimDue(db::Database& db, const std::string& worker, int limit, const common::Clock& clock,
                          std::chrono::seconds lease) {
    return db.Write([&](db::WriteTx& tx) {
        auto now = FormatInstant(clock.Now());
        // Two searches along the (state, run_at) index, each stopping at `limit` rows: the due queue in order, and
        // leases a crashed worker left behind. (One query with OR sorted every due job on each claim: with 100,000
        // mails queued that cost more than sending them.)
        // SQLite has one writer, so a claim is already exclusive; PostgreSQL skips rows another process holds.
        const std::string lock = tx.kind() == db::Kind::kPostgresql ? " FOR UPDATE SKIP LOCKED" : "";
        auto rows = tx.Query(
            "SELECT id, kind, payload, attempts, max_attempts FROM job WHERE state = 'running' AND claimed_until < ? "
            "ORDER BY run_at LIMIT ?" +
                lock,
            now, limit);
        const int left = limit - static_cast<int>(rows.size());
        if (left > 0) {
            auto due = tx.Query(
                "SELECT id, kind, payload, attempts, max_attempts FROM job WHERE state = 'queued' AND run_at <= ? "
                "ORDER BY run_at LIMIT ?" +
                    lock,
                now, left);
            rows.insert(rows.end(), std::make_move_iterator(due.begin()), std::make_move_iterator(due.end()));
        }
        std::vector<Job> out;
        for (const auto& r : rows) {
            Job j;
            j.id = r.Id<JobId>(0);
            j.kind = r.Text(1);
            auto parsed = boost::json::parse(r.Text(2));
            if (parsed.is_object()) j.payload = parsed.as_object();
            j.attempt = static_cast<int>(r.Int(3)) + 1;
            j.max_attempts = static_cast<int>(r.Int(4));
            out.push_back(std::move(j));
        }
        auto until = FormatInstant(clock.Now() + lease);
        for (const auto& j : out) {
            tx.Exec(
                "UPDATE job SET state = 'running', attempts = attempts + 1, claimed_by = ?, claimed_until = ? "
                "WHERE id = ?",
                worker, until, j.id);
        }
        return out;
    });
}

void Complete(db::Database& db, const Job& job, const std::string& worker, const common::Clock& clock,
              const Finish& finish) {
    // Workers finishing at the same moment share one commit.
    // The job's row first: what the job achieved is written only while the job is still this worker's (not when
    // its lease ran out and another took it, nor when an earlier try of this write committed unacknowledged).
    db.WriteGrouped([&](db::WriteTx& tx) {
        const auto ours = tx.Exec(
            "UPDATE job SET state = 'done', finished_at = ?, claimed_until = NULL WHERE id = ? AND claimed_by = ? "
            "AND state = 'running'",
            FormatInstant(clock.Now()), job.id, worker);
        if (ours == 1 && finish) finish(tx);
    });
}

void Fail(db::Database& db, const Job& job, const std::string& worker, const std::string& error, bool permanent,
          const common::Clock& clock, const Finish& on_dead, std::optional<std::chrono::seconds> at_least) {
    bool dead = permanent || job.attempt >= job.max_attempts;
    auto now = clock.Now();
    db.WriteGrouped([&](db::WriteTx& tx) {
        if (dead) {
            const auto ours = tx.Exec(
                "UPDATE job SET state = 'dead', last_error = ?, finished_at = ?, claimed_until = NULL "
                "WHERE id = ? AND claimed_by = ? AND state = 'running'",
                error.substr(0, 500), FormatInstant(now), job.id, worker);
            if (ours == 1 && on_dead) on_dead(tx);
        } else {
            tx.Exec(
                "UPDATE job SET state = 'queued', last_error = ?, run_at = ?, claimed_until = NULL "
                "WHERE id = ? AND claimed_by = ? AND state = 'running'",
                error.substr(0, 500), FormatInstant(now + std::max(Backoff(job.attempt), at_least.value_or(0s))),
                job.id, worker);
        }
    });
}

int ReleaseFromEarlierRuns(db::Database& db, const std::string& node, const std::string& worker) {
    const std::string prefix = node + ":";
    return static_cast<int>(db.Write([&](db::WriteTx& tx) {
        return tx.Exec(
            "UPDATE job SET state = 'queued', claimed_until = NULL WHERE state = 'running' AND SUBSTR(claimed_by, 1, "
            "?) = ? AND claimed_by <> ?",
            static_cast<int>(prefix.size()), prefix, worker);
    }));
}

std::vector<DeadJob> DeadJobs(db::ReadTx& tx, int limit) {
    std::vector<DeadJob> out;
    for (const auto& r : tx.Query("SELECT id, kind, attempts, COALESCE(last_error, ''), COALESCE(finished_at, "
                                  "created_at), payload FROM job WHERE state = 'dead' ORDER BY id DESC LIMIT ?",
                                  limit)) {
        out.push_back({r.Id<JobId>(0), r.Text(1), static_cast<int>(r.Int(2)), r.Text(3),
                       common::CanonicalInstant(r.Text(4)), r.Text(5)});
    }
    return out;
}

bool Retry(db::WriteTx& tx, JobId id, const common::Clock& clock) {
    tx.NoteJobPlanned();
    return tx.Exec(
               "UPDATE job SET state = 'queued', run_at = ?, max_attempts = attempts + 3, finished_at = NULL, "
               "claimed_by = NULL, claimed_until = NULL WHERE id = ? AND state = 'dead'",
               FormatInstant(clock.Now()), id) > 0;
}

JobCounts CountJobs(db::ReadTx& tx) {
    JobCounts c;
    for (const auto& r : tx.Query("SELECT state, COUNT(*) FROM job GROUP BY state")) {
        auto state = r.Text(0);
        auto n = r.Int(1);
        if (state == "queued") c.queued = n;
        if (state == "running") c.running = n;
        if (state == "done") c.done = n;
        if (state == "dead") c.dead = n;
    }
    return c;
}

Runner::Runner(db::Database& db, const common::Clock& clock, std::string worker_id)
    : db_(db), clock_(clock), worker_(std::move(worker_id)) {}

Runner::~Runner() { Stop(); }

void Runner::Register(std::string kind, Handler handler) {
    handlers_[std::move(kind)] = Kind{[h = std::move(handler)](const Job& job) {
                                          h(job);
                                          return Finish{};
                                      },
                                      {}};
}

void Runner::RegisterTracked(std::string kind, TrackedHandler handler, DeadHandler on_dead) {
    handlers_[std::move(kind)] = Kind{std::move(handler), std::move(on_dead)};
}

void Runner::Run(const Job& job) {
    auto h = handlers_.find(job.kind);
    if (h == handlers_.end()) {
        Fail(db_, job, worker_, "no handler for this kind", true, clock_);
        common::LogError("job without handler", {{"job_id", job.id.value}, {"kind", job.kind}});
        return;
    }
    Finish on_dead;
    if (h->second.on_dead) on_dead = [&](db::WriteTx& tx) { h->second.on_dead(tx, job); };
    Finish finish;
    try {
        finish = h->second.run(job);
    } catch (const RetryLater& e) {
        Record([&] { Fail(db_, job, worker_, e.what(), false, clock_, on_dead, e.after); });
        common::LogWarn("job attempt failed",
                        {{"job_id", job.id.value}, {"kind", job.kind}, {"attempt", job.attempt}, {"error", e.what()}});
        return;
    } catch (const PermanentError& e) {
        Record([&] { Fail(db_, job, worker_, e.what(), true, clock_, on_dead); });
        common::LogError("job failed permanently", {{"job_id", job.id.value}, {"kind", job.kind}, {"error", e.what()}});
        return;
    } catch (const std::exception& e) {
        Record([&] { Fail(db_, job, worker_, e.what(), false, clock_, on_dead); });
        common::LogWarn("job attempt failed",
                        {{"job_id", job.id.value}, {"kind", job.kind}, {"attempt", job.attempt}, {"error", e.what()}});
        return;
    }
    try {
        Record([&] { Complete(db_, job, worker_, clock_, finish); });
    } catch (const db::Unavailable&) {
        throw;  // the database is still away: the rest of the batch waits for it, given back with the next claim
    } catch (const std::exception& e) {
        // Not a database that is away: a write that cannot be made. The lease brings the job back.
        common::LogError("job done but not recorded",
                         {{"job_id", job.id.value}, {"kind", job.kind}, {"error", e.what()}});
    }
}

void Runner::Record(const std::function<void()>& write) {
    // While the database is away (a restart, a standby being promoted) the job's end is written again, for up to
    // half its lease, instead of leaving the job to run a second time when the lease runs out.
    const auto give_up = std::chrono::steady_clock::now() + kLease / 2;
    auto wait = std::chrono::milliseconds(100);
    for (;;) {
        try {
            write();
            return;
        } catch (const db::Unavailable&) {
            if (std::chrono::steady_clock::now() + wait > give_up) throw;
            std::unique_lock lock(mutex_);
            if (wake_.wait_for(lock, wait, [&] { return stopping_; })) throw;
            wait = std::min(wait * 2, std::chrono::milliseconds(5000));
        }
    }
}

int Runner::RunDue() {
    int ran = 0;
    for (;;) {
        std::vector<Job> batch;
        {
            std::lock_guard claiming(claiming_);
            ReleaseLostClaims();
            try {
                batch = ClaimDue(db_, worker_, 50, clock_, kLease);
            } catch (const db::Unavailable&) {
                // The claim may have committed without the answer arriving (the database went away meanwhile).
                claims_lost_ = true;
                throw;
            }
            for (const auto& job : batch) held_.insert(job.id);
        }
        if (batch.empty()) return ran;
        std::size_t next = 0;
        try {
            for (; next < batch.size(); ++next) {
                Run(batch[next]);
                ++ran;
                std::lock_guard claiming(claiming_);
                held_.erase(batch[next].id);
            }
        } catch (...) {
            // The rest of the batch is claimed but will not run on this thread: given back with the next claim.
            std::lock_guard claiming(claiming_);
            for (; next < batch.size(); ++next) held_.erase(batch[next].id);
            claims_lost_ = true;
            throw;
        }
    }
}

void Runner::ReleaseLostClaims() {
    if (!claims_lost_) return;
    // Jobs claimed in this worker's name that no thread of it is running: queued again now, not after their lease.
    db_.Write([&](db::WriteTx& tx) {
        for (const auto& r : tx.Query("SELECT id FROM job WHERE state = 'running' AND claimed_by = ?", worker_)) {
            const auto id = r.Id<JobId>(0);
            if (held_.contains(id)) continue;
            tx.Exec("UPDATE job SET state = 'queued', claimed_until = NULL WHERE id = ? AND state = 'running'", id);
        }
    });
    claims_lost_ = false;
}

void Runner::Start(std::chrono::milliseconds poll, int threads) {
    for (int i = 0; i < std::max(1, threads); ++i) {
        threads_.emplace_back([this, poll] {
            std::uint64_t seen = 0;
            for (;;) {
                {
                    std::unique_lock lock(mutex_);
                    wake_.wait_for(lock, poll, [&] { return wakes_ != seen || stopping_; });
                    if (stopping_) return;
                    seen = wakes_;
                }
                try {
                    RunDue();
                } catch (const std::exception& e) {
                    common::LogError("job runner", {{"error", e.what()}});
                }
            }
        });
    }
}

void Runner::Wake() {
    {
        std::lock_guard lock(mutex_);
        ++wakes_;
    }
    wake_.notify_all();
}

void Runner::Stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) {
        if (t.joinable()) t.join();
    }
    threads_.clear();
}

}  // namespace jobs

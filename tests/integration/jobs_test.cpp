// The job table and its runner on both databases: planned with the transaction, retried with backoff, dead after
// the last attempt, reclaimed after a crashed worker's lease, and never run twice by two workers at once; and on a
// PostgreSQL that restarts, a job's end written once it is back and a batch left unfinished given back.
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "db/migrate.hpp"
#include "harness.hpp"
#include "jobs/jobs.hpp"

namespace {

using testing_support::DbTest;

class Jobs : public DbTest {
 protected:
    jobs::JobId PlanOne(std::string kind, int max_attempts = 10) {
        return database().Write([&](db::WriteTx& tx) {
            return jobs::Plan(tx, kind, {{"n", 1}}, clock_, {std::nullopt, max_attempts});
        });
    }
    std::string State(jobs::JobId id) {
        return database().Read(
            [&](db::ReadTx& tx) { return tx.QueryOne("SELECT state FROM job WHERE id = ?", id).Text(0); });
    }
};

TEST_P(Jobs, AJobExistsOnlyIfItsTransactionCommitted) {
    EXPECT_THROW(database().Write([&](db::WriteTx& tx) {
        jobs::Plan(tx, "test.mail", {{"n", 1}}, clock_);
        throw std::runtime_error("the change that caused it failed");
    }),
                 std::runtime_error);
    auto counts = database().Read([](db::ReadTx& tx) { return jobs::CountJobs(tx); });
    EXPECT_EQ(counts.queued, 0);
}

TEST_P(Jobs, AFailedAttemptIsRetriedAfterTheBackoffAndTheLastOneLeavesTheJobDead) {
    auto id = PlanOne("test.flaky", 3);
    int calls = 0;
    jobs::Runner runner(database(), clock_, "w1");
    runner.Register("test.flaky", [&](const jobs::Job& job) {
        ++calls;
        EXPECT_EQ(job.attempt, calls);
        throw std::runtime_error("mail server said no");
    });
    EXPECT_EQ(runner.RunDue(), 1);
    EXPECT_EQ(State(id), "queued");
    EXPECT_EQ(runner.RunDue(), 0) << "not due before the backoff";
    clock_.Advance(jobs::Backoff(1));
    EXPECT_EQ(runner.RunDue(), 1);
    clock_.Advance(jobs::Backoff(2));
    EXPECT_EQ(runner.RunDue(), 1);
    EXPECT_EQ(State(id), "dead");
    EXPECT_EQ(calls, 3);
    clock_.Advance(std::chrono::hours(24));
    EXPECT_EQ(runner.RunDue(), 0) << "a dead job stays dead";
    auto error = database().Read(
        [&](db::ReadTx& tx) { return tx.QueryOne("SELECT last_error FROM job WHERE id = ?", id).Text(0); });
    EXPECT_EQ(error, "mail server said no");
}

TEST_P(Jobs, APermanentErrorEndsTheJobAtOnceAndSuccessMarksItDone) {
    auto bad = PlanOne("test.bad");
    auto good = PlanOne("test.good");
    jobs::Runner runner(database(), clock_, "w1");
    runner.Register("test.bad", [](const jobs::Job&) { throw jobs::PermanentError("no such recipient"); });
    runner.Register("test.good", [](const jobs::Job&) {});
    EXPECT_EQ(runner.RunDue(), 2);
    EXPECT_EQ(State(bad), "dead");
    EXPECT_EQ(State(good), "done");
    EXPECT_EQ(jobs::Backoff(1), std::chrono::seconds(10));
    EXPECT_EQ(jobs::Backoff(4), std::chrono::seconds(80));
    EXPECT_EQ(jobs::Backoff(30), std::chrono::seconds(3600));
}

TEST_P(Jobs, ACrashedWorkersJobComesBackAfterItsLease) {
    auto id = PlanOne("test.mail");
    auto claimed = jobs::ClaimDue(database(), "crashed", 10, clock_, std::chrono::seconds(300));
    ASSERT_EQ(claimed.size(), 1u);
    EXPECT_TRUE(jobs::ClaimDue(database(), "other", 10, clock_).empty()) << "held while the lease runs";
    clock_.Advance(std::chrono::seconds(301));
    auto again = jobs::ClaimDue(database(), "other", 10, clock_);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0].id, id);
    EXPECT_EQ(again[0].attempt, 2);
    // The crashed worker's late report does not overwrite the new claim.
    jobs::Complete(database(), claimed[0], "crashed", clock_);
    EXPECT_EQ(State(id), "running");
    jobs::Complete(database(), again[0], "other", clock_);
    EXPECT_EQ(State(id), "done");
}

TEST_P(Jobs, TwoWorkersNeverRunTheSameJob) {
    const int n = 200;
    database().Write([&](db::WriteTx& tx) {
        for (int i = 0; i < n; ++i) jobs::Plan(tx, "test.count", {{"n", i}}, clock_);
    });
    std::mutex m;
    std::multiset<std::int64_t> seen;
    auto handler = [&](const jobs::Job& job) {
        std::lock_guard lock(m);
        seen.insert(job.id.value);
    };
    jobs::Runner a(database(), clock_, "a");
    jobs::Runner b(database(), clock_, "b");
    a.Register("test.count", handler);
    b.Register("test.count", handler);
    int ran_a = 0, ran_b = 0;
    std::thread ta([&] { ran_a = a.RunDue(); });
    std::thread tb([&] { ran_b = b.RunDue(); });
    ta.join();
    tb.join();
    EXPECT_EQ(ran_a + ran_b, n);
    EXPECT_EQ(seen.size(), static_cast<std::size_t>(n));
    for (auto id : seen) EXPECT_EQ(seen.count(id), 1u) << "job " << id << " ran twice";
    auto counts = database().Read([](db::ReadTx& tx) { return jobs::CountJobs(tx); });
    EXPECT_EQ(counts.done, n);
}

TEST_P(Jobs, ACommitThatPlannedAJobWakesTheWorkersAndNoOtherDoes) {
    int woken = 0;
    database().SetJobsPlannedHook([&] { ++woken; });
    database().Write([&](db::WriteTx& tx) { tx.Exec("UPDATE site SET name = name"); });
    EXPECT_EQ(woken, 0);
    PlanOne("test.wake");
    EXPECT_EQ(woken, 1);
    EXPECT_THROW(database().Write([&](db::WriteTx& tx) {
        jobs::Plan(tx, "test.wake", {}, clock_);
        throw std::runtime_error("changed my mind");
    }),
                 std::runtime_error);
    EXPECT_EQ(woken, 1);  // rolled back: nothing to run
    database().WriteGrouped([&](db::WriteTx& tx) { jobs::Plan(tx, "test.wake", {}, clock_); });
    EXPECT_EQ(woken, 2);
    auto id = PlanOne("test.wake", 1);
    jobs::Runner runner(database(), clock_, "w");
    runner.Register("test.wake", [](const jobs::Job&) { throw jobs::PermanentError("no"); });
    runner.RunDue();
    const int before = woken;
    EXPECT_TRUE(database().Write([&](db::WriteTx& tx) { return jobs::Retry(tx, id, clock_); }));
    EXPECT_EQ(woken, before + 1);  // a dead job sent again by staff
    database().SetJobsPlannedHook({});
}

// A PostgreSQL of the test's own, stopped and started again while jobs run.
class JobsOutage : public ::testing::Test {
 protected:
    void SetUp() override {
        database_ = db::Database::Open({cluster_.CreateDatabase(), 2});
        db::Migrate(*database_);
        for (int i = 0; i < 3; ++i)
            ids_.push_back(
                database_->Write([&](db::WriteTx& tx) { return jobs::Plan(tx, "test.outage", {}, clock_); }));
    }
    // Each job's state and attempts, in order.
    std::vector<std::string> States() {
        std::vector<std::string> out;
        for (auto id : ids_) {
            out.push_back(database_->Read([&](db::ReadTx& tx) {
                auto r = tx.QueryOne("SELECT state, attempts FROM job WHERE id = ?", id);
                return r.Text(0) + "/" + std::to_string(r.Int(1));
            }));
        }
        return out;
    }
    testing_support::PostgresCluster cluster_;
    common::FixedClock clock_{*common::ParseInstant("2026-11-22T01:00:00.000Z")};
    std::unique_ptr<db::Database> database_;
    std::vector<jobs::JobId> ids_;
};

// The database goes away just as a job has done its work (a mail sent): the job's end is written once the database
// is back, so the job is not run a second time when its lease runs out, and the rest of the batch runs.
TEST_F(JobsOutage, AJobsEndIsWrittenOnceTheDatabaseIsBackAndTheJobIsNotRunAgain) {
    std::map<std::int64_t, int> runs;
    std::thread restarter;
    jobs::Runner runner(*database_, clock_, "w");
    runner.Register("test.outage", [&](const jobs::Job& job) {
        if (runs[job.id.value]++ == 0 && job.id == ids_[0]) {
            cluster_.Stop();
            restarter = std::thread([&] { cluster_.Restart(); });
        }
    });
    int ran = 0;
    EXPECT_NO_THROW(ran = runner.RunDue());
    restarter.join();
    EXPECT_EQ(ran, 3);
    EXPECT_EQ(States(), (std::vector<std::string>{"done/1", "done/1", "done/1"}));
    for (auto id : ids_) EXPECT_EQ(runs[id.value], 1) << "job " << id.value;
}

// A worker stopping while the database is away leaves its claimed batch unfinished: the next claim, once the
// database is back, gives those jobs back at once (not after their lease) and they run.
TEST_F(JobsOutage, ABatchLeftUnfinishedInAnOutageIsGivenBackWithTheNextClaim) {
    std::map<std::int64_t, int> runs;
    jobs::Runner runner(*database_, clock_, "w");
    runner.Register("test.outage", [&](const jobs::Job& job) {
        if (runs[job.id.value]++ == 0 && job.id == ids_[0]) {
            cluster_.Stop();
            runner.Stop();  // shutting down: the job's end is not waited for
        }
    });
    EXPECT_THROW(runner.RunDue(), db::Unavailable);
    cluster_.Restart();
    EXPECT_EQ(States(), (std::vector<std::string>{"running/1", "running/1", "running/1"}));
    EXPECT_EQ(runner.RunDue(), 3);  // the clock has not moved: no lease has run out
    EXPECT_EQ(States(), (std::vector<std::string>{"done/2", "done/2", "done/2"}));
    EXPECT_EQ(runs[ids_[0].value], 2);  // its end was never written: it ran again, as a job may
    EXPECT_EQ(runs[ids_[1].value], 1);
    EXPECT_EQ(runs[ids_[2].value], 1);
}

INSTANTIATE_TEST_SUITE_P(Both, Jobs, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

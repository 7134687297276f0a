// Backups through the command line as an operator runs them: `tadaima backup FILE` taken while entries are being
// recorded holds every one committed before it began (a consistent prefix, nothing half-seen), `backup verify`
// checks it without changing it, and `restore` brings it into an empty database only, where the audit chain holds.
// Bad input: an existing FILE, a directory that is not there, a file that is not a backup, a damaged copy, a
// non-empty target — each a line on stderr, a failing exit status and nothing written. On PostgreSQL the same
// commands run the server's own tools (pg_dump, and pg_restore into a scratch database to verify).
#include <sys/wait.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "attendance/attendance.hpp"
#include "auth/data_keys.hpp"
#include "demo/seed.hpp"
#include "harness.hpp"

namespace {

namespace fs = std::filesystem;
using testing_support::DbTest;

class Backup : public DbTest {};

TEST_P(Backup, ACopyTakenWhileEntriesAreRecordedHoldsEveryOneCommittedBeforeItAndRestoresWhole) {
    if (!fs::exists(testing_support::ServerProcess::Binary()))
        GTEST_SKIP() << "no tadaima binary beside this test binary";
    const bool pg = GetParam() == db::Kind::kPostgresql;
    const std::string file = (dir_ / "nightly.db").string();
    // Where a copy is restored: a new file, or a new database on the same PostgreSQL server.
    auto new_target = [&](const std::string& name) {
        return pg ? testing_support::PostgresCluster::Instance().CreateDatabase() : (dir_ / name).string();
    };
    demo::SeedDemo(*db_, {1, 40, "tadaima-demo"}, clock_);
    const auto staff = common::UserId(One("SELECT id FROM staff_user ORDER BY id LIMIT 1"));
    std::vector<common::ChildId> children;
    database().Read([&](db::ReadTx& tx) {
        for (const auto& r : tx.Query("SELECT DISTINCT child_id FROM child_placement WHERE site_id = 1"))
            children.push_back(r.Id<common::ChildId>(0));
    });
    ASSERT_FALSE(children.empty());

    // Entries and exits recorded one transaction after another, each numbered in its reason, until told to stop.
    std::mutex mutex;
    std::condition_variable committed_cv;
    int committed = 0;
    std::atomic<bool> stop{false};
    std::thread writer([&] {
        for (int i = 0; i < 100000 && !stop; ++i) {
            database().Write([&](db::WriteTx& tx) {
                attendance::RecordByStaff(
                    tx,
                    {children[i % children.size()], common::SiteId(1),
                     (i / children.size()) % 2 == 0 ? attendance::Direction::kIn : attendance::Direction::kOut,
                     clock_.Now(), staff, "seq-" + std::to_string(i), false},
                    clock_);
            });
            {
                std::lock_guard lock(mutex);
                committed = i + 1;
                committed_cv.notify_all();
            }
            // A busy site's pace, not a loop that never lets go of SQLite's one write lock: another process (the
            // backup command writing its audit entry) waits in SQLite's busy handler, which a writer that takes
            // the lock again at once can starve past its timeout.
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    });
    int before = 0;
    {
        std::unique_lock lock(mutex);
        committed_cv.wait(lock, [&] { return committed >= 50; });
        before = committed;
    }
    auto taken = Tadaima("backup " + file);
    stop = true;
    writer.join();
    ASSERT_EQ(taken.status, 0) << taken.output;
    EXPECT_NE(taken.output.find("written"), std::string::npos) << taken.output;
    EXPECT_NE(taken.output.find(pg ? "pg_dump" : "online backup"), std::string::npos) << taken.output;
    EXPECT_FALSE(fs::exists(file + "-wal")) << "one file";

    auto verified = Tadaima("backup verify " + file);
    EXPECT_EQ(verified.status, 0) << verified.output;
    EXPECT_NE(verified.output.find("intact"), std::string::npos) << verified.output;

    const std::string restored = new_target("restored.db");
    auto restore = Tadaima("restore " + file, restored);
    ASSERT_EQ(restore.status, 0) << restore.output;
    // Every entry committed before the backup began is there, and what is there is a prefix: no gap, nothing torn.
    std::set<int> seqs;
    {
        auto copy = db::Database::Open({restored, 1});
        copy->Read([&](db::ReadTx& tx) {
            for (const auto& r : tx.Query("SELECT reason FROM attendance_event WHERE reason LIKE 'seq-%'"))
                seqs.insert(std::stoi(r.Text(0).substr(4)));
        });
    }
    ASSERT_GE(static_cast<int>(seqs.size()), before);
    EXPECT_EQ(*seqs.rbegin() + 1, static_cast<int>(seqs.size())) << "a consistent prefix of the entries";
    auto chain = Tadaima("audit verify", restored);
    EXPECT_EQ(chain.status, 0) << chain.output;

    // Bad input: each refused with a line saying why, and nothing written.
    const auto size = fs::file_size(file);
    auto again = Tadaima("backup " + file);
    EXPECT_NE(again.status, 0);
    EXPECT_NE(again.output.find("already exists"), std::string::npos) << again.output;
    EXPECT_EQ(fs::file_size(file), size);
    auto nowhere = Tadaima("backup " + (dir_ / "missing" / "b.db").string());
    EXPECT_NE(nowhere.status, 0);
    EXPECT_NE(nowhere.output.find("no directory"), std::string::npos) << nowhere.output;
    auto twice = Tadaima("restore " + file, restored);
    EXPECT_NE(twice.status, 0);
    EXPECT_NE(twice.output.find("not empty"), std::string::npos) << twice.output;
    const std::string text = (dir_ / "notes.txt").string();
    std::ofstream(text) << "not a database at all\n";
    auto junk = Tadaima("backup verify " + text);
    EXPECT_NE(junk.status, 0);
    EXPECT_NE(junk.output.find("not a tadaima backup"), std::string::npos) << junk.output;
    const std::string cut = (dir_ / "cut.db").string();
    fs::copy_file(file, cut);
    fs::resize_file(cut, size / 2);
    auto damaged = Tadaima("backup verify " + cut);
    EXPECT_NE(damaged.status, 0) << damaged.output;
    const std::string never = new_target("never.db");
    auto into = Tadaima("restore " + cut, never);
    EXPECT_NE(into.status, 0);
    if (pg) {
        EXPECT_EQ(db::Database::Open({never, 1})->Read([](db::ReadTx& tx) {
            return tx.QueryOne("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'").Int(0);
        }),
                  0)
            << "nothing restored from a damaged file";
    }
    for (const auto& e : fs::directory_iterator(dir_))
        EXPECT_FALSE(e.path().filename().string().starts_with("never.db")) << "left behind: " << e.path();
}

// A backup's sealed fields open only with the data key file of its time: after `keys rotate` the current file
// no longer opens an older backup, and `backup verify` says so; the key file kept from then does.
TEST_P(Backup, VerifyChecksThatTheDataKeyFileOpensTheBackupsSealedFields) {
    if (!fs::exists(testing_support::ServerProcess::Binary()))
        GTEST_SKIP() << "no tadaima binary beside this test binary";
    demo::SeedDemo(*db_, {1, 2, "tadaima-demo"}, clock_);
    const fs::path key_file = dir_ / "data.keys";  // beside the secret Tadaima() uses, where commands look
    auto keys = auth::DataKeysForDatabase(key_file, database());
    database().Write([&](db::WriteTx& tx) {
        const auto user = tx.QueryOne("SELECT MIN(id) FROM staff_user").Int(0);
        tx.Exec("INSERT INTO staff_mfa (user_id, secret, created_at) VALUES (?, ?, ?)", user,
                keys->Seal("JBSWY3DPEHPK3PXP", auth::PlaceOf(auth::kMfaSecretField, user)),
                common::FormatInstant(clock_.Now()));
    });
    const std::string file = (dir_ / "sealed.backup").string();
    auto taken = Tadaima("backup " + file);
    ASSERT_EQ(taken.status, 0) << taken.output;
    auto verified = Tadaima("backup verify " + file);
    EXPECT_EQ(verified.status, 0) << verified.output;
    fs::copy_file(key_file, dir_ / "kept.keys");
    auto rotated = Tadaima("keys rotate");
    ASSERT_EQ(rotated.status, 0) << rotated.output;
    auto stale = Tadaima("backup verify " + file);
    EXPECT_EQ(stale.status, 1);
    EXPECT_NE(stale.output.find("do not open with TADAIMA_DATA_KEYS_FILE"), std::string::npos) << stale.output;
    fs::copy_file(dir_ / "kept.keys", key_file, fs::copy_options::overwrite_existing);
    auto kept = Tadaima("backup verify " + file);
    EXPECT_EQ(kept.status, 0) << kept.output;
}

INSTANTIATE_TEST_SUITE_P(Both, Backup, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

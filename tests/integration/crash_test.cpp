// Nothing acknowledged is lost: the real server, killed with SIGKILL at random moments while kiosks send 5,000
// scans and retry each with the same scan_id until it is acknowledged. After every kill, each acknowledged scan is
// in the database exactly once (and SQLite's integrity check passes); at the end all 5,000 are, once each.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "app/config.hpp"
#include "attendance/attendance.hpp"
#include "attendance/cards.hpp"
#include "attendance/kiosks.hpp"
#include "auth/passwords.hpp"
#include "demo/seed.hpp"
#include "families/families.hpp"
#include "harness.hpp"

namespace {

namespace fs = std::filesystem;
using testing_support::Accepts;
using testing_support::DbTest;
using testing_support::FreeLoopbackPort;
using Server = testing_support::ServerProcess;

constexpr int kScans = 5000;
constexpr int kClients = 8;
constexpr int kKills = 5;

class Crash : public DbTest {
 protected:
    // The database's own secret, in the file a server reads.
    std::string WriteTestSecret() {
        std::string path = (dir_ / "secret").string();
        std::ofstream(path) << testing_support::kTestSecret << "\n";
        return path;
    }
};

TEST_P(Crash, EveryAcknowledgedScanSurvivesSigkillExactlyOnce) {
    if (!fs::exists(Server::Binary())) GTEST_SKIP() << "no server binary beside this test binary";
    // A site of 40 children with cards, and a kiosk there.
    demo::SeedDemo(*db_, {1, 40, "tadaima-demo"}, clock_);
    std::string secret_file = WriteTestSecret();
    std::string secret = testing_support::kTestSecret;
    std::vector<std::string> cards;
    std::string credential;
    std::int64_t kiosk = 0;
    db_->Write([&](db::WriteTx& tx) {
        auto k = attendance::CreateKiosk(tx, common::SiteId(1), "crash", clock_);
        credential = k.credential;
        kiosk = k.id.value;
        for (const auto& r : tx.Query("SELECT DISTINCT child_id FROM child_placement WHERE site_id = 1")) {
            cards.push_back(
                attendance::CardPayload(secret, attendance::EnsureCard(tx, r.Id<common::ChildId>(0), clock_)));
        }
    });
    ASSERT_EQ(cards.size(), 40u);

    std::random_device rd;
    unsigned seed = rd();
    std::mt19937 rng(seed);
    SCOPED_TRACE("seed " + std::to_string(seed));
    int port = FreeLoopbackPort();
    Server server({"TADAIMA_DB=" + url_, "TADAIMA_SECRET_FILE=" + secret_file,
                   "TADAIMA_LISTEN=127.0.0.1:" + std::to_string(port), "TADAIMA_LOG_LEVEL=error"},
                  port);
    server.Start();

    // Each child's scans 80 seconds apart (never a repeat), all within the last three hours.
    auto start = std::chrono::system_clock::now() - std::chrono::hours(3);
    const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/api/v1/kiosk/scans";

    // Every acknowledged scan is recorded exactly once; nothing else from this kiosk is.
    auto verify = [&](const std::set<int>& expected, bool complete) {
        auto rows = db_->Read([&](db::ReadTx& tx) {
            return tx.Query("SELECT scan_id, COUNT(*) FROM attendance_event WHERE kiosk_id = ? GROUP BY scan_id",
                            kiosk);
        });
        std::set<int> present;
        for (const auto& r : rows) {
            EXPECT_EQ(r.Int(1), 1) << r.Text(0) << " recorded more than once";
            present.insert(std::stoi(r.Text(0).substr(6)));
        }
        for (int i : expected) EXPECT_TRUE(present.count(i)) << "acknowledged scan " << i << " is missing";
        if (complete) EXPECT_EQ(present.size(), expected.size());
        if (GetParam() == db::Kind::kSqlite) {
            EXPECT_EQ(db_->Read([](db::ReadTx& tx) { return tx.QueryOne("PRAGMA integrity_check").Text(0); }), "ok");
        }
    };

    testing_support::RetriedScans scans(kScans, kClients, [&](int i) {
        return testing_support::HttpRequest(url,
                                            R"({"card":")" + cards[static_cast<std::size_t>(i) % cards.size()] +
                                                R"(","scan_id":"crash-)" + std::to_string(i) + R"(","scanned_at":")" +
                                                common::FormatInstant(start + std::chrono::seconds(2) * i) + R"("})",
                                            {"Content-Type: application/json", "Authorization: Bearer " + credential})
            .first;
    });
    // Kill at random moments: when the acknowledged count passes random points.
    std::vector<int> points;
    for (int k = 0; k < kKills; ++k) points.push_back(200 + static_cast<int>(rng() % (kScans - 400)));
    std::sort(points.begin(), points.end());
    for (int point : points) {
        scans.WaitForAcknowledged(static_cast<std::size_t>(point));
        server.Kill();
        verify(scans.Acknowledged(), false);
        server.Start();
    }
    scans.Join();
    server.Kill();
    ASSERT_FALSE(scans.GaveUp());
    ASSERT_EQ(scans.Acknowledged().size(), static_cast<std::size_t>(kScans));
    verify(scans.Acknowledged(), true);
}

// Nothing the system decided to send is lost: the server killed with SIGKILL three times while it mails 500-odd
// notifications to a real SMTP server. Once it has run again, every notification was mailed; a mail appears twice
// only when it was caught between the mail server's acceptance and our mark (at most one such per kill), and
// the copies carry the same Message-ID.
TEST_P(Crash, NotificationsBeingMailedSurviveSigkillNoneLostAndFewTwice) {
    if (!fs::exists(Server::Binary())) GTEST_SKIP() << "no server binary beside this test binary";
    demo::SeedDemo(*db_, {1, 40, "tadaima-demo"}, clock_);
    db_->Write([&](db::WriteTx& tx) {
        auto hash = auth::HashPassword("a crash family passphrase");
        auto a = families::CreateConfirmedAccount(tx, "crash-a@example.test", "Crash A", hash, "ja", clock_);
        auto b = families::CreateConfirmedAccount(tx, "crash-b@example.test", "Crash B", hash, "en", clock_);
        std::vector<common::ChildId> children;
        for (const auto& r : tx.Query("SELECT DISTINCT child_id FROM child_placement WHERE site_id = 1 ORDER BY 1")) {
            children.push_back(r.Id<common::ChildId>(0));
            families::LinkChild(tx, a, children.back(), auth::FamilyRole::kFull, clock_);
            families::LinkChild(tx, b, children.back(), auth::FamilyRole::kFamily, clock_);
        }
        auto staff = common::UserId(tx.QueryOne("SELECT MIN(id) FROM staff_user").Int(0));
        for (int i = 0; i < 250; ++i) {
            attendance::RecordByStaff(tx,
                                      {children[static_cast<std::size_t>(i) % children.size()], common::SiteId(1),
                                       i / 40 % 2 ? attendance::Direction::kOut : attendance::Direction::kIn,
                                       clock_.Now() - std::chrono::minutes(300 - i), staff, ""},
                                      clock_);
        }
    });
    const auto planned = db_->Read([](db::ReadTx& tx) {
        return tx.QueryOne("SELECT COUNT(*) FROM notification_recipient WHERE email_state = 'queued'").Int(0);
    });
    ASSERT_GE(planned, 500);

    testing_support::SmtpServer smtp(dir_ / "maildir");
    smtp.Start();
    // Several workers send at once, each over its own connection: each may have one mail between the mail
    // server's acceptance and our mark when the server is killed.
    constexpr int kWorkers = 4;
    std::string secret_file = WriteTestSecret();
    std::random_device rd;
    unsigned seed = rd();
    std::mt19937 rng(seed);
    SCOPED_TRACE("seed " + std::to_string(seed));
    int port = FreeLoopbackPort();
    Server server(
        {"TADAIMA_DB=" + url_, "TADAIMA_SECRET_FILE=" + secret_file, "TADAIMA_LISTEN=127.0.0.1:" + std::to_string(port),
         "TADAIMA_LOG_LEVEL=error", "TADAIMA_SMTP_URL=" + smtp.Url(), "TADAIMA_PUBLIC_URL=http://tadaima.test",
         "TADAIMA_NODE_ID=crash-node", "TADAIMA_JOB_WORKERS=" + std::to_string(kWorkers)},
        port);
    auto notify_mails = [&] {
        std::map<std::string, int> ids;
        for (const auto& m : smtp.Received()) {
            if (m.message_id.starts_with("<notify.email.")) ++ids[m.message_id];
        }
        return ids;
    };
    auto count = [&] {
        int n = 0;
        for (const auto& [_, c] : notify_mails()) n += c;
        return n;
    };
    server.Start();
    constexpr int kMailKills = 3;
    std::vector<int> points;
    for (int k = 0; k < kMailKills; ++k) points.push_back(50 + static_cast<int>(rng() % (planned - 100)));
    std::sort(points.begin(), points.end());
    for (int point : points) {
        // Bounded: the mails flow, or the test fails after a minute.
        for (int spins = 0; count() < point && spins < 60000; ++spins) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        server.Kill();
        server.Start();
    }
    auto unsent = [&] {
        return db_->Read([](db::ReadTx& tx) {
            return tx.QueryOne("SELECT COUNT(*) FROM notification_recipient WHERE email_state <> 'sent'").Int(0);
        });
    };
    for (int spins = 0; unsent() > 0 && spins < 12000; ++spins) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    server.Kill();
    EXPECT_EQ(unsent(), 0);
    auto ids = notify_mails();
    EXPECT_EQ(static_cast<std::int64_t>(ids.size()), planned) << "every notification mailed";
    int total = 0;
    for (const auto& [id, n] : ids) {
        EXPECT_LE(n, 2) << id;
        total += n;
    }
    EXPECT_LE(total - static_cast<int>(ids.size()), kMailKills * kWorkers)
        << "duplicates only for mails caught by a kill, at most one per worker";
}

INSTANTIATE_TEST_SUITE_P(Db, Crash, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

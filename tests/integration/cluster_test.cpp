// A large city's setup, for real: three `tadaima serve` processes on one PostgreSQL behind HAProxy (Debian's), with
// health checks on /healthz. A roster stream opened on one server hears a scan made through another and an alert
// raised by the third's sweep; jobs planned through one server run once each, whichever server claims them; one
// server stopped is taken out by the load balancer and the others answer; servers killed at random under load lose
// no scan, no job and no event of a stream that reconnects; and a server refuses to start on a PostgreSQL that
// could lose an acknowledged write.
#include <curl/curl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "attendance/cards.hpp"
#include "attendance/kiosks.hpp"
#include "attendance/live.hpp"
#include "auth/sessions.hpp"
#include "common/clock.hpp"
#include "common/dates.hpp"
#include "demo/seed.hpp"
#include "harness.hpp"
#include "live/feed.hpp"

namespace {

namespace fs = std::filesystem;
using testing_support::Accepts;
using testing_support::DbTest;
using testing_support::FreeLoopbackPort;
using testing_support::RetriedScans;
using Server = testing_support::ServerProcess;

// An event stream read by libcurl on a thread of its own; the test waits (bounded) for what it expects.
class Stream {
 public:
    Stream(const std::string& url, const std::string& cookie) {
        thread_ = std::thread([this, url, cookie] {
            CURL* curl = curl_easy_init();
            curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
            curl_easy_setopt(curl, CURLOPT_COOKIE, cookie.c_str());
            curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Stream::Write);
            curl_easy_setopt(curl, CURLOPT_WRITEDATA, this);
            curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
            curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &Stream::Progress);
            curl_easy_setopt(curl, CURLOPT_XFERINFODATA, this);
            curl_easy_setopt(curl, CURLOPT_TIMEOUT, 120L);  // bounded, whatever happens
            curl_easy_perform(curl);
            curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status_);
            curl_easy_cleanup(curl);
            std::lock_guard lock(mutex_);
            ended_ = true;
            cv_.notify_all();
        });
    }
    ~Stream() {
        stop_ = true;
        thread_.join();
    }
    // True once the text received contains every needle (within 30 s).
    bool WaitFor(const std::vector<std::string>& needles) {
        std::unique_lock lock(mutex_);
        return cv_.wait_for(lock, std::chrono::seconds(30), [&] {
            return std::all_of(needles.begin(), needles.end(),
                               [&](const std::string& n) { return text_.find(n) != std::string::npos; });
        });
    }
    std::string Text() {
        std::lock_guard lock(mutex_);
        return text_;
    }

 private:
    static std::size_t Write(char* data, std::size_t size, std::size_t n, void* self) {
        auto* s = static_cast<Stream*>(self);
        std::lock_guard lock(s->mutex_);
        s->text_.append(data, size * n);
        s->cv_.notify_all();
        return size * n;
    }
    static int Progress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
        return static_cast<Stream*>(self)->stop_ ? 1 : 0;
    }
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::string text_;
    bool ended_ = false;
    long status_ = 0;
    std::atomic<bool> stop_{false};
};

// HAProxy in the foreground, as the test's child process.
class Balancer {
 public:
    Balancer(const fs::path& dir, const std::vector<int>& ports) : port_(FreeLoopbackPort()) {
        const auto config = dir / "haproxy.cfg";
        std::ofstream f(config);
        f << "global\n  maxconn 1024\n"
          << "defaults\n  mode http\n  timeout connect 2s\n  timeout client 60s\n  timeout server 60s\n"
          << "  timeout tunnel 1h\n  retries 3\n  option redispatch\n"
          << "frontend web\n  bind 127.0.0.1:" << port_ << "\n  default_backend app\n"
          << "backend app\n  balance roundrobin\n  option httpchk GET /healthz\n  http-check expect status 200\n"
          << "  default-server inter 200ms fall 2 rise 1\n";
        for (std::size_t i = 0; i < ports.size(); ++i)
            f << "  server s" << i << " 127.0.0.1:" << ports[i] << " check\n";
        f.close();
        const std::string binary = "/usr/sbin/haproxy", cfg = config.string();
        const char* argv[] = {binary.c_str(), "-db", "-q", "-f", cfg.c_str(), nullptr};
        EXPECT_EQ(posix_spawn(&pid_, argv[0], nullptr, nullptr, const_cast<char**>(argv), environ), 0);
        for (int i = 0; i < 400 && !Accepts(port_); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ~Balancer() {
        if (pid_ <= 0) return;
        kill(pid_, SIGKILL);
        int status = 0;
        waitpid(pid_, &status, 0);
    }
    std::string Base() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
    int port_;
    pid_t pid_ = 0;
};

class Cluster : public DbTest {
 protected:
    void SetUp() override {
        DbTest::SetUp();
        if (!fs::exists(Server::Binary())) GTEST_SKIP() << "no server binary beside this test binary";
        if (!fs::exists("/usr/sbin/haproxy")) GTEST_SKIP() << "haproxy is not installed (scripts/setup.sh)";
        demo::SeedDemo(*db_, {2, 40, "tadaima-demo"}, clock_);
        secret_file_ = (dir_ / "secret").string();
        std::ofstream(secret_file_) << testing_support::kTestSecret << "\n";
        // The servers' time: Wednesday 25 November 2026, 19:00:30 in Tokyo — site 1 closed at 19:00.
        clock_file_ = (dir_ / "clock").string();
        const auto target = common::TokyoInstant(*common::ParseDate("2026-11-25"), 19 * 60) + std::chrono::seconds(30);
        const auto offset = std::chrono::duration_cast<std::chrono::seconds>(target - std::chrono::system_clock::now());
        std::ofstream(clock_file_) << offset.count() << "\n";
        server_clock_ = std::make_unique<common::OffsetFileClock>(clock_file_);
        db_->Write([&](db::WriteTx& tx) {
            tx.Exec("UPDATE site SET repeat_scan_seconds = 0");
            tx.Exec(
                "INSERT INTO site_opening_hours (site_id, weekday, opens_at, closes_at, created_at) VALUES (1, 3, "
                "'08:00', '19:00', now()) ON CONFLICT (site_id, weekday) DO UPDATE SET opens_at = '08:00', "
                "closes_at = '19:00'");
            tx.Exec("DELETE FROM site_closure");
            auto k = attendance::CreateKiosk(tx, common::SiteId(1), "cluster", *server_clock_);
            kiosk_ = k.credential;
            for (const auto& r : tx.Query("SELECT child_id FROM child_placement WHERE site_id = 1 ORDER BY child_id")) {
                const auto child = r.Id<common::ChildId>(0);
                children_.push_back(child);
                cards_.push_back(attendance::CardPayload(testing_support::kTestSecret,
                                                         attendance::EnsureCard(tx, child, *server_clock_)));
            }
            const auto staff = tx.QueryOne("SELECT id FROM staff_user WHERE login_id = 'staff1'").Id<common::UserId>(0);
            cookie_ = "tadaima_session=" + auth::CreateSession(tx, staff, *server_clock_, {}).token;
        });
    }
    std::unique_ptr<Server> Start(const std::string& node, int port, int job_workers, const std::string& db = "") {
        auto s = std::make_unique<Server>(
            std::vector<std::string>{"TADAIMA_DB=" + (db.empty() ? url_ : db), "TADAIMA_SECRET_FILE=" + secret_file_,
                                     "TADAIMA_DATA_KEYS_FILE=" + (dir_ / "data.keys").string(),
                                     "TADAIMA_LISTEN=127.0.0.1:" + std::to_string(port), "TADAIMA_NODE_ID=" + node,
                                     "TADAIMA_JOB_WORKERS=" + std::to_string(job_workers),
                                     "TADAIMA_TEST_CLOCK_FILE=" + clock_file_,
                                     "TADAIMA_MAIL_DIR=" + (dir_ / "mail").string(), "TADAIMA_LOG_LEVEL=error"},
            port);
        s->Start();
        return s;
    }
    std::pair<long, std::string> Scan(const std::string& base, std::size_t nth, const std::string& scan_id,
                                      common::Instant at) {
        return testing_support::HttpRequest(base + "/api/v1/kiosk/scans",
                                            R"({"card":")" + cards_.at(nth) + R"(","scan_id":")" + scan_id +
                                                R"(","scanned_at":")" + common::FormatInstant(at) + R"("})",
                                            {"Content-Type: application/json", "Authorization: Bearer " + kiosk_});
    }
    std::int64_t Position() {
        return db_->Read([](db::ReadTx& tx) { return live::Position(tx, common::SiteId(1)); });
    }
    void ExpectNothingLost(const std::string& prefix, int n, class ResumingStream& roster);
    static std::string Url(int port) { return "http://127.0.0.1:" + std::to_string(port); }

    std::string secret_file_, clock_file_, kiosk_, cookie_;
    std::unique_ptr<common::OffsetFileClock> server_clock_;
    std::vector<common::ChildId> children_;
    std::vector<std::string> cards_;
};

TEST_P(Cluster, AStreamOnOneServerHearsAScanThroughAnotherAndAnAlertFromTheThirdsSweep) {
    const int pa = FreeLoopbackPort(), pb = FreeLoopbackPort(), pc = FreeLoopbackPort();
    // A and B answer requests only; C runs the jobs, the alert sweep among them.
    auto a = Start("a", pa, 0);
    auto b = Start("b", pb, 0);
    Stream roster(Url(pa) + "/sites/1/roster/events?after=" + std::to_string(Position()), cookie_);
    ASSERT_TRUE(roster.WaitFor({"retry: 2000"})) << roster.Text();
    const auto child = children_.at(0).ToString();
    const auto in_at = common::TokyoInstant(*common::ParseDate("2026-11-25"), 18 * 60 + 58);
    auto [status, body] = Scan(Url(pb), 0, "cluster-1", in_at);
    ASSERT_EQ(status, 201) << body;
    EXPECT_TRUE(roster.WaitFor({"event: state", "\"child\":" + child + ",\"state\":\"in\",\"in_at\":\"18:58\""}))
        << roster.Text();
    // Nobody has swept yet (A and B run no jobs): the alert comes from C, once it is up.
    EXPECT_EQ(roster.Text().find("event: alert"), std::string::npos);
    auto c = Start("c", pc, 1);
    EXPECT_TRUE(roster.WaitFor({"event: alert", "{\"child\":" + child + ",\"kind\":\"after_closing\"}"}))
        << roster.Text();
    const auto swept = db_->Read([](db::ReadTx& tx) {
        auto r = tx.QueryOptional(
            "SELECT claimed_by FROM job WHERE kind = 'alerts.sweep' AND claimed_by IS NOT NULL ORDER BY id LIMIT 1");
        return r ? r->OptText(0).value_or("") : std::string();
    });
    EXPECT_TRUE(swept.starts_with("c:")) << swept;
}

TEST_P(Cluster, BehindTheBalancerJobsRunOnceEachAndAStoppedServerIsTakenOut) {
    std::vector<int> ports{FreeLoopbackPort(), FreeLoopbackPort(), FreeLoopbackPort()};
    auto a = Start("a", ports[0], 2);
    auto b = Start("b", ports[1], 2);
    auto c = Start("c", ports[2], 2);
    Balancer lb(dir_, ports);
    // The family with an account (the seed's one registered family) hears of each entry and exit by mail.
    const auto family_child = db_->Read([](db::ReadTx& tx) {
        return tx
            .QueryOne("SELECT child_id FROM guardian_account_child WHERE ended_at IS NULL ORDER BY child_id LIMIT 1")
            .Id<common::ChildId>(0);
    });
    const auto nth =
        static_cast<std::size_t>(std::find(children_.begin(), children_.end(), family_child) - children_.begin());
    ASSERT_LT(nth, children_.size()) << "the registered family's child is not at site 1";
    // The balancer answers; with one server stopped, the health checks take it out and a request sent to it
    // meanwhile goes to another (a refused connection is retried): nothing fails.
    for (int i = 0; i < 6; ++i) {
        auto [status, body] = testing_support::HttpRequest(lb.Base() + "/healthz");
        EXPECT_EQ(status, 200) << body;
    }
    c->Kill();
    const auto first = common::TokyoInstant(*common::ParseDate("2026-11-25"), 16 * 60);
    for (int i = 0; i < 12; ++i) {
        auto [status, body] = Scan(lb.Base(), (nth + 1) % children_.size(), "after-kill-" + std::to_string(i),
                                   first + std::chrono::minutes(100 + i));
        EXPECT_EQ(status, 201) << "request " << i << ": " << body;
    }
    // Sixty scans of that child, alternately in and out, each a minute apart, all through A: sixty notices, whose
    // mails A and B send between them.
    for (int i = 0; i < 60; ++i) {
        auto [status, body] = Scan(Url(ports[0]), nth, "once-" + std::to_string(i), first + std::chrono::minutes(i));
        ASSERT_EQ(status, 201) << body;
    }
    // Every job planned ends done, each claimed once (one attempt), whichever server took it; one mail each.
    std::int64_t open = -1, jobs = 0;
    for (int spin = 0; spin < 600 && open != 0; ++spin) {
        auto counts = db_->Read([](db::ReadTx& tx) {
            return tx.QueryOne(
                "SELECT COUNT(*) FILTER (WHERE state IN ('queued', 'running')), COUNT(*) FROM job WHERE "
                "kind = 'notify.email'");
        });
        open = counts.Int(0);
        jobs = counts.Int(1);
        if (open != 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));  // bounded: 30 s at most
    }
    ASSERT_EQ(open, 0);
    ASSERT_GE(jobs, 60);
    auto by_worker = db_->Read([](db::ReadTx& tx) {
        return tx.Query(
            "SELECT split_part(claimed_by, ':', 1), COUNT(*), MAX(attempts) FROM job WHERE kind = "
            "'notify.email' AND state = 'done' GROUP BY 1");
    });
    std::int64_t done = 0;
    for (const auto& r : by_worker) {
        done += r.Int(1);
        EXPECT_EQ(r.Int(2), 1) << "a job of node " << r.Text(0) << " was attempted twice";
    }
    EXPECT_EQ(done, jobs);
    std::size_t mails = 0;
    std::set<std::string> ids;
    for (const auto& e : fs::directory_iterator(dir_ / "mail")) {
        if (e.path().extension() != ".eml") continue;
        ++mails;
        std::ifstream in(e.path());
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        ids.insert(testing_support::ParseMail(text).message_id);
    }
    EXPECT_GE(mails, static_cast<std::size_t>(jobs));  // and the alerts' mails beside them
    EXPECT_EQ(ids.size(), mails);
}

TEST_P(Cluster, AServerRefusesAPostgresqlThatCouldLoseAnAcknowledgedScan) {
    // The test cluster runs with fsync and full_page_writes off; without the tests' override the server says so.
    const auto out = testing_support::CommandOutput("TADAIMA_DB='" + url_ + "' TADAIMA_SECRET_FILE='" + secret_file_ +
                                                    "' TADAIMA_DB_DURABILITY=required " + Server::Binary().string() +
                                                    " serve 2>&1; echo \"exit $?\"");
    EXPECT_NE(out.find("refusing to serve"), std::string::npos) << out;
    EXPECT_NE(out.find("fsync is off"), std::string::npos) << out;
    EXPECT_NE(out.find("full_page_writes is off"), std::string::npos) << out;
    EXPECT_NE(out.find("exit 2"), std::string::npos) << out;
}

// A roster stream that reconnects (through the balancer, with Last-Event-ID) whenever its connection ends, as a
// browser's EventSource does, and keeps each child's last state and the last id it was sent.
class ResumingStream {
 public:
    ResumingStream(std::string url, std::string cookie) {
        thread_ = std::thread([this, url = std::move(url), cookie = std::move(cookie)] {
            for (int attempt = 0; attempt < 2000 && !stop_; ++attempt) {
                CURL* curl = curl_easy_init();
                curl_slist* headers = nullptr;
                std::string last;
                {
                    std::lock_guard lock(mutex_);
                    last = last_id_ ? std::to_string(*last_id_) : "";
                    pending_.clear();
                }
                if (!last.empty()) headers = curl_slist_append(headers, ("Last-Event-ID: " + last).c_str());
                curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
                curl_easy_setopt(curl, CURLOPT_COOKIE, cookie.c_str());
                curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
                curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &ResumingStream::Write);
                curl_easy_setopt(curl, CURLOPT_WRITEDATA, this);
                curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
                curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &ResumingStream::Progress);
                curl_easy_setopt(curl, CURLOPT_XFERINFODATA, this);
                curl_easy_setopt(curl, CURLOPT_TIMEOUT, 300L);
                curl_easy_perform(curl);
                curl_slist_free_all(headers);
                curl_easy_cleanup(curl);
                {
                    std::lock_guard lock(mutex_);
                    ++connections_;
                }
                if (!stop_) std::this_thread::sleep_for(std::chrono::milliseconds(50));  // EventSource's retry wait
            }
        });
    }
    ~ResumingStream() {
        stop_ = true;
        thread_.join();
    }
    // Waits (bounded) until the stream has been sent the id `id`; false if it was not within 60 s.
    bool WaitForId(std::int64_t id) {
        std::unique_lock lock(mutex_);
        return cv_.wait_for(lock, std::chrono::seconds(60), [&] { return last_id_ && *last_id_ >= id; });
    }
    std::map<std::int64_t, std::string> States() {
        std::lock_guard lock(mutex_);
        return states_;
    }
    int Connections() {
        std::lock_guard lock(mutex_);
        return connections_;
    }

 private:
    static std::size_t Write(char* data, std::size_t size, std::size_t n, void* self) {
        static_cast<ResumingStream*>(self)->Take(std::string_view(data, size * n));
        return size * n;
    }
    static int Progress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
        return static_cast<ResumingStream*>(self)->stop_ ? 1 : 0;
    }
    // Whole events only (separated by a blank line); a connection cut mid-event drops the half.
    void Take(std::string_view chunk) {
        std::lock_guard lock(mutex_);
        pending_.append(chunk);
        static const std::regex kChild(R"("child":(\d+))");
        for (std::size_t end; (end = pending_.find("\n\n")) != std::string::npos;) {
            const std::string event = pending_.substr(0, end);
            pending_.erase(0, end + 2);
            std::string name, data, id;
            std::istringstream lines(event);
            for (std::string line; std::getline(lines, line);) {
                if (line.starts_with("event: ")) name = line.substr(7);
                if (line.starts_with("data: ")) data = line.substr(6);
                if (line.starts_with("id: ")) id = line.substr(4);
            }
            std::smatch m;
            if (name == "state" && std::regex_search(data, m, kChild)) states_[std::stoll(m[1])] = data;
            if (!id.empty()) last_id_ = std::stoll(id);
        }
        cv_.notify_all();
    }
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::string pending_;
    std::map<std::int64_t, std::string> states_;
    std::optional<std::int64_t> last_id_;
    int connections_ = 0;
    std::atomic<bool> stop_{false};
};

// After scans named prefix-0…prefix-(n-1) were all acknowledged: each is recorded once, every notice job planned is
// done and none dead, every feed entry is numbered, and the roster stream was sent up to the site's last number with
// every child's state as the record has it.
void Cluster::ExpectNothingLost(const std::string& prefix, int n, ResumingStream& roster) {
    auto rows = db_->Read([&](db::ReadTx& tx) {
        return tx.QueryOne("SELECT COUNT(*), COUNT(DISTINCT scan_id) FROM attendance_event WHERE scan_id LIKE ?",
                           prefix + "-%");
    });
    EXPECT_EQ(rows.Int(0), n);
    EXPECT_EQ(rows.Int(1), n);
    std::int64_t open = -1;
    for (int spin = 0; spin < 1200 && open != 0; ++spin) {
        open = db_->Read([](db::ReadTx& tx) {
            return tx.QueryOne("SELECT COUNT(*) FROM job WHERE kind LIKE 'notify.%' AND state IN ('queued', 'running')")
                .Int(0);
        });
        if (open != 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));  // bounded: 60 s at most
    }
    EXPECT_EQ(open, 0);
    EXPECT_EQ(db_->Read([](db::ReadTx& tx) {
        return tx.QueryOne("SELECT COUNT(*) FROM job WHERE kind LIKE 'notify.%' AND state = 'dead'").Int(0);
    }),
              0);
    std::int64_t unnumbered = -1;
    for (int spin = 0; spin < 600 && unnumbered != 0; ++spin) {
        unnumbered = db_->Read(
            [](db::ReadTx& tx) { return tx.QueryOne("SELECT COUNT(*) FROM live_event WHERE seq IS NULL").Int(0); });
        if (unnumbered != 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));  // bounded: 30 s at most
    }
    ASSERT_EQ(unnumbered, 0);
    ASSERT_TRUE(roster.WaitForId(Position())) << "the stream was not sent the site's last number";
    const auto truth = db_->Read([&](db::ReadTx& tx) {
        return attendance::ReadStates(tx, common::SiteId(1), "2026-11-25",
                                      std::set<common::ChildId>(children_.begin(), children_.end()));
    });
    const auto seen = roster.States();
    for (const auto& [child, state] : truth) {
        auto it = seen.find(child.value);
        ASSERT_NE(it, seen.end()) << "child " << child.value << " never sent";
        EXPECT_EQ(it->second, state) << "child " << child.value;
    }
}

// Any one of the three SIGKILLed at random moments while 5,000 scans, each retried with its scan_id until
// acknowledged, go through the balancer: every acknowledged scan is recorded once, every job planned is done, and
// the roster stream (reconnecting through the balancer as a browser would) ends with every child's state as the
// record has it and the site's last number.
TEST_P(Cluster, AServerKilledAtRandomLosesNoScanNoJobAndNoEvent) {
    constexpr int kScans = 5000, kKills = 3;
    std::vector<int> ports{FreeLoopbackPort(), FreeLoopbackPort(), FreeLoopbackPort()};
    std::vector<std::unique_ptr<Server>> servers;
    for (int i = 0; i < 3; ++i) servers.push_back(Start("n" + std::to_string(i), ports[i], 1));
    Balancer lb(dir_, ports);
    ResumingStream roster(lb.Base() + "/sites/1/roster/events?after=" + std::to_string(Position()), cookie_);
    std::random_device rd;
    const unsigned seed = rd();
    std::mt19937 rng(seed);
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto start = common::TokyoInstant(*common::ParseDate("2026-11-25"), 8 * 60);
    // Each child's scans 9 seconds apart or more, all before the servers' "now".
    RetriedScans scans(kScans, 8, [&](int i) {
        return Scan(lb.Base(), static_cast<std::size_t>(i) % cards_.size(), "kill-" + std::to_string(i),
                    start + std::chrono::seconds(2) * i)
            .first;
    });
    std::vector<int> points;
    for (int k = 0; k < kKills; ++k) points.push_back(300 + static_cast<int>(rng() % (kScans - 600)));
    std::sort(points.begin(), points.end());
    std::vector<std::size_t> order{0, 1, 2};
    std::shuffle(order.begin(), order.end(), rng);
    for (std::size_t k = 0; k < points.size(); ++k) {
        scans.WaitForAcknowledged(static_cast<std::size_t>(points[k]));
        // Each server once, in a random order: the stream's server among them.
        auto& victim = servers[order[k]];
        victim->Kill();
        victim->Start();  // the same node: it puts back the jobs its killed run held
    }
    scans.Join();
    ASSERT_FALSE(scans.GaveUp());
    ASSERT_EQ(scans.Acknowledged().size(), static_cast<std::size_t>(kScans));
    ExpectNothingLost("kill", kScans, roster);
    EXPECT_GT(roster.Connections(), 0);  // it lost its server (each was killed once) and came back
}

// The database on a primary of the test's own, with a synchronous standby beside it that the test promotes.
class Failover : public Cluster {
 protected:
    testing_support::PostgresCluster& Postgres() override {
        if (!primary_) primary_ = std::make_unique<testing_support::PostgresCluster>();
        return *primary_;
    }
    std::unique_ptr<testing_support::PostgresCluster> primary_, standby_;
};

// The primary stopped (as by a power cut) at a random moment during 2,000 retried scans, and its synchronous
// standby promoted: the servers, given both hosts, find the new primary by themselves; every scan acknowledged
// before, during and after is there once, every job planned is done, and a roster stream whose server stayed up
// while its database moved ends at the site's last number with every child's state as the record has it.
TEST_P(Failover, APromotedStandbyHasEveryAcknowledgedScanAndTheServersCarryOn) {
    constexpr int kScans = 2000;
    standby_ = std::make_unique<testing_support::PostgresCluster>(*primary_, "standby1");
    // From here the primary acknowledges a commit once the standby has it.
    primary_->Set("synchronous_standby_names", "standby1");
    bool sync = false;
    for (int i = 0; i < 400 && !sync; ++i) {
        sync =
            primary_->Value("SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby1'") == "sync";
        if (!sync) std::this_thread::sleep_for(std::chrono::milliseconds(25));  // bounded: 10 s at most
    }
    ASSERT_TRUE(sync) << "the standby did not become synchronous";
    // What operations.md tells a city to give its servers: both hosts, and only the one that takes writes.
    const std::string both = "postgresql://postgres@127.0.0.1:" + std::to_string(primary_->Port()) +
                             ",127.0.0.1:" + std::to_string(standby_->Port()) + url_.substr(url_.rfind('/')) +
                             "?target_session_attrs=read-write";
    std::vector<int> ports{FreeLoopbackPort(), FreeLoopbackPort()};
    auto a = Start("a", ports[0], 1, both);
    auto b = Start("b", ports[1], 1, both);
    Balancer lb(dir_, ports);
    ResumingStream roster(Url(ports[0]) + "/sites/1/roster/events?after=" + std::to_string(Position()), cookie_);
    std::random_device rd;
    const unsigned seed = rd();
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto start = common::TokyoInstant(*common::ParseDate("2026-11-25"), 8 * 60);
    RetriedScans scans(kScans, 8, [&](int i) {
        return Scan(lb.Base(), static_cast<std::size_t>(i) % cards_.size(), "failover-" + std::to_string(i),
                    start + std::chrono::seconds(5) * i)
            .first;
    });
    const auto before = scans.WaitForAcknowledged(200 + seed % (kScans - 400));
    primary_->Stop();  // immediate: no checkpoint, connections cut
    standby_->Promote();
    scans.Join();
    ASSERT_FALSE(scans.GaveUp());
    ASSERT_EQ(scans.Acknowledged().size(), static_cast<std::size_t>(kScans));
    EXPECT_GT(before, 0u);
    EXPECT_LT(before, static_cast<std::size_t>(kScans)) << "the primary went away only after the last scan";
    EXPECT_TRUE(scans.AnyRetried()) << "no scan was refused: the failover went unnoticed";
    EXPECT_EQ(standby_->Value("SELECT pg_is_in_recovery()"), "f");
    // Every acknowledged scan once on the promoted standby; a job whose end was being written when the primary went
    // is written once the standby takes writes, and a claim whose answer was lost is given back.
    db_ = db::Database::Open({both, 4});
    ExpectNothingLost("failover", kScans, roster);
}

INSTANTIATE_TEST_SUITE_P(Db, Failover, ::testing::Values(db::Kind::kPostgresql), testing_support::KindName);

INSTANTIATE_TEST_SUITE_P(Db, Cluster, ::testing::Values(db::Kind::kPostgresql), testing_support::KindName);

}  // namespace

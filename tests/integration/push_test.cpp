// Web Push through a push service on loopback: a small HTTP server (the project's own) that checks the VAPID
// token as a push service would, decrypts each message with the subscription's private key, and answers 201,
// 429 with Retry-After, 500 or 410 as the test asks; and a socket that accepts nothing and never answers.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <mutex>
#include <thread>

#include "attendance/attendance.hpp"
#include "attendance/cards.hpp"
#include "attendance/kiosks.hpp"
#include "auth/passwords.hpp"
#include "common/base64.hpp"
#include "families/families.hpp"
#include "harness.hpp"
#include "http/server.hpp"
#include "jobs/jobs.hpp"
#include "notify/notify.hpp"
#include "push/push.hpp"

namespace {

using testing_support::AppTest;

struct Received {
    std::map<std::string, std::string> headers;
    std::optional<std::string> vapid_subject;
    std::optional<std::string> message;  // decrypted
};

class PushService final : public http::Application {
 public:
    PushService(const common::Clock& clock, push::KeyPair ua, std::string auth)
        : clock_(clock), ua_(std::move(ua)), auth_(std::move(auth)) {
        http::ServerOptions o;
        o.port = 0;
        o.worker_threads = 2;
        server_ = std::make_unique<http::Server>(o, *this);
        thread_ = std::thread([this] { server_->Run(); });
    }
    ~PushService() override {
        server_->Stop();
        thread_.join();
    }
    std::string Origin() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
    std::string Endpoint() const { return Origin() + "/push/phone-1"; }
    void Answer(int status, std::string retry_after = "") {
        std::lock_guard lock(mutex_);
        status_ = status;
        retry_after_ = std::move(retry_after);
    }
    std::vector<Received> Got() {
        std::lock_guard lock(mutex_);
        return received_;
    }
    http::Response Handle(http::Request& req) override {
        Received r;
        r.headers = req.headers;
        r.vapid_subject = push::VerifyVapid(req.Header("authorization"), Origin(), clock_.Now());
        r.message = push::Decrypt(req.body, ua_.private_key, auth_);
        std::lock_guard lock(mutex_);
        received_.push_back(r);
        // A push service refuses what it cannot authenticate.
        auto res = http::Response::Text("", r.vapid_subject && r.message ? status_ : 401);
        if (!retry_after_.empty()) res.SetHeader("Retry-After", retry_after_);
        return res;
    }
    http::Response HandleRefused(int status, http::Request&) override { return http::Response::Text("", status); }
    std::size_t BodyLimit(const http::Request&) override { return 1 << 20; }
    void Finish(const http::Request&, http::Response&, std::chrono::nanoseconds) override {}

 private:
    const common::Clock& clock_;
    push::KeyPair ua_;
    std::string auth_;
    std::mutex mutex_;
    int status_ = 201;
    std::string retry_after_;
    std::vector<Received> received_;
    std::unique_ptr<http::Server> server_;
    std::thread thread_;
};

// A listening socket nobody accepts from: connections complete in the backlog and wait for an answer that never
// comes.
class SilentService {
 public:
    SilentService() {
        fd_ = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
        listen(fd_, 16);
        socklen_t len = sizeof a;
        getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
    }
    ~SilentService() { close(fd_); }
    std::string Endpoint() const { return "http://127.0.0.1:" + std::to_string(port_) + "/push/silent"; }

 private:
    int fd_ = -1;
    int port_ = 0;
};

class Push : public AppTest {
 protected:
    void SetUp() override {
        AppTest::SetUp();
        config_.push_insecure_endpoints = true;
        config_.push_timeout_ms = 300;
        config_.vapid_subject = "mailto:ops@tadaima.test";
        SeedSmallCity(1, 6);
        child_ =
            common::ChildId(One("SELECT MIN(child_id) FROM child_placement WHERE child_id NOT IN (SELECT "
                                "child_id FROM guardian_account_child)"));
        database().Write([&](db::WriteTx& tx) {
            account_ = families::CreateConfirmedAccount(tx, "pushed@example.test", "Push Parent",
                                                        auth::HashPassword("a pushed family passphrase"), "en", clock_);
            families::LinkChild(tx, account_, child_, auth::FamilyRole::kFull, clock_);
        });
    }
    void Subscribe(const std::string& endpoint) {
        database().Write([&](db::WriteTx& tx) {
            ASSERT_EQ(push::Subscribe(tx, account_, endpoint, common::Base64UrlEncode(ua_.public_key),
                                      common::Base64UrlEncode(auth_), true, clock_),
                      std::nullopt);
        });
    }
    void PushOnly() {
        database().Write([&](db::WriteTx& tx) {
            notify::Preferences p;
            for (auto t : notify::kTopics) p.choices.push_back({t, false, true});
            notify::SavePreferences(tx, account_, p, clock_);
        });
    }
    void Entry() {
        database().Write([&](db::WriteTx& tx) {
            auto staff = common::UserId(tx.QueryOne("SELECT MIN(id) FROM staff_user").Int(0));
            attendance::RecordByStaff(
                tx, {child_, common::SiteId(1), attendance::Direction::kIn, clock_.Now(), staff, ""}, clock_);
        });
    }
    std::string PushState() { return Text("SELECT push_state FROM notification_recipient ORDER BY id DESC LIMIT 1"); }
    std::string EmailState() { return Text("SELECT email_state FROM notification_recipient ORDER BY id DESC LIMIT 1"); }
    common::ChildId child_;
    common::AccountId account_;
    push::KeyPair ua_ = push::GenerateKeyPair();
    std::string auth_ = *common::Base64UrlDecode("AAECAwQFBgcICQoLDA0ODw");
};

TEST_P(Push, APushReachesThePhoneEncryptedWithAValidVapidTokenAndItsHeaders) {
    PushService service(clock_, ua_, auth_);
    Subscribe(service.Endpoint());
    PushOnly();
    Entry();
    EXPECT_EQ(PushState(), "queued");
    EXPECT_EQ(EmailState(), "off") << "push is set up: no mail";
    EXPECT_EQ(RunJobs(), 1);
    auto got = service.Got();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].vapid_subject, std::optional<std::string>("mailto:ops@tadaima.test"));
    ASSERT_TRUE(got[0].message.has_value()) << "decrypts with the subscription's key";
    auto message = boost::json::parse(*got[0].message).as_object();
    EXPECT_NE(std::string(message.at("title").as_string()).find("arrived (10:00)"), std::string::npos);
    EXPECT_TRUE(std::string(message.at("url").as_string()).starts_with("/family/inbox/"));
    EXPECT_EQ(got[0].headers["ttl"], "7200");
    EXPECT_EQ(got[0].headers["urgency"], "normal");
    EXPECT_EQ(got[0].headers["topic"], "attendance-" + child_.ToString());
    EXPECT_EQ(got[0].headers["content-encoding"], "aes128gcm");
    EXPECT_EQ(PushState(), "sent");
    EXPECT_TRUE(Mails().empty());

    // An urgent notice: high urgency, kept a day, and mailed too.
    database().Write([&](db::WriteTx& tx) {
        notify::Notify(tx,
                       {notify::Kind::kAlert,
                        common::SiteId(1),
                        child_,
                        {{"alert", 1}, {"alert_kind", "not_arrived"}, {"date", "2026-11-22"}},
                        true},
                       clock_);
    });
    EXPECT_EQ(RunJobs(), 2);
    got = service.Got();
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[1].headers["urgency"], "high");
    EXPECT_EQ(got[1].headers["ttl"], "86400");
    EXPECT_EQ(Mails().size(), 1u);
}

TEST_P(Push, AGoneSubscriptionIsForgottenAndMailTakesOver) {
    PushService service(clock_, ua_, auth_);
    service.Answer(410);
    Subscribe(service.Endpoint());
    PushOnly();
    Entry();
    EXPECT_EQ(RunJobs(), 2) << "the push, then the mail it fell back to";
    EXPECT_EQ(service.Got().size(), 1u);
    EXPECT_EQ(One("SELECT COUNT(*) FROM push_subscription"), 0);
    EXPECT_EQ(PushState(), "failed");
    EXPECT_EQ(EmailState(), "sent");
    ASSERT_EQ(Mails().size(), 1u);
    // With no subscription left, the next notice goes by mail from the start.
    clock_.Advance(std::chrono::hours(1));
    Entry();
    EXPECT_EQ(PushState(), "off");
    EXPECT_EQ(EmailState(), "queued");
}

TEST_P(Push, TooManyRequestsWaitsForRetryAfterThenDelivers) {
    PushService service(clock_, ua_, auth_);
    service.Answer(429, "120");
    Subscribe(service.Endpoint());
    PushOnly();
    Entry();
    EXPECT_EQ(RunJobs(), 1);
    EXPECT_EQ(PushState(), "queued");
    service.Answer(201);
    clock_.Advance(std::chrono::seconds(119));
    EXPECT_EQ(RunJobs(), 0) << "not before Retry-After, though the backoff alone would allow it";
    clock_.Advance(std::chrono::seconds(1));
    EXPECT_EQ(RunJobs(), 1);
    EXPECT_EQ(PushState(), "sent");
    EXPECT_EQ(service.Got().size(), 2u);
    EXPECT_TRUE(Mails().empty());
}

TEST_P(Push, AFailingOrSilentServiceIsRetriedAndAfterTheLastAttemptMailIsSent) {
    PushService failing(clock_, ua_, auth_);
    failing.Answer(500);
    SilentService silent;
    Subscribe(failing.Endpoint());
    Subscribe(silent.Endpoint());
    PushOnly();
    Entry();
    // Five attempts, each after its backoff; each tries both phones.
    for (int attempt = 1; attempt <= 5; ++attempt) {
        EXPECT_EQ(RunJobs(), attempt == 5 ? 2 : 1) << "attempt " << attempt;
        if (attempt < 5) {
            EXPECT_EQ(PushState(), "queued");
            EXPECT_NE(Text("SELECT last_error FROM job WHERE kind = 'notify.push'"), "");
        }
        clock_.Advance(jobs::Backoff(attempt));
    }
    EXPECT_EQ(failing.Got().size(), 5u);
    EXPECT_EQ(PushState(), "failed");
    EXPECT_EQ(EmailState(), "sent");
    EXPECT_EQ(Mails().size(), 1u);
    EXPECT_EQ(One("SELECT COUNT(*) FROM push_subscription"), 2) << "errors are not a reason to forget a phone";
}

TEST_P(Push, AResendByStaffPushesToThePhoneAsWellAsMailing) {
    PushService service(clock_, ua_, auth_);
    service.Answer(201);
    Subscribe(service.Endpoint());
    PushOnly();
    Entry();
    // Neither channel reached them (as after both were down to their last attempt).
    database().Write([&](db::WriteTx& tx) {
        tx.Exec("UPDATE notification_recipient SET push_state = 'failed', email_state = 'off'");
        tx.Exec("DELETE FROM job");
    });
    auto id = common::NotificationId(One("SELECT MAX(id) FROM notification"));
    EXPECT_EQ(database().Write([&](db::WriteTx& tx) { return notify::Resend(tx, id, clock_); }), 1);
    EXPECT_EQ(PushState(), "queued");
    EXPECT_EQ(EmailState(), "queued");
    EXPECT_EQ(RunJobs(), 2);
    EXPECT_EQ(service.Got().size(), 1u);
    EXPECT_EQ(PushState(), "sent");
    EXPECT_EQ(EmailState(), "sent");
    EXPECT_EQ(Mails().size(), 1u);
}

TEST_P(Push, TheAppSubscribesOverHttpsOnlyWithUsableKeysAndUnsubscribes) {
    cookies_.clear();
    Get("/family/login");
    ASSERT_EQ(
        Post("/family/login", {{"email", "pushed@example.test"}, {"password", "a pushed family passphrase"}}).status,
        303);
    RunJobs();  // the job handlers make the server's VAPID key at start
    auto settings = Get("/family/settings");
    ASSERT_EQ(settings.status, 200);
    EXPECT_NE(settings.body.find("data-vapid-key=\"" + Text("SELECT public_key FROM server_key")), std::string::npos);
    std::string p256dh = common::Base64UrlEncode(ua_.public_key), auth = common::Base64UrlEncode(auth_);
    config_.push_insecure_endpoints = false;
    for (const char* inward : {"http://10.0.0.1/x", "https://10.0.0.1/x", "https://[::1]/x", "https://localhost/x",
                               "https://printer.local/x", "https://user@push.example.net/x", "ftp://push.example.net/x",
                               "http://127.0.0.1:9/x"}) {
        auto bad = Post("/family/push/subscribe", {{"endpoint", inward}, {"p256dh", p256dh}, {"auth", auth}});
        EXPECT_EQ(bad.status, 422) << inward;
        EXPECT_NE(bad.body.find("push address was not accepted"), std::string::npos) << bad.body;
    }
    auto keys = Post("/family/push/subscribe",
                     {{"endpoint", "https://push.example.net/a"}, {"p256dh", "BAAA"}, {"auth", auth}});
    EXPECT_EQ(keys.status, 422);
    EXPECT_EQ(One("SELECT COUNT(*) FROM push_subscription"), 0);
    EXPECT_EQ(
        Post("/family/push/subscribe", {{"endpoint", "https://push.example.net/a"}, {"p256dh", p256dh}, {"auth", auth}})
            .status,
        200);
    EXPECT_EQ(One("SELECT COUNT(*) FROM push_subscription WHERE account_id = " + account_.ToString()), 1);
    EXPECT_NE(Get("/family/settings").body.find("Phones receiving push: 1"), std::string::npos);
    EXPECT_EQ(Post("/family/push/unsubscribe", {{"endpoint", "https://push.example.net/a"}}).status, 200);
    EXPECT_EQ(One("SELECT COUNT(*) FROM push_subscription"), 0);
}

// At sending time the name is resolved and every answer checked: a name that resolves inward (DNS under someone
// else's control, or rebinding since the subscription was saved) is never posted to, and the subscription is
// forgotten. The resolver here is the test's own, as a hostile DNS server would answer.
TEST(PushSending, ANameThatResolvesToANonPublicAddressIsNeverPostedTo) {
    int asked = 0;
    std::vector<std::string> answer;
    auto resolver = [&](const std::string& host, const std::string& port) {
        ++asked;
        EXPECT_EQ(host, "push.example.net");
        EXPECT_EQ(port, "443");
        std::vector<push::IpAddress> out;
        for (const auto& a : answer) out.push_back(*push::ParseIpAddress(a));
        return out;
    };
    auto client = push::MakeCurlClient(std::chrono::milliseconds(2000), false, resolver);
    for (auto inward :
         std::vector<std::vector<std::string>>{{"127.0.0.1"},
                                               {"10.0.0.5"},
                                               {"169.254.169.254"},
                                               {"::1"},
                                               {"::ffff:127.0.0.1"},
                                               {"fd00::1"},
                                               {"8.8.8.8", "192.168.0.10"}}) {  // one bad answer is enough
        answer = inward;
        auto r = client->Post("https://push.example.net/send/phone", {}, "x");
        EXPECT_TRUE(r.forbidden) << inward.front();
        EXPECT_EQ(r.status, 0);
    }
    EXPECT_EQ(asked, 7);
    // An endpoint that fails the text check is not even resolved.
    auto r = client->Post("https://0x7f.1/send", {}, "x");
    EXPECT_TRUE(r.forbidden);
    EXPECT_EQ(asked, 7);
    // And a name that does not resolve is a failure to try again later, not a forbidden endpoint.
    answer.clear();
    r = client->Post("https://push.example.net/send/phone", {}, "x");
    EXPECT_FALSE(r.forbidden);
    EXPECT_EQ(r.status, 0);
}

INSTANTIATE_TEST_SUITE_P(Db, Push, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

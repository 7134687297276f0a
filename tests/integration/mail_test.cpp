// Mail through a real SMTP server on loopback (Debian's python3-aiosmtpd, writing a Maildir): the headers and
// encodings a phone's mail app needs, and an outage: mails due while the server is down are all delivered once it
// is back, none twice.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "harness.hpp"
#include "jobs/jobs.hpp"
#include "mail/mail.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using testing_support::Accepts;
using testing_support::DbTest;
using testing_support::Mail;
using testing_support::SmtpServer;

class SmtpMail : public DbTest {};

TEST_P(SmtpMail, AMailArrivesWithDateMessageIdAnEncodedSubjectAndAUtf8Body) {
    SmtpServer server(dir_ / "maildir");
    server.Start();
    auto transport = mail::MakeTransport({server.Url(), false, "", "ただいま <noreply@tadaima.test>"}, clock_);
    mail::Message m{"parent@example.test", "【tadaima】メールアドレスの確認 — 髙﨑①",
                    "山田 様\n\n次のリンクを開いてください。\nhttps://tadaima.test/register/confirm?t=1.x\n",
                    "mail.confirm_email.1@tadaima.test"};
    transport->Send(m);
    auto got = server.Received();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].to, "parent@example.test");
    EXPECT_EQ(got[0].subject, m.subject);
    EXPECT_EQ(got[0].message_id, "<mail.confirm_email.1@tadaima.test>");
    EXPECT_EQ(got[0].date, "Sun, 22 Nov 2026 10:00:00 +0900");
    EXPECT_NE(got[0].raw.find("Content-Type: text/plain; charset=UTF-8"), std::string::npos);
    EXPECT_EQ(got[0].body,
              "山田 様\r\n\r\n次のリンクを開いてください。\r\nhttps://tadaima.test/register/confirm?t=1.x\r\n");
    // Every line of the message stays within the 78 characters RFC 5322 asks for.
    std::istringstream lines(got[0].raw);
    for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 78u) << line;
}

// A city's relay that asks for STARTTLS and a login, with a certificate from the city's own CA.
TEST_P(SmtpMail, StartTlsAndALoginAreUsedAndAWrongPasswordAnUnknownCaOrPlainTextAreRefused) {
    testing_support::SmtpSecurity security{testing_support::SmtpSecurity::Mode::kStartTls, "tadaima", "relay pass/8:@"};
    SmtpServer server(dir_ / "maildir", security);
    server.Start();
    int n = 0;
    auto send = [&](const std::string& url, bool starttls, const std::string& ca) {
        auto transport = mail::MakeTransport({url, starttls, "", "ただいま <noreply@tadaima.test>", ca}, clock_);
        transport->Send({"parent@example.test", "【tadaima】入室しました", "本文\n",
                         "tls." + std::to_string(++n) + "@tadaima.test"});
    };
    send(server.Url(), true, server.CaFile());
    auto got = server.Received();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].subject, "【tadaima】入室しました");
    EXPECT_THROW(send(server.UrlWith("wrong"), true, server.CaFile()), std::runtime_error);
    EXPECT_THROW(send(server.Url(), true, ""), std::runtime_error) << "a certificate no trusted CA signed";
    EXPECT_THROW(send(server.Url(), false, server.CaFile()), std::runtime_error) << "without STARTTLS";
    EXPECT_EQ(server.Received().size(), 1u);
}

TEST_P(SmtpMail, ASmtpsServerIsSpokenToInTlsFromTheFirstByteWithALogin) {
    SmtpServer server(dir_ / "maildir", testing_support::SmtpSecurity{testing_support::SmtpSecurity::Mode::kTls,
                                                                      "tadaima", "another relay pass"});
    server.Start();
    EXPECT_EQ(server.Url().rfind("smtps://tadaima:another%20relay%20pass@127.0.0.1:", 0), 0u) << server.Url();
    auto transport =
        mail::MakeTransport({server.Url(), false, "", "ただいま <noreply@tadaima.test>", server.CaFile()}, clock_);
    transport->Send({"parent@example.test", "退室しました", "本文\n", "tls.1@tadaima.test"});
    ASSERT_EQ(server.Received().size(), 1u);
    EXPECT_EQ(server.Received()[0].message_id, "<tls.1@tadaima.test>");
    auto wrong = mail::MakeTransport(
        {server.UrlWith("wrong"), false, "", "ただいま <noreply@tadaima.test>", server.CaFile()}, clock_);
    EXPECT_THROW(wrong->Send({"parent@example.test", "退室しました", "本文\n", "tls.2@tadaima.test"}),
                 std::runtime_error);
    EXPECT_EQ(server.Received().size(), 1u);
}

TEST_P(SmtpMail, MailsDueDuringAnOutageAreAllDeliveredOnceTheServerIsBackAndNoneTwice) {
    SmtpServer server(dir_ / "maildir");
    const int n = 60;
    database().Write([&](db::WriteTx& tx) {
        for (int i = 0; i < n; ++i) jobs::Plan(tx, "test.mail", {{"n", i}}, clock_);
    });
    auto transport = mail::MakeTransport({server.Url(), false, "", "tadaima <noreply@tadaima.test>"}, clock_);
    jobs::Runner runner(database(), clock_, "w1");
    runner.Register("test.mail", [&](const jobs::Job& job) {
        transport->Send({"family" + std::to_string(job.payload.at("n").as_int64()) + "@example.test", "お知らせ",
                         "本文", "test.mail." + job.id.ToString() + "@tadaima.test"});
    });
    EXPECT_EQ(runner.RunDue(), n);  // every attempt fails: nobody listens
    auto counts = database().Read([](db::ReadTx& tx) { return jobs::CountJobs(tx); });
    EXPECT_EQ(counts.queued, n);
    server.Start();
    EXPECT_EQ(runner.RunDue(), 0) << "retries wait for their backoff";
    clock_.Advance(jobs::Backoff(1));
    EXPECT_EQ(runner.RunDue(), n);
    auto got = server.Received();
    ASSERT_EQ(got.size(), static_cast<std::size_t>(n));
    std::set<std::string> ids, recipients;
    for (const auto& m : got) {
        ids.insert(m.message_id);
        recipients.insert(m.to);
    }
    EXPECT_EQ(ids.size(), static_cast<std::size_t>(n));
    EXPECT_EQ(recipients.size(), static_cast<std::size_t>(n));
    clock_.Advance(std::chrono::hours(2));
    EXPECT_EQ(runner.RunDue(), 0);
    EXPECT_EQ(server.Received().size(), static_cast<std::size_t>(n));
}

INSTANTIATE_TEST_SUITE_P(Both, SmtpMail, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

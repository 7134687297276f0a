#pragma once
// Integration tests run every case twice: on a temporary SQLite file and on a throwaway PostgreSQL cluster that
// this harness starts itself (initdb in a temporary directory as the postgres user, a port below 32768).
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "app/app.hpp"
#include "app/metrics.hpp"
#include "common/clock.hpp"
#include "common/dates.hpp"
#include "db/database.hpp"
#include "live/feed.hpp"

namespace testing_support {

// The server secret of every test database (a server a test starts gets it in its secret file).
inline constexpr const char* kTestSecret = "integration-test-secret-0123456789abcdef";

// One PostgreSQL server for the whole test binary; each test gets a new database in it.
class PostgresCluster {
 public:
    static PostgresCluster& Instance();
    PostgresCluster();  // a private cluster, for tests that stop it
    // A streaming standby of `primary`, copied with pg_basebackup and connected as `name` (its application_name,
    // which the primary's synchronous_standby_names can list).
    PostgresCluster(const PostgresCluster& primary, const std::string& name);
    // A new, empty database; returns its URL.
    std::string CreateDatabase();
    std::string AdminUrl() const;
    int Port() const { return port_; }
    std::filesystem::path DataDir() const { return dir_ / "data"; }
    // ALTER SYSTEM SET name = 'value', then a reload.
    void Set(const std::string& name, const std::string& value);
    // The first column of the first row of a query on the postgres database ("" when no row).
    std::string Value(const std::string& sql) const;
    // A standby becomes a primary (pg_ctl promote, waiting until it accepts writes).
    void Promote();
    void Stop();
    // Started again after Stop, on the same port.
    void Restart();
    ~PostgresCluster();

 private:
    void Start(const std::filesystem::path& data, bool same_port = false);
    std::filesystem::path dir_;
    int port_ = 0;
    int counter_ = 0;
    bool running_ = false;
};

std::filesystem::path MakeTempDir(const std::string& prefix);

// What a command writes to standard output (its exit status checked by the caller through `status`).
std::string CommandOutput(const std::string& command, int* status = nullptr);
// A PDF's text through poppler's pdftotext (in reading order, -layout off), or "" when it cannot be read.
std::string PdfText(const std::string& pdf);
// A workbook read by an independent reader, python3-openpyxl: every sheet's name and rows (dates as ISO text),
// its frozen cell and page setup, as JSON text.
std::string WorkbookJson(const std::string& xlsx);

// A libcurl write (or header) callback that appends what arrives to the std::string its data pointer names.
std::size_t KeepBody(char* data, std::size_t size, std::size_t n, void* out);

// Sends something safe to resend (a scan with its scan_id) until it is acknowledged (200 or 201), as a kiosk does
// while a server restarts: bounded, 5 ms between attempts. Returns the status that ended it (200/201; a 4xx, which
// no resend changes; or the last after `max_attempts`) and how many attempts it took.
std::pair<long, int> UntilAcknowledged(const std::function<long()>& send, int max_attempts = 12000);

// One HTTP request with libcurl (a POST when `body` is given; at most 20 s): the status (0 when no answer came) and
// the body.
std::pair<long, std::string> HttpRequest(const std::string& url, const std::string& body = "",
                                         const std::vector<std::string>& headers = {});

// Scans 0…n-1 sent by `clients` threads, each scan retried until acknowledged (UntilAcknowledged), as kiosks do
// while servers die and come back: which are acknowledged so far, and whether any needed more than one try. A scan
// that is never acknowledged is a test failure and stops the clients.
class RetriedScans {
 public:
    using Send = std::function<long(int)>;  // sends scan i, returns the status
    RetriedScans(int n, int clients, Send send);
    ~RetriedScans() { Join(); }
    void Join();
    // Waits (bounded, two minutes) until `count` scans are acknowledged or a client gave up; how many are.
    std::size_t WaitForAcknowledged(std::size_t count);
    std::set<int> Acknowledged();
    bool GaveUp() const { return gave_up_; }
    bool AnyRetried() const { return retried_; }

 private:
    void Run();
    const int n_;
    Send send_;
    std::atomic<int> next_{0};
    std::atomic<bool> gave_up_{false}, retried_{false};
    std::mutex mutex_;
    std::condition_variable cv_;
    std::set<int> acked_;
    std::vector<std::thread> clients_;
};

// Whether something accepts TCP connections on 127.0.0.1:port now (a server the test started).
bool Accepts(int port);

// `tadaima serve` — the binary beside this test binary — as a process of its own with extra environment
// ("NAME=value"), ready once its port accepts connections (a bounded wait: the test fails after 10 s); killed with
// SIGKILL when the test is done with it.
class ServerProcess {
 public:
    ServerProcess(std::vector<std::string> env, int port) : env_(std::move(env)), port_(port) {}
    ~ServerProcess() { Kill(); }
    static std::filesystem::path Binary();
    void Start();
    void Signal(int signal);
    void Kill();

 private:
    std::vector<std::string> env_;
    int port_;
    int pid_ = 0;
};

// A loopback port below the ephemeral range that nothing is bound to now, for a server a test starts (tests run in
// several processes at once, so a port picked at random alone could be another process's server).
int FreeLoopbackPort();

// A mail as a test reads it: the header fields we check, decoded.
struct Mail {
    std::string to;
    std::string subject;  // RFC 2047 decoded
    std::string message_id;
    std::string date;
    std::string body;  // base64 decoded
    std::string raw;
};
Mail ParseMail(const std::string& raw);

// How a mail server guards itself: STARTTLS or TLS from the first byte, with a certificate of its own (made by the
// openssl command, its own CA) and AUTH for one login.
struct SmtpSecurity {
    enum class Mode { kStartTls, kTls } mode = Mode::kStartTls;
    std::string login, password;
};

// aiosmtpd (Debian's python3-aiosmtpd, started with /usr/bin/python3) on a loopback port, delivering into a
// Maildir; stopped and started again by outage tests.
class SmtpServer {
 public:
    explicit SmtpServer(std::filesystem::path maildir, std::optional<SmtpSecurity> security = std::nullopt);
    ~SmtpServer();
    void Start();
    void Stop();
    // smtp:// or, for TLS, smtps://, with the login and password (URL-encoded) when it asks for them.
    std::string Url() const { return UrlWith(security_ ? security_->password : ""); }
    std::string UrlWith(const std::string& password) const;
    // The PEM certificate it presents, to trust as a CA (empty without security).
    std::string CaFile() const { return security_ ? (maildir_ / "server-cert.pem").string() : ""; }
    std::vector<Mail> Received() const;

 private:
    std::filesystem::path maildir_;
    std::optional<SmtpSecurity> security_;
    int port_ = 0;
    int pid_ = 0;
};

// A fresh, migrated database of the given kind, with a fixed clock at 2026-11-22 10:00 Tokyo.
class DbTest : public ::testing::TestWithParam<db::Kind> {
 protected:
    void SetUp() override;
    void TearDown() override;
    // The PostgreSQL server that holds the test's database: the binary's shared one unless a test has its own.
    virtual PostgresCluster& Postgres() { return PostgresCluster::Instance(); }
    db::Database& database() { return *db_; }
    // The single integer or text a query answers (a count, an id).
    std::int64_t One(const std::string& sql);
    std::string Text(const std::string& sql);
    // What the queries answer, as text (a row a line, NULL for none), to compare a database before and after.
    std::string Dump(std::initializer_list<std::string> sqls);
    // `tadaima ARGS` as an operator runs it in this test's directory, against `db` (this test's database unless
    // given), with the test secret in a secret file: its exit status and standard output and error together.
    struct CommandRun {
        int status;
        std::string output;
    };
    CommandRun Tadaima(const std::string& args, const std::string& db = "");
    common::FixedClock clock_{*common::ParseInstant("2026-11-22T01:00:00.000Z")};
    std::unique_ptr<db::Database> db_;
    std::string url_;  // the database, as TADAIMA_DB would name it
    std::filesystem::path dir_;
};

std::string KindName(const ::testing::TestParamInfo<db::Kind>& info);

// The whole application over a DbTest database, driven through its router without sockets.
class AppTest : public DbTest {
 protected:
    void SetUp() override;
    void TearDown() override;

    struct Result {
        int status;
        std::string body;
        std::string location;
        http::Response raw;
    };
    // A browser-like client: keeps cookies, and fills in the CSRF token of the last page for forms.
    Result Get(const std::string& target);
    Result Post(const std::string& path, std::vector<std::pair<std::string, std::string>> form, bool with_csrf = true);
    // A JSON POST (an API call), with extra headers such as Authorization.
    Result PostJson(const std::string& path, const std::string& body,
                    const std::map<std::string, std::string>& headers = {});
    // A multipart form with one file field named "file", as a browser sends an upload.
    Result PostFile(const std::string& path, std::vector<std::pair<std::string, std::string>> form,
                    const std::string& filename, const std::string& data);
    // A multipart form with any number of files: (field name, file name, content) each.
    struct FilePart {
        std::string field, filename, data;
    };
    Result PostFiles(const std::string& path, std::vector<std::pair<std::string, std::string>> form,
                     const std::vector<FilePart>& files);
    // Signs in; where a second factor is asked for, sets it up or enters a code as an authenticator app would
    // (one code per 30-second step: the fixed clock moves on when a step's code was used). Returns the answer
    // to the password.
    Result SignIn(const std::string& login, const std::string& password);
    std::string TotpFor(const std::string& login);
    std::map<std::string, std::string> totp_secrets_;
    std::map<std::string, std::int64_t> last_steps_;
    // Demo city with the standard accounts (password "tadaima-demo").
    void SeedSmallCity(int sites = 3, int children = 30);
    std::int64_t AuditCount(const std::string& action);
    // Runs the due jobs as the server's worker would, with mail written as files (the SMTP transport itself is
    // tested against a real SMTP server in mail_test.cpp). Returns how many ran.
    int RunJobs();
    // Mails sent so far, oldest first; those to one address.
    std::vector<Mail> Mails();
    std::vector<Mail> MailsTo(const std::string& to);
    // Moves a child to another site from today, as the child's edit form does: its placement ends yesterday.
    void MoveChild(common::ChildId child, common::SiteId to);
    // A browser where `login` signed in and out again: its cookies, the device cookie that makes it trusted for the
    // account among them. The test's cookies are empty afterwards (another browser).
    std::map<std::string, std::string> BrowserThatSignedInBefore(const std::string& login);
    // Signs a guardian in on the family pages (staff cookies are dropped first).
    void SignInGuardian(const std::string& email, const std::string& password);
    // A nursery's notebook settings form as it stands (every item's choice, read from the page, which this also
    // opens for its CSRF token), to send with a part of it changed.
    std::vector<std::pair<std::string, std::string>> NotebookSettingsForm(int site);
    // The first http URL in a text, made local ("/register/confirm?t=…").
    static std::string LocalLink(const std::string& text);

    std::unique_ptr<web::Catalogue> catalogue_;
    std::unique_ptr<web::Templates> templates_;
    std::unique_ptr<web::Assets> assets_;
    std::unique_ptr<app::Metrics> metrics_;
    app::Config config_;
    // The live feed as the server runs it (its threads started); each request and RunJobs waits for it to settle,
    // so a stream holds what a commit sent before the test looks.
    std::unique_ptr<live::Feed> live_;
    std::unique_ptr<app::Services> services_;
    std::unique_ptr<app::App> app_;
    std::map<std::string, std::string> cookies_;
    std::string csrf_;

 private:
    Result Run(http::Request req);
};

}  // namespace testing_support

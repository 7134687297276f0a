#include "harness.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "app/job_handlers.hpp"
#include "attendance/live.hpp"
#include "auth/audit.hpp"
#include "children/children.hpp"
#include "families/mails.hpp"
#include "http/message.hpp"
#include "jobs/jobs.hpp"
#include "mail/mail.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <regex>

#include "auth/totp.hpp"
#include "db/migrate.hpp"
#include "demo/seed.hpp"

extern char** environ;

namespace testing_support {
namespace fs = std::filesystem;

fs::path MakeTempDir(const std::string& prefix) {
    std::string templ = (fs::temp_directory_path() / (prefix + "XXXXXX")).string();
    char* made = mkdtemp(templ.data());
    if (!made) throw std::runtime_error("mkdtemp failed");
    return fs::path(made);
}

std::string CommandOutput(const std::string& command, int* status) {
    std::string out;
    FILE* p = popen(command.c_str(), "r");
    if (!p) throw std::runtime_error("popen failed");
    char buf[4096];
    for (std::size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    int rc = pclose(p);
    if (status) *status = rc;
    return out;
}

namespace {

// The bytes in a private temporary file for a reader that takes a path; removed after.
std::string ThroughFile(const std::string& bytes, const std::string& suffix,
                        const std::function<std::string(const std::string&)>& read) {
    auto dir = MakeTempDir("tadaima-read-");
    auto path = (dir / ("file" + suffix)).string();
    std::ofstream(path, std::ios::binary) << bytes;
    std::string out = read(path);
    fs::remove_all(dir);
    return out;
}

}  // namespace

std::string PdfText(const std::string& pdf) {
    return ThroughFile(pdf, ".pdf", [](const std::string& path) {
        int rc = 0;
        auto text = CommandOutput("pdftotext -enc UTF-8 " + path + " - 2>/dev/null", &rc);
        return rc == 0 ? text : std::string();
    });
}

std::string WorkbookJson(const std::string& xlsx) {
    static const char* kScript =
        "import json, sys, openpyxl\n"
        "wb = openpyxl.load_workbook(sys.argv[1])\n"
        "def value(v): return v.isoformat() if hasattr(v, 'isoformat') else v\n"
        "out = {'sheets': []}\n"
        "for ws in wb.worksheets:\n"
        "    out['sheets'].append({'name': ws.title, 'freeze': ws.freeze_panes, "
        "'orientation': ws.page_setup.orientation, 'paper': ws.page_setup.paperSize, "
        "'rows': [[value(c.value) for c in r] for r in ws.iter_rows()]})\n"
        "print(json.dumps(out))\n";
    return ThroughFile(xlsx, ".xlsx", [](const std::string& path) {
        return CommandOutput("/usr/bin/python3 -c \"" + std::string(kScript) + "\" " + path);
    });
}

namespace {

fs::path PostgresBin() {
    fs::path best;
    for (const auto& e : fs::directory_iterator("/usr/lib/postgresql")) {
        if (fs::exists(e.path() / "bin" / "initdb") && e.path() > best) best = e.path();
    }
    if (best.empty())
        throw std::runtime_error("PostgreSQL server binaries are not installed (apt-get install postgresql)");
    return best / "bin";
}

// Runs a command, as the postgres user when we are root (initdb and postgres refuse to run as root).
int RunAsPostgres(const std::string& command) {
    std::string full = geteuid() == 0 ? "runuser -u postgres -- " + command : command;
    return std::system(full.c_str());
}

// Runs one statement on the test cluster; the first column of its first row ("" when none).
std::string ExecAdmin(const std::string& url, const std::string& sql) {
    PGconn* c = PQconnectdb(url.c_str());
    if (PQstatus(c) != CONNECTION_OK) {
        std::string msg = PQerrorMessage(c);
        PQfinish(c);
        throw std::runtime_error("cannot connect to the test cluster: " + msg);
    }
    PGresult* r = PQexec(c, sql.c_str());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    std::string out = ok && PQntuples(r) > 0 && PQnfields(r) > 0 ? PQgetvalue(r, 0, 0) : "";
    std::string msg = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(c);
    if (!ok) throw std::runtime_error("test cluster: " + msg);
    return out;
}

// A directory the postgres user may write (initdb and postgres refuse to run as root).
fs::path PostgresDir(const std::string& prefix) {
    auto dir = MakeTempDir(prefix);
    fs::permissions(dir, fs::perms::all);
    if (geteuid() == 0) std::system(("chown postgres:postgres " + dir.string()).c_str());
    return dir;
}

}  // namespace

PostgresCluster& PostgresCluster::Instance() {
    static PostgresCluster cluster;
    return cluster;
}

PostgresCluster::PostgresCluster() {
    auto bin = PostgresBin();
    dir_ = PostgresDir("tadaima-pg-");
    auto data = dir_ / "data";
    if (RunAsPostgres(bin.string() + "/initdb -D " + data.string() + " -U postgres --auth=trust -E UTF8 --no-locale >" +
                      (dir_ / "initdb.log").string() + " 2>&1") != 0) {
        throw std::runtime_error("initdb failed; see " + (dir_ / "initdb.log").string());
    }
    Start(data);
}

PostgresCluster::PostgresCluster(const PostgresCluster& primary, const std::string& name) {
    auto bin = PostgresBin();
    dir_ = PostgresDir("tadaima-pg-standby-");
    auto data = dir_ / "data";
    // -R writes standby.signal and primary_conninfo; the line added after it names the standby to the primary.
    if (RunAsPostgres(bin.string() + "/pg_basebackup -D " + data.string() + " -h 127.0.0.1 -p " +
                      std::to_string(primary.port_) + " -U postgres -X stream -c fast -R >" +
                      (dir_ / "basebackup.log").string() + " 2>&1") != 0) {
        throw std::runtime_error("pg_basebackup failed; see " + (dir_ / "basebackup.log").string());
    }
    std::ofstream(data / "postgresql.auto.conf", std::ios::app)
        << "primary_conninfo = 'host=127.0.0.1 port=" << primary.port_ << " user=postgres application_name=" << name
        << "'\n";
    Start(data);
}

void PostgresCluster::Start(const fs::path& data, bool same_port) {
    auto bin = PostgresBin();
    for (int attempt = 0; attempt < 8 && !running_; ++attempt) {
        if (!same_port) port_ = FreeLoopbackPort();
        std::string cmd = bin.string() + "/pg_ctl -D " + data.string() + " -l " + (dir_ / "server.log").string() +
                          " -w -t 30 -o \"-p " + std::to_string(port_) + " -k " + dir_.string() +
                          " -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
                          " -c max_connections=200\" start >/dev/null 2>&1";
        running_ = RunAsPostgres(cmd) == 0;
    }
    if (!running_) throw std::runtime_error("could not start PostgreSQL; see " + (dir_ / "server.log").string());
}

void PostgresCluster::Restart() {
    if (!running_) Start(DataDir(), true);
}

void PostgresCluster::Set(const std::string& name, const std::string& value) {
    ExecAdmin(AdminUrl(), "ALTER SYSTEM SET " + name + " = '" + value + "'");
    ExecAdmin(AdminUrl(), "SELECT pg_reload_conf()");
}

std::string PostgresCluster::Value(const std::string& sql) const { return ExecAdmin(AdminUrl(), sql); }

void PostgresCluster::Promote() {
    if (RunAsPostgres(PostgresBin().string() + "/pg_ctl -D " + DataDir().string() +
                      " -w -t 30 promote >/dev/null 2>&1") != 0)
        throw std::runtime_error("pg_ctl promote failed; see " + (dir_ / "server.log").string());
}

PostgresCluster::~PostgresCluster() {
    Stop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

void PostgresCluster::Stop() {
    if (!running_) return;
    RunAsPostgres(PostgresBin().string() + "/pg_ctl -D " + (dir_ / "data").string() +
                  " -m immediate -w stop >/dev/null 2>&1");
    running_ = false;
}

std::string PostgresCluster::AdminUrl() const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/postgres";
}

std::string PostgresCluster::CreateDatabase() {
    std::string name = "t" + std::to_string(getpid()) + "_" + std::to_string(++counter_);
    ExecAdmin(AdminUrl(), "CREATE DATABASE " + name);
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + name;
}

void DbTest::SetUp() {
    dir_ = MakeTempDir("tadaima-test-");  // per test, on both databases (files the test writes: mails, PDFs)
    url_ = GetParam() == db::Kind::kSqlite ? (dir_ / "test.db").string() : Postgres().CreateDatabase();
    db_ = db::Database::Open({url_, 4});
    // The trail's key comes from the tests' server secret, as a server's does from its own.
    auth::InstallAuditKey(auth::AuditKeyFromSecret(kTestSecret));
    db::Migrate(*db_, [](db::WriteTx& tx, int version) {
        if (version == 16) auth::KeyAuditChain(tx);
    });
}

void DbTest::TearDown() {
    db_.reset();
    if (!dir_.empty()) {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
}

namespace {
sockaddr_in Loopback(int port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    return addr;
}
}  // namespace

bool Accepts(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    auto addr = Loopback(port);
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    return ok;
}

std::filesystem::path ServerProcess::Binary() {
    return std::filesystem::read_symlink("/proc/self/exe").parent_path() / "tadaima";
}

void ServerProcess::Start() {
    std::string binary = Binary().string();
    const char* argv[] = {binary.c_str(), "serve", nullptr};
    std::vector<std::string> all;
    for (char** e = environ; *e; ++e) all.emplace_back(*e);
    // getenv finds the first: the test's own settings go first.
    std::vector<std::string> ordered(env_.begin(), env_.end());
    // The tests' PostgreSQL runs without fsync (a throwaway cluster): the server is told so, unless a test says.
    if (std::none_of(env_.begin(), env_.end(),
                     [](const std::string& e) { return e.starts_with("TADAIMA_DB_DURABILITY="); }))
        ordered.emplace_back("TADAIMA_DB_DURABILITY=unchecked");
    all.insert(all.begin(), ordered.begin(), ordered.end());
    std::vector<char*> envp;
    for (auto& e : all) envp.push_back(e.data());
    envp.push_back(nullptr);
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, argv[0], nullptr, nullptr, const_cast<char**>(argv), envp.data()), 0);
    pid_ = pid;
    // Bounded: ready when it accepts connections, or the test fails. A minute: the sanitizer build, four test
    // processes and the cluster tests' servers share two cores (10 s was once too short there).
    for (int i = 0; i < 2400 && !Accepts(port_); ++i) {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = 0;
            FAIL() << "the server exited while starting (status " << status << ")";
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ASSERT_TRUE(Accepts(port_)) << "the server did not start within a minute";
}

void ServerProcess::Signal(int signal) {
    if (pid_ > 0) kill(pid_, signal);
}

void ServerProcess::Kill() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = 0;
}

std::pair<long, int> UntilAcknowledged(const std::function<long()>& send, int max_attempts) {
    long status = 0;
    int attempt = 0;
    while (++attempt <= max_attempts) {
        status = send();
        if (status == 200 || status == 201 || (status >= 400 && status < 500)) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the server is restarting
    }
    return {status, attempt};
}

std::pair<long, std::string> HttpRequest(const std::string& url, const std::string& body,
                                         const std::vector<std::string>& headers) {
    CURL* curl = curl_easy_init();
    std::string out;
    curl_slist* list = nullptr;
    for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, KeepBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
    if (!body.empty()) curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    long status = 0;
    if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(list);
    curl_easy_cleanup(curl);
    return {status, out};
}

RetriedScans::RetriedScans(int n, int clients, Send send) : n_(n), send_(std::move(send)) {
    for (int c = 0; c < clients; ++c) clients_.emplace_back([this] { Run(); });
}

void RetriedScans::Join() {
    for (auto& t : clients_)
        if (t.joinable()) t.join();
}

std::size_t RetriedScans::WaitForAcknowledged(std::size_t count) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, std::chrono::seconds(120), [&] { return acked_.size() >= count || gave_up_; });
    return acked_.size();
}

std::set<int> RetriedScans::Acknowledged() {
    std::lock_guard lock(mutex_);
    return acked_;
}

void RetriedScans::Run() {
    for (int i; (i = next_++) < n_ && !gave_up_;) {
        const auto [status, attempts] = UntilAcknowledged([&] { return send_(i); });
        if (attempts > 1) retried_ = true;
        std::lock_guard lock(mutex_);
        if (status == 200 || status == 201) {
            acked_.insert(i);
        } else {
            ADD_FAILURE() << "scan " << i << " answered " << status << " after " << attempts << " attempts";
            gave_up_ = true;
        }
        cv_.notify_all();
    }
}

int FreeLoopbackPort() {
    std::mt19937 rng(static_cast<unsigned>(getpid()) ^ static_cast<unsigned>(std::random_device{}()));
    for (int attempt = 0; attempt < 200; ++attempt) {
        int port = 20000 + static_cast<int>(rng() % 12000);
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        auto addr = Loopback(port);
        bool free = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        close(fd);
        if (free) return port;
    }
    throw std::runtime_error("no free loopback port found");
}

namespace {
// Runs a program to its end; true when it exited with 0.
bool RunToEnd(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return false;
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// aiosmtpd with a certificate and AUTH for one login (its command line has neither): argv port, maildir, mode,
// certificate, key, login, password. Stopped by SIGTERM.
constexpr const char* kSecureSmtp = R"(
import ssl, sys, threading
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword
port, maildir, mode, cert, key, login, password = sys.argv[1:8]
def check(server, session, envelope, mechanism, data):
    ok = isinstance(data, LoginPassword) and data.login.decode() == login and data.password.decode() == password
    return AuthResult(success=ok, handled=False)
tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
tls.load_cert_chain(cert, key)
options = dict(hostname="127.0.0.1", port=int(port), authenticator=check, auth_required=True)
if mode == "starttls":
    server = Controller(Mailbox(maildir), tls_context=tls, require_starttls=True, auth_require_tls=True, **options)
else:
    # TLS from the first byte (aiosmtpd would not know it and keep AUTH back for STARTTLS)
    server = Controller(Mailbox(maildir), ssl_context=tls, auth_require_tls=False, **options)
server.start()
threading.Event().wait()
)";
}  // namespace

SmtpServer::SmtpServer(std::filesystem::path maildir, std::optional<SmtpSecurity> security)
    : maildir_(std::move(maildir)), security_(std::move(security)) {
    for (const char* sub : {"cur", "new", "tmp"}) std::filesystem::create_directories(maildir_ / sub);
    port_ = FreeLoopbackPort();
    if (security_ && !RunToEnd({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                "-nodes", "-keyout", (maildir_ / "server-key.pem").string(), "-out", CaFile(), "-days",
                                "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"})) {
        throw std::runtime_error("openssl could not make the test mail server's certificate");
    }
}

SmtpServer::~SmtpServer() { Stop(); }

void SmtpServer::Start() {
    const std::string dir = maildir_.string();
    std::vector<std::string> args{
        "/usr/bin/python3",          "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + std::to_string(port_), "-c",
        "aiosmtpd.handlers.Mailbox", dir};
    if (security_) {
        args = {"/usr/bin/python3",
                "-c",
                kSecureSmtp,
                std::to_string(port_),
                dir,
                security_->mode == SmtpSecurity::Mode::kStartTls ? "starttls" : "tls",
                CaFile(),
                (maildir_ / "server-key.pem").string(),
                security_->login,
                security_->password};
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    // Its log (a refused handshake is a traceback there) goes beside the Maildir, not into the test's output.
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, (maildir_ / "server.log").c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0644);
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ASSERT_EQ(spawned, 0);
    pid_ = pid;
    // Bounded: ready when it accepts connections, or the test fails.
    for (int i = 0; i < 400 && !Accepts(port_); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    ASSERT_TRUE(Accepts(port_)) << "aiosmtpd did not start";
}

void SmtpServer::Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = 0;
}

std::string SmtpServer::UrlWith(const std::string& password) const {
    const std::string where = "127.0.0.1:" + std::to_string(port_);
    if (!security_) return "smtp://" + where;
    return std::string(security_->mode == SmtpSecurity::Mode::kTls ? "smtps://" : "smtp://") +
           http::UrlEncode(security_->login) + ":" + http::UrlEncode(password) + "@" + where;
}

std::vector<Mail> SmtpServer::Received() const {
    std::vector<Mail> out;
    for (const auto& e : std::filesystem::directory_iterator(maildir_ / "new")) {
        std::ifstream in(e.path(), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        out.push_back(ParseMail(ss.str()));
    }
    return out;
}

std::string KindName(const ::testing::TestParamInfo<db::Kind>& info) {
    return info.param == db::Kind::kSqlite ? "sqlite" : "postgresql";
}

void AppTest::SetUp() {
    DbTest::SetUp();
    catalogue_ = std::make_unique<web::Catalogue>();
    templates_ = std::make_unique<web::Templates>();
    assets_ = std::make_unique<web::Assets>();
    metrics_ = std::make_unique<app::Metrics>();
    config_.secret = kTestSecret;
    config_.data_keys_file = (dir_ / "data.keys").string();  // where a command run by Tadaima() finds it too
    config_.data_keys = auth::DataKeysForDatabase(config_.data_keys_file, *db_);
    config_.public_url = "http://tadaima.test";
    services_ = std::make_unique<app::Services>(
        app::Services{*db_, clock_, *catalogue_, *templates_, *assets_, config_, *metrics_, {}, {}});
    live_ = std::make_unique<live::Feed>(*db_, attendance::ReadStates);
    // Polled only when a test says (Poll): what a test sees comes from the commits it makes, never from a timer.
    live_->Start(std::chrono::hours(1));
    services_->live = live_.get();
    app_ = std::make_unique<app::App>(*services_, *metrics_);
}

void AppTest::TearDown() {
    app_.reset();
    services_.reset();
    live_.reset();
    DbTest::TearDown();
}

AppTest::Result AppTest::Run(http::Request req) {
    req.remote_address = "127.0.0.1";
    req.request_id = "test";
    std::string cookie;
    for (const auto& [k, v] : cookies_) cookie += (cookie.empty() ? "" : "; ") + k + "=" + v;
    if (!cookie.empty()) req.headers["cookie"] = cookie;
    auto res = app_->Handle(req);
    app_->Finish(req, res, std::chrono::nanoseconds(1000));
    live_->Settle();
    for (const auto& c : res.cookies) {
        if (c.max_age_seconds == 0) {
            cookies_.erase(c.name);
        } else {
            cookies_[c.name] = c.value;
        }
    }
    static const std::regex kCsrf(R"re(name="_csrf" value="([0-9a-f]+)")re");
    std::smatch m;
    if (std::regex_search(res.body, m, kCsrf)) csrf_ = m[1];
    Result r{res.status, res.body, "", res};
    for (const auto& [k, v] : res.headers) {
        if (k == "Location") r.location = v;
    }
    return r;
}

AppTest::Result AppTest::Get(const std::string& target) {
    http::Request req;
    req.method = "GET";
    auto q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) req.query = *http::ParseUrlEncoded(target.substr(q + 1));
    return Run(std::move(req));
}

AppTest::Result AppTest::Post(const std::string& path, std::vector<std::pair<std::string, std::string>> form,
                              bool with_csrf) {
    http::Request req;
    req.method = "POST";
    req.path = path;
    req.headers["content-type"] = "application/x-www-form-urlencoded";
    if (with_csrf) form.emplace_back("_csrf", csrf_);
    for (const auto& [k, v] : form) req.body += http::UrlEncode(k) + "=" + http::UrlEncode(v) + "&";
    return Run(std::move(req));
}

AppTest::Result AppTest::PostJson(const std::string& path, const std::string& body,
                                  const std::map<std::string, std::string>& headers) {
    http::Request req;
    req.method = "POST";
    req.path = path;
    req.headers["content-type"] = "application/json";
    req.headers["accept"] = "application/json";
    for (const auto& [k, v] : headers) req.headers[k] = v;
    req.body = body;
    return Run(std::move(req));
}

AppTest::Result AppTest::PostFile(const std::string& path, std::vector<std::pair<std::string, std::string>> form,
                                  const std::string& filename, const std::string& data) {
    return PostFiles(path, std::move(form), {{"file", filename, data}});
}

AppTest::Result AppTest::PostFiles(const std::string& path, std::vector<std::pair<std::string, std::string>> form,
                                   const std::vector<FilePart>& files) {
    const std::string boundary = "----tadaimatestboundary7MA4YWxk";
    http::Request req;
    req.method = "POST";
    req.path = path;
    req.headers["content-type"] = "multipart/form-data; boundary=" + boundary;
    form.emplace_back("_csrf", csrf_);
    for (const auto& [k, v] : form) {
        req.body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" + v + "\r\n";
    }
    for (const auto& f : files) {
        req.body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.field + "\"; filename=\"" +
                    f.filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + f.data + "\r\n";
    }
    req.body += "--" + boundary + "--\r\n";
    return Run(std::move(req));
}

AppTest::Result AppTest::SignIn(const std::string& login, const std::string& password) {
    Get("/login");
    auto r = Post("/login", {{"login_id", login}, {"password", password}});
    if (r.status != 303 || !r.location.starts_with("/mfa")) return r;
    auto page = Get(r.location);
    if (page.status == 303) page = Get(page.location);
    static const std::regex kSecret(R"re(data-qa="totp-secret">([A-Z2-7 ]+)<)re");
    std::smatch m;
    if (std::regex_search(page.body, m, kSecret)) {
        std::string secret = m[1];
        std::erase(secret, ' ');
        totp_secrets_[login] = secret;
        Post("/mfa/setup", {{"code", TotpFor(login)}, {"next", "/"}});
    } else {
        Post("/mfa", {{"code", TotpFor(login)}, {"next", "/"}});
    }
    return r;
}

std::string AppTest::TotpFor(const std::string& login) {
    auto key = auth::Base32Decode(totp_secrets_.at(login));
    auto step = auth::TotpStep(clock_.Now());
    if (step <= last_steps_[login]) {
        clock_.Advance(std::chrono::seconds(30));
        step = auth::TotpStep(clock_.Now());
    }
    last_steps_[login] = step;
    return auth::TotpCode(*key, step);
}

std::string DbTest::Dump(std::initializer_list<std::string> sqls) {
    return db_->Read([&](db::ReadTx& tx) {
        std::string out;
        for (const auto& sql : sqls) {
            for (const auto& r : tx.Query(sql)) {
                for (std::size_t i = 0; i < r.size(); ++i) out += r.OptText(i).value_or("NULL") + "|";
                out += "\n";
            }
        }
        return out;
    });
}

std::int64_t DbTest::One(const std::string& sql) {
    return database().Read([&](db::ReadTx& tx) { return tx.QueryOne(sql).Int(0); });
}

std::string DbTest::Text(const std::string& sql) {
    return database().Read([&](db::ReadTx& tx) { return tx.QueryOne(sql).Text(0); });
}

std::size_t KeepBody(char* data, std::size_t size, std::size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
}

DbTest::CommandRun DbTest::Tadaima(const std::string& args, const std::string& db) {
    const std::string secret = (dir_ / "secret").string();
    if (!fs::exists(secret)) std::ofstream(secret) << kTestSecret << "\n";
    int status = 0;
    auto out = CommandOutput("cd '" + dir_.string() + "' && TADAIMA_LOG_LEVEL=error TADAIMA_DB='" +
                                 (db.empty() ? url_ : db) + "' TADAIMA_SECRET_FILE='" + secret + "' '" +
                                 ServerProcess::Binary().string() + "' " + args + " 2>&1",
                             &status);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::vector<Mail> AppTest::MailsTo(const std::string& to) {
    std::vector<Mail> out;
    for (auto& m : Mails()) {
        if (m.to == to) out.push_back(std::move(m));
    }
    return out;
}

void AppTest::MoveChild(common::ChildId child, common::SiteId to) {
    database().Write([&](db::WriteTx& tx) {
        const auto today = common::TokyoDate(clock_.Now());
        auto in = children::GetChild(tx, child, today)->fields;
        in.site_id = to;
        in.group_ids.clear();
        in.start_date = common::FormatDate(today);
        children::UpdateChild(tx, child, in, clock_);
    });
}

std::map<std::string, std::string> AppTest::BrowserThatSignedInBefore(const std::string& login) {
    cookies_.clear();
    SignIn(login, "tadaima-demo");
    Get("/");
    EXPECT_EQ(Post("/logout", {}).status, 303) << login;
    auto browser = cookies_;
    cookies_.clear();
    return browser;
}

std::vector<std::pair<std::string, std::string>> AppTest::NotebookSettingsForm(int site) {
    auto page = Get("/sites/" + std::to_string(site) + "/notebook/settings");
    std::vector<std::pair<std::string, std::string>> form;
    static const std::regex select(R"re(<select id="[^"]+" name="([^"]+)"><option value="required"( selected)?>)re");
    for (auto it = std::sregex_iterator(page.body.begin(), page.body.end(), select); it != std::sregex_iterator(); ++it)
        form.emplace_back((*it)[1], (*it)[2].matched ? "required" : "shown");
    return form;
}

void AppTest::SignInGuardian(const std::string& email, const std::string& password) {
    cookies_.clear();
    Get("/family/login");
    ASSERT_EQ(Post("/family/login", {{"email", email}, {"password", password}}).status, 303) << email;
}

void AppTest::SeedSmallCity(int sites, int children) {
    demo::SeedDemo(*db_, {sites, children, "tadaima-demo"}, clock_);
}

std::int64_t AppTest::AuditCount(const std::string& action) {
    return db_->Read([&](db::ReadTx& tx) {
        return tx.QueryOne("SELECT COUNT(*) FROM audit_event WHERE action = ?", action).Int(0);
    });
}

namespace {
std::string DecodeBase64(std::string_view text) {
    std::string out(text.size(), '\0');
    std::size_t len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), "\r\n ",
                          &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
        return "";
    }
    out.resize(len);
    return out;
}

std::string DecodeHeader(const std::string& value) {
    static const std::regex kWord(R"(=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=)");
    std::string out;
    for (auto it = std::sregex_iterator(value.begin(), value.end(), kWord); it != std::sregex_iterator(); ++it) {
        out += DecodeBase64((*it)[1].str());
    }
    return out.empty() ? value : out;
}
}  // namespace

int AppTest::RunJobs() {
    mail::TransportConfig mc;
    mc.mail_dir = (dir_ / "mail").string();
    auto transport = mail::MakeTransport(mc, clock_);
    jobs::Runner runner(*db_, clock_, "test-worker");
    app::RegisterJobHandlers(runner, *db_, transport.get(), *catalogue_, config_, clock_);
    const int ran = runner.RunDue();
    live_->Settle();
    return ran;
}

Mail ParseMail(const std::string& raw) {
    Mail m;
    m.raw = raw;
    // Files written by other tools may use LF alone.
    std::string text = std::regex_replace(raw, std::regex("\r?\n"), "\r\n");
    auto split = text.find("\r\n\r\n");
    std::string head = text.substr(0, split);
    head = std::regex_replace(head, std::regex("\r\n[ \t]"), " ");  // unfold continued header lines
    auto field = [&](const char* name) {
        std::smatch match;
        if (!std::regex_search(head, match, std::regex(std::string("(^|\r\n)") + name + ": ([^\r\n]*)")))
            return std::string();
        return match[2].str();
    };
    m.to = field("To");
    m.subject = DecodeHeader(field("Subject"));
    m.message_id = field("Message-ID");
    m.date = field("Date");
    if (split != std::string::npos) m.body = DecodeBase64(text.substr(split + 4));
    return m;
}

std::vector<Mail> AppTest::Mails() {
    std::vector<std::pair<std::filesystem::file_time_type, std::filesystem::path>> files;
    if (std::filesystem::exists(dir_ / "mail")) {
        for (const auto& e : std::filesystem::directory_iterator(dir_ / "mail")) {
            if (e.path().extension() == ".eml") files.emplace_back(e.last_write_time(), e.path());
        }
    }
    std::sort(files.begin(), files.end());
    std::vector<Mail> out;
    for (const auto& [_, path] : files) {
        std::ifstream in(path, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        out.push_back(ParseMail(ss.str()));
    }
    return out;
}

std::string AppTest::LocalLink(const std::string& text) {
    std::smatch m;
    if (!std::regex_search(text, m, std::regex(R"(https?://[^/\s]+(/[^\s]*))"))) return "";
    return m[1];
}

}  // namespace testing_support

// HTTPS served by the server itself, tried with curl as a browser would: TLS 1.2 and up only (1.1 and plain HTTP on
// the HTTPS port get nothing), HSTS and Secure cookies, a plain port that only redirects, the certificate swapped
// on SIGHUP for new connections while an open one goes on with its own, and a start refused with the reason for a
// key that is not the certificate's and for an expired certificate. Certificates are made by the openssl command.
#include <curl/curl.h>
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <thread>

#include "harness.hpp"

namespace {

namespace fs = std::filesystem;
using testing_support::ServerProcess;

struct Answer {
    CURLcode code = CURLE_OK;
    long status = 0;
    std::string head;
    long new_connections = 0;
};

// One GET with `curl` (a handle kept between calls reuses its connection), trusting `ca` for HTTPS.
Answer Fetch(CURL* curl, const std::string& url, const std::string& ca, long tls_version = CURL_SSLVERSION_DEFAULT) {
    Answer a;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_CAINFO, ca.c_str());
    curl_easy_setopt(curl, CURLOPT_SSLVERSION, tls_version);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, testing_support::KeepBody);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &a.head);
    std::string body;
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, testing_support::KeepBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
    a.code = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &a.status);
    curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &a.new_connections);
    return a;
}

class Tls : public testing_support::DbTest {
 protected:
    // A self-signed certificate for 127.0.0.1 named `name`, as dir/name.pem and dir/name.key.
    void MakeCertificate(const std::string& name) {
        int status = 0;
        testing_support::CommandOutput(
            "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=" + name +
                " -addext subjectAltName=IP:127.0.0.1 -keyout " + Path(name + ".key") + " -out " + Path(name + ".pem") +
                " 2>/dev/null",
            &status);
        ASSERT_EQ(status, 0);
    }
    std::string Path(const std::string& file) const { return (dir_ / file).string(); }
    std::vector<std::string> Env(int port) {
        const std::string secret = Path("secret");
        if (!fs::exists(secret)) std::ofstream(secret) << testing_support::kTestSecret << "\n";
        return {"TADAIMA_DB=" + url_,
                "TADAIMA_SECRET_FILE=" + secret,
                "TADAIMA_LISTEN=127.0.0.1:" + std::to_string(port),
                "TADAIMA_LOG_LEVEL=error",
                "TADAIMA_TLS_CERT=" + Path("cert.pem"),
                "TADAIMA_TLS_KEY=" + Path("cert.key")};
    }
    // `tadaima serve` with this certificate and key, expected to refuse: what it says, bounded by `timeout`.
    std::string RefusedStart(const std::string& cert, const std::string& key) {
        int status = 0;
        auto out = testing_support::CommandOutput(
            "TADAIMA_DB='" + url_ + "' TADAIMA_SECRET_FILE='" + Path("secret") + "' TADAIMA_LISTEN=127.0.0.1:" +
                std::to_string(testing_support::FreeLoopbackPort()) + " TADAIMA_TLS_CERT='" + cert +
                "' TADAIMA_TLS_KEY='" + key + "' timeout 20 '" + ServerProcess::Binary().string() + "' serve 2>&1",
            &status);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << out;
        return out;
    }
};

TEST_P(Tls, ServesOnlyModernTlsRedirectsPlainHttpAndTakesANewCertificateOnSighup) {
    if (!fs::exists(ServerProcess::Binary())) GTEST_SKIP() << "no tadaima binary beside this test binary";
    MakeCertificate("first");
    MakeCertificate("second");
    fs::copy_file(Path("first.pem"), Path("cert.pem"));
    fs::copy_file(Path("first.key"), Path("cert.key"));
    const int port = testing_support::FreeLoopbackPort();
    int redirect = testing_support::FreeLoopbackPort();
    while (redirect == port) redirect = testing_support::FreeLoopbackPort();
    auto env = Env(port);
    env.push_back("TADAIMA_HTTP_REDIRECT_LISTEN=127.0.0.1:" + std::to_string(redirect));
    ServerProcess server(env, port);
    server.Start();
    const std::string https = "https://127.0.0.1:" + std::to_string(port);

    CURL* open = curl_easy_init();  // kept open across the certificate swap
    auto login = Fetch(open, https + "/login", Path("first.pem"));
    ASSERT_EQ(login.code, CURLE_OK) << curl_easy_strerror(login.code);
    EXPECT_EQ(login.status, 200);
    EXPECT_NE(login.head.find("Strict-Transport-Security: max-age="), std::string::npos) << login.head;
    EXPECT_NE(login.head.find("; Secure"), std::string::npos) << "cookies only over HTTPS: " << login.head;

    // A client that offers TLS 1.1 (and lowers its own floor to do so) is turned away by the server.
    auto tls11 =
        testing_support::CommandOutput("echo | timeout 20 openssl s_client -connect 127.0.0.1:" + std::to_string(port) +
                                       " -tls1_1 -cipher DEFAULT@SECLEVEL=0 2>&1");
    EXPECT_NE(tls11.find("alert protocol version"), std::string::npos) << tls11;
    CURL* plain = curl_easy_init();
    auto cleartext = Fetch(plain, "http://127.0.0.1:" + std::to_string(port) + "/healthz", "");
    EXPECT_NE(cleartext.status, 200) << "no plain HTTP on the HTTPS port";
    auto moved = Fetch(plain, "http://127.0.0.1:" + std::to_string(redirect) + "/login?next=%2Fsites", "");
    ASSERT_EQ(moved.code, CURLE_OK);
    EXPECT_EQ(moved.status, 308);
    EXPECT_NE(moved.head.find("Location: " + https + "/login?next=%2Fsites"), std::string::npos) << moved.head;
    curl_easy_cleanup(plain);

    // The second certificate in place of the first, then SIGHUP: new connections get it (they trust only it now).
    auto install = [&](const std::string& name) {
        fs::copy_file(Path(name + ".pem"), Path("cert.pem.new"));
        fs::copy_file(Path(name + ".key"), Path("cert.key.new"));
        fs::rename(Path("cert.key.new"), Path("cert.key"));
        fs::rename(Path("cert.pem.new"), Path("cert.pem"));
    };
    // Bounded: the signal is handled between two connections.
    auto served = [&](const std::string& name) {
        for (int i = 0; i < 200; ++i) {
            CURL* fresh = curl_easy_init();
            const bool ok = Fetch(fresh, https + "/healthz", Path(name + ".pem")).status == 200;
            curl_easy_cleanup(fresh);
            if (ok) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
        }
        return false;
    };
    install("second");
    server.Signal(SIGHUP);
    EXPECT_TRUE(served("second")) << "the new certificate is served after SIGHUP";
    auto again = Fetch(open, https + "/healthz", Path("first.pem"));
    EXPECT_EQ(again.code, CURLE_OK) << curl_easy_strerror(again.code);
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(again.new_connections, 0) << "the open connection went on with the first certificate";
    curl_easy_cleanup(open);

    // A bad pair at SIGHUP (the first key under the second certificate) is not taken and does not stop the server:
    // signals are handled in order, and the good pair sent after it is served.
    fs::copy_file(Path("first.key"), Path("cert.key"), fs::copy_options::overwrite_existing);
    server.Signal(SIGHUP);
    EXPECT_TRUE(served("second")) << "still the pair in use";
    fs::remove(Path("cert.pem"));
    fs::remove(Path("cert.key"));
    install("first");
    server.Signal(SIGHUP);
    EXPECT_TRUE(served("first")) << "the server outlived a bad pair and took the next good one";
}

TEST_P(Tls, AStartWithAKeyThatIsNotTheCertificatesOrAnExpiredCertificateIsRefusedWithTheReason) {
    if (!fs::exists(ServerProcess::Binary())) GTEST_SKIP() << "no tadaima binary beside this test binary";
    MakeCertificate("first");
    MakeCertificate("second");
    std::ofstream(Path("secret")) << testing_support::kTestSecret << "\n";
    EXPECT_NE(RefusedStart(Path("first.pem"), Path("second.key")).find("is not the key of the certificate"),
              std::string::npos);
    EXPECT_NE(RefusedStart(Path("missing.pem"), Path("first.key")).find("cannot read a PEM certificate"),
              std::string::npos);
    // An expired certificate, signed by a little CA of our own with a validity in the past.
    fs::create_directory(dir_ / "ca");
    const std::string ca = (dir_ / "ca").string();
    std::ofstream(ca + "/ca.cnf") << "[ca]\ndefault_ca=c\n[c]\ndatabase=" << ca << "/index.txt\nnew_certs_dir=" << ca
                                  << "\nserial=" << ca
                                  << "/serial\ndefault_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n";
    std::ofstream(ca + "/index.txt");
    std::ofstream(ca + "/serial") << "01\n";
    int status = 0;
    testing_support::CommandOutput(
        "cd " + ca +
            " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=ca "
            "-keyout ca.key -out ca.pem && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
            "-subj /CN=old -keyout old.key -out old.csr && openssl ca -batch -config ca.cnf -cert ca.pem -keyfile "
            "ca.key -in old.csr -out old.pem -startdate 20200101000000Z -enddate 20200102000000Z >/dev/null 2>&1",
        &status);
    ASSERT_EQ(status, 0);
    EXPECT_NE(RefusedStart(ca + "/old.pem", ca + "/old.key").find("has expired"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, Tls, ::testing::Values(db::Kind::kSqlite), testing_support::KindName);

}  // namespace

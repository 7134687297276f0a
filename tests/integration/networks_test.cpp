// Staff networks (J10) against a real server on loopback, the client's source address chosen per request
// (127.0.0.1 inside the city's list, 127.0.0.2 outside it, 127.0.0.3 a trusted reverse proxy): staff sign-in and
// pages answer only inside the list, families and the health check from anywhere, kiosks only from their own list;
// a trusted proxy's X-Forwarded-For decides the client, anyone else's is ignored; every refusal is audited.
#include <curl/curl.h>

#include <fstream>

#include "demo/seed.hpp"
#include "harness.hpp"

namespace {

namespace fs = std::filesystem;
using testing_support::ServerProcess;

struct Answer {
    long status = 0;
    std::string body;
};

// One request from source address `from` (a loopback address), with an X-Forwarded-For header if given.
Answer Fetch(const std::string& url, const std::string& from, const std::string& forwarded = "", bool post = false) {
    Answer a;
    CURL* curl = curl_easy_init();
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    const std::string interface = "host!" + from;
    curl_easy_setopt(curl, CURLOPT_INTERFACE, interface.c_str());
    curl_slist* headers = nullptr;
    if (!forwarded.empty()) headers = curl_slist_append(headers, ("X-Forwarded-For: " + forwarded).c_str());
    headers = curl_slist_append(headers, "Accept-Language: ja");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (post) curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "login_id=admin&password=x");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, testing_support::KeepBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &a.body);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
    EXPECT_EQ(curl_easy_perform(curl), CURLE_OK) << url << " from " << from;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &a.status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return a;
}

class Networks : public testing_support::DbTest {};

TEST_P(Networks, StaffPagesAnswerOnlyFromTheCitysNetworksAndFamiliesFromAnywhere) {
    if (!fs::exists(ServerProcess::Binary())) GTEST_SKIP() << "no tadaima binary beside this test binary";
    demo::SeedDemo(*db_, {1, 5, "tadaima-demo"}, clock_);
    const std::string secret = (dir_ / "secret").string();
    std::ofstream(secret) << testing_support::kTestSecret << "\n";
    const int port = testing_support::FreeLoopbackPort();
    ServerProcess server(
        {"TADAIMA_DB=" + url_, "TADAIMA_SECRET_FILE=" + secret, "TADAIMA_LISTEN=127.0.0.1:" + std::to_string(port),
         "TADAIMA_LOG_LEVEL=error", "TADAIMA_STAFF_NETWORKS=127.0.0.1/32, 10.20.0.0/16",
         "TADAIMA_KIOSK_NETWORKS=127.0.0.1", "TADAIMA_TRUSTED_PROXIES=127.0.0.3"},
        port);
    server.Start();
    const std::string base = "http://127.0.0.1:" + std::to_string(port);

    EXPECT_EQ(Fetch(base + "/login", "127.0.0.1").status, 200);
    auto outside = Fetch(base + "/login", "127.0.0.2");
    EXPECT_EQ(outside.status, 403);
    EXPECT_NE(outside.body.find("このネットワークからは職員用の画面を開けません"), std::string::npos);
    EXPECT_EQ(Fetch(base + "/login", "127.0.0.2", "", true).status, 403) << "sign-in itself, before any check";
    EXPECT_EQ(Fetch(base + "/children", "127.0.0.2").status, 403);
    EXPECT_EQ(Fetch(base + "/no/such/page", "127.0.0.2").status, 403);
    // Families, the health check and the assets from anywhere.
    EXPECT_EQ(Fetch(base + "/family/login", "127.0.0.2").status, 200);
    EXPECT_EQ(Fetch(base + "/healthz", "127.0.0.2").status, 200);
    // Kiosks from their own list.
    EXPECT_EQ(Fetch(base + "/kiosk", "127.0.0.1").status, 200);
    EXPECT_EQ(Fetch(base + "/kiosk", "127.0.0.2").status, 403);
    EXPECT_EQ(Fetch(base + "/kiosks/1/revoke", "127.0.0.2", "", true).status, 403) << "a staff route, not a kiosk's";

    // Behind the trusted proxy the forwarded address counts: the nearest one the proxy did not add itself.
    EXPECT_EQ(Fetch(base + "/login", "127.0.0.3", "10.20.1.9").status, 200);
    EXPECT_EQ(Fetch(base + "/login", "127.0.0.3", "192.0.2.7").status, 403);
    EXPECT_EQ(Fetch(base + "/login", "127.0.0.3", "10.20.1.9, 192.0.2.7").status, 403)
        << "a client outside wrote an inside address first; the proxy appended the real one";
    EXPECT_EQ(Fetch(base + "/login", "127.0.0.3", "192.0.2.7, 10.20.1.9, 127.0.0.3").status, 200);
    // Anyone else's header is not believed.
    EXPECT_EQ(Fetch(base + "/login", "127.0.0.2", "10.20.1.9").status, 403);

    EXPECT_EQ(One("SELECT COUNT(*) FROM audit_event WHERE action = 'network.refused:staff' AND address = '127.0.0.2' "
                  "AND outcome = 'denied'"),
              6);
    EXPECT_EQ(One("SELECT COUNT(*) FROM audit_event WHERE action = 'network.refused:staff' AND address = "
                  "'192.0.2.7'"),
              2);
    EXPECT_EQ(One("SELECT COUNT(*) FROM audit_event WHERE action = 'network.refused:kiosk'"), 1);
}

TEST_P(Networks, ABadListStopsTheStartWithTheEntryNamed) {
    if (!fs::exists(ServerProcess::Binary())) GTEST_SKIP() << "no tadaima binary beside this test binary";
    int status = 0;
    auto out = testing_support::CommandOutput("TADAIMA_DB='" + url_ +
                                                  "' TADAIMA_STAFF_NETWORKS='10.0.0.0/8, 10.1/33' "
                                                  "timeout 20 '" +
                                                  ServerProcess::Binary().string() + "' serve 2>&1",
                                              &status);
    EXPECT_NE(status, 0);
    EXPECT_NE(out.find("TADAIMA_STAFF_NETWORKS: '10.1/33' is not a network"), std::string::npos) << out;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, Networks, ::testing::Values(db::Kind::kSqlite), testing_support::KindName);

}  // namespace

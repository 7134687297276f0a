// Networks as TADAIMA_STAFF_NETWORKS and TADAIMA_TRUSTED_PROXIES write them, the client behind proxies, and which
// part of the server a path belongs to.
#include "app/networks.hpp"

#include <gtest/gtest.h>

namespace {

using app::Allowed;
using app::ClientAddress;
using app::ParseNetworks;

TEST(Networks, HoldTheirAddressesAndNoOthers) {
    const auto list = ParseNetworks("192.168.10.0/24, 10.1.2.3 2001:db8::/32", "X");
    ASSERT_EQ(list.size(), 3u);
    EXPECT_TRUE(Allowed(list, "192.168.10.1"));
    EXPECT_TRUE(Allowed(list, "192.168.10.255"));
    EXPECT_FALSE(Allowed(list, "192.168.11.1"));
    EXPECT_TRUE(Allowed(list, "10.1.2.3"));
    EXPECT_FALSE(Allowed(list, "10.1.2.4"));
    EXPECT_TRUE(Allowed(list, "::ffff:192.168.10.7")) << "an IPv4 client on an IPv6 socket";
    EXPECT_TRUE(Allowed(list, "2001:db8:1::5"));
    EXPECT_FALSE(Allowed(list, "2001:db9::5"));
    EXPECT_FALSE(Allowed(list, "not an address"));
    EXPECT_FALSE(Allowed(list, ""));
    EXPECT_TRUE(Allowed({}, "203.0.113.9")) << "no list: no limit";
    EXPECT_TRUE(Allowed(ParseNetworks("0.0.0.0/0", "X"), "203.0.113.9"));
    EXPECT_FALSE(Allowed(ParseNetworks("0.0.0.0/0", "X"), "2001:db8::1")) << "every IPv4 address is not every address";
}

TEST(Networks, ABadEntryIsNamed) {
    for (const char* bad : {"10.0.0.0/33", "10.0.0/8", "10.0.0.0/", "10.0.0.0/x", "2001:db8::/129", "example.org"}) {
        try {
            ParseNetworks(std::string("10.0.0.0/8,") + bad, "TADAIMA_STAFF_NETWORKS");
            ADD_FAILURE() << bad << " was taken";
        } catch (const std::runtime_error& e) {
            EXPECT_NE(std::string(e.what()).find(std::string("'") + bad + "'"), std::string::npos) << e.what();
        }
    }
    EXPECT_TRUE(ParseNetworks("  ", "X").empty());
}

TEST(Networks, TheClientIsTheNearestAddressNoTrustedProxyAdded) {
    const auto proxies = ParseNetworks("10.0.0.1, 10.0.0.2", "X");
    EXPECT_EQ(ClientAddress("203.0.113.5", "10.9.9.9", proxies), "203.0.113.5") << "not a proxy: header ignored";
    EXPECT_EQ(ClientAddress("10.0.0.1", "198.51.100.7", proxies), "198.51.100.7");
    EXPECT_EQ(ClientAddress("10.0.0.1", "1.1.1.1, 198.51.100.7", proxies), "198.51.100.7") << "a client's own prefix";
    EXPECT_EQ(ClientAddress("10.0.0.1", "198.51.100.7, 10.0.0.2", proxies), "198.51.100.7") << "two proxies";
    EXPECT_EQ(ClientAddress("10.0.0.1", "", proxies), "10.0.0.1");
    EXPECT_EQ(ClientAddress("10.0.0.1", "junk, 198.51.100.7", proxies), "198.51.100.7");
    EXPECT_EQ(ClientAddress("10.0.0.1", "198.51.100.7, junk", proxies), "10.0.0.1") << "garbage from the proxy side";
    EXPECT_EQ(ClientAddress("10.0.0.1", "198.51.100.7", {}), "10.0.0.1") << "no proxies configured";
}

TEST(Networks, PathsBelongToStaffUnlessFamilyKioskOrPublic) {
    using app::Audience;
    using app::AudienceOf;
    EXPECT_EQ(AudienceOf("/login"), Audience::kStaff);
    EXPECT_EQ(AudienceOf("/"), Audience::kStaff);
    EXPECT_EQ(AudienceOf("/kiosks/3/revoke"), Audience::kStaff);
    EXPECT_EQ(AudienceOf("/familyx"), Audience::kStaff);
    EXPECT_EQ(AudienceOf("/family"), Audience::kFamily);
    EXPECT_EQ(AudienceOf("/family/login"), Audience::kFamily);
    EXPECT_EQ(AudienceOf("/register/confirm"), Audience::kFamily);
    EXPECT_EQ(AudienceOf("/kiosk"), Audience::kKiosk);
    EXPECT_EQ(AudienceOf("/kiosk/pair"), Audience::kKiosk);
    EXPECT_EQ(AudienceOf("/api/v1/kiosk/scans"), Audience::kKiosk);
    EXPECT_EQ(AudienceOf("/healthz"), Audience::kPublic);
    EXPECT_EQ(AudienceOf("/static/app.css"), Audience::kPublic);
}

}  // namespace

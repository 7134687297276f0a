// Where the server may send a push: the endpoint as text (every spelling of an inward address refused, a public
// endpoint accepted without DNS) and the resolved addresses.
#include <gtest/gtest.h>

#include "push/endpoint.hpp"

namespace {

struct Spelling {
    const char* url;
    bool accepted;
    const char* why;
};

// The table grows with every spelling found: each is a way someone tried, or could try, to aim the server inward.
const Spelling kSpellings[] = {
    // Push services as browsers hand them out
    {"https://fcm.googleapis.com/fcm/send/dGVzdA:APA91b", true, "Chrome (FCM)"},
    {"https://updates.push.services.mozilla.com/wpush/v2/gAAAAA", true, "Firefox (autopush)"},
    {"https://web.push.apple.com/QGuQyavXutnMH", true, "Safari"},
    {"https://wns2-par02p.notify.windows.com/w/?token=BQYAAAA", true, "Edge (WNS), with a query"},
    {"https://push.example.net/send/one-phone", true, "a public name"},
    {"HTTPS://Push.Example.NET/send", true, "scheme and host are case-insensitive"},
    {"https://push.example.net:443/send", true, "the https port said out loud"},
    {"https://push.example.net./send", true, "a trailing dot is the same name"},
    {"https://xn--n8j6ds53lwwkrqhv28a.jp/push", true, "an IDN in punycode"},
    // Not https, or not port 443
    {"http://push.example.net/send", false, "plain http"},
    {"ftp://push.example.net/send", false, "another scheme"},
    {"https:push.example.net/send", false, "no authority"},
    {"https://push.example.net:8443/send", false, "another port"},
    {"https://push.example.net:0443/send", false, "a port with a leading zero"},
    {"https://push.example.net:/send", false, "an empty port"},
    {"//push.example.net/send", false, "no scheme"},
    // IPv4 literals in every spelling resolvers and URL parsers accept
    {"https://127.0.0.1/send", false, "dotted decimal"},
    {"https://127.1/send", false, "short form"},
    {"https://2130706433/send", false, "one 32-bit number"},
    {"https://0x7f000001/send", false, "one hex number"},
    {"https://0x7f.0.0.1/send", false, "hex first part"},
    {"https://0x7f.1/send", false, "hex, short"},
    {"https://0xa.0.0.1/send", false, "10.0.0.1 in hex"},
    {"https://0177.0.0.1/send", false, "octal"},
    {"https://017700000001/send", false, "one octal number"},
    {"https://169.254.169.254/latest/meta-data/", false, "the cloud metadata address"},
    {"https://127.0.0.1./send", false, "dotted decimal with a trailing dot"},
    {"https://1.2.3.0x4/send", false, "a last part in hex"},
    {"https://10.0.0.1:443/send", false, "a private address with the port"},
    // IPv6 literals
    {"https://[::1]/send", false, "IPv6 loopback"},
    {"https://[::ffff:127.0.0.1]/send", false, "IPv4-mapped loopback"},
    {"https://[::ffff:7f00:1]/send", false, "IPv4-mapped loopback in hex"},
    {"https://[fe80::1%25eth0]/send", false, "link-local with a zone"},
    {"https://[2001:4860:4860::8888]/send", false, "even a public IPv6 literal: push services have names"},
    // Local and special names
    {"https://localhost/send", false, "localhost"},
    {"https://localhost./send", false, "localhost with a trailing dot"},
    {"https://LOCALHOST/send", false, "localhost in capitals"},
    {"https://push.localhost/send", false, "under .localhost"},
    {"https://printer.local./send", false, "mDNS with a trailing dot"},
    {"https://metadata.google.internal./computeMetadata/v1/", false, "a cloud's internal name"},
    {"https://db.internal/send", false, ".internal"},
    {"https://router.home.arpa/send", false, ".home.arpa"},
    {"https://nas.lan/send", false, ".lan"},
    {"https://server.corp/send", false, ".corp"},
    {"https://intranet/send", false, "a single label"},
    {"https://postgres/send", false, "a single label (a service on this machine's network)"},
    {"https://push.example.test/send", false, ".test is never public"},
    // Tricks in the authority
    {"https://push.example.net@127.0.0.1/send", false, "userinfo"},
    {"https://user:pw@push.example.net/send", false, "userinfo with a password"},
    {"https://127.0.0.1#@push.example.net/send", false, "a fragment before the real host"},
    {"https://push.example.net\\@127.0.0.1/send", false, "a backslash"},
    {"https://push.example%2enet/send", false, "percent-encoding in the host"},
    {"https://push..example.net/send", false, "an empty label"},
    {"https://-push.example.net/send", false, "a label starting with a hyphen"},
    {"https://push_service.example.net/send", false, "an underscore"},
    {"https://push.example.net /send", false, "a space"},
    {"https://push.example.net/se\nnd", false, "a line break"},
    {"https://пуш.example.net/send", false, "non-ASCII (browsers give punycode)"},
    {"", false, "nothing"},
    {"https://", false, "no host"},
};

TEST(PushEndpoint, EverySpellingInTheTableGetsItsAnswer) {
    int n = 0;
    for (const auto& s : kSpellings) {
        ++n;
        EXPECT_EQ(push::CheckEndpoint(s.url).has_value(), s.accepted) << s.url << " (" << s.why << ")";
    }
    EXPECT_GE(n, 40);
}

TEST(PushEndpoint, TheHostToConnectToIsLowerCaseWithoutItsTrailingDot) {
    auto parts = push::CheckEndpoint("https://Push.Example.NET./send");
    ASSERT_TRUE(parts);
    EXPECT_EQ(parts->host, "push.example.net");
    EXPECT_EQ(parts->port, "443");
}

TEST(PushEndpoint, ALongEndpointIsRefused) {
    EXPECT_FALSE(push::CheckEndpoint("https://push.example.net/" + std::string(1100, 'a')));
}

TEST(PushAddress, OnlyGloballyReachableUnicastAddressesArePublic) {
    const std::pair<const char*, bool> cases[] = {
        {"8.8.8.8", true},
        {"142.250.196.106", true},
        {"0.0.0.0", false},
        {"0.1.2.3", false},
        {"10.1.2.3", false},
        {"100.64.0.1", false},
        {"100.127.255.254", false},
        {"100.128.0.1", true},
        {"127.0.0.1", false},
        {"127.255.255.255", false},
        {"169.254.169.254", false},
        {"172.16.0.1", false},
        {"172.31.255.255", false},
        {"172.32.0.1", true},
        {"192.0.0.8", false},
        {"192.0.2.1", false},
        {"192.168.1.1", false},
        {"198.18.0.1", false},
        {"198.51.100.7", false},
        {"203.0.113.9", false},
        {"224.0.0.251", false},
        {"239.255.255.250", false},
        {"240.0.0.1", false},
        {"255.255.255.255", false},
        {"2001:4860:4860::8888", true},
        {"2404:6800:4004:80a::200e", true},
        {"::", false},
        {"::1", false},
        {"::127.0.0.1", false},
        {"::ffff:127.0.0.1", false},
        {"::ffff:10.0.0.1", false},
        {"::ffff:8.8.8.8", true},
        {"64:ff9b::7f00:1", false},
        {"64:ff9b::808:808", true},
        {"64:ff9b:1::1", false},
        {"100::1", false},
        {"2001:db8::1", false},
        {"2001::1", false},
        {"2002:7f00:1::1", false},
        {"2002:808:808::1", true},
        {"fc00::1", false},
        {"fd12:3456::1", false},
        {"fe80::1", false},
        {"fec0::1", false},
        {"ff02::1", false},
        {"3fff::1", false},
        {"3fff:1000::1", true},
        {"4000::1", false},
    };
    for (const auto& [text, public_] : cases) {
        auto a = push::ParseIpAddress(text);
        ASSERT_TRUE(a) << text;
        EXPECT_EQ(push::IsPublicAddress(*a), public_) << text;
        EXPECT_EQ(push::ParseIpAddress(a->ToString())->bytes, a->bytes) << text;
    }
}

}  // namespace

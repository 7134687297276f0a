#pragma once
// Where the server may send a push: a browser hands us a URL, and the server posts to it. Unchecked, that is a way to
// make the server connect inward (its own ports, the database, a cloud metadata service). Two checks:
//   - when a subscription is saved, its URL as text (CheckEndpoint): https, port 443, a public DNS name — no address
//     literal in any spelling a URL parser or resolver accepts (0x7f.1, 2130706433, 0177.0.0.1, 127.1,
//     [::ffff:127.0.0.1]), no local or single-label name (trailing dots removed first). Nothing is resolved, so a
//     well-formed public endpoint is accepted even on a machine without DNS;
//   - when a push is sent, every address the name resolves to (IsPublicAddress), and the connection goes to those
//     checked addresses only (push.cpp).
// Pure (fuzzed: fuzz/).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace push {

struct EndpointParts {
    std::string host;  // lower case, no trailing dot
    std::string port;  // "443"
};
// The host and port to connect to, when the URL is an acceptable push endpoint; nothing otherwise.
std::optional<EndpointParts> CheckEndpoint(std::string_view url);

// An IPv4 (4 bytes) or IPv6 (16 bytes) address.
struct IpAddress {
    bool v6 = false;
    std::array<std::uint8_t, 16> bytes{};
    std::string ToString() const;
};
std::optional<IpAddress> ParseIpAddress(std::string_view text);  // dotted-decimal or IPv6 text only
// A globally reachable unicast address: not loopback, private (10/8, 172.16/12, 192.168/16), CGNAT (100.64/10),
// link-local, unique-local (fc00::/7), site-local, multicast, broadcast, unspecified, 0.0.0.0/8, reserved (240/4),
// benchmarking or documentation ranges, nor an IPv6 form embedding one of those (mapped, compatible, NAT64, 6to4).
bool IsPublicAddress(const IpAddress& address);

}  // namespace push

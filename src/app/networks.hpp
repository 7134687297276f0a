#pragma once
// Which networks may reach which part of the server (J10). A city lists its own networks (the offices' and the
// sites' lines, or its closed network) in TADAIMA_STAFF_NETWORKS: staff sign-in and every staff page answer only
// requests from there. Guardians' pages are never limited (families use their own phones); kiosks may have a list
// of their own (TADAIMA_KIOSK_NETWORKS). Behind a reverse proxy the peer is the proxy: TADAIMA_TRUSTED_PROXIES names
// the proxies whose X-Forwarded-For is believed, and the client is the nearest address in it that is not one of them.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace app {

// An IPv4 or IPv6 network ("192.168.10.0/24", "2001:db8::/32"; a bare address is one host). IPv4 addresses are
// kept as IPv4-mapped IPv6, so "10.0.0.1" and "::ffff:10.0.0.1" are one address.
struct Network {
    std::array<unsigned char, 16> bytes{};
    int prefix = 128;
    bool Contains(const std::array<unsigned char, 16>& address) const;
};

using Networks = std::vector<Network>;

// A comma- or space-separated list; throws std::runtime_error naming the first entry that is not a network.
Networks ParseNetworks(std::string_view text, std::string_view variable);
std::optional<std::array<unsigned char, 16>> ParseAddress(std::string_view text);
// True when the list is empty (no limit) or holds the address; an unreadable address is outside every list.
bool Allowed(const Networks& list, std::string_view address);

// The client's address: the peer, or — when the peer is a trusted proxy — the rightmost address of
// X-Forwarded-For that is not a trusted proxy (a client can prepend anything to the header, never append).
std::string ClientAddress(std::string_view peer, std::string_view forwarded_for, const Networks& trusted_proxies);

// What part of the server a path belongs to, for the lists above.
enum class Audience { kPublic, kFamily, kKiosk, kStaff };
Audience AudienceOf(std::string_view path);

}  // namespace app

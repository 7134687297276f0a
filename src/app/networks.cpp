#include "app/networks.hpp"

#include <arpa/inet.h>

#include <cstring>

#include <stdexcept>

namespace app {

bool Network::Contains(const std::array<unsigned char, 16>& address) const {
    int bits = prefix;
    for (std::size_t i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
        const unsigned char mask = bits >= 8 ? 0xff : static_cast<unsigned char>(0xff << (8 - bits));
        if ((address[i] & mask) != (bytes[i] & mask)) return false;
    }
    return true;
}

std::optional<std::array<unsigned char, 16>> ParseAddress(std::string_view text) {
    const std::string s(text);
    std::array<unsigned char, 16> out{};
    in_addr v4{};
    if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
        out[10] = out[11] = 0xff;
        std::memcpy(out.data() + 12, &v4, 4);
        return out;
    }
    if (inet_pton(AF_INET6, s.c_str(), out.data()) == 1) return out;
    return std::nullopt;
}

Networks ParseNetworks(std::string_view text, std::string_view variable) {
    Networks out;
    std::size_t i = 0;
    while (i < text.size()) {
        const auto end = text.find_first_of(", \t", i);
        const auto item = text.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
        i = end == std::string_view::npos ? text.size() : end + 1;
        if (item.empty()) continue;
        const auto slash = item.find('/');
        const auto address = ParseAddress(item.substr(0, slash));
        Network n;
        bool ok = address.has_value();
        if (ok) {
            n.bytes = *address;
            const bool v4 = item.substr(0, slash).find(':') == std::string_view::npos;
            int prefix = v4 ? 32 : 128;
            if (slash != std::string_view::npos) {
                const std::string p(item.substr(slash + 1));
                std::size_t used = 0;
                try {
                    prefix = std::stoi(p, &used);
                } catch (const std::exception&) {
                    used = 0;
                }
                ok = !p.empty() && used == p.size() && prefix >= 0 && prefix <= (v4 ? 32 : 128);
            }
            n.prefix = v4 ? prefix + 96 : prefix;
        }
        if (!ok) {
            throw std::runtime_error(std::string(variable) + ": '" + std::string(item) +
                                     "' is not a network (write 192.168.10.0/24, 10.1.2.3 or 2001:db8::/32)");
        }
        out.push_back(n);
    }
    return out;
}

bool Allowed(const Networks& list, std::string_view address) {
    if (list.empty()) return true;
    const auto a = ParseAddress(address);
    if (!a) return false;
    for (const auto& n : list)
        if (n.Contains(*a)) return true;
    return false;
}

std::string ClientAddress(std::string_view peer, std::string_view forwarded_for, const Networks& trusted_proxies) {
    if (trusted_proxies.empty() || !Allowed(trusted_proxies, peer)) return std::string(peer);
    std::string client(peer);
    // From the right: each hop a trusted proxy added, until the first address no trusted proxy vouches for.
    std::size_t end = forwarded_for.size();
    while (end > 0) {
        const auto comma = forwarded_for.rfind(',', end - 1);
        const auto start = comma == std::string_view::npos ? 0 : comma + 1;
        auto item = forwarded_for.substr(start, end - start);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (!ParseAddress(item)) break;  // garbage: stop at the last address a proxy gave
        client = std::string(item);
        if (!Allowed(trusted_proxies, item)) break;
        if (comma == std::string_view::npos) break;
        end = comma;
    }
    return client;
}

Audience AudienceOf(std::string_view path) {
    auto under = [&](std::string_view root) {
        return path == root || (path.starts_with(root) && path.size() > root.size() && path[root.size()] == '/');
    };
    if (under("/healthz") || under("/metrics") || under("/static") || under("/lang")) return Audience::kPublic;
    if (under("/family") || under("/register")) return Audience::kFamily;
    if (under("/kiosk") || under("/api/v1/kiosk")) return Audience::kKiosk;
    return Audience::kStaff;
}

}  // namespace app

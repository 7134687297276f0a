#include "push/endpoint.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace push {
namespace {

constexpr std::size_t kMaxUrl = 1024;

// Names that only ever mean something inside a network (RFC 6761, RFC 6762, RFC 8375, ICANN's .internal) or that
// sites commonly use inside theirs.
constexpr std::string_view kLocalSuffixes[] = {"localhost", "local",     "internal", "intranet", "lan",
                                               "home",      "home.arpa", "corp",     "private",  "localdomain",
                                               "invalid",   "onion",     "test",     "example"};

bool IsDigits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool IsHexNumber(std::string_view s) {
    if (s.size() < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return false;
    return std::all_of(s.begin() + 2, s.end(), [](unsigned char c) { return std::isxdigit(c); });
}

// A label a host name may have (letters, digits, hyphens; not at either end; 1–63 characters).
bool IsLdhLabel(std::string_view label) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    return std::all_of(label.begin(), label.end(), [](unsigned char c) { return std::isalnum(c) || c == '-'; });
}

bool InV4(const std::uint8_t* a, std::uint8_t b0, std::uint8_t b1, std::uint8_t b2, std::uint8_t b3, int prefix) {
    const std::uint32_t addr =
        (std::uint32_t{a[0]} << 24) | (std::uint32_t{a[1]} << 16) | (std::uint32_t{a[2]} << 8) | a[3];
    const std::uint32_t net = (std::uint32_t{b0} << 24) | (std::uint32_t{b1} << 16) | (std::uint32_t{b2} << 8) | b3;
    const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
    return (addr & mask) == (net & mask);
}

bool PublicV4(const std::uint8_t* a) {
    struct Range {
        std::uint8_t b0, b1, b2, b3;
        int prefix;
    };
    static constexpr Range kNotPublic[] = {
        {0, 0, 0, 0, 8},        // "this network"
        {10, 0, 0, 0, 8},       // private
        {100, 64, 0, 0, 10},    // carrier-grade NAT
        {127, 0, 0, 0, 8},      // loopback
        {169, 254, 0, 0, 16},   // link-local (cloud metadata services live here)
        {172, 16, 0, 0, 12},    // private
        {192, 0, 0, 0, 24},     // IETF protocol assignments
        {192, 0, 2, 0, 24},     // documentation
        {192, 88, 99, 0, 24},   // 6to4 relay anycast
        {192, 168, 0, 0, 16},   // private
        {198, 18, 0, 0, 15},    // benchmarking
        {198, 51, 100, 0, 24},  // documentation
        {203, 0, 113, 0, 24},   // documentation
        {224, 0, 0, 0, 4},      // multicast
        {240, 0, 0, 0, 4},      // reserved, and the broadcast address
    };
    return std::none_of(std::begin(kNotPublic), std::end(kNotPublic),
                        [&](const Range& r) { return InV4(a, r.b0, r.b1, r.b2, r.b3, r.prefix); });
}

}  // namespace

std::optional<EndpointParts> CheckEndpoint(std::string_view url) {
    if (url.empty() || url.size() > kMaxUrl) return std::nullopt;
    for (unsigned char c : url) {
        if (c <= 0x20 || c >= 0x7f || c == '\\') return std::nullopt;  // no spaces, controls, non-ASCII or backslash
    }
    // The scheme, case-insensitively; only https.
    constexpr std::string_view kScheme = "https://";
    if (url.size() <= kScheme.size()) return std::nullopt;
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(url[i])) != kScheme[i]) return std::nullopt;
    }
    std::string_view rest = url.substr(kScheme.size());
    std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    if (authority.find('@') != std::string_view::npos) return std::nullopt;  // no userinfo
    if (authority.empty() || authority.front() == '[') return std::nullopt;  // no IPv6 literal
    EndpointParts out;
    out.port = "443";
    std::string_view host = authority;
    if (auto colon = authority.find(':'); colon != std::string_view::npos) {
        std::string_view port = authority.substr(colon + 1);
        host = authority.substr(0, colon);
        // Push services listen on 443; an explicit port must say so (leading zeros or others aim elsewhere).
        if (port != "443") return std::nullopt;
    }
    std::string name(host);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    while (!name.empty() && name.back() == '.') name.pop_back();  // "localhost." is localhost
    if (name.empty() || name.size() > 253) return std::nullopt;
    std::vector<std::string_view> labels;
    for (std::size_t at = 0;;) {
        auto dot = name.find('.', at);
        labels.push_back(std::string_view(name).substr(at, dot == std::string::npos ? std::string::npos : dot - at));
        if (dot == std::string::npos) break;
        at = dot + 1;
    }
    // Two labels at least (a public name has a registrable domain), each a proper label.
    if (labels.size() < 2) return std::nullopt;
    if (!std::all_of(labels.begin(), labels.end(), IsLdhLabel)) return std::nullopt;
    // A name whose last label is a number is an IPv4 address to URL parsers and resolvers (127.1, 0x7f.1,
    // 0177.0.0.1, 1.2.3.0x4 …), and no top-level domain is numeric.
    if (IsDigits(labels.back()) || IsHexNumber(labels.back())) return std::nullopt;
    for (std::string_view suffix : kLocalSuffixes) {
        if (name == suffix ||
            (name.size() > suffix.size() && name.ends_with(suffix) && name[name.size() - suffix.size() - 1] == '.')) {
            return std::nullopt;
        }
    }
    out.host = std::move(name);
    return out;
}

std::string IpAddress::ToString() const {
    char text[INET6_ADDRSTRLEN] = {};
    inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), text, sizeof text);
    return text;
}

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
    std::string s(text);
    IpAddress a;
    if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) return a;
    a.v6 = true;
    if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) return a;
    return std::nullopt;
}

bool IsPublicAddress(const IpAddress& address) {
    const auto& b = address.bytes;
    if (!address.v6) return PublicV4(b.data());
    auto starts = [&](std::initializer_list<std::uint8_t> prefix) {
        return std::equal(prefix.begin(), prefix.end(), b.begin());
    };
    auto zeros = [&](std::size_t n) {
        return std::all_of(b.begin(), b.begin() + static_cast<long>(n), [](auto x) { return x == 0; });
    };
    // ::/96 holds the unspecified address, loopback and the deprecated IPv4-compatible form; ::ffff:0:0/96 maps IPv4.
    if (zeros(12)) return false;
    if (zeros(10) && b[10] == 0xff && b[11] == 0xff) return PublicV4(b.data() + 12);
    if (starts({0x00, 0x64, 0xff, 0x9b})) {
        // NAT64's well-known prefix 64:ff9b::/96 reaches the IPv4 address in its last four bytes; anything else under
        // 64:ff9b (the local-use 64:ff9b:1::/48) is a network's own.
        bool well_known = std::all_of(b.begin() + 4, b.begin() + 12, [](auto x) { return x == 0; });
        return well_known && PublicV4(b.data() + 12);
    }
    if (starts({0x01, 0x00}) && std::all_of(b.begin() + 2, b.begin() + 8, [](auto x) { return x == 0; })) {
        return false;  // 100::/64 discard
    }
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] < 0x02) return false;  // 2001::/23 IETF special (Teredo, ORCHID …)
    if (starts({0x20, 0x01, 0x0d, 0xb8})) return false;             // 2001:db8::/32 documentation
    if (b[0] == 0x3f && b[1] == 0xff && (b[2] & 0xf0) == 0) return false;  // 3fff::/20 documentation (RFC 9637)
    if (starts({0x20, 0x02})) return PublicV4(b.data() + 2);               // 6to4 embeds an IPv4 address
    if ((b[0] & 0xfe) == 0xfc) return false;                               // fc00::/7 unique-local
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return false;               // fe80::/10 link-local
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return false;               // fec0::/10 site-local (deprecated)
    if (b[0] == 0xff) return false;                                        // multicast
    return (b[0] & 0xe0) == 0x20;                                          // global unicast is 2000::/3
}

}  // namespace push

#include "push/push.hpp"

#include <curl/curl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

#include "common/base64.hpp"
#include "common/dates.hpp"

namespace push {

KeyPair EnsureVapidKey(db::Database& db, const common::Clock& clock) {
    return db.Write([&](db::WriteTx& tx) {
        auto made = GenerateKeyPair();
        // Two nodes starting together: the first insert wins and both read it back.
        tx.Exec(
            "INSERT INTO server_key (name, private_key, public_key, created_at) VALUES ('vapid', ?, ?, ?) ON CONFLICT "
            "(name) DO NOTHING",
            common::Base64UrlEncode(made.private_key), common::Base64UrlEncode(made.public_key),
            common::FormatInstant(clock.Now()));
        auto r = tx.QueryOne("SELECT private_key, public_key FROM server_key WHERE name = 'vapid'");
        auto priv = common::Base64UrlDecode(r.Text(0));
        auto pub = common::Base64UrlDecode(r.Text(1));
        if (!priv || !pub) throw std::runtime_error("the stored VAPID key is not base64url");
        return KeyPair{*priv, *pub};
    });
}

namespace {

// Tests run a push service on loopback over plain http (TADAIMA_PUSH_INSECURE_ENDPOINTS): that and nothing else
// besides a proper endpoint.
bool TestLoopbackEndpoint(std::string_view endpoint, bool insecure_loopback) {
    return insecure_loopback && endpoint.starts_with("http://127.0.0.1:") && endpoint.size() <= 1024 &&
           std::none_of(endpoint.begin(), endpoint.end(), [](unsigned char c) { return c <= 0x20 || c >= 0x7f; });
}

bool EndpointAllowed(const std::string& endpoint, bool insecure_loopback) {
    return TestLoopbackEndpoint(endpoint, insecure_loopback) || CheckEndpoint(endpoint).has_value();
}

bool KeysUsable(const std::string& p256dh, const std::string& auth) {
    auto key = common::Base64UrlDecode(p256dh);
    auto secret = common::Base64UrlDecode(auth);
    if (!key || !secret || key->size() != 65 || secret->size() != 16) return false;
    try {
        Encrypt("", *key, *secret);  // a point on the curve, or this throws
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace

std::optional<SubscribeProblem> Subscribe(db::WriteTx& tx, common::AccountId account, const std::string& endpoint,
                                          const std::string& p256dh, const std::string& auth, bool insecure_loopback,
                                          const common::Clock& clock) {
    if (!EndpointAllowed(endpoint, insecure_loopback)) return SubscribeProblem::kEndpoint;
    if (!KeysUsable(p256dh, auth)) return SubscribeProblem::kKeys;
    // Only the owner's own row is updated; another account's stays as it is.
    tx.Exec(
        "INSERT INTO push_subscription (account_id, endpoint, p256dh, auth, created_at) VALUES (?, ?, ?, ?, ?) ON "
        "CONFLICT (endpoint) DO UPDATE SET p256dh = excluded.p256dh, auth = excluded.auth, created_at = "
        "excluded.created_at WHERE push_subscription.account_id = excluded.account_id",
        account, endpoint, p256dh, auth, common::FormatInstant(clock.Now()));
    auto owner = tx.QueryOne("SELECT account_id FROM push_subscription WHERE endpoint = ?", endpoint);
    if (owner.Id<common::AccountId>(0) != account) return SubscribeProblem::kTaken;
    return std::nullopt;
}

bool Unsubscribe(db::WriteTx& tx, common::AccountId account, const std::string& endpoint) {
    return tx.Exec("DELETE FROM push_subscription WHERE account_id = ? AND endpoint = ?", account, endpoint) > 0;
}

std::vector<Subscription> SubscriptionsOf(db::ReadTx& tx, common::AccountId account) {
    std::vector<Subscription> out;
    for (const auto& r : tx.Query("SELECT id, endpoint, p256dh, auth FROM push_subscription WHERE account_id = ? "
                                  "ORDER BY id",
                                  account)) {
        out.push_back({r.Int(0), r.Text(1), r.Text(2), r.Text(3)});
    }
    return out;
}

std::int64_t CountSubscriptions(db::ReadTx& tx, common::AccountId account) {
    return tx.QueryOne("SELECT COUNT(*) FROM push_subscription WHERE account_id = ?", account).Int(0);
}

std::optional<std::string> VapidPublicKey(db::ReadTx& tx) {
    auto r = tx.QueryOptional("SELECT public_key FROM server_key WHERE name = 'vapid'");
    if (!r) return std::nullopt;
    return r->Text(0);
}

namespace {

std::size_t Discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }

std::size_t HeaderLine(char* data, std::size_t size, std::size_t n, void* user) {
    auto* out = static_cast<std::optional<std::chrono::seconds>*>(user);
    std::string_view line(data, size * n);
    constexpr std::string_view name = "retry-after:";
    if (line.size() > name.size()) {
        std::string lower(line.substr(0, name.size()));
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower == name) {
            auto value = line.substr(name.size());
            while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
            long seconds = 0;
            auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
            // Seconds only; an HTTP date is rare from push services and then the backoff applies.
            if (ec == std::errc() && seconds >= 0) *out = std::chrono::seconds(std::min<long>(seconds, 86400));
        }
    }
    return size * n;
}

// libcurl asks before each connection; only an address that was checked may be connected to (belt and braces
// beside CURLOPT_RESOLVE, which pins the name to those addresses).
curl_socket_t OpenChecked(void* clientp, curlsocktype purpose, curl_sockaddr* address) {
    const auto* allowed = static_cast<const std::vector<IpAddress>*>(clientp);
    if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
    IpAddress a;
    if (address->family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(&address->addr);
        std::memcpy(a.bytes.data(), &in->sin_addr, 4);
    } else if (address->family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address->addr);
        a.v6 = true;
        std::memcpy(a.bytes.data(), &in6->sin6_addr, 16);
    } else {
        return CURL_SOCKET_BAD;
    }
    bool checked = std::any_of(allowed->begin(), allowed->end(),
                               [&](const IpAddress& b) { return b.v6 == a.v6 && b.bytes == a.bytes; });
    if (!checked || !IsPublicAddress(a)) return CURL_SOCKET_BAD;
    return socket(address->family, address->socktype, address->protocol);
}

class CurlClient final : public Client {
 public:
    CurlClient(std::chrono::milliseconds timeout, bool insecure_loopback, Resolver resolver)
        : timeout_(timeout), insecure_loopback_(insecure_loopback), resolver_(std::move(resolver)) {}
    Response Post(const std::string& endpoint, const std::vector<std::string>& headers,
                  const std::string& body) override {
        Response out;
        std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
        if (!curl) {
            out.error = "curl_easy_init failed";
            return out;
        }
        // Resolve, check every answer, and pin the connection to what was checked.
        std::vector<IpAddress> allowed;
        curl_slist* pinned = nullptr;
        const bool test_loopback = TestLoopbackEndpoint(endpoint, insecure_loopback_);
        if (!test_loopback) {
            auto parts = CheckEndpoint(endpoint);
            if (!parts) {
                out.forbidden = true;
                out.error = "not a permitted push endpoint";
                return out;
            }
            allowed = resolver_(parts->host, parts->port);
            if (allowed.empty()) {
                out.error = "the push service's name did not resolve";
                return out;
            }
            std::string entry = parts->host + ":" + parts->port + ":";
            for (std::size_t i = 0; i < allowed.size(); ++i) {
                if (!IsPublicAddress(allowed[i])) {
                    out.forbidden = true;
                    out.error = "the push service's name resolves to a non-public address";
                    return out;
                }
                entry += (i ? "," : "") + (allowed[i].v6 ? "[" + allowed[i].ToString() + "]" : allowed[i].ToString());
            }
            pinned = curl_slist_append(nullptr, entry.c_str());
        }
        std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> owned_pin(pinned, &curl_slist_free_all);
        curl_slist* list = nullptr;
        for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
        std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> owned(list, &curl_slist_free_all);
        curl_easy_setopt(curl.get(), CURLOPT_URL, endpoint.c_str());
        curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, test_loopback ? "http" : "https");
        curl_easy_setopt(curl.get(), CURLOPT_PROXY, "");  // never through a proxy: the checked address is the peer
        curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 0L);
        if (!test_loopback) {
            curl_easy_setopt(curl.get(), CURLOPT_RESOLVE, pinned);
            curl_easy_setopt(curl.get(), CURLOPT_OPENSOCKETFUNCTION, &OpenChecked);
            curl_easy_setopt(curl.get(), CURLOPT_OPENSOCKETDATA, &allowed);
        }
        curl_easy_setopt(curl.get(), CURLOPT_POST, 1L);
        curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
        curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, list);
        curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
        curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &Discard);
        curl_easy_setopt(curl.get(), CURLOPT_HEADERFUNCTION, &HeaderLine);
        curl_easy_setopt(curl.get(), CURLOPT_HEADERDATA, &out.retry_after);
        auto rc = curl_easy_perform(curl.get());
        if (rc != CURLE_OK) {
            out.error = curl_easy_strerror(rc);
            return out;
        }
        long status = 0;
        curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
        out.status = static_cast<int>(status);
        return out;
    }

 private:
    std::chrono::milliseconds timeout_;
    bool insecure_loopback_;
    Resolver resolver_;
};

}  // namespace

std::vector<IpAddress> SystemResolve(const std::string& host, const std::string& port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    std::vector<IpAddress> out;
    if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0) return out;
    for (auto* ai = found; ai; ai = ai->ai_next) {
        IpAddress a;
        if (ai->ai_family == AF_INET) {
            std::memcpy(a.bytes.data(), &reinterpret_cast<const sockaddr_in*>(ai->ai_addr)->sin_addr, 4);
        } else if (ai->ai_family == AF_INET6) {
            a.v6 = true;
            std::memcpy(a.bytes.data(), &reinterpret_cast<const sockaddr_in6*>(ai->ai_addr)->sin6_addr, 16);
        } else {
            continue;
        }
        if (std::none_of(out.begin(), out.end(),
                         [&](const IpAddress& b) { return b.v6 == a.v6 && b.bytes == a.bytes; }))
            out.push_back(a);
    }
    freeaddrinfo(found);
    return out;
}

std::unique_ptr<Client> MakeCurlClient(std::chrono::milliseconds timeout, bool insecure_loopback, Resolver resolver) {
    return std::make_unique<CurlClient>(timeout, insecure_loopback, std::move(resolver));
}

}  // namespace push

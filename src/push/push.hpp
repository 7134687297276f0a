#pragma once
// Web Push delivery: the server's VAPID key, family members' subscriptions, and the HTTP client that hands an
// encrypted message to a push service (libcurl, with a time limit).
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"
#include "push/endpoint.hpp"
#include "push/webpush.hpp"

namespace push {

// The VAPID key pair: made by the first node to start and kept in the database, so every node signs alike and
// subscriptions survive restarts.
KeyPair EnsureVapidKey(db::Database& db, const common::Clock& clock);

struct Subscription {
    std::int64_t id = 0;
    std::string endpoint;
    std::string p256dh, auth;  // base64url, as the browser gives them
};
enum class SubscribeProblem { kEndpoint, kKeys, kTaken };
// Records the browser's subscription for the account (the same endpoint again is updated). An endpoint belongs to
// the account that registered it first (kTaken for any other, until that one unsubscribes): otherwise whoever
// learnt a phone's endpoint could move its notices to their own account. Endpoints are https:// URLs to a public
// DNS name (see CheckEndpoint; plain http on 127.0.0.1 only when `insecure_loopback`, for tests).
std::optional<SubscribeProblem> Subscribe(db::WriteTx& tx, common::AccountId account, const std::string& endpoint,
                                          const std::string& p256dh, const std::string& auth, bool insecure_loopback,
                                          const common::Clock& clock);
bool Unsubscribe(db::WriteTx& tx, common::AccountId account, const std::string& endpoint);
std::vector<Subscription> SubscriptionsOf(db::ReadTx& tx, common::AccountId account);
std::int64_t CountSubscriptions(db::ReadTx& tx, common::AccountId account);
// The server's VAPID public key (base64url) for the app's subscribe call; none before the first start made it.
std::optional<std::string> VapidPublicKey(db::ReadTx& tx);

struct Response {
    int status = 0;  // 0: no answer (refused, timed out)
    std::optional<std::chrono::seconds> retry_after;
    std::string error;       // never the endpoint
    bool forbidden = false;  // not sent: the endpoint is not one the server may reach (a non-public address)
};
class Client {
 public:
    virtual ~Client() = default;
    virtual Response Post(const std::string& endpoint, const std::vector<std::string>& headers,
                          const std::string& body) = 0;
};
// The addresses a host name resolves to now. The system's resolver by default; tests give their own (a resolver
// that answers with a loopback address, which no test machine's DNS would).
using Resolver = std::function<std::vector<IpAddress>(const std::string& host, const std::string& port)>;
std::vector<IpAddress> SystemResolve(const std::string& host, const std::string& port);
// libcurl with a time limit. The endpoint's name is resolved here and every answer checked (IsPublicAddress): if any
// is not public, nothing is sent (forbidden); otherwise libcurl connects to exactly those checked addresses, never
// through a proxy. With insecure_loopback (tests), http://127.0.0.1:… endpoints are posted to as they are.
std::unique_ptr<Client> MakeCurlClient(std::chrono::milliseconds timeout, bool insecure_loopback = false,
                                       Resolver resolver = SystemResolve);

}  // namespace push

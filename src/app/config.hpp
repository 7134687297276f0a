#pragma once
// Configuration comes from the environment (documented in README.md), never from the repository.
#include <string>

#include <memory>

#include "app/networks.hpp"
#include "auth/data_keys.hpp"
#include "http/limits.hpp"

namespace app {

struct Config {
    std::string listen_address = "127.0.0.1";
    unsigned short listen_port = 8080;
    std::string database = "var/tadaima.db";  // a SQLite path or a postgresql:// URL
    std::string secret_file = "var/secret.key";
    bool secure_cookies = false;  // set when served over TLS (directly or behind a proxy)
    // TADAIMA_TLS_CERT and TADAIMA_TLS_KEY: serve HTTPS itself (Secure cookies and HSTS follow); and
    // TADAIMA_HTTP_REDIRECT_LISTEN (HOST:PORT): a plain port beside it that only redirects to HTTPS.
    std::string tls_cert_file, tls_key_file;
    std::string redirect_address;
    unsigned short redirect_port = 0;
    int worker_threads = 32;  // handlers block on the database; more of them wait together for one commit
    int db_pool_size = 8;
    // TADAIMA_DB_DURABILITY=unchecked: serve on a database that can lose acknowledged writes (PostgreSQL with fsync
    // or full_page_writes off: the tests' throwaway clusters). Default: refuse to start on one.
    bool durability_unchecked = false;
    // Threads running jobs (each with its own connection to the mail server): a broadcast to every family is
    // mostly waiting for the mail server, so several go at once. 0: this node runs no jobs (other nodes do).
    int job_workers = 4;
    http::Limits limits;
    std::string log_level = "info";
    // How users reach the server (links in mails and letters), e.g. https://tadaima.city.example.jp
    std::string public_url = "http://127.0.0.1:8080";
    std::string smtp_url;  // smtp://host:25, smtps://user:password@host:465; empty: no SMTP
    bool smtp_starttls = false;
    std::string smtp_ca_file;  // a private CA for the mail server's certificate (PEM); empty: the system's
    std::string mail_dir;      // without SMTP: write mails as files here (demo)
    std::string mail_from = "tadaima <noreply@tadaima.invalid>";
    // Web Push: the contact the push services see in the VAPID token, the wait for a push service's answer, and
    // (tests only) whether subscriptions may name plain-http loopback endpoints.
    std::string vapid_subject = "mailto:noreply@tadaima.invalid";
    int push_timeout_ms = 10000;
    bool push_insecure_endpoints = false;
    std::string secret;  // loaded from secret_file at start
    // The keys that seal sensitive fields (auth/data_keys.hpp), in their own file (default: data.keys beside the
    // secret file); loaded by serve.
    std::string data_keys_file = "var/data.keys";
    std::shared_ptr<auth::DataKeys> data_keys;
    std::string test_clock_file;  // TADAIMA_TEST_CLOCK_FILE: browser tests move the server's time (never in production)
    // Failed sign-ins per address in 10 minutes, and wrong registration codes per address in an hour, before the
    // address is held back. Raise them where many families share one address (a carrier's NAT).
    int address_failure_limit = 30;
    int code_failure_limit = 10;
    // Bearer token that /metrics asks for (TADAIMA_METRICS_TOKEN or TADAIMA_METRICS_TOKEN_FILE); empty: /metrics is
    // not served.
    std::string metrics_token;
    // Where staff pages and sign-in (and, if set, kiosks) may be reached from, and which proxies' X-Forwarded-For is
    // believed (app/networks.hpp). Empty: no limit, and the peer is the client.
    Networks staff_networks, kiosk_networks, trusted_proxies;
};

// Guardians' session cookie (staff sessions use auth::kSessionCookie).
inline constexpr std::string_view kFamilySessionCookie = "tadaima_family";

// A cookie's name: with the __Host- prefix whenever cookies are Secure, so that browsers accept it only from this
// host, over HTTPS, for the whole site (no subdomain can set or shadow it).
inline std::string CookieName(const Config& c, std::string_view base) {
    return (c.secure_cookies ? "__Host-" : "") + std::string(base);
}

// Reads TADAIMA_* variables; throws std::runtime_error with a clear message on a bad value.
Config ConfigFromEnvironment();

// The server secret (for signing), read from the secret file; created with mode 0600 when absent.
std::string LoadOrCreateSecret(const std::string& path);

}  // namespace app

#include "app/config.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "common/random.hpp"
#include "mail/mail.hpp"

namespace app {
namespace {

std::string Env(const char* name, std::string fallback) {
    const char* v = std::getenv(name);
    return (v && *v) ? std::string(v) : std::move(fallback);
}

long EnvInt(const char* name, long fallback, long min, long max) {
    const char* v = std::getenv(name);
    if (!v || !*v) return fallback;
    char* end = nullptr;
    long n = std::strtol(v, &end, 10);
    if (*end != '\0' || n < min || n > max) {
        throw std::runtime_error(std::string(name) + " must be a whole number from " + std::to_string(min) + " to " +
                                 std::to_string(max));
    }
    return n;
}

// HOST:PORT (an IPv6 host in brackets) from the variable `name`.
std::pair<std::string, unsigned short> ListenAddress(const char* name, const std::string& listen) {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos) {
        throw std::runtime_error(std::string(name) + " must be HOST:PORT, e.g. 127.0.0.1:8080");
    }
    std::string address = listen.substr(0, colon);
    if (address.size() > 2 && address.front() == '[') address = address.substr(1, address.size() - 2);
    try {
        int port = std::stoi(listen.substr(colon + 1));
        if (port < 0 || port > 65535) throw std::out_of_range("port");
        return {address, static_cast<unsigned short>(port)};
    } catch (const std::exception&) {
        throw std::runtime_error(std::string(name) + " has a bad port: " + listen);
    }
}

}  // namespace

Config ConfigFromEnvironment() {
    Config c;
    std::tie(c.listen_address, c.listen_port) =
        ListenAddress("TADAIMA_LISTEN", Env("TADAIMA_LISTEN", "127.0.0.1:8080"));
    c.tls_cert_file = Env("TADAIMA_TLS_CERT", "");
    c.tls_key_file = Env("TADAIMA_TLS_KEY", "");
    if (c.tls_cert_file.empty() != c.tls_key_file.empty()) {
        throw std::runtime_error("TADAIMA_TLS_CERT and TADAIMA_TLS_KEY go together: set both, or neither");
    }
    if (const auto redirect = Env("TADAIMA_HTTP_REDIRECT_LISTEN", ""); !redirect.empty()) {
        if (c.tls_cert_file.empty()) {
            throw std::runtime_error(
                "TADAIMA_HTTP_REDIRECT_LISTEN redirects to HTTPS: set TADAIMA_TLS_CERT and "
                "TADAIMA_TLS_KEY too");
        }
        std::tie(c.redirect_address, c.redirect_port) = ListenAddress("TADAIMA_HTTP_REDIRECT_LISTEN", redirect);
    }
    c.database = Env("TADAIMA_DB", c.database);
    c.secret_file = Env("TADAIMA_SECRET_FILE", c.secret_file);
    // Beside the secret unless told: a test or a second installation that moves its secret moves its keys too.
    const auto secret_dir = std::filesystem::path(c.secret_file).parent_path();
    c.data_keys_file =
        Env("TADAIMA_DATA_KEYS_FILE", (secret_dir.empty() ? "data.keys" : (secret_dir / "data.keys").string()));
    c.secure_cookies = Env("TADAIMA_SECURE_COOKIES", "0") == "1" || !c.tls_cert_file.empty();
    c.worker_threads = static_cast<int>(EnvInt("TADAIMA_WORKERS", c.worker_threads, 1, 256));
    c.db_pool_size = static_cast<int>(EnvInt("TADAIMA_DB_POOL", c.db_pool_size, 1, 256));
    if (const char* d = std::getenv("TADAIMA_DB_DURABILITY"); d && *d) {
        const std::string v(d);
        if (v != "required" && v != "unchecked")
            throw std::runtime_error("TADAIMA_DB_DURABILITY must be required or unchecked, not " + v);
        c.durability_unchecked = v == "unchecked";
    }
    c.job_workers = static_cast<int>(EnvInt("TADAIMA_JOB_WORKERS", c.job_workers, 0, 64));
    c.limits.max_body_bytes = static_cast<std::size_t>(EnvInt("TADAIMA_MAX_BODY_BYTES", 1 << 20, 1024, 1 << 30));
    c.limits.max_upload_bytes = static_cast<std::size_t>(EnvInt("TADAIMA_MAX_UPLOAD_BYTES", 8 << 20, 1024, 1 << 30));
    c.limits.max_photo_upload_bytes =
        static_cast<std::size_t>(EnvInt("TADAIMA_MAX_PHOTO_UPLOAD_BYTES", 64 << 20, 1024, 1 << 30));
    c.limits.max_connections = static_cast<int>(EnvInt("TADAIMA_MAX_CONNECTIONS", 2048, 1, 1000000));
    c.log_level = Env("TADAIMA_LOG_LEVEL", "info");
    c.test_clock_file = Env("TADAIMA_TEST_CLOCK_FILE", "");
    // Empty: http://<listen address>:<bound port>, filled in once the server listens.
    c.public_url = Env("TADAIMA_PUBLIC_URL", "");
    while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();
    if (!c.public_url.empty() && !c.public_url.starts_with("http://") && !c.public_url.starts_with("https://")) {
        throw std::runtime_error("TADAIMA_PUBLIC_URL must start with http:// or https://");
    }
    c.smtp_url = Env("TADAIMA_SMTP_URL", "");
    if (!c.smtp_url.empty() && !c.smtp_url.starts_with("smtp://") && !c.smtp_url.starts_with("smtps://")) {
        throw std::runtime_error("TADAIMA_SMTP_URL must start with smtp:// or smtps://");
    }
    c.smtp_starttls = Env("TADAIMA_SMTP_STARTTLS", "0") == "1";
    c.smtp_ca_file = Env("TADAIMA_SMTP_CA_FILE", "");
    c.mail_dir = Env("TADAIMA_MAIL_DIR", "");
    c.mail_from = Env("TADAIMA_MAIL_FROM", c.mail_from);
    c.vapid_subject = Env("TADAIMA_VAPID_SUBJECT", "mailto:" + mail::AddressOf(c.mail_from));
    if (!c.vapid_subject.starts_with("mailto:") && !c.vapid_subject.starts_with("https://")) {
        throw std::runtime_error("TADAIMA_VAPID_SUBJECT must start with mailto: or https://");
    }
    c.push_timeout_ms = static_cast<int>(EnvInt("TADAIMA_PUSH_TIMEOUT_MS", c.push_timeout_ms, 100, 120000));
    c.push_insecure_endpoints = Env("TADAIMA_PUSH_INSECURE_ENDPOINTS", "0") == "1";
    c.address_failure_limit =
        static_cast<int>(EnvInt("TADAIMA_ADDRESS_FAILURE_LIMIT", c.address_failure_limit, 1, 1000000));
    c.code_failure_limit = static_cast<int>(EnvInt("TADAIMA_CODE_FAILURE_LIMIT", c.code_failure_limit, 1, 1000000));
    c.metrics_token = Env("TADAIMA_METRICS_TOKEN", "");
    if (auto file = Env("TADAIMA_METRICS_TOKEN_FILE", ""); !file.empty()) {
        std::ifstream in(file);
        if (!in) throw std::runtime_error("cannot read TADAIMA_METRICS_TOKEN_FILE " + file);
        std::getline(in, c.metrics_token);
        while (!c.metrics_token.empty() && (c.metrics_token.back() == '\r' || c.metrics_token.back() == ' ')) {
            c.metrics_token.pop_back();
        }
    }
    c.staff_networks = ParseNetworks(Env("TADAIMA_STAFF_NETWORKS", ""), "TADAIMA_STAFF_NETWORKS");
    c.kiosk_networks = ParseNetworks(Env("TADAIMA_KIOSK_NETWORKS", ""), "TADAIMA_KIOSK_NETWORKS");
    c.trusted_proxies = ParseNetworks(Env("TADAIMA_TRUSTED_PROXIES", ""), "TADAIMA_TRUSTED_PROXIES");
    if (!c.metrics_token.empty() && c.metrics_token.size() < 24) {
        throw std::runtime_error("the metrics token must hold at least 24 characters");
    }
    return c;
}

std::string LoadOrCreateSecret(const std::string& path) {
    if (!std::filesystem::exists(path)) {
        auto parent = std::filesystem::path(path).parent_path();
        if (!parent.empty()) std::filesystem::create_directories(parent);
        std::string secret = common::RandomHex(32);
        mode_t old = umask(077);
        {
            std::ofstream out(path, std::ios::trunc);
            out << secret << "\n";
            if (!out) {
                umask(old);
                throw std::runtime_error("cannot write the secret file " + path);
            }
        }
        umask(old);
    }
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string secret = ss.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' || secret.back() == ' ')) {
        secret.pop_back();
    }
    if (secret.size() < 32) throw std::runtime_error("the secret file " + path + " must hold at least 32 characters");
    return secret;
}

}  // namespace app

#include "auth/passwords.hpp"

#include <sodium.h>

#include <algorithm>
#include <semaphore>
#include <stdexcept>
#include <unordered_set>

#include "common/random.hpp"
#include "web/embedded.hpp"

namespace auth {
namespace {

constexpr unsigned long long kOpsLimit = 2;
constexpr std::size_t kMemLimit = 19 * 1024 * 1024;
std::counting_semaphore<4> g_hashing(4);

struct HashSlot {
    HashSlot() { g_hashing.acquire(); }
    ~HashSlot() { g_hashing.release(); }
};

}  // namespace

std::string HashPassword(std::string_view password) {
    common::InitCrypto();
    HashSlot slot;
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), kOpsLimit, kMemLimit,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
        throw std::runtime_error("password hashing ran out of memory");
    }
    return out;
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
    common::InitCrypto();
    std::string h(hash);
    HashSlot slot;
    return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool VerifyPasswordOrDummy(const std::optional<std::string>& hash, std::string_view password) {
    static const std::string kDummyHash = HashPassword("tadaima-timing-equaliser");
    bool ok = VerifyPassword(hash ? *hash : kDummyHash, password);
    return hash && ok;
}

namespace {
const std::unordered_set<std::string>& CommonPasswords() {
    static const std::unordered_set<std::string> words = [] {
        std::unordered_set<std::string> out;
        for (const auto& f : web::EmbeddedFiles()) {
            if (f.path != "data/common-passwords.txt") continue;
            std::size_t start = 0;
            while (start < f.data.size()) {
                auto nl = f.data.find('\n', start);
                if (nl == std::string_view::npos) nl = f.data.size();
                if (nl > start) out.emplace(f.data.substr(start, nl - start));
                start = nl + 1;
            }
        }
        return out;
    }();
    return words;
}

std::string Lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}
}  // namespace

std::optional<std::string> CheckPasswordPolicy(std::string_view password, std::string_view login_id) {
    // Length counts characters, not bytes: a Japanese passphrase of 8 characters is fine.
    std::size_t chars = 0;
    for (unsigned char c : password) chars += (c & 0xC0) != 0x80;
    if (chars < kMinPasswordLength) return "error_password_too_short";
    if (password.size() > kMaxPasswordLength) return "error_password_too_long";
    std::string lower = Lower(password);
    if (CommonPasswords().count(lower)) return "error_password_common";
    if (!login_id.empty() && lower == Lower(login_id)) return "error_password_is_login_id";
    return std::nullopt;
}

}  // namespace auth

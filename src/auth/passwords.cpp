#include "auth/passwords.hpp"

#include <sodium.h>

#include <semaphore>
#include <stdexcept>

#include "common/random.hpp"

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
    common::RandomHex(1);  // ensures sodium_init
    HashSlot slot;
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), kOpsLimit, kMemLimit,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
        throw std::runtime_error("password hashing ran out of memory");
    }
    return out;
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
    common::RandomHex(1);
    std::string h(hash);
    HashSlot slot;
    return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

std::optional<std::string> CheckPasswordPolicy(std::string_view password) {
    // Length counts characters, not bytes: a Japanese passphrase of 8 characters is fine.
    std::size_t chars = 0;
    for (unsigned char c : password) chars += (c & 0xC0) != 0x80;
    if (chars < kMinPasswordLength) return "error_password_too_short";
    if (password.size() > kMaxPasswordLength) return "error_password_too_long";
    return std::nullopt;
}

}  // namespace auth

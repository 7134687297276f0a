#include "auth/tokens.hpp"

#include <sodium.h>

#include <charconv>

#include "common/random.hpp"

namespace auth {

namespace {
std::string Mac(std::string_view secret, std::string_view purpose, std::int64_t id) {
    std::string mac = HmacSha256(secret, std::string(purpose) + ":" + std::to_string(id));
    char out[64];
    sodium_bin2base64(out, sizeof out, reinterpret_cast<const unsigned char*>(mac.data()), 16,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}
}  // namespace

std::string HmacSha256(std::string_view key, std::string_view message) {
    common::InitCrypto();
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(message.data()), message.size());
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_final(&st, mac);
    return std::string(reinterpret_cast<const char*>(mac), sizeof mac);
}

std::string SignToken(std::string_view secret, std::string_view purpose, std::int64_t id) {
    return std::to_string(id) + "." + Mac(secret, purpose, id);
}

std::optional<std::int64_t> VerifyToken(std::string_view secret, std::string_view purpose, std::string_view token) {
    auto dot = token.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot > 18) return std::nullopt;
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(token.data(), token.data() + dot, id);
    if (ec != std::errc() || end != token.data() + dot || id <= 0) return std::nullopt;
    if (!common::ConstantTimeEquals(token.substr(dot + 1), Mac(secret, purpose, id))) return std::nullopt;
    return id;
}

}  // namespace auth

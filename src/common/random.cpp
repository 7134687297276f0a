#include "common/random.hpp"

#include <sodium.h>

#include <stdexcept>

namespace common {
namespace {

std::string ToHex(const unsigned char* data, std::size_t size) {
    std::string out(size * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), data, size);
    out.pop_back();
    return out;
}

struct SodiumInit {
    SodiumInit() {
        if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
    }
};

}  // namespace

void InitCrypto() { static SodiumInit init; }

std::string RandomBytes(std::size_t bytes) {
    InitCrypto();
    std::string buf(bytes, '\0');
    randombytes_buf(buf.data(), buf.size());
    return buf;
}

std::string RandomHex(std::size_t bytes) {
    auto raw = RandomBytes(bytes);
    return ToHex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

std::uint32_t RandomBelow(std::uint32_t upper) {
    InitCrypto();
    return randombytes_uniform(upper);
}

std::string Sha256Hex(std::string_view data) {
    InitCrypto();
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    return ToHex(out, sizeof out);
}

std::string BytesToHex(std::string_view bytes) {
    return ToHex(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string RandomCode(std::size_t length) {
    constexpr std::string_view kAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    std::string out;
    for (std::size_t i = 0; i < length; ++i)
        out += kAlphabet[RandomBelow(static_cast<std::uint32_t>(kAlphabet.size()))];
    return out;
}

}  // namespace common

#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace common {

// Initialises libsodium once; every function here calls it, and so must code that uses libsodium directly.
void InitCrypto();
// Cryptographically random bytes (libsodium's randombytes), raw or as lower-case hex.
std::string RandomBytes(std::size_t bytes);
std::string RandomHex(std::size_t bytes);
// A uniformly random number below `upper` (no modulo bias).
std::uint32_t RandomBelow(std::uint32_t upper);
// A code of `length` characters a person can read out and type: upper-case letters and digits without the
// look-alikes 0 O 1 I L.
std::string RandomCode(std::size_t length);
// SHA-256 of data as lower-case hex.
std::string Sha256Hex(std::string_view data);
// Bytes as lower-case hex.
std::string BytesToHex(std::string_view bytes);
// Comparison whose time does not depend on where the strings differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace common

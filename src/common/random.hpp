#pragma once
#include <string>

namespace common {

// Cryptographically random bytes as lower-case hex (libsodium's randombytes).
std::string RandomHex(std::size_t bytes);
// SHA-256 of data as lower-case hex.
std::string Sha256Hex(std::string_view data);
// Comparison whose time does not depend on where the strings differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace common

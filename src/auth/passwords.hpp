#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace auth {

inline constexpr std::size_t kMinPasswordLength = 8;
inline constexpr std::size_t kMaxPasswordLength = 1024;  // long passphrases welcome; bounded hashing input

// argon2id (libsodium) with OWASP's minimum: 19 MiB, 2 passes. Concurrent hashing is capped to bound memory.
std::string HashPassword(std::string_view password);
bool VerifyPassword(std::string_view hash, std::string_view password);
// For sign-in: verifies against the account's hash, or, when there is no such account, does the same hashing
// work against a fixed hash and answers false, so an unknown login takes as long as a wrong password.
bool VerifyPasswordOrDummy(const std::optional<std::string>& hash, std::string_view password);
// A catalogue key when the password is not acceptable, else nullopt: too short, too long, one of the most
// common passwords (data/common-passwords.txt), or the login id itself. No composition rules (OWASP ASVS 2.1).
std::optional<std::string> CheckPasswordPolicy(std::string_view password, std::string_view login_id = {});

}  // namespace auth

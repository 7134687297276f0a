#pragma once
// Base64 (RFC 4648) through libsodium: the standard alphabet with padding (mail bodies and subjects, signatures in
// certificates) and the URL-safe one without (Web Push keys and tokens, files staged in forms).
#include <optional>
#include <string>
#include <string_view>

namespace common {

std::string Base64Encode(std::string_view bytes);
// Strict: the standard alphabet, exact padding and nothing else (a signature must have one spelling only).
std::optional<std::string> Base64Decode(std::string_view text);
std::string Base64UrlEncode(std::string_view bytes);
// Padding tolerated (some browsers send it).
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace common

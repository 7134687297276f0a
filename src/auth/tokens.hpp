#pragma once
// Links sent by mail ("confirm your address", "join your family") carry a row id and an HMAC of it under the
// server secret, so the database holds no token that could be replayed from a copy of it, and a job's payload needs
// only the id. Whether the link is still good (expiry, use) is the row's business.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace auth {

// HMAC-SHA256 of message under key: 32 raw bytes.
std::string HmacSha256(std::string_view key, std::string_view message);

// "<id>.<128-bit HMAC-SHA256 of purpose and id, base64url>"
std::string SignToken(std::string_view secret, std::string_view purpose, std::int64_t id);
// The id, when the token is well-formed and its HMAC matches (compared in constant time).
std::optional<std::int64_t> VerifyToken(std::string_view secret, std::string_view purpose, std::string_view token);

}  // namespace auth

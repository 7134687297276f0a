#pragma once
// Web Push message encryption (RFC 8291, the aes128gcm content coding of RFC 8188) and VAPID (RFC 8292), with
// OpenSSL 3. Keys and secrets are raw bytes in std::string; base64url is what subscriptions and headers carry.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"

namespace push {

// A P-256 key pair: the private scalar (32 bytes) and the uncompressed public point (65 bytes, 0x04 first).
struct KeyPair {
    std::string private_key;
    std::string public_key;
};
KeyPair GenerateKeyPair();
// The public point of a private scalar; throws when it is not a valid P-256 private key.
std::string PublicKeyOf(std::string_view private_key);

// Encrypts a push message for a subscription (its p256dh public key, 65 bytes, and its 16-byte auth secret) as
// one aes128gcm record: salt ‖ rs ‖ idlen ‖ keyid (the sender's public key) ‖ ciphertext. `sender` and `salt`
// are fresh for every message; they are parameters so that the RFC's example can be reproduced.
std::string Encrypt(std::string_view plaintext, std::string_view ua_public, std::string_view auth_secret,
                    const KeyPair& sender, std::string_view salt);
// Encrypts with a fresh sender key and salt.
std::string Encrypt(std::string_view plaintext, std::string_view ua_public, std::string_view auth_secret);
// The user agent's side (for tests and a test push service): nullopt when the message does not decrypt.
std::optional<std::string> Decrypt(std::string_view body, std::string_view ua_private, std::string_view auth_secret);

// VAPID: the Authorization header value "vapid t=<JWT>, k=<public key>" for a push service's origin
// ("https://push.example.net"), signed ES256 by the application server's key, valid until `expires`.
std::string VapidAuthorization(const KeyPair& server, const std::string& audience, const std::string& subject,
                               common::Instant expires);
// Checks a VAPID header as a push service would (signature by k, aud, exp after now); returns the subject.
std::optional<std::string> VerifyVapid(std::string_view authorization, const std::string& audience,
                                       common::Instant now);

// "https://push.example.net" from an endpoint URL (scheme, host and port).
std::string OriginOf(const std::string& endpoint);

}  // namespace push

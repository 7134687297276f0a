#pragma once
// Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits — what authenticator apps use),
// base32 secrets (RFC 4648) and the otpauth:// URI an app scans as a QR code.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"

namespace auth {

std::string Base32Encode(std::string_view bytes);
std::optional<std::string> Base32Decode(std::string_view text);  // ignores spaces and case; nullopt if invalid

// A new random secret of 20 bytes, base32-encoded.
std::string NewTotpSecret();
std::int64_t TotpStep(common::Instant t);  // 30-second steps since the epoch
// The code for a step, zero-padded to `digits`.
std::string TotpCode(std::string_view secret_bytes, std::int64_t step, int digits = 6);

// The step whose code matches, within one step either side of now (clock drift), and after `last_step` (a code
// is used once); nullopt otherwise.
std::optional<std::int64_t> MatchTotp(const std::string& base32_secret, std::string_view code, common::Instant now,
                                      std::int64_t last_step);

std::string OtpauthUri(const std::string& issuer, const std::string& account, const std::string& base32_secret);

// A QR code of the text as a standalone SVG document (libqrencode, error correction M).
std::string QrSvg(const std::string& text);

}  // namespace auth

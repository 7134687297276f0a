#pragma once
// A kiosk's scan as it arrives: {"card": "TD1-…", "scan_id": "…", "scanned_at": "2026-11-22T06:01:02.345Z"}.
// Pure (fuzzed: fuzz/).
#include <string>
#include <string_view>
#include <variant>

#include "common/clock.hpp"

namespace attendance {

struct ScanRequest {
    std::string card;     // the payload as read
    std::string scan_id;  // made by the kiosk; a retry sends the same one
    common::Instant scanned_at;
};

// The scan, or the catalogue key of what is wrong with the body (a 400).
std::variant<ScanRequest, std::string> ParseScanRequest(std::string_view body);

}  // namespace attendance

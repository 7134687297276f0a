// Kiosk scans as JSON bodies: whatever is accepted has a short card, a scan id of safe characters and an instant
// that formats back to one that parses to the same time (to the millisecond, as it is stored).
#include <cstdint>
#include <string_view>

#include "attendance/scan_request.hpp"
#include "check.hpp"
#include "common/dates.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);
    auto parsed = attendance::ParseScanRequest(body);
    if (auto* scan = std::get_if<attendance::ScanRequest>(&parsed)) {
        FUZZ_CHECK(scan->card.size() <= 256);
        FUZZ_CHECK(!scan->scan_id.empty() && scan->scan_id.size() <= 64);
        for (char c : scan->scan_id) {
            FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                       c == '_');
        }
        // Stored to the millisecond.
        auto again = common::ParseInstant(common::FormatInstant(scan->scanned_at));
        FUZZ_CHECK(again && *again == std::chrono::floor<std::chrono::milliseconds>(scan->scanned_at));
    } else {
        FUZZ_CHECK(std::get<std::string>(parsed) == "error_scan_malformed");
    }
    return 0;
}

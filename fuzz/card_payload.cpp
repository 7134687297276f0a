// Card payloads as a kiosk's reader types them: whatever is accepted is exactly one of our own signed payloads
// (up to case and surrounding spaces), and its id makes the same payload again.
#include <cstdint>
#include <string>
#include <string_view>

#include "attendance/card_payload.hpp"
#include "check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string secret = "fuzzing-secret-0123456789abcdef0123456789";
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = attendance::ParseCardPayload(secret, text);
    if (auto* id = std::get_if<common::CardId>(&parsed)) {
        FUZZ_CHECK(id->value > 0);
        std::string canonical = attendance::CardPayload(secret, *id);
        std::string typed(text);
        for (char& c : typed) {
            if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        }
        FUZZ_CHECK(typed.find(canonical) != std::string::npos);
    }
    // And every id's payload reads back as that id.
    if (size >= 8) {
        std::int64_t id = 0;
        for (int i = 0; i < 8; ++i) id = (id << 8) | data[i];
        if (id > 0) {
            auto again = attendance::ParseCardPayload(secret, attendance::CardPayload(secret, common::CardId(id)));
            FUZZ_CHECK(std::get_if<common::CardId>(&again) && std::get<common::CardId>(again).value == id);
        }
    }
    return 0;
}

// Forms and query strings: whatever parses is valid UTF-8, and encoding it again gives text that parses to the same
// names and values in the same order.
#include <cstdint>
#include <string_view>

#include "check.hpp"
#include "http/message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto params = http::ParseUrlEncoded(text);
    if (!params) return 0;
    for (const auto& [k, v] : params->items()) {
        FUZZ_CHECK(http::IsValidUtf8(k));
        FUZZ_CHECK(http::IsValidUtf8(v));
    }
    auto again = http::ParseUrlEncoded(http::EncodeQuery(*params));
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(again->items() == params->items());
    return 0;
}

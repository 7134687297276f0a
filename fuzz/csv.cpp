// Roster files as a city's systems and Excel write them (UTF-8 or CP932): whatever parses is valid UTF-8, field by
// field, with lines that only go forward.
#include <cstdint>
#include <string_view>

#include "check.hpp"
#include "http/message.hpp"
#include "roster/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto parsed = roster::ParseCsv(bytes);
    if (auto* file = std::get_if<roster::CsvFile>(&parsed)) {
        FUZZ_CHECK(file->encoding == "UTF-8" || file->encoding == "CP932");
        int line = 0;
        for (const auto& r : file->records) {
            FUZZ_CHECK(r.line > line);
            line = r.line;
            for (const auto& f : r.fields) FUZZ_CHECK(http::IsValidUtf8(f));
        }
    } else {
        FUZZ_CHECK(std::get<roster::CsvError>(parsed).line >= 0);
    }
    return 0;
}

// multipart/form-data bodies: the first line is the Content-Type header's value, the rest the body. Whatever parses
// has parts no larger than the body, with names and file names free of line breaks.
#include <cstdint>
#include <string_view>

#include "check.hpp"
#include "http/multipart.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto newline = input.find('\n');
    std::string_view type = input.substr(0, newline);
    std::string_view body = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
    auto boundary = http::MultipartBoundary(type);
    if (boundary) FUZZ_CHECK(!boundary->empty() && boundary->size() <= 200);
    auto parts = http::ParseMultipart(body, boundary ? *boundary : "fuzzboundary");
    if (parts) {
        std::size_t total = 0;
        for (const auto& p : *parts) {
            total += p.data.size();
            FUZZ_CHECK(p.name.find_first_of("\r\n") == std::string::npos);
            if (p.filename) FUZZ_CHECK(p.filename->find_first_of("\r\n") == std::string::npos);
        }
        FUZZ_CHECK(total <= body.size());
    }
    return 0;
}

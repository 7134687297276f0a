// Push endpoints as browsers (or someone posing as one) send them: whatever is accepted names a host that is a DNS
// name of two or more proper labels — never an address in any spelling — on port 443. The rest of the input is
// read as raw addresses: classifying one never fails, and its text form parses back to it.
#include <arpa/inet.h>

#include <cstdint>
#include <cstring>
#include <string_view>

#include "check.hpp"
#include "push/endpoint.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view url(reinterpret_cast<const char*>(data), size);
    if (auto parts = push::CheckEndpoint(url)) {
        const auto& host = parts->host;
        FUZZ_CHECK(parts->port == "443");
        FUZZ_CHECK(!host.empty() && host.size() <= 253 && host.find('.') != std::string::npos);
        FUZZ_CHECK(host.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-.") == std::string::npos);
        FUZZ_CHECK(host.back() != '.');
        FUZZ_CHECK(!push::ParseIpAddress(host));
        unsigned char scratch[16];
        FUZZ_CHECK(inet_aton(host.c_str(), reinterpret_cast<in_addr*>(scratch)) == 0);  // the liberal IPv4 reader too
        FUZZ_CHECK(host != "localhost" && !host.ends_with(".localhost") && !host.ends_with(".local"));
    }
    if (size >= 16) {
        push::IpAddress a;
        a.v6 = (data[0] & 1) != 0;
        std::memcpy(a.bytes.data(), data, 16);
        if (!a.v6) std::memset(a.bytes.data() + 4, 0, 12);
        (void)push::IsPublicAddress(a);
        auto back = push::ParseIpAddress(a.ToString());
        FUZZ_CHECK(back && back->v6 == a.v6 && back->bytes == a.bytes);
    }
    return 0;
}

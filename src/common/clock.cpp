#include "common/clock.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

namespace common {

Instant OffsetFileClock::Now() const {
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    std::int64_t seconds = 0;
    std::from_chars(s.data(), s.data() + s.size(), seconds);
    return std::chrono::system_clock::now() + std::chrono::seconds(seconds);
}

}  // namespace common

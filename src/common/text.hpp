#pragma once
// Small text helpers for pure parsers (card payloads, family passes), header-only so the fuzzers take them as they
// are.
#include <string>
#include <string_view>

namespace common {

// The text without the spaces, tabs and line ends a reader or a keyboard adds around it.
inline std::string TrimmedAscii(std::string_view s) {
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return std::string(s);
}

}  // namespace common

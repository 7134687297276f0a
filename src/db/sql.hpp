#pragma once
// Small SQL helpers shared by the domain queries.
#include <string>
#include <string_view>

namespace db {

// A LIKE pattern that matches `text` anywhere, with %, _ and \ escaped; use with ESCAPE '\'.
inline std::string ContainsPattern(std::string_view text) {
    std::string out = "%";
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('%');
    return out;
}

}  // namespace db

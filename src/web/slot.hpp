#pragma once
// Large HTML already rendered (a page's body, a city's tiles) goes into a template's output where the template left
// a slot — an HTML comment such as <!--body-->, written raw ({{{…}}}) — copied once instead of passing through the
// template engine again. Escaped values can never contain the slot (their '<' is escaped).
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace web {

// `html` with its first `slot` replaced by `pieces`, in order. Throws std::logic_error when the slot is missing
// (a template that lost it).
inline std::string FillSlot(const std::string& html, std::string_view slot,
                            const std::vector<std::string_view>& pieces) {
    const auto at = html.find(slot);
    if (at == std::string::npos) throw std::logic_error("template output without its slot " + std::string(slot));
    std::size_t size = html.size() - slot.size();
    for (auto p : pieces) size += p.size();
    std::string out;
    out.reserve(size);
    out.append(html, 0, at);
    for (auto p : pieces) out.append(p);
    out.append(html, at + slot.size());
    return out;
}

}  // namespace web

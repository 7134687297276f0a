#include "naps/grid.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "common/dates.hpp"

namespace naps {
namespace {

// Minutes from the Tokyo midnight that begins `date`.
int MinutesOf(common::Instant t, common::Instant midnight) {
    return static_cast<int>(std::chrono::floor<std::chrono::minutes>(t - midnight).count());
}

// The end of a UTF-8 code point starting at `i`.
std::size_t NextCodePoint(std::string_view s, std::size_t i) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    return i;
}

}  // namespace

std::string Initials(std::string_view name) {
    // Words split at spaces, ASCII or ideographic (U+3000).
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < name.size()) {
        std::size_t end = i;
        while (end < name.size() && name[end] != ' ' && name.substr(end, 3) != "\u3000") end = NextCodePoint(name, end);
        if (end > i) words.push_back(name.substr(i, end - i));
        i = end < name.size() ? (name[end] == ' ' ? end + 1 : end + 3) : end;
    }
    if (words.empty()) return "";
    const bool latin = static_cast<unsigned char>(words.front()[0]) < 0x80;
    std::string out;
    if (latin) {
        for (auto w : words) out += w[0];
        return out.substr(0, 3);
    }
    // A family name: its first two characters.
    std::size_t end = 0;
    for (int n = 0; n < 2 && end < words.front().size(); ++n) end = NextCodePoint(words.front(), end);
    return std::string(words.front().substr(0, end));
}

std::vector<reports::PdfSection> GridSections(const GridClass& group, const std::string& date,
                                              const std::string& date_label, const std::string& site_name,
                                              common::Instant until, const Words& word) {
    const auto midnight = common::TokyoInstant(*common::ParseDate(date), 0);
    const std::string place = site_name + (group.name.empty() ? "" : "　" + group.name);
    reports::PdfSection base;
    base.title = word("nap_grid_title") + "　" + date_label;
    base.row_mm = 8;
    base.columns = {{word("nap_grid_name"), 26, true},
                    {word("nap_grid_age"), 10},
                    {word("nap_grid_start"), 9},
                    {word("nap_grid_end"), 9}};
    if (group.rows.empty()) {
        base.place = place;
        base.note = word("nap_grid_none");
        return {base};
    }
    // The class's slot: its shortest interval, so every due of every child falls in a column of its own.
    int slot = 30;
    for (const auto& r : group.rows) slot = std::min(slot, std::max(1, r.nap->interval));
    // The slots any nap covers, in order: a morning and an afternoon nap leave the hours between them out.
    std::set<int> covered;
    for (const auto& r : group.rows) {
        const auto& n = *r.nap;
        auto last = n.ended.value_or(std::max(until, n.started));
        if (!n.checks.empty()) last = std::max(last, n.checks.back().at);
        const int from = MinutesOf(n.started, midnight) / slot, to = MinutesOf(last, midnight) / slot;
        for (int s = from; s <= to; ++s) covered.insert(s * slot);
    }
    const std::vector<int> slots(covered.begin(), covered.end());
    auto mark = [&](const Check& c) {
        return word("nap_mark_" + std::string(PositionName(c.position))) +
               (c.breathing_ok && c.complexion_ok ? "" : "!");
    };
    std::vector<reports::PdfSection> out;
    // Sheets of even width: 40 columns are 20 and 20, not 32 and 8.
    const std::size_t sheets = (slots.size() + kGridMaxSlots - 1) / kGridMaxSlots;
    const std::size_t per_sheet = (slots.size() + sheets - 1) / sheets;
    for (std::size_t sheet = 0; sheet < sheets; ++sheet) {
        const auto first = slots.begin() + static_cast<std::ptrdiff_t>(sheet * per_sheet);
        const auto last = slots.begin() + static_cast<std::ptrdiff_t>(std::min(slots.size(), (sheet + 1) * per_sheet));
        const std::vector<int> cols(first, last);
        reports::PdfSection s = base;
        s.place =
            place + "　" + common::FormatTimeOfDay(cols.front()) + "–" + common::FormatTimeOfDay(cols.back() + slot);
        s.note = word("nap_grid_legend");
        for (int m : cols) s.columns.push_back({common::FormatTimeOfDay(m), 6.5});
        s.columns.push_back({word("nap_grid_checks"), 8});
        s.columns.push_back({word("nap_grid_missed"), 8});
        for (const auto& r : group.rows) {
            const auto& n = *r.nap;
            const auto missed = n.Missed(until);
            std::vector<std::string> cells{r.name, r.age, common::FormatTokyoTime(n.started),
                                           n.ended ? common::FormatTokyoTime(*n.ended) : ""};
            std::vector<bool> shade(cells.size(), false);
            for (int m : cols) {
                std::string marks, by;
                bool shaded = false;
                for (const auto& c : n.checks) {
                    if (MinutesOf(c.at, midnight) / slot * slot != m) continue;
                    marks += mark(c);
                    by = Initials(c.by);
                    shaded = shaded || c.late;
                }
                for (auto due : missed) {
                    if (MinutesOf(due, midnight) / slot * slot != m) continue;
                    marks = "×" + marks;
                    shaded = true;
                }
                cells.push_back(by.empty() ? marks : marks + "\n" + by);
                shade.push_back(shaded);
            }
            cells.push_back(std::to_string(n.checks.size()));
            cells.push_back(missed.empty() ? "" : std::to_string(missed.size()));
            shade.push_back(false);
            shade.push_back(!missed.empty());
            s.rows.push_back(std::move(cells));
            s.shaded.push_back(std::move(shade));
        }
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace naps

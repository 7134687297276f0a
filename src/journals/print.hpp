#pragma once
// A care journal on paper (A4 portrait, Japanese in Noto Sans CJK through print::PdfDocument): the title, the class
// and the date, the stamp boxes of the paper version (担任 / 主任 / 園長, each with the name and when), then the
// day's attendance and fevers, activities, each child's episode, health and safety, and the reflection. A section
// that does not fit continues on the next page.
#include <string>
#include <utility>
#include <vector>

#include "journals/journals.hpp"

namespace journals {

struct StampBox {
    std::string role;  // 担任
    std::string name;  // empty: not stamped
    std::string at;
};
struct Printed {
    std::string title, place, date, state, weather_label;
    Content content;
    std::string attendance;                                     // lines
    std::vector<std::pair<std::string, std::string>> episodes;  // name, text
    // The sections' heads: activities, children, health, reflection, attendance.
    std::vector<std::string> labels;
    std::vector<StampBox> boxes;
};

std::string PrintJournal(const Printed& p, const std::string& page_words);

// Any record with stamp boxes on paper (a journal, a curriculum plan): the head with the boxes, then its sections,
// each a shaded head and its items (an item's name in bold above its text; no name: the text alone).
struct PrintSection {
    std::string head;
    std::vector<std::pair<std::string, std::string>> items;
};
struct StampedPaper {
    std::string title, place, subtitle, state;
    std::string aside;  // after the subtitle in the head, not in the footer (the journal's weather)
    std::vector<StampBox> boxes;
    std::vector<PrintSection> sections;
};
std::string PrintStamped(const StampedPaper& p, const std::string& page_words);

}  // namespace journals

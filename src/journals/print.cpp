#include "journals/print.hpp"

#include "print/pdf.hpp"

namespace journals {
namespace {

constexpr double kMargin = 15, kBottom = print::kA4HeightMm - 15;
constexpr double kWidth = print::kA4WidthMm - 2 * kMargin;

// Splits text at line breaks, so a long section flows over pages a paragraph at a time.
std::vector<std::string> Lines(const std::string& text) {
    std::vector<std::string> out;
    std::size_t from = 0;
    while (from <= text.size()) {
        auto at = text.find('\n', from);
        if (at == std::string::npos) at = text.size();
        out.push_back(text.substr(from, at - from));
        from = at + 1;
    }
    return out;
}

}  // namespace

std::string PrintStamped(const StampedPaper& p, const std::string& page_words) {
    print::PdfDocument doc(p.title);
    int page = 1;
    auto footer = [&] {
        std::string words = page_words;
        if (auto at = words.find("{n}"); at != std::string::npos) words.replace(at, 3, std::to_string(page));
        if (auto at = words.find(" / {total}"); at != std::string::npos) words.erase(at, 10);
        if (auto at = words.find("/{total}"); at != std::string::npos) words.erase(at, 8);
        doc.Text(kMargin, kBottom + 5, p.place + "　" + p.subtitle + "　" + words, {7, false, kWidth, true});
    };
    double y = kMargin;
    // The head: title, place and date on the left; the stamp boxes on the right.
    doc.Text(kMargin, y, p.title, {16, true});
    doc.Text(kMargin, y + 9, p.place, {10});
    doc.Text(kMargin, y + 15, p.subtitle + p.aside, {10});
    doc.Text(kMargin, y + 21, p.state, {8});
    constexpr double kBoxW = 24, kBoxH = 24;
    const double bx = kMargin + kWidth - kBoxW * static_cast<double>(p.boxes.size());
    for (std::size_t i = 0; i < p.boxes.size(); ++i) {
        const double x = bx + kBoxW * static_cast<double>(i);
        doc.Box(x, y, kBoxW, 6, 0.5);
        doc.Text(x, y + 1, p.boxes[i].role, {8, true, kBoxW, true});
        doc.Box(x, y + 6, kBoxW, kBoxH - 6, 0.5);
        if (!p.boxes[i].name.empty()) {
            doc.Text(x + 1, y + 8, p.boxes[i].name, {8, true, kBoxW - 2, true});
            doc.Text(x + 1, y + 18, p.boxes[i].at, {6.5, false, kBoxW - 2, true});
        }
    }
    y += kBoxH + 6;
    auto next_page = [&] {
        footer();
        doc.NextPage();
        ++page;
        y = kMargin;
    };
    // A section: its head, then its lines (each a paragraph, wrapped), a new page when one does not fit.
    auto section = [&](const std::string& head, const std::vector<std::pair<std::string, std::string>>& items) {
        if (y > kBottom - 20) next_page();
        doc.Shade(kMargin, y, kWidth, 7, 0.9);
        doc.Box(kMargin, y, kWidth, 7, 0.4);
        doc.Text(kMargin + 2, y + 1.2, head, {10, true});
        y += 9;
        for (const auto& [name, text] : items) {
            if (!name.empty()) {
                if (y > kBottom - 10) next_page();
                y += doc.Text(kMargin + 2, y, name, {9, true, kWidth - 4}) + 0.5;
            }
            for (const auto& line : Lines(text)) {
                if (y > kBottom - 6) next_page();
                y += (line.empty() ? 4.0
                                   : doc.Text(kMargin + (name.empty() ? 2 : 6), y, line,
                                              {9.5, false, kWidth - (name.empty() ? 4 : 8)})) +
                     0.8;
            }
            y += 1.5;
        }
        y += 3;
    };
    for (const auto& sec : p.sections) section(sec.head, sec.items);
    footer();
    return doc.Finish();
}

std::string PrintJournal(const Printed& p, const std::string& page_words) {
    StampedPaper paper{p.title,
                       p.place,
                       p.date,
                       p.state,
                       p.content.weather.empty() ? "" : "　" + p.weather_label + "：" + p.content.weather,
                       p.boxes,
                       {}};
    const auto& l = p.labels;
    paper.sections.push_back({l.at(4), {{"", p.attendance}}});
    paper.sections.push_back({l.at(0), {{"", p.content.activities}}});
    if (!p.episodes.empty()) paper.sections.push_back({l.at(1), p.episodes});
    paper.sections.push_back({l.at(2), {{"", p.content.health}}});
    paper.sections.push_back({l.at(3), {{"", p.content.reflection}}});
    return PrintStamped(paper, page_words);
}

}  // namespace journals

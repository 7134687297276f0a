#include "reports/pdf_tables.hpp"

#include <algorithm>
#include <numeric>

#include "print/pdf.hpp"

namespace reports {
namespace {

constexpr double kWidth = print::kA4HeightMm, kHeight = print::kA4WidthMm;  // landscape
constexpr double kMargin = 10, kTop = 10;
constexpr double kTitleH = 12;  // the title line and the note
constexpr double kHeadH = 8, kRowH = 5.2;
constexpr double kCellPt = 7, kHeadPt = 6.5;

double RowHeight(const PdfSection& s) { return s.row_mm > 0 ? s.row_mm : kRowH; }

int RowsPerPage(const PdfSection& s) {
    const double row = RowHeight(s);
    return static_cast<int>((kHeight - kTop - kTitleH - kHeadH - kMargin - row) / row);
}

int PagesOf(const PdfSection& s) {
    const int rows = static_cast<int>(s.rows.size()) + (s.foot.empty() ? 0 : 1);
    return std::max(1, (rows + RowsPerPage(s) - 1) / RowsPerPage(s));
}

std::string Fill(std::string words, int n, int total) {
    auto put = [&](const std::string& key, int v) {
        if (auto at = words.find(key); at != std::string::npos) words.replace(at, key.size(), std::to_string(v));
    };
    put("{n}", n);
    put("{total}", total);
    return words;
}

}  // namespace

std::string PdfTables(const std::string& document_title, const std::vector<PdfSection>& sections,
                      const std::string& page_words) {
    print::PdfDocument doc(document_title, print::Format::kPdf, kWidth, kHeight);
    int total = 0;
    for (const auto& s : sections) total += PagesOf(s);
    int page = 0;
    bool first_page = true;
    for (const auto& s : sections) {
        // Columns wider than the page are narrowed in proportion.
        const double natural = std::accumulate(s.columns.begin(), s.columns.end(), 0.0,
                                               [](double a, const PdfColumn& c) { return a + c.width_mm; });
        const double scale = std::min(1.0, (kWidth - 2 * kMargin) / std::max(natural, 1.0));
        std::vector<double> x{kMargin};
        for (const auto& c : s.columns) x.push_back(x.back() + c.width_mm * scale);
        const int pages = PagesOf(s);
        const double row_h = RowHeight(s);
        std::size_t next = 0;
        for (int p = 0; p < pages; ++p) {
            if (!first_page) doc.NextPage();
            first_page = false;
            ++page;
            doc.Text(kMargin, kTop, s.title, {11, true});
            doc.Text(kMargin + 110, kTop + 0.8, s.place, {9, false});
            doc.Text(kWidth - kMargin - 30, kTop + 0.8, Fill(page_words, page, total), {8, false, 30, true});
            if (!s.note.empty()) doc.Text(kMargin, kTop + 6, s.note, {7, false, kWidth - 2 * kMargin});
            double y = kTop + kTitleH;
            for (std::size_t c = 0; c < s.columns.size(); ++c) {
                doc.Box(x[c], y, x[c + 1] - x[c], kHeadH, 0.4);
                const auto& col = s.columns[c];
                doc.Text(x[c] + (col.left ? 1 : 0), y + 0.6, col.head,
                         {kHeadPt, true, col.left ? 0 : x[c + 1] - x[c], !col.left});
            }
            y += kHeadH;
            auto draw_row = [&](const std::vector<std::string>& cells, const std::vector<bool>* shade, bool bold) {
                for (std::size_t c = 0; c < s.columns.size(); ++c) {
                    if (shade && c < shade->size() && (*shade)[c]) doc.Shade(x[c], y, x[c + 1] - x[c], row_h);
                    doc.Box(x[c], y, x[c + 1] - x[c], row_h, 0.3);
                    if (c >= cells.size() || cells[c].empty()) continue;
                    const auto& col = s.columns[c];
                    doc.Text(x[c] + (col.left ? 1 : 0), y + 1.0, cells[c],
                             {kCellPt, bold, col.left ? 0 : x[c + 1] - x[c], !col.left});
                }
                y += row_h;
            };
            for (int n = 0; n < RowsPerPage(s) && next < s.rows.size(); ++n, ++next) {
                draw_row(s.rows[next], next < s.shaded.size() ? &s.shaded[next] : nullptr, false);
            }
            if (next >= s.rows.size() && !s.foot.empty() && p == pages - 1) draw_row(s.foot, nullptr, true);
        }
    }
    return doc.Finish();
}

}  // namespace reports

#pragma once
// Reports on paper: tables on landscape A4 pages (cairo/pango through print::PdfDocument, Japanese in Noto Sans
// CJK), each section starting a page, its column heads repeated on every page, the section's own header (site and
// month) at the top left and "page n / N" of the whole document at the top right. The register, a child's month and
// the counts are all drawn with it.
#include <string>
#include <vector>

namespace reports {

struct PdfColumn {
    std::string head;  // may hold a line break
    double width_mm = 10;
    bool left = false;  // names: from the left; everything else centred
};
struct PdfSection {
    std::string title;  // e.g. "出席簿 2026年11月"
    std::string place;  // e.g. the site's name
    std::vector<PdfColumn> columns;
    std::vector<std::vector<std::string>> rows;
    std::vector<std::vector<bool>> shaded;  // per row and column, optional: a closed day
    std::vector<std::string> foot;          // a totals row, optional
    std::string note;                       // a line under the title (a legend), optional
    double row_mm = 0;                      // a row's height (0: one line of text); cells may hold a line break
};

// The document's bytes; `page_words` fills "{n} / {total}" (the catalogue's page_of).
std::string PdfTables(const std::string& document_title, const std::vector<PdfSection>& sections,
                      const std::string& page_words);

}  // namespace reports

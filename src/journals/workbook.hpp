#pragma once
// A month of a site's care journals as an XLSX workbook (libxlsxwriter): one row per journal — date, class, state,
// weather, attendance, activities, the children's episodes, health, reflection, and who submitted, checked and
// approved it when — wrapped, with the heads frozen and printed landscape on A4.
#include <string>
#include <utility>
#include <vector>

namespace journals {

struct WorkbookRow {
    std::string date, name, state, weather, attendance, activities, episodes, health, reflection;
    std::string submitted, checked, approved;  // "さくら職員3 12/03 17:30"
};

// `heads`: the columns' heads in the order above (12); `title`: the sheet's header (site and month).
std::string JournalWorkbook(const std::vector<std::string>& heads, const std::vector<WorkbookRow>& rows,
                            const std::string& title, const std::string& sheet_name);

}  // namespace journals

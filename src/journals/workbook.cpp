#include "journals/workbook.hpp"

#include <array>

#include "reports/files.hpp"

namespace journals {

std::string JournalWorkbook(const std::vector<std::string>& heads, const std::vector<WorkbookRow>& rows,
                            const std::string& title, const std::string& sheet_name) {
    reports::files::Workbook book;
    lxw_workbook* wb = book.get();
    lxw_worksheet* ws = workbook_add_worksheet(wb, sheet_name.c_str());
    lxw_format* bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_format* head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_text_wrap(head);
    format_set_border(head, LXW_BORDER_THIN);
    format_set_bg_color(head, 0xEEEEEE);
    lxw_format* text = workbook_add_format(wb);
    format_set_text_wrap(text);
    format_set_align(text, LXW_ALIGN_VERTICAL_TOP);
    format_set_border(text, LXW_BORDER_THIN);
    worksheet_write_string(ws, 0, 0, title.c_str(), bold);
    for (std::size_t c = 0; c < heads.size(); ++c)
        worksheet_write_string(ws, 1, static_cast<lxw_col_t>(c), heads[c].c_str(), head);
    lxw_row_t r = 2;
    for (const auto& row : rows) {
        const std::array<const std::string*, 12> cells{&row.date,       &row.name,       &row.state,    &row.weather,
                                                       &row.attendance, &row.activities, &row.episodes, &row.health,
                                                       &row.reflection, &row.submitted,  &row.checked,  &row.approved};
        for (std::size_t c = 0; c < cells.size(); ++c)
            worksheet_write_string(ws, r, static_cast<lxw_col_t>(c), cells[c]->c_str(), text);
        ++r;
    }
    constexpr std::array<double, 12> kWidths{11, 14, 12, 8, 18, 40, 40, 24, 24, 16, 16, 16};
    for (std::size_t c = 0; c < kWidths.size(); ++c)
        worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), kWidths[c], nullptr);
    worksheet_freeze_panes(ws, 2, 2);
    reports::files::PrintLandscape(ws, 1, 1, title, "");
    return book.Finish();
}

}  // namespace journals

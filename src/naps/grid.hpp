#pragma once
// The nap record on paper, as inspectors read it: one sheet per class and day (more when the day's naps span more
// time than a sheet holds), the children as rows and the check times as columns at the class's shortest interval.
// Each cell holds the marks of the checks made in it (仰・左・右・伏, "!" when breathing or complexion was not fine)
// with the checker's initials below; a due that passed without a check is crossed (×) and shaded, and a check that
// came late is shaded too. Pure: the naps and the words are given, so it is tested without a database.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "naps/naps.hpp"
#include "reports/pdf_tables.hpp"

namespace naps {

struct GridRow {
    const Nap* nap = nullptr;
    std::string name;  // the child's name
    std::string age;   // "0歳児"
};
struct GridClass {
    std::string name;           // the class (組); empty for children in none
    std::vector<GridRow> rows;  // in the order printed (kana, then start)
};

// A sheet's words: the catalogue's, by key (nap_grid_*, nap_mark_*).
using Words = std::function<std::string(std::string_view key)>;

// The sections of one class's sheets on `date` ("2026-12-04"); `until` ends the naps still going (now). A class
// without naps gives one sheet that says so.
std::vector<reports::PdfSection> GridSections(const GridClass& group, const std::string& date,
                                              const std::string& date_label, const std::string& site_name,
                                              common::Instant until, const Words& word);

// "田中" of "田中 美咲", "AB" of "Alice Brown": the family name (two characters at most), or Latin initials.
std::string Initials(std::string_view name);

// The most check columns one sheet holds before the day is split over another.
inline constexpr int kGridMaxSlots = 32;

}  // namespace naps

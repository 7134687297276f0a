#pragma once
// Roster import: children, their guardians and groups for one site from a CSV a city's system exports.
// A dry run reports what would be created or changed and every error by line and column; applying is
// all-or-nothing; importing the same file again changes nothing (rows carry the city's own numbers).
#include <string>
#include <vector>

#include "auth/permissions.hpp"
#include "common/clock.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"
#include "web/catalogue.hpp"

namespace roster {

// The header row, in this order (Japanese, as staff see it in Excel).
inline const std::vector<std::string> kColumns = {
    "児童番号",   "姓",       "名",       "せい",       "めい",       "生年月日", "学年",   "グループ",
    "保護者番号", "保護者姓", "保護者名", "保護者せい", "保護者めい", "続柄",     "メール", "電話"};

struct ImportError {
    int line = 0;
    std::string column;       // empty for errors about the whole file or row
    std::string message_key;  // catalogue key
};

// One child or guardian the import adds or changes, for the page to list before anything is written.
struct ImportChange {
    int line = 0;
    bool guardian = false;  // else a child
    bool added = false;     // else changed
    std::string number;     // the city's number (児童番号 / 保護者番号)
    std::string name;
    std::vector<std::string> fields;  // what changes: column names, or kPlacementField
};
inline constexpr const char* kPlacementField = "+placement";  // a known child placed at this site from today

struct ImportReport {
    std::string encoding;
    int records = 0;
    int children_new = 0, children_changed = 0, children_unchanged = 0;
    int guardians_new = 0, guardians_changed = 0, guardians_unchanged = 0;
    int links_new = 0, groups_new = 0, memberships_new = 0;
    std::vector<ImportError> errors;
    std::vector<ImportChange> changes;  // in file order; unchanged people are only counted
    bool applied = false;
};

// Checks the file and works out every change. With apply and no errors, commits them in one transaction;
// otherwise nothing is written.
// A number is matched only among the site's own people: children placed at the site today or from a later date,
// and the guardians linked to them. A number that belongs to anyone else is an error on its line that says
// nothing of where it belongs. A matched child or guardian who is also at a site the importer may not edit is not
// changed (an error on the line; the city office changes them). `importer` is the signed-in staff member, or none
// for the operator's command line, which acts for the city.
ImportReport ImportRoster(db::Database& db, common::SiteId site, std::string_view csv_bytes, bool apply,
                          const common::Clock& clock, const auth::Actor* importer);

// The report as text in a language ("ja" or "en").
std::string FormatReport(const ImportReport& r, const web::Catalogue& catalogue, std::string_view lang);

}  // namespace roster

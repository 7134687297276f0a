#pragma once
// The contact notebook's pages in the database: each side sealed under the data keys, versioned for two devices at
// once, the nursery side published to the family (who is told by the notification path, without its content).
#include <optional>
#include <string>
#include <vector>

#include "auth/data_keys.hpp"
#include "common/clock.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"
#include "notebook/rules.hpp"

namespace notebook {

struct Entry {
    std::int64_t id = 0;  // 0: no page yet
    common::ChildId child;
    common::SiteId site;
    std::string date;
    std::optional<HomeSide> home;
    int home_version = 0;
    std::string home_by;  // the guardian account's name
    std::optional<std::string> home_saved_at;
    std::optional<NurserySide> nursery;
    int nursery_version = 0;
    std::string nursery_by;  // the staff member's name
    std::optional<std::string> nursery_saved_at;
    std::optional<std::string> published_at;
    std::optional<std::string> edited_after_publish_at;
};
// The child's page that day (an empty one, id 0, when nobody has written).
Entry GetEntry(db::ReadTx& tx, const auth::DataKeys& keys, common::ChildId child, const std::string& date);

Settings LoadSettings(db::ReadTx& tx, common::SiteId site);
void SaveSettings(db::WriteTx& tx, common::SiteId site, const Settings& settings, const common::Clock& clock);

enum class SaveOutcome { kSaved, kStale };
struct Saved {
    SaveOutcome outcome = SaveOutcome::kSaved;
    Entry entry;  // after the save; on kStale, the page as it is now (the other device's version)
};
// Saves a side made on version `based_on` (0 for a side nobody wrote); refuses (kStale, nothing written) when the
// side's version is another by now.
Saved SaveHome(db::WriteTx& tx, const auth::DataKeys& keys, common::ChildId child, common::SiteId site,
               const std::string& date, const HomeSide& home, int based_on, common::AccountId by,
               const common::Clock& clock);
Saved SaveNursery(db::WriteTx& tx, const auth::DataKeys& keys, common::ChildId child, common::SiteId site,
                  const std::string& date, const NurserySide& nursery, int based_on, common::UserId by,
                  const common::Clock& clock);
// Publishes the nursery side to the family and tells them (a notice that a page is there; its content is behind
// sign-in). False when there is no nursery side, or it is published already and unchanged.
bool Publish(db::WriteTx& tx, common::ChildId child, const std::string& date, const common::Clock& clock);

// A class's day at a glance: the children placed at the site that day (in the group, if given), with their page.
struct ClassRow {
    common::ChildId child;
    std::string name, kana, birth_date;
    int age_class = 0;
    Entry entry;
};
std::vector<ClassRow> ClassDay(db::ReadTx& tx, const auth::DataKeys& keys, common::SiteId site,
                               std::optional<common::GroupId> group, const std::string& date);

}  // namespace notebook

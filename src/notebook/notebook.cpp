#include "notebook/notebook.hpp"

#include <map>

#include "common/dates.hpp"
#include "notify/notify.hpp"

namespace notebook {
namespace {

constexpr const char* kEntryColumns =
    "SELECT e.id, e.child_id, e.site_id, e.entry_date, e.home_sealed, e.home_version, a.display_name, "
    "e.home_saved_at, e.nursery_sealed, e.nursery_version, u.display_name, e.nursery_saved_at, e.published_at, "
    "e.edited_after_publish_at FROM notebook_entry e LEFT JOIN guardian_account a ON a.id = e.home_account_id "
    "LEFT JOIN staff_user u ON u.id = e.nursery_user_id ";

std::optional<std::string> Instant(const db::Row& r, std::size_t i) {
    auto v = r.OptText(i);
    if (v) v = common::CanonicalInstant(*v);
    return v;
}

Entry EntryFromRow(const auth::DataKeys& keys, const db::Row& r) {
    Entry e;
    e.id = r.Int(0);
    e.child = r.Id<common::ChildId>(1);
    e.site = r.Id<common::SiteId>(2);
    e.date = r.Text(3).substr(0, 10);
    if (auto sealed = r.OptText(4))
        e.home = HomeFromJson(keys.Open(*sealed, auth::PlaceOf(auth::kNotebookHomeField, e.id)));
    e.home_version = static_cast<int>(r.Int(5));
    e.home_by = r.OptText(6).value_or("");
    e.home_saved_at = Instant(r, 7);
    if (auto sealed = r.OptText(8))
        e.nursery = NurseryFromJson(keys.Open(*sealed, auth::PlaceOf(auth::kNotebookNurseryField, e.id)));
    e.nursery_version = static_cast<int>(r.Int(9));
    e.nursery_by = r.OptText(10).value_or("");
    e.nursery_saved_at = Instant(r, 11);
    e.published_at = Instant(r, 12);
    e.edited_after_publish_at = Instant(r, 13);
    return e;
}

// The page's row, made (empty) when there is none.
std::int64_t EnsureEntry(db::WriteTx& tx, common::ChildId child, common::SiteId site, const std::string& date,
                         const common::Clock& clock) {
    const std::string now = common::FormatInstant(clock.Now());
    tx.Exec(
        "INSERT INTO notebook_entry (child_id, site_id, entry_date, created_at, updated_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (child_id, entry_date) DO NOTHING",
        child, site, date, now, now);
    return tx.QueryOne("SELECT id FROM notebook_entry WHERE child_id = ? AND entry_date = ?", child, date).Int(0);
}

}  // namespace

Entry GetEntry(db::ReadTx& tx, const auth::DataKeys& keys, common::ChildId child, const std::string& date) {
    auto r = tx.QueryOptional(std::string(kEntryColumns) + "WHERE e.child_id = ? AND e.entry_date = ?", child, date);
    if (r) return EntryFromRow(keys, *r);
    Entry e;
    e.child = child;
    e.date = date;
    return e;
}

Settings LoadSettings(db::ReadTx& tx, common::SiteId site) {
    Settings s;
    for (const auto& r :
         tx.Query("SELECT side, age_class, item, shown, required FROM notebook_setting WHERE site_id = ?", site)) {
        Side side = r.Text(0) == "home" ? Side::kHome : Side::kNursery;
        s.overrides[{side, static_cast<int>(r.Int(1)), r.Text(2)}] = ItemRule{r.Bool(3), r.Bool(4)};
    }
    return s;
}

void SaveSettings(db::WriteTx& tx, common::SiteId site, const Settings& settings, const common::Clock& clock) {
    const std::string now = common::FormatInstant(clock.Now());
    tx.Exec("DELETE FROM notebook_setting WHERE site_id = ?", site);
    for (const auto& [key, rule] : settings.overrides) {
        const auto& [side, age, item] = key;
        if (rule.shown == DefaultRule(side, age, item).shown && rule.required == DefaultRule(side, age, item).required)
            continue;  // as the default: nothing to keep
        tx.Exec(
            "INSERT INTO notebook_setting (site_id, side, age_class, item, shown, required, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            site, SideName(side), age, item, rule.shown ? 1 : 0, rule.required ? 1 : 0, now, now);
    }
}

namespace {

// A side's columns: home_ or nursery_ and who writes it.
struct SideColumns {
    const auth::SealedField& field;
    const char* update;  // the compare-and-set UPDATE, with the writer's column
};
constexpr SideColumns kHomeColumns{
    auth::kNotebookHomeField,
    "UPDATE notebook_entry SET home_sealed = ?, home_version = home_version + 1, home_account_id = ?, home_saved_at = "
    "?, updated_at = ? WHERE id = ? AND home_version = ?"};
constexpr SideColumns kNurseryColumns{
    auth::kNotebookNurseryField,
    "UPDATE notebook_entry SET nursery_sealed = ?, nursery_version = nursery_version + 1, nursery_user_id = ?, "
    "nursery_saved_at = ?, updated_at = ? WHERE id = ? AND nursery_version = ?"};

// Saves one side sealed, only on the version the page showed (compare and set); true when it did.
bool SaveSide(db::WriteTx& tx, const auth::DataKeys& keys, const SideColumns& side, std::int64_t id,
              const std::string& json, int based_on, std::int64_t by, const common::Clock& clock) {
    const std::string now = common::FormatInstant(clock.Now());
    return tx.Exec(side.update, keys.Seal(json, auth::PlaceOf(side.field, id)), by, now, now, id, based_on) == 1;
}

}  // namespace

Saved SaveHome(db::WriteTx& tx, const auth::DataKeys& keys, common::ChildId child, common::SiteId site,
               const std::string& date, const HomeSide& home, int based_on, common::AccountId by,
               const common::Clock& clock) {
    const auto id = EnsureEntry(tx, child, site, date, clock);
    bool saved = SaveSide(tx, keys, kHomeColumns, id, ToJson(home), based_on, by.value, clock);
    return {saved ? SaveOutcome::kSaved : SaveOutcome::kStale, GetEntry(tx, keys, child, date)};
}

Saved SaveNursery(db::WriteTx& tx, const auth::DataKeys& keys, common::ChildId child, common::SiteId site,
                  const std::string& date, const NurserySide& nursery, int based_on, common::UserId by,
                  const common::Clock& clock) {
    const auto id = EnsureEntry(tx, child, site, date, clock);
    bool saved = SaveSide(tx, keys, kNurseryColumns, id, ToJson(nursery), based_on, by.value, clock);
    // A change to what the family has read: marked, for them and for publishing it again.
    if (saved)
        tx.Exec(
            "UPDATE notebook_entry SET edited_after_publish_at = nursery_saved_at WHERE id = ? AND published_at IS NOT "
            "NULL",
            id);
    return {saved ? SaveOutcome::kSaved : SaveOutcome::kStale, GetEntry(tx, keys, child, date)};
}

bool Publish(db::WriteTx& tx, common::ChildId child, const std::string& date, const common::Clock& clock) {
    auto r = tx.QueryOptional(
        "SELECT id, site_id, published_at IS NULL, edited_after_publish_at IS NOT NULL AND edited_after_publish_at > "
        "published_at, nursery_sealed IS NOT NULL FROM notebook_entry WHERE child_id = ? AND entry_date = ?",
        child, date);
    if (!r || !r->Bool(4)) return false;
    const bool first = r->Bool(2);
    const bool edited = !first && r->Bool(3);
    if (!first && !edited) return false;  // published, and unchanged since
    // Published again after an edit: the family is told it changed (and the page keeps showing it was edited).
    const std::string now = common::FormatInstant(clock.Now());
    tx.Exec("UPDATE notebook_entry SET published_at = ?, updated_at = ? WHERE id = ?", now, now, r->Int(0));
    notify::Notify(tx,
                   {notify::Kind::kNotebook,
                    r->Id<common::SiteId>(1),
                    child,
                    {{"entry", r->Int(0)}, {"date", date}, {"edited", edited}}},
                   clock);
    return true;
}

std::vector<ClassRow> ClassDay(db::ReadTx& tx, const auth::DataKeys& keys, common::SiteId site,
                               std::optional<common::GroupId> group, const std::string& date) {
    std::vector<ClassRow> out;
    std::string sql =
        "SELECT c.id, c.family_name, c.given_name, c.family_kana, c.given_kana, c.birth_date FROM child c WHERE "
        "c.deactivated_at IS NULL AND EXISTS (SELECT 1 FROM child_placement p WHERE p.child_id = c.id AND p.site_id "
        "= ? AND p.start_date <= ? AND (p.end_date IS NULL OR p.end_date >= ?))";
    std::vector<db::Value> params{site, date, date};
    if (group) {
        sql +=
            " AND EXISTS (SELECT 1 FROM child_group_membership m WHERE m.child_id = c.id AND m.group_id = ? AND "
            "m.start_date <= ? AND (m.end_date IS NULL OR m.end_date >= ?))";
        params.insert(params.end(), {*group, date, date});
    }
    sql += " ORDER BY c.birth_date DESC, c.family_kana, c.given_kana, c.id";
    std::map<common::ChildId, Entry> pages;
    for (const auto& r : tx.Query(std::string(kEntryColumns) + "WHERE e.site_id = ? AND e.entry_date = ?", site, date))
        pages.emplace(r.Id<common::ChildId>(1), EntryFromRow(keys, r));
    for (const auto& r : tx.QueryParams(sql, params)) {
        ClassRow row;
        row.child = r.Id<common::ChildId>(0);
        row.name = r.Text(1) + " " + r.Text(2);
        row.kana = r.Text(3) + " " + r.Text(4);
        row.birth_date = r.Text(5).substr(0, 10);
        row.age_class = AgeClass(row.birth_date, date);
        if (auto it = pages.find(row.child); it != pages.end()) {
            row.entry = it->second;
        } else {
            row.entry.child = row.child;
            row.entry.site = site;
            row.entry.date = date;
        }
        out.push_back(std::move(row));
    }
    return out;
}

}  // namespace notebook

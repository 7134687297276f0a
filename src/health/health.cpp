#include "health/health.hpp"

#include <boost/json.hpp>

#include "common/dates.hpp"
#include "notify/notify.hpp"

namespace health {
namespace {

namespace json = boost::json;

std::optional<int> OptInt(const json::object& o, std::string_view key) {
    if (auto* v = o.if_contains(key); v && v->is_int64()) return static_cast<int>(v->as_int64());
    return std::nullopt;
}
std::string Text(const json::object& o, std::string_view key) {
    if (auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->as_string());
    return "";
}

std::string ToJson(const Entry& e) {
    json::object o;
    switch (e.kind) {
        case Kind::kTemperature:
            o["tenths"] = e.temperature.tenths;
            o["minutes"] = e.temperature.minutes;
            break;
        case Kind::kGrowth:
            if (e.growth.height_mm) o["height_mm"] = *e.growth.height_mm;
            if (e.growth.weight_g) o["weight_g"] = *e.growth.weight_g;
            break;
        case Kind::kIllness:
            o["disease"] = e.illness.disease;
            if (e.illness.until) o["until"] = *e.illness.until;
            if (!e.illness.note.empty()) o["note"] = e.illness.note;
            break;
    }
    return json::serialize(o);
}

void FromJson(Entry& e, const std::string& text) {
    const auto o = json::parse(text).as_object();
    switch (e.kind) {
        case Kind::kTemperature:
            e.temperature = {OptInt(o, "tenths").value_or(0), OptInt(o, "minutes").value_or(0)};
            break;
        case Kind::kGrowth:
            e.growth = {OptInt(o, "height_mm"), OptInt(o, "weight_g")};
            break;
        case Kind::kIllness:
            e.illness.disease = Text(o, "disease");
            e.illness.onset = e.date;
            if (auto until = Text(o, "until"); !until.empty()) e.illness.until = until;
            e.illness.note = Text(o, "note");
            break;
    }
}

Kind KindOf(std::string_view name) {
    return name == "growth" ? Kind::kGrowth : name == "illness" ? Kind::kIllness : Kind::kTemperature;
}

constexpr std::string_view kColumns =
    "SELECT h.id, h.kind, h.child_id, h.site_id, h.entry_date, h.sealed, COALESCE(u.display_name, a.display_name, "
    "''), h.reported_by_account IS NOT NULL, h.told_family_at FROM health_entry h LEFT JOIN staff_user u ON u.id = "
    "h.recorded_by LEFT JOIN guardian_account a ON a.id = h.reported_by_account ";

Entry FromRow(const auth::DataKeys& keys, const db::Row& r) {
    Entry e;
    e.id = r.Int(0);
    e.kind = KindOf(r.Text(1));
    e.child = r.Id<common::ChildId>(2);
    e.site = r.Id<common::SiteId>(3);
    e.date = r.Text(4).substr(0, 10);
    FromJson(e, keys.Open(r.Text(5), auth::PlaceOf(auth::kHealthEntryField, e.id)));
    e.by = r.Text(6);
    e.from_family = r.Bool(7);
    if (!r.IsNull(8)) e.told_family_at = r.Text(8);
    return e;
}

}  // namespace

std::string_view KindName(Kind kind) {
    switch (kind) {
        case Kind::kTemperature:
            return "temperature";
        case Kind::kGrowth:
            return "growth";
        case Kind::kIllness:
            return "illness";
    }
    return "temperature";
}

SavedRecord GetRecord(db::ReadTx& tx, const auth::DataKeys& keys, common::ChildId child) {
    SavedRecord out;
    auto r = tx.QueryOptional(
        "SELECT h.id, h.record_sealed, h.version, COALESCE(u.display_name, ''), h.updated_at FROM child_health h LEFT "
        "JOIN staff_user u ON u.id = h.updated_by WHERE h.child_id = ?",
        child);
    if (!r) return out;
    const auto o = json::parse(keys.Open(r->Text(1), auth::PlaceOf(auth::kChildHealthField, r->Int(0)))).as_object();
    out.record = {Text(o, "allergies"), Text(o, "doctor"), Text(o, "doctor_phone"), Text(o, "notes")};
    out.version = static_cast<int>(r->Int(2));
    out.by = r->Text(3);
    out.at = r->Text(4);
    return out;
}

bool SaveRecord(db::WriteTx& tx, const auth::DataKeys& keys, common::ChildId child, const Record& record, int based_on,
                common::UserId by, const common::Clock& clock) {
    const std::string now = common::FormatInstant(clock.Now());
    json::object o;
    o["allergies"] = record.allergies;
    o["doctor"] = record.doctor;
    o["doctor_phone"] = record.doctor_phone;
    o["notes"] = record.notes;
    if (based_on == 0) {
        // The first save: made now, unless another tablet made it first.
        tx.Exec(
            "INSERT INTO child_health (child_id, record_sealed, version, updated_by, created_at, updated_at) VALUES "
            "(?, '', 0, ?, ?, ?) ON CONFLICT (child_id) DO NOTHING",
            child, by, now, now);
    }
    const auto id = tx.QueryOne("SELECT id FROM child_health WHERE child_id = ?", child).Int(0);
    return tx.Exec(
               "UPDATE child_health SET record_sealed = ?, version = version + 1, updated_by = ?, updated_at = ? WHERE "
               "id = ? AND version = ?",
               keys.Seal(json::serialize(o), auth::PlaceOf(auth::kChildHealthField, id)), by, now, id, based_on) == 1;
}

std::int64_t Add(db::WriteTx& tx, const auth::DataKeys& keys, const Entry& entry, std::optional<common::UserId> staff,
                 std::optional<common::AccountId> account, const common::Clock& clock) {
    const std::string now = common::FormatInstant(clock.Now());
    const auto id =
        tx.QueryOne(
              "INSERT INTO health_entry (child_id, site_id, kind, entry_date, sealed, recorded_by, "
              "reported_by_account, created_at, updated_at) VALUES (?, ?, ?, ?, '', ?, ?, ?, ?) RETURNING id",
              entry.child, entry.site, KindName(entry.kind), entry.date, staff, account, now, now)
            .Int(0);
    tx.Exec("UPDATE health_entry SET sealed = ? WHERE id = ?",
            keys.Seal(ToJson(entry), auth::PlaceOf(auth::kHealthEntryField, id)), id);
    return id;
}

std::vector<Entry> ForChild(db::ReadTx& tx, const auth::DataKeys& keys, common::ChildId child, Kind kind, int limit) {
    std::vector<Entry> out;
    const bool oldest_first = kind == Kind::kGrowth;
    for (const auto& r :
         tx.Query(std::string(kColumns) + "WHERE h.child_id = ? AND h.kind = ? ORDER BY h.entry_date " +
                      (oldest_first ? "" : "DESC") + ", h.id " + (oldest_first ? "" : "DESC") + " LIMIT ?",
                  child, KindName(kind), limit))
        out.push_back(FromRow(keys, r));
    return out;
}

std::vector<Entry> ForSite(db::ReadTx& tx, const auth::DataKeys& keys, common::SiteId site, Kind kind,
                           const std::string& from, const std::string& to) {
    std::vector<Entry> out;
    for (const auto& r : tx.Query(std::string(kColumns) +
                                      "WHERE h.site_id = ? AND h.kind = ? AND h.entry_date >= ? AND h.entry_date <= ? "
                                      "ORDER BY h.entry_date, h.id",
                                  site, KindName(kind), from, to))
        out.push_back(FromRow(keys, r));
    return out;
}

std::optional<int> FeverNotice(db::ReadTx& tx, common::SiteId site) {
    auto r = tx.QueryOptional("SELECT fever_notice_tenths FROM health_setting WHERE site_id = ?", site);
    if (!r || r->IsNull(0)) return std::nullopt;
    return static_cast<int>(r->Int(0));
}

void SaveFeverNotice(db::WriteTx& tx, common::SiteId site, std::optional<int> tenths, common::UserId by,
                     const common::Clock& clock) {
    const std::string now = common::FormatInstant(clock.Now());
    tx.Exec(
        "INSERT INTO health_setting (site_id, fever_notice_tenths, updated_by, created_at, updated_at) VALUES (?, ?, "
        "?, ?, ?) ON CONFLICT (site_id) DO UPDATE SET fever_notice_tenths = excluded.fever_notice_tenths, updated_by = "
        "excluded.updated_by, updated_at = excluded.updated_at",
        site, tenths, by, now, now);
}

bool TellFever(db::WriteTx& tx, const Entry& entry, std::int64_t id, const common::Clock& clock) {
    if (entry.kind != Kind::kTemperature) return false;
    auto from = FeverNotice(tx, entry.site);
    if (!from || entry.temperature.tenths < *from) return false;
    // Once a day: the family has been told; the later checks are on the child's page for them.
    if (tx.QueryOptional(
            "SELECT 1 FROM health_entry WHERE child_id = ? AND kind = 'temperature' AND entry_date = ? AND "
            "told_family_at IS NOT NULL",
            entry.child, entry.date))
        return false;
    auto told = notify::Notify(tx,
                               {notify::Kind::kHealth,
                                entry.site,
                                entry.child,
                                {{"date", entry.date}, {"entry", id}},
                                /*urgent=*/true},
                               clock);
    if (!told) return false;  // nobody in the family may see the child
    tx.Exec("UPDATE health_entry SET told_family_at = ? WHERE id = ?", common::FormatInstant(clock.Now()), id);
    return true;
}

std::optional<Entry> FindEntry(db::ReadTx& tx, const auth::DataKeys& keys, std::int64_t id) {
    auto r = tx.QueryOptional(std::string(kColumns) + "WHERE h.id = ?", id);
    if (!r) return std::nullopt;
    return FromRow(keys, *r);
}

std::vector<Warning> SiteWarnings(db::ReadTx& tx, const auth::DataKeys& keys, common::SiteId site,
                                  const std::string& date) {
    const std::string from =
        common::FormatDate(std::chrono::sys_days(*common::ParseDate(date)) - std::chrono::days(60));
    std::vector<ChildIllness> illnesses;
    for (const auto& e : ForSite(tx, keys, site, Kind::kIllness, from, date)) {
        // The class the child is in that day (the first, by name, of several).
        auto g = tx.QueryOptional(
            "SELECT g.name FROM child_group_membership m JOIN child_group g ON g.id = m.group_id WHERE m.child_id = ? "
            "AND g.site_id = ? AND m.start_date <= ? AND (m.end_date IS NULL OR m.end_date >= ?) ORDER BY g.name "
            "LIMIT 1",
            e.child, site, date, date);
        illnesses.push_back({e.child.value, g ? g->Text(0) : "", e.illness});
    }
    return Warnings(illnesses, date);
}

}  // namespace health

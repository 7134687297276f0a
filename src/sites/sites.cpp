#include "sites/sites.hpp"

#include "common/dates.hpp"
#include "common/kana.hpp"
#include "db/sql.hpp"

namespace sites {

using common::FormatInstant;

bool IsKind(std::string_view kind) {
    for (const char* k : kKinds) {
        if (kind == k) return true;
    }
    return false;
}

namespace {

constexpr const char* kFilter =
    " WHERE (? = 1 OR s.id IN (SELECT site_id FROM staff_role WHERE user_id = ?))"
    " AND (? = 1 OR s.deactivated_at IS NULL) AND (? = '' OR s.search_key LIKE ? ESCAPE '\\')";

std::vector<db::Value> FilterParams(const SiteFilter& f) {
    return {f.scope.AllFlag(), f.scope.UserValue(), f.include_inactive ? 1 : 0, f.query, db::ContainsPattern(f.query)};
}

std::string SearchKey(const SiteInput& in) { return common::FoldForSearch(in.name + "|" + in.name_kana); }

void LoadHours(db::ReadTx& tx, Site& site) {
    for (const auto& r :
         tx.Query("SELECT weekday, opens_at, closes_at FROM site_opening_hours WHERE site_id = ? ORDER BY weekday",
                  site.id)) {
        site.fields.hours.push_back({static_cast<int>(r.Int(0)), common::ParseTimeOfDay(r.Text(1)).value_or(0),
                                     common::ParseTimeOfDay(r.Text(2)).value_or(0)});
    }
}

void WriteHours(db::WriteTx& tx, common::SiteId id, const std::vector<OpeningHours>& hours,
                const common::Clock& clock) {
    tx.Exec("DELETE FROM site_opening_hours WHERE site_id = ?", id);
    for (const auto& h : hours) {
        tx.Exec(
            "INSERT INTO site_opening_hours (site_id, weekday, opens_at, closes_at, created_at) VALUES (?, ?, ?, ?, ?)",
            id, h.weekday, common::FormatTimeOfDay(h.opens), common::FormatTimeOfDay(h.closes),
            FormatInstant(clock.Now()));
    }
}

Site FromRow(const db::Row& r) {
    Site s;
    s.id = r.Id<common::SiteId>(0);
    s.fields.kind = r.Text(1);
    s.fields.name = r.Text(2);
    s.fields.name_kana = r.Text(3);
    s.fields.address = r.Text(4);
    s.fields.phone = r.Text(5);
    s.active = r.IsNull(6);
    s.fields.area = r.Text(7);
    return s;
}

}  // namespace

common::CityId EnsureCity(db::WriteTx& tx, const std::string& name, const common::Clock& clock) {
    if (auto r = tx.QueryOptional("SELECT id FROM city ORDER BY id LIMIT 1")) return r->Id<common::CityId>(0);
    return tx
        .QueryOne("INSERT INTO city (name, created_at) VALUES (?, ?) RETURNING id", name, FormatInstant(clock.Now()))
        .Id<common::CityId>(0);
}

std::vector<Site> ListSites(db::ReadTx& tx, const SiteFilter& filter, int limit, int offset, const std::string& today) {
    // Parameters in the order they appear in the text: the counts' dates, the filter, the paging.
    std::vector<db::Value> params{today, today, today, today};
    for (auto& v : FilterParams(filter)) params.push_back(std::move(v));
    params.emplace_back(limit);
    params.emplace_back(offset);
    std::vector<Site> out;
    // The page is chosen first; children are counted only for the sites on it.
    for (const auto& r : tx.QueryParams(
             std::string("SELECT s.id, s.kind, s.name, s.name_kana, s.address, s.phone, s.deactivated_at, s.area, "
                         // Placements on the date (from the covering index), less those of the few
                         // deactivated children: no visit to every child row.
                         "(SELECT COUNT(*) FROM child_placement p WHERE p.site_id = s.id AND p.start_date <= ? "
                         "AND (p.end_date IS NULL OR p.end_date >= ?)) - "
                         "(SELECT COUNT(*) FROM child_placement p WHERE p.site_id = s.id AND p.start_date <= ? "
                         "AND (p.end_date IS NULL OR p.end_date >= ?) "
                         "AND p.child_id IN (SELECT id FROM child WHERE deactivated_at IS NOT NULL)) "
                         "FROM (SELECT s.* FROM site s") +
                 kFilter + " ORDER BY s.name_kana, s.id LIMIT ? OFFSET ?) s ORDER BY s.name_kana, s.id",
             params)) {
        Site s = FromRow(r);
        s.child_count = r.Int(8);
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<SiteOption> ListSiteOptions(db::ReadTx& tx, const common::SiteScope& scope, bool include_inactive) {
    std::vector<SiteOption> out;
    for (const auto& r :
         tx.Query("SELECT s.id, s.name, s.name_kana, s.kind, s.area FROM site s WHERE (? = 1 OR s.id IN "
                  "(SELECT site_id FROM staff_role WHERE user_id = ?)) "
                  "AND (? = 1 OR s.deactivated_at IS NULL) ORDER BY s.name_kana, s.id",
                  scope.AllFlag(), scope.UserValue(), include_inactive ? 1 : 0)) {
        out.push_back({r.Id<common::SiteId>(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4)});
    }
    return out;
}

std::vector<std::string> ListAreas(db::ReadTx& tx) {
    std::vector<std::string> out;
    for (const auto& r : tx.Query("SELECT DISTINCT area FROM site WHERE area <> '' ORDER BY area"))
        out.push_back(r.Text(0));
    return out;
}

std::int64_t CountSites(db::ReadTx& tx, const SiteFilter& filter) {
    return tx.QueryParams(std::string("SELECT COUNT(*) FROM site s") + kFilter, FilterParams(filter)).at(0).Int(0);
}

std::optional<Site> GetSite(db::ReadTx& tx, common::SiteId id) {
    auto r = tx.QueryOptional(
        "SELECT id, kind, name, name_kana, address, phone, deactivated_at, area FROM site WHERE id = ?", id);
    if (!r) return std::nullopt;
    Site s = FromRow(*r);
    LoadHours(tx, s);
    s.fields.repeat_scan_seconds =
        static_cast<int>(tx.QueryOne("SELECT repeat_scan_seconds FROM site WHERE id = ?", id).Int(0));
    return s;
}

common::SiteId InsertSite(db::WriteTx& tx, common::CityId city, const SiteInput& in, const common::Clock& clock) {
    auto now = FormatInstant(clock.Now());
    auto id =
        tx.QueryOne(
              "INSERT INTO site (city_id, kind, name, name_kana, address, phone, area, search_key, "
              "repeat_scan_seconds, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
              city, in.kind, in.name, in.name_kana, in.address, in.phone, in.area, SearchKey(in),
              in.repeat_scan_seconds, now, now)
            .Id<common::SiteId>(0);
    WriteHours(tx, id, in.hours, clock);
    return id;
}

void UpdateSite(db::WriteTx& tx, common::SiteId id, const SiteInput& in, const common::Clock& clock) {
    tx.Exec(
        "UPDATE site SET kind = ?, name = ?, name_kana = ?, address = ?, phone = ?, area = ?, search_key = ?, "
        "repeat_scan_seconds = ?, updated_at = ? WHERE id = ?",
        in.kind, in.name, in.name_kana, in.address, in.phone, in.area, SearchKey(in), in.repeat_scan_seconds,
        FormatInstant(clock.Now()), id);
    WriteHours(tx, id, in.hours, clock);
}

void SetSiteActive(db::WriteTx& tx, common::SiteId id, bool active, const common::Clock& clock) {
    auto now = FormatInstant(clock.Now());
    tx.Exec("UPDATE site SET deactivated_at = ?, updated_at = ? WHERE id = ?",
            active ? std::optional<std::string>() : std::optional<std::string>(now), now, id);
}

}  // namespace sites

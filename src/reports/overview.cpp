#include "reports/overview.hpp"

#include "attendance/attendance.hpp"
#include "families/mails.hpp"
#include "plans/alerts.hpp"
#include "plans/plans.hpp"
#include "rollcall/rollcall.hpp"
#include "sites/sites.hpp"

namespace reports {

std::string ProgressWords(const web::Catalogue& catalogue, const std::string& lang, const RollcallProgress& p) {
    return families::Fill(catalogue.Get(lang, "overview_rollcall_progress"),
                          {{"checked", std::to_string(p.children - p.unchecked)},
                           {"children", std::to_string(p.children)},
                           {"handed", std::to_string(p.handed)}});
}

std::vector<SiteFigures> CityOverview(db::ReadTx& tx, const OverviewFilter& filter, const common::Date& date,
                                      common::Instant now) {
    const std::string day = common::FormatDate(date);
    const bool today = date == common::TokyoDate(now);
    const std::string quiet_before = common::FormatInstant(now - kKioskQuietAfter);
    std::vector<SiteFigures> out;
    for (const auto& s : sites::ListSites(tx, {filter.scope, "", false}, 100000, 0, day)) {
        if (!filter.kind.empty() && s.fields.kind != filter.kind) continue;
        if (!filter.area.empty() && s.fields.area != filter.area) continue;
        if (filter.only && !filter.only->contains(s.id)) continue;
        SiteFigures f;
        f.site = s.id;
        f.name = s.fields.name;
        f.name_kana = s.fields.name_kana;
        f.kind = s.fields.kind;
        f.area = s.fields.area;
        const auto site_day = plans::LoadSiteDay(tx, s.id, plans::GetSiteRules(tx, s.id), date, std::nullopt);
        f.closed = site_day.closed;
        f.opens = site_day.opens;
        f.closes = site_day.closes;
        const auto roster = attendance::SiteRoster(tx, s.id, day, std::nullopt);
        const auto outlook = plans::SiteOutlook(tx, s.id, date, now, roster.rows);
        f.enrolled = static_cast<int>(roster.rows.size());
        for (auto st : plans::kStandings) f.standing[st] = 0;
        for (const auto& row : roster.rows) {
            auto o = outlook.find(row.child);
            if (o == outlook.end()) {
                ++f.standing[plans::StandingOf(row.day.state, plans::Expectation::kNotPlanned, false)];
                continue;
            }
            ++f.standing[o->second.standing];
            if (today && !o->second.outlook.alerts.empty()) ++f.alerted;
        }
        if (auto r =
                tx.QueryOptional("SELECT occurred_at FROM attendance_event WHERE site_id = ? AND facility_date = ? "
                                 "ORDER BY id DESC LIMIT 1",
                                 s.id, day))
            f.last_scan = common::ParseInstant(r->Text(0));
        if (today) {
            auto k = tx.QueryOne(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN last_seen_at IS NULL OR last_seen_at < ? THEN 1 ELSE 0 END), "
                "0) FROM kiosk WHERE site_id = ? AND revoked_at IS NULL",
                quiet_before, s.id);
            f.kiosks = static_cast<int>(k.Int(0));
            // Quiet only matters while the site is open (a kiosk may sleep at night).
            const int minutes = *common::ParseTimeOfDay(common::FormatTokyoTime(now));
            if (!f.closed && f.opens && f.closes && minutes >= *f.opens && minutes < *f.closes)
                f.kiosks_quiet = static_cast<int>(k.Int(1));
            f.rollcall = rollcall::OpenProgress(tx, s.id);
        }
        out.push_back(std::move(f));
    }
    return out;
}

}  // namespace reports

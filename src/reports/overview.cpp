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

namespace {

// How long a site's drawing stays fresh: kFresh less up to a fifth of it, varied by site, so that the sites of a city
// drawn together at start are not all drawn again in the same moment.
std::chrono::milliseconds FreshFor(common::SiteId site) {
    const auto fifth = std::chrono::duration_cast<std::chrono::milliseconds>(FigureCache::kFresh).count() / 5;
    return std::chrono::milliseconds(FigureCache::kFresh) -
           std::chrono::milliseconds((static_cast<std::uint64_t>(site.value) * 7919u) %
                                     static_cast<std::uint64_t>(fifth));
}

// A claim made at `claimed` still holds at `now`: within kClaimFor either way (requests in flight together carry
// start times a little apart).
bool Holds(const std::optional<common::Instant>& claimed, common::Instant now) {
    return claimed && (now > *claimed ? now - *claimed : *claimed - now) < FigureCache::kClaimFor;
}

}  // namespace

std::optional<SiteFigures> FigureCache::Get(common::SiteId site, const std::string& day, std::uint64_t version,
                                            common::Instant now) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find({site, day});
    if (it == entries_.end()) return std::nullopt;
    auto& e = it->second;
    // Requests in flight together each carry the time they started: a drawing filed by one that started later is
    // not from the future, but a clock set back (a test's) draws again.
    auto age = now - e.at;
    if (age < -std::chrono::duration_cast<common::Instant::duration>(kClaimFor)) return std::nullopt;
    if (age < common::Instant::duration::zero()) age = common::Instant::duration::zero();
    if (e.version >= version && age < FreshFor(site)) return e.figures;
    if (age < kSettle || (Holds(e.claimed, now) && age < kFresh + kClaimFor)) {
        auto f = e.figures;
        f.behind = true;
        return f;
    }
    e.claimed = now;
    return std::nullopt;
}

SiteFigures FigureCache::Put(common::SiteId site, const std::string& day, std::uint64_t version, common::Instant now,
                             SiteFigures figures) {
    std::lock_guard lock(mutex_);
    if (entries_.size() >= capacity_) entries_.clear();  // days long past pile up only by browsing: start again
    auto it = entries_.find({site, day});
    if (it != entries_.end() &&
        (it->second.version > version || (it->second.version == version && it->second.at > now))) {
        // A reader that started later filed a drawing already: these figures are shown once, not kept.
        figures.behind = it->second.version > version;
        figures.drawing = 0;
        return figures;
    }
    figures.drawing = ++serial_;
    figures.behind = false;
    entries_.insert_or_assign({site, day}, Entry{version, now, figures, std::nullopt});
    return figures;
}

std::shared_ptr<const std::vector<sites::SiteOption>> FigureCache::Sites(db::ReadTx& tx, common::Instant now) {
    {
        std::lock_guard lock(mutex_);
        const auto age = now - sites_at_;
        if (sites_ && age >= -std::chrono::duration_cast<common::Instant::duration>(kClaimFor)) {
            // Fresh, or being read again by another request that started within kClaimFor.
            if (age < kSettle || (Holds(sites_claimed_, now) && age < kFresh)) return sites_;
        }
        sites_claimed_ = now;
    }
    auto read = std::make_shared<const std::vector<sites::SiteOption>>(sites::ListSiteOptions(tx, {}, false));
    std::lock_guard lock(mutex_);
    sites_ = read;
    sites_at_ = now;
    sites_claimed_.reset();
    return read;
}

std::vector<std::string> AreasOf(const std::vector<sites::SiteOption>& sites) {
    std::set<std::string> areas;
    for (const auto& s : sites)
        if (!s.area.empty()) areas.insert(s.area);
    return {areas.begin(), areas.end()};
}

std::shared_ptr<const std::string> HtmlCache::Get(const std::string& key, const std::function<std::string()>& render) {
    {
        std::lock_guard lock(mutex_);
        if (auto it = entries_.find(key); it != entries_.end()) return it->second;
    }
    auto html = std::make_shared<const std::string>(render());  // outside the lock: other pages do not wait for it
    std::lock_guard lock(mutex_);
    if (entries_.size() >= capacity_) entries_.clear();
    entries_.insert_or_assign(key, html);
    return html;
}

namespace {

// One site's figures, read as its roster reads them.
SiteFigures Read(db::ReadTx& tx, const sites::SiteOption& s, const common::Date& date, const std::string& day,
                 bool today, common::Instant now) {
    const std::string quiet_before = common::FormatInstant(now - kKioskQuietAfter);
    {
        SiteFigures f;
        f.site = s.id;
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
        return f;
    }
}

}  // namespace

std::vector<SiteFigures> CityOverview(db::ReadTx& tx, const OverviewFilter& filter, const common::Date& date,
                                      common::Instant now, const std::optional<FigureSource>& source) {
    const std::string day = common::FormatDate(date);
    const bool today = date == common::TokyoDate(now);
    // The versions are taken before the first read: a touch after it leaves what is read stale (read again next
    // time), never stale figures filed as fresh. (The caller's transaction has read nothing yet.)
    const auto versions = source ? source->feed.Versions() : std::map<common::SiteId, std::uint64_t>{};
    if (source && !filter.allowed) throw std::logic_error("CityOverview: a FigureSource needs filter.allowed");
    const auto sites =
        source
            ? source->cache.Sites(tx, now)
            : std::make_shared<const std::vector<sites::SiteOption>>(sites::ListSiteOptions(tx, filter.scope, false));
    std::vector<SiteFigures> out;
    for (const auto& s : *sites) {
        if (!filter.kind.empty() && s.kind != filter.kind) continue;
        if (!filter.area.empty() && s.area != filter.area) continue;
        if (filter.only && !filter.only->contains(s.id)) continue;
        if (filter.allowed && !filter.allowed(s.id)) continue;
        const auto v = versions.find(s.id);
        const std::uint64_t version = v == versions.end() ? 0 : v->second;
        std::optional<SiteFigures> f;
        if (source) f = source->cache.Get(s.id, day, version, now);
        if (!f) {
            f = Read(tx, s, date, day, today, now);
            if (source) f = source->cache.Put(s.id, day, version, now, std::move(*f));
        }
        // What the site is called is always today's.
        f->name = s.name;
        f->name_kana = s.name_kana;
        f->kind = s.kind;
        f->area = s.area;
        out.push_back(std::move(*f));
    }
    return out;
}

}  // namespace reports

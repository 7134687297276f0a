#pragma once
// The city's overview (I2): every site the user may see on one screen, as its roster counts it — children inside,
// expected and not yet here, gone home, absent, not planned, open missing-child alerts — with the last scan, the
// kiosks not heard from lately and any roll-call under way. A day in the past gives that day's final figures. Pure
// over the same reads as the roster (SiteRoster, SiteOutlook), so the two never disagree.
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "attendance/live.hpp"
#include "common/clock.hpp"
#include "common/dates.hpp"
#include "common/ids.hpp"
#include "common/scope.hpp"
#include "db/database.hpp"
#include "plans/rules.hpp"
#include "web/catalogue.hpp"

namespace reports {

// A kiosk not heard from in this long, on a day its site is open, is shown as quiet (kiosks ask for their names
// list every 30 minutes, so a working one is never quiet for this long).
inline constexpr std::chrono::minutes kKioskQuietAfter{45};

struct RollcallProgress {
    common::RollcallId rollcall;
    int children = 0;   // inside when it started
    int unchecked = 0;  // not yet confirmed
    int safe = 0;
    int trouble = 0;  // not found or injured
    int handed = 0;   // handed over to an adult
};

// "確認 3/5・引き渡し 1": the progress as the overview's tile and the roll-call's page say it.
std::string ProgressWords(const web::Catalogue& catalogue, const std::string& lang, const RollcallProgress& p);

struct SiteFigures {
    common::SiteId site;
    std::string name, name_kana, kind, area;
    bool closed = false;  // the site does not open that day
    std::optional<int> opens, closes;
    int enrolled = 0;
    std::map<plans::Standing, int> standing;
    int alerted = 0;  // children with an open alert (today only)
    std::optional<common::Instant> last_scan;
    int kiosks = 0, kiosks_quiet = 0;
    std::optional<RollcallProgress> rollcall;  // open now (today only)
};

struct OverviewFilter {
    common::SiteScope scope;                       // the sites the reader's queries may see
    std::function<bool(common::SiteId)> allowed;   // of those, where the permission rule gives the overview
    std::string kind;                              // empty: every kind
    std::string area;                              // empty: every area
    std::optional<std::set<common::SiteId>> only;  // these sites alone (a live update)
};

// Figures already drawn, per site and date, so that a city's screen costs the sites that changed rather than every
// site: an entry serves while the site's live feed has not been touched since (a scan, a correction, an alert, a
// roll-call step) and for at most kFresh, which bounds how late what no event announces (a plan changed, time
// passing a dismissal) shows. Thread-safe.
class FigureCache {
 public:
    static constexpr std::chrono::seconds kFresh{15};
    explicit FigureCache(std::size_t capacity = 20000) : capacity_(capacity) {}
    std::optional<SiteFigures> Get(common::SiteId site, const std::string& day, std::uint64_t version,
                                   common::Instant now);
    void Put(common::SiteId site, const std::string& day, std::uint64_t version, common::Instant now,
             const SiteFigures& figures);

 private:
    struct Entry {
        std::uint64_t version;
        common::Instant at;
        SiteFigures figures;
    };
    std::mutex mutex_;
    std::size_t capacity_;
    std::map<std::pair<common::SiteId, std::string>, Entry> entries_;
};

// Where the overview may take figures from instead of reading them: the cache, and the feed whose versions say
// when an entry went stale.
struct FigureSource {
    FigureCache& cache;
    attendance::LiveFeed& feed;
};

// Each active site in scope that passes the filter, in kana order, as of `now` on `date` (Tokyo); through the cache
// when given one, in which case it must be the transaction's first read.
std::vector<SiteFigures> CityOverview(db::ReadTx& tx, const OverviewFilter& filter, const common::Date& date,
                                      common::Instant now, const std::optional<FigureSource>& source = std::nullopt);

}  // namespace reports

#pragma once
// The city's overview (I2): every site the user may see on one screen, as its roster counts it — children inside,
// expected and not yet here, gone home, absent, not planned, open missing-child alerts — with the last scan, the
// kiosks not heard from lately and any roll-call under way. A day in the past gives that day's final figures. Pure
// over the same reads as the roster (SiteRoster, SiteOutlook), so the two never disagree.
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.hpp"
#include "common/dates.hpp"
#include "common/ids.hpp"
#include "common/scope.hpp"
#include "db/database.hpp"
#include "live/feed.hpp"
#include "plans/rules.hpp"
#include "sites/sites.hpp"
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

// How many of a site's children stand each way (at() and [] as for a map, without its allocations: the overview
// copies figures on every request).
struct StandingCounts {
    std::array<int, 5> n{};
    int& operator[](plans::Standing s) { return n.at(static_cast<std::size_t>(s)); }
    int at(plans::Standing s) const { return n.at(static_cast<std::size_t>(s)); }
};

struct SiteFigures {
    common::SiteId site;
    std::string name, name_kana, kind, area;
    bool closed = false;  // the site does not open that day
    std::optional<int> opens, closes;
    int enrolled = 0;
    StandingCounts standing;
    int alerted = 0;  // children with an open alert (today only)
    std::optional<common::Instant> last_scan;
    int kiosks = 0, kiosks_quiet = 0;
    std::optional<RollcallProgress> rollcall;  // open now (today only)
    std::uint64_t drawing = 0;  // which drawing these are (FigureCache's serial; 0: read without the cache)
    bool behind = false;        // the site changed since they were drawn: a newer drawing follows shortly
};

struct OverviewFilter {
    common::SiteScope scope;                       // the sites the reader's queries may see
    std::function<bool(common::SiteId)> allowed;   // of those, where the permission rule gives the overview (with a
                                                   // FigureSource, required and the only test: it implies the scope)
    std::string kind;                              // empty: every kind
    std::string area;                              // empty: every area
    std::optional<std::set<common::SiteId>> only;  // these sites alone (a live update)
};

// Figures already drawn, per site and date, so that a city's screen costs the sites that changed rather than every
// site, and a site that changes a thousand times a second is drawn a few times a second rather than once per screen.
// An entry serves as it is while the site's live feed has not been touched since (a scan, a correction, an alert, a
// roll-call step) and for at most kFresh, which bounds how late what no event announces (a plan changed, time
// passing a dismissal) shows. After a touch it still serves, marked behind, for kSettle after it was drawn, and
// while one reader draws it again (stale while drawn: the others do not queue behind that reader or draw it too);
// a screen asks again for what it was given behind. Thread-safe.
class FigureCache {
 public:
    static constexpr std::chrono::seconds kFresh{15};
    static constexpr std::chrono::seconds kSettle{1};
    // A reader that claimed a drawing and did not deliver it in this long (its transaction failed) is not waited for.
    static constexpr std::chrono::seconds kClaimFor{5};
    explicit FigureCache(std::size_t capacity = 20000) : capacity_(capacity) {}
    // Figures to show, or nothing: then the caller draws them (it has claimed the drawing) and Puts them.
    std::optional<SiteFigures> Get(common::SiteId site, const std::string& day, std::uint64_t version,
                                   common::Instant now);
    // Files a drawing read at `version` (unless a newer one is filed already) and returns it with its serial.
    SiteFigures Put(common::SiteId site, const std::string& day, std::uint64_t version, common::Instant now,
                    SiteFigures figures);
    // Every active site in kana order, read again when older than kSettle (a site added, renamed or closed shows
    // within that); whose overview a reader may see is decided per request, not here.
    std::shared_ptr<const std::vector<sites::SiteOption>> Sites(db::ReadTx& tx, common::Instant now);

 private:
    struct Entry {
        std::uint64_t version;
        common::Instant at;
        SiteFigures figures;
        std::optional<common::Instant> claimed;  // a reader is drawing it again since
    };
    std::mutex mutex_;
    std::size_t capacity_;
    std::uint64_t serial_ = 0;
    std::map<std::pair<common::SiteId, std::string>, Entry> entries_;
    std::shared_ptr<const std::vector<sites::SiteOption>> sites_;
    common::Instant sites_at_{};
    std::optional<common::Instant> sites_claimed_;
};

// Rendered HTML kept under a key that names everything it shows (a site's tile: the site, day, language and
// drawing; the overview's body: the view and every tile's key), so a city's screens render only what changed. At
// `capacity` entries it starts again. Thread-safe.
class HtmlCache {
 public:
    explicit HtmlCache(std::size_t capacity) : capacity_(capacity) {}
    std::shared_ptr<const std::string> Get(const std::string& key, const std::function<std::string()>& render);

 private:
    std::mutex mutex_;
    std::size_t capacity_;
    std::unordered_map<std::string, std::shared_ptr<const std::string>> entries_;
};

// Where the overview may take figures from instead of reading them: the cache, and the feed whose versions say
// when an entry went stale.
struct FigureSource {
    FigureCache& cache;
    live::Feed& feed;
};

// Each active site in scope that passes the filter, in kana order, as of `now` on `date` (Tokyo); through the cache
// when given one, in which case it must be the transaction's first read.
std::vector<SiteFigures> CityOverview(db::ReadTx& tx, const OverviewFilter& filter, const common::Date& date,
                                      common::Instant now, const std::optional<FigureSource>& source = std::nullopt);

// The areas the sites are in, sorted, without repeats (the overview's filter).
std::vector<std::string> AreasOf(const std::vector<sites::SiteOption>& sites);

}  // namespace reports

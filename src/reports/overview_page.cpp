// The city's overview page, its live stream and the figures the page asks for when a site changes. Figures only,
// never a child's name: the page is not an audit event per refresh, only per opening.
#include <boost/json/serialize.hpp>

#include <algorithm>

#include "auth/audit.hpp"
#include "families/mails.hpp"
#include "live/feed.hpp"
#include "plans/rules.hpp"
#include "reports/handlers.hpp"
#include "reports/overview.hpp"
#include "sites/sites.hpp"
#include "web/slot.hpp"

namespace reports {

using app::Ctx;
using auth::Action;
using kainjow::mustache::data;
using plans::Standing;

namespace {

constexpr int kPastDays = 400;
constexpr std::size_t kMaxOnly = 200;  // sites in one live update

struct Asked {
    common::Date date;
    bool today = true;
    OverviewFilter filter;
    std::string sort;
};

Asked Ask(Ctx& ctx) {
    const auto& actor = ctx.Require(Action::kOverviewView);
    const auto today = common::TokyoDate(ctx.svc.clock.Now());
    Asked a{today,
            true,
            {actor.Scope(), [&actor](common::SiteId site) { return auth::Can(actor, Action::kOverviewView, site); },
             ctx.req.query.GetOr("kind"), ctx.req.query.GetOr("area"), std::nullopt},
            ctx.req.query.GetOr("sort")};
    if (!a.filter.kind.empty() && !sites::IsKind(a.filter.kind)) a.filter.kind.clear();
    if (a.filter.area.size() > 40) a.filter.area.clear();
    if (auto d = common::ParseDate(ctx.req.query.GetOr("date"))) {
        using std::chrono::days;
        using std::chrono::sys_days;
        if (sys_days(*d) <= sys_days(today) && sys_days(*d) >= sys_days(today) - days(kPastDays)) a.date = *d;
    }
    a.today = a.date == today;
    if (a.sort != "name" && a.sort != "in" && a.sort != "expected") a.sort.clear();
    return a;
}

// The view's filter and order as query parameters ("&kind=…&area=…&sort=…"), for the day links and the live URLs.
std::string Keep(const Asked& asked) {
    std::string keep;
    auto add = [&](const std::string& k, const std::string& v) {
        if (!v.empty()) keep += "&" + k + "=" + http::UrlEncode(v);
    };
    add("kind", asked.filter.kind);
    add("area", asked.filter.area);
    add("sort", asked.sort);
    return keep;
}

constexpr std::string_view kTilesSlot = "<!--tiles-->";

std::string Time(const std::optional<common::Instant>& t) { return t ? common::FormatTokyoTime(*t) : "—"; }

std::string RollcallText(const Ctx& ctx, const RollcallProgress& p) {
    return ProgressWords(ctx.svc.catalogue, ctx.lang, p);
}

// What needs the city's eyes first: a roll-call under way, open alerts, quiet kiosks; then children not yet here.
int Attention(const SiteFigures& f) {
    if (f.rollcall) return 0;
    if (f.alerted > 0) return 1;
    if (f.kiosks_quiet > 0) return 2;
    return 3;
}

boost::json::object FiguresJson(const Ctx& ctx, const SiteFigures& f) {
    boost::json::object o{{"site", f.site.value},
                          {"in", f.standing.at(Standing::kIn)},
                          {"expected", f.standing.at(Standing::kExpected)},
                          {"left", f.standing.at(Standing::kLeft)},
                          {"absent", f.standing.at(Standing::kAbsent)},
                          {"no_plan", f.standing.at(Standing::kNoPlan)},
                          {"enrolled", f.enrolled},
                          {"alerted", f.alerted},
                          {"kiosks_quiet", f.kiosks_quiet},
                          {"last_scan", Time(f.last_scan)},
                          {"rollcall", f.rollcall ? RollcallText(ctx, *f.rollcall) : ""}};
    if (f.behind) o["behind"] = true;  // the page asks for it again
    return o;
}

}  // namespace

// One site's tile (overview_tile), in the words of the site's kind.
std::string Handlers::Tile(Ctx& ctx, const SiteFigures& f, const std::string& roster_query) const {
    data r;
    r.set("id", f.site.ToString());
    r.set("name", f.name);
    r.set("kind", ctx.T("site_kind_" + f.kind));
    r.set("area", f.area);
    r.set("roster_url", "/sites/" + f.site.ToString() + "/roster" + roster_query);
    ctx.site_kind = f.kind;
    for (auto st : plans::kStandings) {
        std::string name(plans::StandingName(st));
        r.set(name, std::to_string(f.standing.at(st)));
        r.set(name + "_label", ctx.TK("standing_" + name));
    }
    ctx.site_kind.clear();
    r.set("enrolled", std::to_string(f.enrolled));
    r.set("alerted", std::to_string(f.alerted));
    if (f.alerted > 0) r.set("has_alert", true);
    if (f.closed) r.set("closed", ctx.TK("overview_closed"));
    r.set("last_scan", Time(f.last_scan));
    r.set("kiosks_quiet", std::to_string(f.kiosks_quiet));
    if (f.kiosks_quiet > 0) r.set("has_quiet", true);
    if (f.rollcall) r.set("rollcall", RollcallText(ctx, *f.rollcall));
    return tile_.Render(r, &ctx.svc.catalogue.Globals(ctx.lang));
}

std::optional<FigureSource> Handlers::Source(const Ctx& ctx) const {
    if (!ctx.svc.live) return std::nullopt;
    return FigureSource{*figure_cache_, *ctx.svc.live};
}

namespace {

// The page's body (overview.mustache) around the tiles, in the order shown.
std::string OverviewBody(const web::TemplateRef& overview_, Ctx& ctx, const Asked& asked,
                         const std::vector<SiteFigures>& figures, const std::vector<std::string>& areas,
                         common::Instant now, const std::vector<std::shared_ptr<const std::string>>& tiles) {
    data body;
    const std::string date = common::FormatDate(asked.date);
    body.set("date", date);
    body.set("date_label", app::DateWithWeekday(ctx, asked.date));
    using std::chrono::days;
    using std::chrono::sys_days;
    const auto today = common::TokyoDate(now);
    body.set("max_date", common::FormatDate(today));
    body.set("min_date", common::FormatDate(common::Date{sys_days(today) - days(kPastDays)}));
    if (asked.today) body.set("is_today", true);
    if (asked.today) body.set("now", common::FormatTokyoTime(now));
    const std::string keep = Keep(asked);
    body.set("prev_url", "/overview?date=" + common::FormatDate(common::Date{sys_days(asked.date) - days(1)}) + keep);
    if (!asked.today)
        body.set("next_url",
                 "/overview?date=" + common::FormatDate(common::Date{sys_days(asked.date) + days(1)}) + keep);
    data kinds{data::type::list};
    for (const char* k : sites::kKinds) {
        data d;
        d.set("value", std::string(k));
        d.set("label", ctx.T("site_kind_" + std::string(k)));
        if (asked.filter.kind == k) d.set("selected", true);
        kinds.push_back(d);
    }
    body.set("kinds", kinds);
    data area_list{data::type::list};
    for (const auto& a : areas) {
        data d;
        d.set("value", a);
        if (asked.filter.area == a) d.set("selected", true);
        area_list.push_back(d);
    }
    body.set("areas", area_list);
    if (!areas.empty()) body.set("has_areas", true);
    data sorts{data::type::list};
    for (const char* s : {"", "name", "in", "expected"}) {
        data d;
        d.set("value", std::string(s));
        d.set("label", ctx.T(std::string("overview_sort_") + (*s ? s : "attention")));
        if (asked.sort == s) d.set("selected", true);
        sorts.push_back(d);
    }
    body.set("sorts", sorts);

    std::map<Standing, int> total;
    int total_alerted = 0;
    std::string behind;
    for (const auto& f : figures) {
        for (auto st : plans::kStandings) total[st] += f.standing.at(st);
        total_alerted += f.alerted;
        if (f.behind) behind += (behind.empty() ? "" : ",") + f.site.ToString();
    }
    body.set("tiles", std::string(kTilesSlot));
    body.set("behind", behind);
    if (figures.empty()) body.set("no_sites", true);
    data totals{data::type::list};
    for (auto st : {Standing::kIn, Standing::kExpected, Standing::kLeft, Standing::kAbsent}) {
        std::string name(plans::StandingName(st));
        data d;
        d.set("key", name);
        d.set("label", ctx.T("standing_" + name));
        d.set("count", std::to_string(total[st]));
        totals.push_back(d);
    }
    body.set("totals", totals);
    body.set("total_alerted", std::to_string(total_alerted));
    if (total_alerted > 0) body.set("any_alert", true);
    body.set("site_count", std::to_string(figures.size()));
    if (asked.today) {
        body.set("events_url", "/overview/events?" + keep.substr(keep.empty() ? 0 : 1));
        body.set("figures_url", "/overview/figures?" + keep.substr(keep.empty() ? 0 : 1));
        if (auth::Can(*ctx.actor, Action::kRollcallStart)) body.set("rollcall_start_url", "/rollcall/new");
    }
    std::vector<std::string_view> pieces;
    pieces.reserve(tiles.size());
    for (const auto& t : tiles) pieces.push_back(*t);
    return web::FillSlot(overview_.Render(body, &ctx.svc.catalogue.Globals(ctx.lang)), kTilesSlot, pieces);
}

}  // namespace

http::Response Handlers::Overview(Ctx& ctx) const {
    auto asked = Ask(ctx);
    const auto now = ctx.svc.clock.Now();
    auto [figures, areas] = ctx.svc.db.Read([&](db::ReadTx& tx) {
        auto figures = CityOverview(tx, asked.filter, asked.date, now, Source(ctx));
        return std::pair{std::move(figures), AreasOf(*figure_cache_->Sites(tx, now))};
    });
    // Shares its commit with whatever else is being written (the kiosks' scans).
    ctx.svc.db.WriteGrouped([&](db::WriteTx& tx) {
        auth::WriteAudit(tx, ctx.Audit("overview.view", "city", std::nullopt), ctx.svc.clock);
    });
    std::stable_sort(figures.begin(), figures.end(), [&](const SiteFigures& a, const SiteFigures& b) {
        if (asked.sort == "name") return false;  // kana order, as read
        if (asked.sort == "in") return a.standing.at(Standing::kIn) > b.standing.at(Standing::kIn);
        if (asked.sort == "expected") return a.standing.at(Standing::kExpected) > b.standing.at(Standing::kExpected);
        return Attention(a) < Attention(b);
    });

    // Each tile, and the body around them, is rendered once for what it shows and then served to every screen that
    // shows the same (figures read without the cache are rendered every time).
    const std::string date = common::FormatDate(asked.date);
    const bool can_start = asked.today && auth::Can(*ctx.actor, Action::kRollcallStart);
    std::string key = ctx.lang + "|" + date + "|" + (asked.today ? common::FormatTokyoTime(now) : "") + "|" +
                      common::FormatDate(common::TokyoDate(now)) + "|" + Keep(asked) + "|" +
                      (can_start ? "start" : "") + "|";
    for (const auto& a : areas) key += a + "\t";
    bool cacheable = true;
    std::vector<std::shared_ptr<const std::string>> tiles;
    tiles.reserve(figures.size());
    for (const auto& f : figures) {
        auto render = [&] { return Tile(ctx, f, asked.today ? "" : "?date=" + date); };
        if (f.drawing == 0) {
            cacheable = false;
            tiles.push_back(std::make_shared<const std::string>(render()));
            continue;
        }
        const std::string tile_key = std::to_string(f.site.value) + "|" + date + "|" + ctx.lang + "|" +
                                     (asked.today ? "today" : "") + "|" + std::to_string(f.drawing) + "|" + f.name +
                                     "|" + f.kind + "|" + f.area;
        tiles.push_back(tile_cache_->Get(tile_key, render));
        key += "\n" + tile_key + (f.behind ? "|behind" : "");
    }
    auto build = [&] { return OverviewBody(overview_, ctx, asked, figures, areas, now, tiles); };
    const auto body = cacheable ? body_cache_->Get(key, build) : std::make_shared<const std::string>(build());
    if (asked.today) ctx.scripts.push_back(ctx.svc.assets.Url("overview.js"));
    ctx.wide = true;
    return app::RenderPageHtml(ctx, "overview_title", *body);
}

// Which sites changed today: the page asks for their figures (no figures travel on the stream itself).
http::Response Handlers::OverviewEvents(Ctx& ctx) const {
    auto asked = Ask(ctx);
    if (!ctx.svc.live) throw http::HttpError(503, "error_unavailable");
    std::optional<std::set<common::SiteId>> sites;
    if (!ctx.actor->municipal) {
        sites.emplace();
        for (auto s : ctx.actor->Sites()) {
            if (auth::Can(*ctx.actor, Action::kOverviewView, s)) sites->insert(s);
        }
    }
    auto channel = std::make_shared<http::EventChannel>();
    channel->Push("retry: 2000\n\n");
    ctx.svc.live->SubscribeCity(std::move(sites), channel);
    http::Response res;
    res.events = channel;
    return res;
}

// The figures of the sites a live update names (all in scope without `sites`), as JSON.
http::Response Handlers::OverviewFigures(Ctx& ctx) const {
    auto asked = Ask(ctx);
    std::string list = ctx.req.query.GetOr("sites");
    if (!list.empty()) {
        asked.filter.only.emplace();
        std::size_t start = 0;
        while (start <= list.size() && asked.filter.only->size() < kMaxOnly) {
            auto comma = list.find(',', start);
            auto part = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (auto id = app::ParseId(part)) asked.filter.only->insert(common::SiteId(*id));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    const auto now = ctx.svc.clock.Now();
    auto figures =
        ctx.svc.db.Read([&](db::ReadTx& tx) { return CityOverview(tx, asked.filter, asked.date, now, Source(ctx)); });
    boost::json::array out;
    for (const auto& f : figures) out.push_back(FiguresJson(ctx, f));
    auto res = http::Response::Json(
        boost::json::serialize(boost::json::object{{"now", common::FormatTokyoTime(now)}, {"sites", std::move(out)}}));
    res.SetHeader("Cache-Control", "no-store");
    return res;
}

}  // namespace reports

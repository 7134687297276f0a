#include "records/handlers.hpp"

#include <chrono>
#include <map>

#include "attendance/attendance.hpp"
#include "auth/audit.hpp"
#include "children/children.hpp"
#include "common/dates.hpp"
#include "curriculum/curriculum.hpp"
#include "families/mails.hpp"
#include "health/health.hpp"
#include "journals/handlers.hpp"
#include "journals/journals.hpp"
#include "naps/naps.hpp"
#include "notebook/form.hpp"
#include "notebook/notebook.hpp"
#include "notebook/pages.hpp"
#include "rights/rights.hpp"
#include "sites/sites.hpp"

namespace records {

using app::Ctx;
using auth::Action;
using kainjow::mustache::data;

namespace {

constexpr int kDays = 14;
using notebook::AddDays;

}  // namespace

http::Response Handlers::Page(Ctx& ctx) const {
    const auto& actor = ctx.RequireActor();
    const auto& svc = ctx.svc;
    const auto& keys = *svc.config.data_keys;
    const common::ChildId child(app::IdParam(ctx));
    const std::string today = notebook::Today(ctx);
    const std::string to = notebook::DateOf(ctx, ctx.req.query.GetOr("to"));
    const std::string from = AddDays(to, -(kDays - 1));
    struct Day {
        attendance::DayState attendance;
        notebook::Entry page;
    };
    struct Loaded {
        common::SiteId site;
        children::Heading heading;
        std::map<std::string, Day> days;
        std::vector<health::Entry> temperatures;
        std::vector<naps::Nap> naps;
        std::vector<journals::ChildEpisode> episodes;
        std::vector<curriculum::Plan> plans;
    };
    auto l = svc.db.Write([&](db::WriteTx& tx) {
        Loaded l;
        // The staff of the child's nursery today: its records kept there (a site the child left keeps none here).
        auto grant = rights::RequireChild(tx, actor, child, Action::kHealthView, today);
        auto site = sites::GetSite(tx, grant.site);
        if (grant.history || !site || !sites::KeepsNotebooks(site->fields.kind)) throw http::NotFound();
        l.site = grant.site;
        l.heading = children::HeadingOf(tx, child);
        // This nursery's records only: a day the child spent elsewhere is that site's.
        for (std::string d = from; d <= to; d = AddDays(d, 1)) {
            auto page = notebook::GetEntry(tx, keys, child, d);
            if (page.id != 0 && page.site != l.site) page = notebook::Entry{};
            auto day = attendance::SiteChildrenDays(tx, l.site, d, {child});
            l.days[d] = {day.count(child) ? day.at(child) : attendance::DayState{}, std::move(page)};
        }
        for (auto& e : health::ForChild(tx, keys, child, health::Kind::kTemperature, 200))
            if (e.date >= from && e.date <= to && e.site == l.site) l.temperatures.push_back(std::move(e));
        for (auto& n : naps::OfChild(tx, child, l.site, from))
            if (n.date <= to) l.naps.push_back(std::move(n));
        for (auto& e : journals::EpisodesOf(tx, keys, child, l.site, from))
            if (e.date <= to) l.episodes.push_back(std::move(e));
        // The child's individual plans of the months these days fall in.
        for (auto& p : curriculum::OfChild(tx, keys, child, l.site, from.substr(0, 7) + "-01"))
            if (p.period <= to) l.plans.push_back(std::move(p));
        auth::WriteAudit(tx, ctx.Audit("records.view", "child", child.value, l.site), svc.clock);
        return l;
    });
    ctx.site_kind = "nursery";
    data body;
    body.set("child_id", child.ToString());
    body.set("name", l.heading.name);
    body.set("kana", l.heading.kana);
    body.set("site_id", l.site.ToString());
    body.set("range", from + " 〜 " + to);
    body.set("prev", "/children/" + child.ToString() + "/records?to=" + AddDays(from, -1));
    if (to < today)
        body.set("next", "/children/" + child.ToString() + "/records?to=" + std::min(AddDays(to, kDays), today));
    std::map<std::string, data> by_day;
    data days{data::type::list};
    for (auto it = l.days.rbegin(); it != l.days.rend(); ++it) {
        const auto& [date, day] = *it;
        data d;
        d.set("date", date);
        d.set("label", app::DateWithWeekday(ctx, *common::ParseDate(date)));
        data lines{data::type::list};
        auto line = [&](const std::string& what, const std::string& text, const std::string& url = "") {
            data x;
            x.set("what", what);
            x.set("text", text);
            if (!url.empty()) x.set("url", url);
            lines.push_back(x);
        };
        const auto& a = day.attendance;
        if (a.in_at)
            line(ctx.T("records_attendance"),
                 common::FormatTokyoTime(*a.in_at) + "〜" + (a.out_at ? common::FormatTokyoTime(*a.out_at) : ""),
                 "/children/" + child.ToString() + "/attendance?date=" + date);
        for (const auto& t : l.temperatures)
            if (t.date == date)
                line(ctx.T("nb_temperature"),
                     notebook::TemperatureText(t.temperature.tenths) + "℃（" +
                         common::FormatTimeOfDay(t.temperature.minutes) + "）",
                     "/children/" + child.ToString() + "/health");
        for (const auto& n : l.naps)
            if (n.date == date) {
                std::string text = common::FormatTokyoTime(n.started) + "〜" +
                                   (n.ended ? common::FormatTokyoTime(*n.ended) : "") + " " + ctx.T("nap_checks") +
                                   " " + std::to_string(n.checks.size());
                if (auto m = n.Missed(svc.clock.Now()).size(); m > 0)
                    text += " " + families::Fill(ctx.T("nap_missed_count"), {{"n", std::to_string(m)}});
                line(ctx.T("records_nap"), text, "/sites/" + l.site.ToString() + "/naps?date=" + date);
            }
        if (day.page.id != 0) {
            std::string state = day.page.published_at ? ctx.T("records_notebook_published")
                                : day.page.nursery    ? ctx.T("records_notebook_draft")
                                                      : ctx.T("records_notebook_home");
            line(ctx.T("records_notebook"), state, "/children/" + child.ToString() + "/notebook?date=" + date);
        }
        for (const auto& e : l.episodes)
            if (e.date == date)
                line(ctx.T("records_journal"), e.text,
                     "/sites/" + l.site.ToString() + "/journal?date=" + date +
                         (e.group ? "&group=" + e.group->ToString() : ""));
        if (lines.is_empty_list()) continue;  // a day the child was not here and nothing was written
        d.set("lines", lines);
        days.push_back(d);
    }
    body.set("days", days);
    if (days.is_empty_list()) body.set("none", true);
    data plans{data::type::list};
    for (const auto& p : l.plans) {
        data d;
        d.set("month",
              families::Fill(ctx.T("curriculum_period_month"),
                             {{"y", p.period.substr(0, 4)}, {"m", std::to_string(std::stoi(p.period.substr(5, 2)))}}));
        auto aims = p.sections.find("aims");
        d.set("aims", aims == p.sections.end() ? "" : aims->second);
        d.set("state_label", journals::StateLabel(ctx, p.state));
        d.set("url", "/sites/" + l.site.ToString() + "/curriculum/plan?kind=individual&group=" + p.group.ToString() +
                         "&period=" + p.period + "&child=" + child.ToString());
        plans.push_back(d);
    }
    if (!l.plans.empty()) body.set("has_plans", true);
    body.set("plans", plans);
    return app::RenderPage(ctx, page_, "records_title", body);
}

}  // namespace records

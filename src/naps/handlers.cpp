#include "naps/handlers.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "attendance/attendance.hpp"
#include "auth/audit.hpp"
#include "common/dates.hpp"
#include "families/mails.hpp"
#include "naps/grid.hpp"
#include "naps/naps.hpp"
#include "notebook/pages.hpp"
#include "notebook/rules.hpp"
#include "plans/plans.hpp"
#include "rights/rights.hpp"
#include "sites/groups.hpp"
#include "sites/sites.hpp"

namespace naps {

using app::Ctx;
using auth::Action;
using kainjow::mustache::data;

namespace {

// A nursery of the actor's (naps are kept where children sleep at the site).
sites::Site NurseryOf(db::ReadTx& tx, common::SiteId site_id) {
    auto site = sites::GetSite(tx, site_id);
    if (!site || !sites::KeepsNotebooks(site->fields.kind)) throw http::NotFound();
    return *site;
}

// The children named in the form, each placed at the site today and reachable by the actor; none: an error.
std::vector<common::ChildId> Chosen(db::ReadTx& tx, const Ctx& ctx, common::SiteId site, Action action,
                                    const std::string& today) {
    std::vector<common::ChildId> out;
    for (const auto& id : ctx.form.GetAll("child")) {
        auto n = app::ParseId(id);
        if (!n) throw http::BadRequest();
        const common::ChildId child(*n);
        rights::RequireAtSite(tx, *ctx.actor, action, site, child, today, true);
        if (plans::PlacementOn(tx, child, *common::ParseDate(today)) != site) throw http::NotFound();
        if (std::find(out.begin(), out.end(), child) == out.end()) out.push_back(child);
    }
    return out;
}

std::string BackTo(const Ctx& ctx, common::SiteId site, std::string_view done) {
    std::string url = "/sites/" + site.ToString() + "/naps?done=" + std::string(done);
    if (auto g = app::ParseId(ctx.form.GetOr("group"))) url += "&group=" + std::to_string(*g);
    return url;
}

std::string Clock(common::Instant at) { return common::FormatTokyoTime(at); }

}  // namespace

http::Response Handlers::Render(Ctx& ctx, common::SiteId site_id, const app::FormErrors& errors, int status) const {
    ctx.RequireAtSite(Action::kNapView, site_id);
    const auto& svc = ctx.svc;
    const std::string today = notebook::Today(ctx);
    const std::string date = notebook::DateOf(ctx, ctx.req.query.GetOr("date"));
    // The class shown: the address's, or after a refused tap the form's.
    std::optional<common::GroupId> group;
    if (auto g = app::ParseId(ctx.req.method == "POST" ? ctx.form.GetOr("group") : ctx.req.query.GetOr("group")))
        group = common::GroupId(*g);
    struct Loaded {
        sites::Site site;
        std::vector<sites::Group> groups;
        attendance::Roster roster;
        std::vector<Nap> naps;
        std::map<common::ChildId, int> age_class;
    };
    auto l = svc.db.Write([&](db::WriteTx& tx) {
        Loaded l{NurseryOf(tx, site_id), sites::ListGroups(tx, site_id, false), {}, {}, {}};
        if (group && std::none_of(l.groups.begin(), l.groups.end(), [&](const auto& g) { return g.id == *group; }))
            throw http::NotFound();
        l.roster = attendance::SiteRoster(tx, site_id, date, group);
        l.naps = OfDay(tx, site_id, date);
        // Every child's age class that day, in one query.
        for (const auto& r : tx.Query("SELECT DISTINCT c.id, c.birth_date FROM child c JOIN child_placement p ON "
                                      "p.child_id = c.id WHERE p.site_id = ?",
                                      site_id))
            l.age_class[r.Id<common::ChildId>(0)] = notebook::AgeClass(r.Text(1).substr(0, 10), date);
        auth::WriteAudit(tx, ctx.Audit("nap.view", "site", site_id.value, site_id), svc.clock);
        return l;
    });
    ctx.site_kind = l.site.fields.kind;
    ctx.wide = true;  // a class's tablet, or the office's screen: as many cards across as fit
    ctx.scripts.push_back(svc.assets.Url("alarm.js"));
    ctx.scripts.push_back(svc.assets.Url("naps.js"));
    const auto now = svc.clock.Now();
    const bool live = date == today;
    data body = errors.ToData(ctx);
    body.set("site_id", site_id.ToString());
    body.set("site_name", l.site.fields.name);
    body.set("date", date);
    body.set("now", common::FormatInstant(now));
    body.set("events",
             "/sites/" + site_id.ToString() + "/roster/events?after=" + std::to_string(l.roster.feed_position));
    notebook::DayLinks(body, date, today);
    if (live) body.set("live", true);
    notebook::GroupChoices(body, l.groups, group);

    std::map<common::ChildId, const attendance::RosterRow*> in_class;
    for (const auto& r : l.roster.rows) in_class[r.child] = &r;
    auto age_label = [&](common::ChildId c) {
        return families::Fill(ctx.T("nb_age_class"), {{"n", std::to_string(l.age_class[c])}});
    };
    auto position_label = [&](Position p) { return ctx.T("nap_position_" + std::string(PositionName(p))); };
    // Asleep now: the most urgent first (overdue, due, then by the time due).
    std::vector<const Nap*> asleep, woke;
    std::set<common::ChildId> napping;
    for (const auto& n : l.naps) {
        if (!in_class.count(n.child)) continue;  // another class's child
        (n.ended ? woke : asleep).push_back(&n);
        if (!n.ended) napping.insert(n.child);
    }
    std::stable_sort(asleep.begin(), asleep.end(),
                     [](const Nap* a, const Nap* b) { return a->NextDue() < b->NextDue(); });
    data asleep_list{data::type::list};
    int overdue_now = 0;
    for (const Nap* n : asleep) {
        const auto& row = *in_class.at(n->child);
        const auto due = n->NextDue();
        const auto state = StateAt(due, now);
        data d;
        d.set("child", n->child.ToString());
        d.set("name", row.display_name);
        d.set("kana", row.kana);
        d.set("age", age_label(n->child));
        d.set("interval", families::Fill(ctx.T("nap_every"), {{"n", std::to_string(n->interval)}}));
        d.set("started", Clock(n->started));
        d.set("due", Clock(due));
        d.set("due_at", common::FormatInstant(due));
        d.set("state", std::string(StateName(state)));
        d.set("state_label", ctx.T("nap_state_" + std::string(StateName(state))));
        if (state == State::kOverdue) ++overdue_now;
        if (!n->checks.empty()) {
            const auto& c = n->checks.back();
            d.set("last",
                  families::Fill(ctx.T("nap_last_check"),
                                 {{"time", Clock(c.at)}, {"position", position_label(c.position)}, {"by", c.by}}));
            if (Warns(c.position)) d.set("face_down", true);
            if (!c.breathing_ok || !c.complexion_ok) d.set("unwell", true);
        }
        // Counted as the sweep records them, but shown the moment a due is missed.
        if (auto m = n->Missed(now).size(); m > 0)
            d.set("missed", families::Fill(ctx.T("nap_missed_count"), {{"n", std::to_string(m)}}));
        asleep_list.push_back(d);
    }
    body.set("asleep", asleep_list);
    if (!asleep.empty()) body.set("has_asleep", true);
    if (live || !asleep.empty()) body.set("show_asleep", true);
    if (overdue_now > 0) body.set("overdue_now", std::to_string(overdue_now));
    data positions{data::type::list};
    for (auto p : kPositions) {
        data d;
        d.set("value", std::string(PositionName(p)));
        d.set("label", position_label(p));
        if (Warns(p)) d.set("warns", true);
        positions.push_back(d);
    }
    body.set("positions", positions);
    // Here and awake: to lay down (those who already slept today say when).
    std::map<common::ChildId, const Nap*> slept;
    for (const Nap* n : woke) slept[n->child] = n;
    data awake{data::type::list};
    int awake_count = 0;
    for (const auto& r : l.roster.rows) {
        if (napping.count(r.child) || r.day.state != attendance::State::kIn) continue;
        data d;
        d.set("child", r.child.ToString());
        d.set("name", r.display_name);
        d.set("kana", r.kana);
        d.set("age", age_label(r.child));
        if (auto s = slept.find(r.child); s != slept.end())
            d.set("slept", families::Fill(ctx.T("nap_slept"),
                                          {{"from", Clock(s->second->started)}, {"to", Clock(*s->second->ended)}}));
        awake.push_back(d);
        ++awake_count;
    }
    body.set("awake", awake);
    if (awake_count > 0) body.set("has_awake", true);
    // The day's finished naps: the record as the inspectors read it.
    data done{data::type::list};
    for (const Nap* n : woke) {
        data d;
        d.set("name", in_class.at(n->child)->display_name);
        d.set("from", Clock(n->started));
        d.set("to", Clock(*n->ended));
        d.set("checks", std::to_string(n->checks.size()));
        if (auto m = n->Missed(now).size(); m > 0)
            d.set("missed", families::Fill(ctx.T("nap_missed_count"), {{"n", std::to_string(m)}}));
        done.push_back(d);
    }
    body.set("woke", done);
    if (!woke.empty()) body.set("has_woke", true);
    if (auto d = ctx.req.query.GetOr("done"); !d.empty()) body.set("done_" + d, true);
    return app::RenderPage(ctx, page_, "nap_title", body, status);
}

http::Response Handlers::Page(Ctx& ctx) const { return Render(ctx, app::SiteIdParam(ctx), {}, 200); }

http::Response Handlers::ForChosen(Ctx& ctx, app::FormErrors errors, std::string_view done, const Each& each) const {
    ctx.RequireActor();
    auto site_id = app::SiteIdParam(ctx);
    ctx.RequireAtSite(Action::kNapWrite, site_id);
    const std::string today = notebook::Today(ctx);
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        NurseryOf(tx, site_id);
        auto children = Chosen(tx, ctx, site_id, Action::kNapWrite, today);  // rights first, then the form
        if (children.empty()) errors.Add("child", "error_nap_choose");
        if (!errors.empty()) return;
        for (auto child : children) each(tx, site_id, child, today);
    });
    if (!errors.empty()) return Render(ctx, site_id, errors, 422);
    return http::Response::Redirect(BackTo(ctx, site_id, done));
}

http::Response Handlers::Start(Ctx& ctx) const {
    const auto& svc = ctx.svc;
    std::optional<Intervals> intervals;  // the site's, read once for all the children
    return ForChosen(
        ctx, {}, "started", [&](db::WriteTx& tx, common::SiteId site, common::ChildId child, const std::string& today) {
            if (!intervals) intervals = GetIntervals(tx, site);
            auto birth = tx.QueryOne("SELECT birth_date FROM child WHERE id = ?", child).Text(0).substr(0, 10);
            const int every = IntervalFor(notebook::AgeClass(birth, today), *intervals);
            // Already asleep (another tablet was quicker): nothing more to do for that child.
            if (naps::Start(tx, site, child, today, every, ctx.actor->user_id, svc.clock))
                auth::WriteAudit(tx, ctx.Audit("nap.start", "child", child.value, site), svc.clock);
        });
}

http::Response Handlers::Check(Ctx& ctx) const {
    const auto& svc = ctx.svc;
    app::FormErrors errors;
    naps::Check check;
    check.at = svc.clock.Now();
    auto position = ParsePosition(ctx.form.GetOr("position"));
    if (!position) errors.Add("position", "error_choice");
    check.position = position.value_or(Position::kBack);
    // Breathing and complexion are fine unless the carer says otherwise.
    check.breathing_ok = ctx.form.GetOr("breathing") != "bad";
    check.complexion_ok = ctx.form.GetOr("complexion") != "bad";
    return ForChosen(ctx, errors, Warns(check.position) ? "face_down" : "checked",
                     [&](db::WriteTx& tx, common::SiteId site, common::ChildId child, const std::string&) {
                         // One not asleep refuses the whole tap: nothing half-recorded.
                         if (!AddCheck(tx, site, child, check, ctx.actor->user_id, svc.clock))
                             throw http::HttpError(422, "error_nap_not_asleep");
                         auth::WriteAudit(tx, ctx.Audit("nap.check", "child", child.value, site), svc.clock);
                     });
}

http::Response Handlers::Wake(Ctx& ctx) const {
    const auto& svc = ctx.svc;
    return ForChosen(ctx, {}, "woke",
                     [&](db::WriteTx& tx, common::SiteId site, common::ChildId child, const std::string&) {
                         if (!End(tx, site, child, svc.clock.Now(), ctx.actor->user_id, svc.clock))
                             throw http::HttpError(422, "error_nap_not_asleep");
                         auth::WriteAudit(tx, ctx.Audit("nap.end", "child", child.value, site), svc.clock);
                     });
}

http::Response Handlers::Grid(Ctx& ctx) const {
    auto site_id = app::SiteIdParam(ctx);
    ctx.RequireAtSite(Action::kNapView, site_id);
    const auto& svc = ctx.svc;
    const std::string date = notebook::DateOf(ctx, ctx.req.query.GetOr("date"));
    std::optional<common::GroupId> group;
    if (auto g = ctx.req.query.GetOr("group"); !g.empty()) {
        auto n = app::ParseId(g);
        if (!n) throw http::BadRequest();
        group = common::GroupId(*n);
    }
    struct Loaded {
        sites::Site site;
        std::vector<sites::Group> groups;
        attendance::Roster roster;
        std::vector<Nap> naps;
        std::map<common::ChildId, std::string> birth;
    };
    auto l = svc.db.Write([&](db::WriteTx& tx) {
        Loaded l{NurseryOf(tx, site_id), sites::ListGroups(tx, site_id, false), {}, {}, {}};
        if (group) {
            std::erase_if(l.groups, [&](const auto& g) { return g.id != *group; });
            if (l.groups.empty()) throw http::NotFound();
        }
        l.roster = attendance::SiteRoster(tx, site_id, date, group);
        l.naps = OfDay(tx, site_id, date);
        for (const auto& r : tx.Query("SELECT DISTINCT c.id, c.birth_date FROM child c JOIN nap n ON n.child_id = "
                                      "c.id WHERE n.site_id = ? AND n.nap_date = ?",
                                      site_id, date))
            l.birth[r.Id<common::ChildId>(0)] = r.Text(1).substr(0, 10);
        auth::WriteAudit(tx, ctx.Audit("nap.print", "site", site_id.value, site_id), svc.clock);
        return l;
    });
    // Each child on the sheet of its first class; the children of no class on a sheet of their own (all classes).
    std::vector<GridClass> sheets;
    std::map<common::GroupId, std::size_t> sheet_of;
    for (const auto& g : l.groups) {
        sheet_of[g.id] = sheets.size();
        sheets.push_back({g.fields.name, {}});
    }
    std::optional<std::size_t> classless;
    std::map<common::ChildId, std::vector<const Nap*>> naps_of;
    for (const auto& n : l.naps) naps_of[n.child].push_back(&n);
    for (const auto& r : l.roster.rows) {  // in kana order
        auto it = naps_of.find(r.child);
        if (it == naps_of.end()) continue;
        std::size_t at = 0;
        auto g = std::find_if(r.groups.begin(), r.groups.end(), [&](auto id) { return sheet_of.count(id) > 0; });
        if (g != r.groups.end()) {
            at = sheet_of[*g];
        } else {
            if (group) continue;
            if (!classless) {
                classless = sheets.size();
                sheets.push_back({"", {}});
            }
            at = *classless;
        }
        const std::string age =
            families::Fill(ctx.T("nb_age_class"), {{"n", std::to_string(notebook::AgeClass(l.birth[r.child], date))}});
        for (const Nap* n : it->second) sheets[at].rows.push_back({n, r.display_name, age});
    }
    // Only the classes that slept; none did: one sheet that says so (the chosen class's).
    if (std::none_of(sheets.begin(), sheets.end(), [](const GridClass& c) { return !c.rows.empty(); })) {
        sheets = {GridClass{group ? sheets.front().name : "", {}}};
    } else {
        std::erase_if(sheets, [](const GridClass& c) { return c.rows.empty(); });
    }
    const std::string date_label = app::DateWithWeekday(ctx, *common::ParseDate(date));
    std::vector<reports::PdfSection> sections;
    for (const auto& c : sheets) {
        auto more = GridSections(c, date, date_label, l.site.fields.name, svc.clock.Now(),
                                 [&](std::string_view key) { return ctx.T(std::string(key)); });
        sections.insert(sections.end(), more.begin(), more.end());
    }
    return app::Download(reports::PdfTables(ctx.T("nap_grid_title"), sections, ctx.T("page_of")), "application/pdf",
                         "naps-" + site_id.ToString() + "-" + date + ".pdf", false);
}

}  // namespace naps

#include "notebook/handlers.hpp"

#include <algorithm>
#include <array>
#include <set>

#include "app/validate.hpp"
#include "auth/audit.hpp"
#include "children/children.hpp"
#include "children/handlers.hpp"
#include "common/dates.hpp"
#include "families/mails.hpp"
#include "health/health.hpp"
#include "naps/naps.hpp"
#include "notebook/form.hpp"
#include "notebook/notebook.hpp"
#include "notebook/pages.hpp"
#include "notebook/views.hpp"
#include "photos/photos.hpp"
#include "plans/plans.hpp"
#include "rights/rights.hpp"
#include "sites/groups.hpp"
#include "sites/sites.hpp"

namespace notebook {

using app::Ctx;
using auth::Action;
using kainjow::mustache::data;

namespace {

// The settings form's nap intervals, by age class (0歳児, 1・2歳児, 3歳児+); each labelled nap_interval_{age…}.
constexpr std::array<std::string_view, 3> kNapFields{"nap_age0", "nap_age12", "nap_age3"};

// Photos for a page: their address (staff's or the family's), size and position for the alternative text.
data PhotoList(const std::vector<photos::Photo>& list, const std::string& base) {
    data out{data::type::list};
    int n = 0;
    for (const auto& p : list) {
        data d;
        d.set("id", std::to_string(p.id));
        d.set("src", base + std::to_string(p.id));
        d.set("width", std::to_string(p.width));
        d.set("height", std::to_string(p.height));
        d.set("n", std::to_string(++n));
        out.push_back(d);
    }
    return out;
}

std::string BirthDate(db::ReadTx& tx, common::ChildId child) {
    return tx.QueryOne("SELECT birth_date FROM child WHERE id = ?", child).Text(0).substr(0, 10);
}

}  // namespace

std::string Today(const Ctx& ctx) { return common::FormatDate(common::TokyoDate(ctx.svc.clock.Now())); }

std::string AddDays(const std::string& date, int days) {
    return common::FormatDate(std::chrono::sys_days(*common::ParseDate(date)) + std::chrono::days(days));
}

common::Date MonthOf(const Ctx& ctx) {
    const std::string month = ctx.req.query.GetOr("month", Today(ctx).substr(0, 7));
    const auto first = common::ParseDate(month + "-01");
    if (month.size() != 7 || !first) throw http::BadRequest("error_month");
    return *first;
}

sites::Site NurseryOf(db::ReadTx& tx, common::SiteId site_id) {
    auto site = sites::GetSite(tx, site_id);
    if (!site || !sites::KeepsNotebooks(site->fields.kind)) throw http::NotFound();
    return *site;
}

void DayLinks(data& body, const std::string& date, const std::string& today) {
    body.set("date", date);
    body.set("date_label", date);
    body.set("prev_date", AddDays(date, -1));
    if (date < today) body.set("next_date", AddDays(date, 1));
}

void GroupChoices(data& body, const std::vector<sites::Group>& groups, const std::optional<common::GroupId>& group) {
    if (group) body.set("group", group->ToString());
    data list{data::type::list};
    for (const auto& g : groups) {
        data d;
        d.set("id", g.id.ToString());
        d.set("name", g.fields.name);
        if (group && g.id == *group) d.set("selected", true);
        list.push_back(d);
    }
    body.set("groups", list);
}

std::string DateOf(const Ctx& ctx, const std::string& given) {
    if (given.empty()) return Today(ctx);
    auto d = common::ParseDate(given);
    if (!d) throw http::BadRequest("error_date");
    const std::string date = common::FormatDate(*d);
    if (date > Today(ctx)) throw http::HttpError(422, "error_notebook_future");
    return date;
}

common::SiteId PageSite(db::ReadTx& tx, common::ChildId child, const std::string& date) {
    auto site = plans::PlacementOn(tx, child, *common::ParseDate(date));
    if (!site) throw http::NotFound();
    auto s = sites::GetSite(tx, *site);
    if (!s || !sites::KeepsNotebooks(s->fields.kind)) throw http::NotFound();
    return *site;
}

// --- Staff -----------------------------------------------------------------------------------------------------

http::Response Handlers::ClassDay(Ctx& ctx) const {
    auto site_id = app::SiteIdParam(ctx);
    ctx.RequireAtSite(Action::kNotebookView, site_id);
    const std::string today = Today(ctx);
    const std::string date = DateOf(ctx, ctx.req.query.GetOr("date"));
    std::optional<common::GroupId> group;
    if (auto g = app::ParseId(ctx.req.query.GetOr("group"))) group = common::GroupId(*g);
    const auto& svc = ctx.svc;
    std::vector<health::Warning> warnings;
    std::map<common::ChildId, health::Temperature> fevers;  // the highest fever staff measured that day
    std::set<common::ChildId> told;                         // whose family the system told of it
    auto [site, groups, rows, counts] = svc.db.Write([&](db::WriteTx& tx) {
        auto site = sites::GetSite(tx, site_id);
        if (!site || !sites::KeepsNotebooks(site->fields.kind)) throw http::NotFound();
        auto groups = sites::ListGroups(tx, site_id, false);
        if (group && std::none_of(groups.begin(), groups.end(), [&](const auto& g) { return g.id == *group; }))
            throw http::NotFound();
        auto rows = notebook::ClassDay(tx, *svc.config.data_keys, site_id, group, date);
        auto counts = photos::CountsOn(tx, site_id, date);
        warnings = health::SiteWarnings(tx, *svc.config.data_keys, site_id, date);
        for (const auto& e :
             health::ForSite(tx, *svc.config.data_keys, site_id, health::Kind::kTemperature, date, date)) {
            if (e.temperature.tenths < health::kFeverTenths) continue;
            if (e.told_family_at) told.insert(e.child);
            auto [it, added] = fevers.emplace(e.child, e.temperature);
            if (!added && e.temperature.tenths > it->second.tenths) it->second = e.temperature;
        }
        auth::WriteAudit(tx, ctx.Audit("notebook.class_view", "site", site_id.value, site_id), svc.clock);
        return std::tuple{*site, groups, rows, std::map<common::ChildId, int>(counts.begin(), counts.end())};
    });
    ctx.site_kind = site.fields.kind;
    data body;
    body.set("site_id", site_id.ToString());
    body.set("site_name", site.fields.name);
    if (auth::Can(*ctx.actor, Action::kNotebookSettings, site_id)) body.set("can_settings", true);
    DayLinks(body, date, today);
    GroupChoices(body, groups, group);
    // What a carer must see at drop-off comes first: the children with something to notice, then the others.
    auto noticed_row = [&](const ClassRow& r) {
        return (r.entry.home && Noticed(*r.entry.home).Any()) || fevers.count(r.child) > 0;
    };
    std::stable_partition(rows.begin(), rows.end(), noticed_row);
    // Infections in the site's classes that day: how many children of which class, never who.
    data warning_lines{data::type::list};
    for (const auto& w : warnings) {
        warning_lines.push_back(
            data(families::Fill(ctx.T("health_warning_line"), {{"group", w.group.empty() ? site.fields.name : w.group},
                                                               {"disease", ctx.T("disease_" + w.disease)},
                                                               {"n", std::to_string(w.children)}})));
    }
    body.set("warnings", warning_lines);
    if (!warnings.empty()) body.set("has_warnings", true);
    data list{data::type::list};
    int sent = 0, noticed = 0;
    for (const auto& r : rows) {
        auto d = ClassRowData(ctx, r);
        d.set("date", date);
        d.set("version", std::to_string(r.entry.nursery_version));
        if (auto f = fevers.find(r.child); f != fevers.end()) {
            d.set("checked_fever", families::Fill(ctx.T("health_fever_checked"),
                                                  {{"value", TemperatureText(f->second.tenths) + "℃"},
                                                   {"time", common::FormatTimeOfDay(f->second.minutes)}}));
            if (told.count(r.child)) d.set("fever_told", true);
            d.set("notice", true);
        }
        if (auto it = counts.find(r.child); it != counts.end())
            d.set("photo_count", families::Fill(ctx.T("nb_photo_count"), {{"n", std::to_string(it->second)}}));
        list.push_back(d);
        sent += r.entry.home ? 1 : 0;
        noticed += noticed_row(r) ? 1 : 0;
    }
    body.set("rows", list);
    if (rows.empty()) body.set("empty", true);
    body.set("count_children", std::to_string(rows.size()));
    body.set("count_sent", std::to_string(sent));
    body.set("count_noticed", std::to_string(noticed));
    // The shared part of the nursery side, for the children ticked.
    body.set("bulk", NurseryForm(ctx, data{}, NurserySide{}, Settings{}, kAgeClasses - 1));
    body.set("csrf", ctx.CsrfToken());
    if (auto done = ctx.req.query.GetOr("done"); done == "saved" || done == "published") {
        body.set("done", families::Fill(ctx.T(done == "saved" ? "nb_bulk_saved" : "nb_bulk_published"),
                                        {{"n", ctx.req.query.GetOr("n")}}));
        data skipped{data::type::list};
        for (const auto& name : ctx.req.query.GetAll("skipped")) skipped.push_back(data(name));
        if (!ctx.req.query.GetAll("skipped").empty()) {
            body.set("skipped", skipped);
            body.set("has_skipped", true);
        }
    }
    ctx.wide = true;
    return app::RenderPage(ctx, class_, "nb_class_title", body);
}

http::Response Handlers::RenderChild(Ctx& ctx, common::ChildId child, const std::string& date,
                                     const app::FormErrors& errors, int status, bool conflict) const {
    const auto& actor = ctx.RequireActor();
    const auto& svc = ctx.svc;
    const std::string today = Today(ctx);
    struct Loaded {
        common::SiteId site;
        Entry entry;
        Settings settings;
        std::string name, kana, birth;
        bool may_write = false;
        std::vector<photos::Photo> photos;
        std::optional<naps::Nap> nap;
    };
    auto l = svc.db.Write([&](db::WriteTx& tx) {
        Loaded l;
        l.site = PageSite(tx, child, date);
        rights::RequireAtSite(tx, actor, Action::kNotebookView, l.site, child, today, false);
        auto standing = rights::LoadStanding(tx, child);
        l.may_write = rights::DecideAtSite(actor, Action::kNotebookWrite, l.site, standing, today, true) ==
                      rights::Verdict::kAllowed;
        l.entry = GetEntry(tx, *svc.config.data_keys, child, date);
        l.settings = LoadSettings(tx, l.site);
        l.photos = photos::OnPage(tx, child, date);
        l.nap = naps::LastOfDay(tx, child, date);
        auto heading = children::HeadingOf(tx, child);
        l.name = heading.name;
        l.kana = heading.kana;
        l.birth = heading.birth_date;
        auth::WriteAudit(tx, ctx.Audit("notebook.view", "child", child.value, l.site), svc.clock);
        return l;
    });
    ctx.site_kind = "nursery";
    const int age = AgeClass(l.birth, date);
    data body = errors.ToData(ctx);
    body.set("child_id", child.ToString());
    body.set("site_id", l.site.ToString());
    body.set("name", l.name);
    body.set("kana", l.kana);
    body.set("age", families::Fill(ctx.T("nb_age_class"), {{"n", std::to_string(age)}}));
    DayLinks(body, date, today);
    if (l.entry.home) {
        body.set("home", HomeLines(ctx, *l.entry.home));
        body.set("has_home", true);
        body.set("home_by", l.entry.home_by);
        body.set("home_at", common::FormatTokyoTime(*common::ParseInstant(*l.entry.home_saved_at)));
    }
    // The form: what was posted (a refused save), else the side as saved.
    const bool posted = ctx.req.method == "POST" && ctx.form.Has("version");  // the side's form, not the photos'
    app::FormErrors ignored;
    NurserySide shown = posted ? ParseNurseryForm(ctx.form, ignored) : l.entry.nursery.value_or(NurserySide{});
    // The nap as the nap checks recorded it, where the side has none yet (the carer saves it with the rest).
    if (auto minutes = [](common::Instant at) { return *common::ParseTimeOfDay(common::FormatTokyoTime(at)); };
        !posted && !shown.nap_start && l.nap && l.nap->ended && minutes(*l.nap->ended) > minutes(l.nap->started)) {
        shown.nap_start = minutes(l.nap->started);
        shown.nap_end = minutes(*l.nap->ended);
    }
    body.set("form",
             NurseryForm(ctx, posted ? app::FormValues(ctx.form) : NurseryValues(shown), shown, l.settings, age));
    body.set("version", std::to_string(l.entry.nursery_version));
    if (conflict && l.entry.nursery) {
        body.set("conflict", true);
        body.set("theirs", NurseryLines(ctx, *l.entry.nursery));
        body.set("theirs_by", l.entry.nursery_by);
    }
    if (l.entry.nursery) {
        body.set("saved", NurseryLines(ctx, *l.entry.nursery));
        body.set("has_saved", true);
    }
    if (l.entry.published_at) body.set("published", true);
    if (l.entry.edited_after_publish_at && l.entry.published_at &&
        *l.entry.edited_after_publish_at > *l.entry.published_at)
        body.set("edited", true);
    if (l.entry.nursery && (!l.entry.published_at || body.get("edited"))) body.set("can_publish", l.may_write);
    if (l.may_write) body.set("may_write", true);
    body.set("csrf", ctx.CsrfToken());
    body.set("photos", PhotoList(l.photos, "/photos/"));
    if (!l.photos.empty()) body.set("has_photos", true);
    body.set("max_photos", std::to_string(photos::kMaxPerUpload));
    if (ctx.req.query.GetOr("done") == "saved") body.set("notice_saved", true);
    if (ctx.req.query.GetOr("done") == "published") body.set("notice_published", true);
    if (ctx.req.query.GetOr("done") == "photos") body.set("notice_photos", true);
    if (ctx.req.query.GetOr("done") == "photo_removed") body.set("notice_photo_removed", true);
    return app::RenderPage(ctx, page_, "nb_child_title", body, status);
}

http::Response Handlers::ChildPage(Ctx& ctx) const {
    auto child = common::ChildId(app::IdParam(ctx));
    return RenderChild(ctx, child, DateOf(ctx, ctx.req.query.GetOr("date")), {}, 200, false);
}

http::Response Handlers::SaveNursery(Ctx& ctx) const {
    const auto& actor = ctx.RequireActor();
    auto child = common::ChildId(app::IdParam(ctx));
    const std::string date = DateOf(ctx, ctx.form.GetOr("date"));
    const std::string today = Today(ctx);
    app::FormErrors errors;
    auto side = ParseNurseryForm(ctx.form, errors);
    int based_on = app::IntField(ctx.form, "version", errors, 0, 1'000'000).value_or(0);
    const auto& svc = ctx.svc;
    auto outcome = svc.db.Write([&](db::WriteTx& tx) -> std::optional<SaveOutcome> {
        auto site = PageSite(tx, child, date);
        rights::RequireAtSite(tx, actor, Action::kNotebookWrite, site, child, today, true);
        AddProblems(Check(side, LoadSettings(tx, site), AgeClass(BirthDate(tx, child), date), false), errors);
        if (!errors.empty()) return std::nullopt;
        auto saved = notebook::SaveNursery(tx, *svc.config.data_keys, child, site, date, side, based_on, actor.user_id,
                                           svc.clock);
        if (saved.outcome == SaveOutcome::kSaved)
            auth::WriteAudit(tx, ctx.Audit("notebook.write", "child", child.value, site), svc.clock);
        return saved.outcome;
    });
    if (!outcome) return RenderChild(ctx, child, date, errors, 422, false);
    // Another tablet saved first: nothing written; both versions shown.
    if (*outcome == SaveOutcome::kStale) {
        app::FormErrors none;
        none.Add("version", "error_notebook_conflict");
        return RenderChild(ctx, child, date, none, 409, true);
    }
    return http::Response::Redirect("/children/" + child.ToString() + "/notebook?date=" + date + "&done=saved");
}

http::Response Handlers::Publish(Ctx& ctx) const {
    const auto& actor = ctx.RequireActor();
    auto child = common::ChildId(app::IdParam(ctx));
    const std::string date = DateOf(ctx, ctx.form.GetOr("date"));
    const auto& svc = ctx.svc;
    app::FormErrors errors;
    svc.db.Write([&](db::WriteTx& tx) {
        auto site = PageSite(tx, child, date);
        rights::RequireAtSite(tx, actor, Action::kNotebookWrite, site, child, Today(ctx), true);
        // Complete before the family reads it: the items the site requires for the child's age.
        auto entry = GetEntry(tx, *svc.config.data_keys, child, date);
        if (entry.nursery)
            AddProblems(Check(*entry.nursery, LoadSettings(tx, site), AgeClass(BirthDate(tx, child), date)), errors);
        if (!errors.empty()) return;
        if (!notebook::Publish(tx, child, date, svc.clock)) throw http::HttpError(422, "error_notebook_nothing");
        auth::WriteAudit(tx, ctx.Audit("notebook.publish", "child", child.value, site), svc.clock);
    });
    if (!errors.empty()) {
        errors.Add("publish", "error_notebook_incomplete");
        return RenderChild(ctx, child, date, errors, 422, false);
    }
    return http::Response::Redirect("/children/" + child.ToString() + "/notebook?date=" + date + "&done=published");
}

// Several children's nursery side at once (the class ate the same lunch), and publishing them: each chosen child's
// page gets the fields filled in laid over what it says, on the version the class page showed; a child whose page
// changed since is left out and named, the others saved — in one transaction.
http::Response Handlers::Bulk(Ctx& ctx) const {
    const auto& actor = ctx.RequireActor();
    auto site_id = app::SiteIdParam(ctx);
    ctx.RequireAtSite(Action::kNotebookWrite, site_id);
    const std::string date = DateOf(ctx, ctx.form.GetOr("date"));
    const std::string today = Today(ctx);
    const bool publish = ctx.form.GetOr("action") == "publish";
    std::vector<std::pair<common::ChildId, int>> chosen;
    app::FormErrors errors;
    for (const auto& id : ctx.form.GetAll("child")) {
        auto n = app::ParseId(id);
        if (!n) throw http::BadRequest();
        auto version = app::IntField(ctx.form, "version_" + id, errors, 0, 1'000'000);
        chosen.emplace_back(common::ChildId(*n), version.value_or(0));
    }
    if (chosen.empty()) errors.Add("child", "error_notebook_choose");
    auto given = ParseNurseryForm(ctx.form, errors);
    // The same photo on each chosen child's page (the class's outing): decoded before the transaction.
    auto prepared = errors.empty() ? PhotosFromForm(ctx) : std::vector<photos::Prepared>{};
    const auto& svc = ctx.svc;
    int done = 0;
    std::vector<std::string> skipped;  // names: changed since, or incomplete for publishing
    if (errors.empty()) {
        svc.db.Write([&](db::WriteTx& tx) {
            auto settings = LoadSettings(tx, site_id);
            std::vector<common::ChildId> children;
            for (const auto& [child, version] : chosen) {
                if (PageSite(tx, child, date) != site_id) throw http::NotFound();
                rights::RequireAtSite(tx, actor, Action::kNotebookWrite, site_id, child, today, true);
                children.push_back(child);
            }
            AttachPhotos(tx, site_id, date, children, prepared, actor.user_id, svc.clock);
            for (const auto& [child, version] : chosen) {
                auto entry = GetEntry(tx, *svc.config.data_keys, child, date);
                const int age = AgeClass(BirthDate(tx, child), date);
                const std::string name =
                    tx.QueryOne("SELECT family_name || ' ' || given_name FROM child WHERE id = ?", child).Text(0);
                if (!prepared.empty())
                    auth::WriteAudit(tx, ctx.Audit("notebook.photo_add", "child", child.value, site_id), svc.clock);
                auto side = Overlay(entry.nursery.value_or(NurserySide{}), given);
                if (side != entry.nursery.value_or(NurserySide{})) {
                    // A value the rules refuse stops it all: nothing of it is saved.
                    auto problems = Check(side, settings, age, false);
                    if (!problems.empty()) throw http::HttpError(422, problems.begin()->second);
                    auto saved = notebook::SaveNursery(tx, *svc.config.data_keys, child, site_id, date, side, version,
                                                       actor.user_id, svc.clock);
                    if (saved.outcome == SaveOutcome::kStale) {
                        skipped.push_back(name);
                        continue;
                    }
                    auth::WriteAudit(tx, ctx.Audit("notebook.write", "child", child.value, site_id), svc.clock);
                }
                if (publish) {
                    if (!Check(side, settings, age).empty() || !notebook::Publish(tx, child, date, svc.clock)) {
                        skipped.push_back(name);
                        continue;
                    }
                    auth::WriteAudit(tx, ctx.Audit("notebook.publish", "child", child.value, site_id), svc.clock);
                }
                ++done;
            }
        });
    }
    if (!errors.empty()) throw http::HttpError(422, errors.map().begin()->second);  // before anything was written
    std::string to = "/sites/" + site_id.ToString() + "/notebook?date=" + date +
                     "&done=" + (publish ? "published" : "saved") + "&n=" + std::to_string(done);
    for (const auto& name : skipped) to += "&skipped=" + http::UrlEncode(name);
    return http::Response::Redirect(to);
}

struct Handlers::SettingsDraft {
    std::string site_name;
    Settings settings;
    std::optional<int> fever_notice;
    std::array<std::string, 3> nap_minutes;  // 0歳児, 1・2歳児, 3歳児+: as typed when refused
};

// Which items each age class's pages show and require (managers): a table of items by age class, each cell one of
// required, shown or not shown; whether families are told of a fever; the nap checks' intervals.
http::Response Handlers::Items(Ctx& ctx) const {
    auto site_id = app::SiteIdParam(ctx);
    ctx.RequireAtSite(Action::kNotebookSettings, site_id);
    auto draft = ctx.svc.db.Read([&](db::ReadTx& tx) {
        auto site = sites::GetSite(tx, site_id);
        if (!site || !sites::KeepsNotebooks(site->fields.kind)) throw http::NotFound();
        const auto intervals = naps::GetIntervals(tx, site_id);
        return SettingsDraft{
            site->fields.name,
            LoadSettings(tx, site_id),
            health::FeverNotice(tx, site_id),
            {std::to_string(intervals.age0), std::to_string(intervals.age12), std::to_string(intervals.age3)}};
    });
    return RenderSettings(ctx, site_id, draft, {}, 200);
}

http::Response Handlers::RenderSettings(Ctx& ctx, common::SiteId site_id, const SettingsDraft& draft,
                                        const app::FormErrors& errors, int status) const {
    data body = errors.ToData(ctx);
    body.set("site_id", site_id.ToString());
    body.set("site_name", draft.site_name);
    data ages{data::type::list};
    for (int age = 0; age < kAgeClasses; ++age)
        ages.push_back(data("label", families::Fill(ctx.T("nb_age_class"), {{"n", std::to_string(age)}})));
    body.set("ages", ages);
    data sides{data::type::list};
    for (Side side : {Side::kHome, Side::kNursery}) {
        data rows{data::type::list};
        auto add = [&](std::string_view item) {
            data row;
            row.set("label", ctx.T("nb_" + std::string(item)));
            data cells{data::type::list};
            for (int age = 0; age < kAgeClasses; ++age) {
                auto rule = draft.settings.Rule(side, age, item);
                const std::string name =
                    std::string(SideName(side)) + "." + std::string(item) + "." + std::to_string(age);
                data cell;
                cell.set("name", name);
                cell.set("label", ctx.T("nb_" + std::string(item)) + " " +
                                      families::Fill(ctx.T("nb_age_class"), {{"n", std::to_string(age)}}));
                cell.set(rule.required ? "required" : rule.shown ? "shown" : "hidden", true);
                cells.push_back(cell);
            }
            row.set("cells", cells);
            rows.push_back(row);
        };
        if (side == Side::kHome) {
            for (auto item : kHomeItems) add(item);
        } else {
            for (auto item : kNurseryItems) add(item);
        }
        data d;
        d.set("title", ctx.T(side == Side::kHome ? "nb_home_side" : "nb_nursery_side"));
        d.set("rows", rows);
        sides.push_back(d);
    }
    body.set("sides", sides);
    // Telling families of a fever staff measure (health/): not at all, or from one of a few temperatures.
    data fever{data::type::list};
    auto choice = [&](const std::string& value, const std::string& label, bool chosen) {
        data d;
        d.set("value", value);
        d.set("label", label);
        if (chosen) d.set("checked", true);
        fever.push_back(d);
    };
    choice("", ctx.T("health_fever_notice_off"), !draft.fever_notice);
    for (int tenths : health::kFeverNoticeChoices)
        choice(std::to_string(tenths),
               families::Fill(ctx.T("health_fever_notice_from"), {{"value", TemperatureText(tenths) + "℃"}}),
               draft.fever_notice == tenths);
    body.set("fever_choices", fever);
    // Nap checks' intervals by age class (naps/).
    data nap{data::type::list};
    for (std::size_t i = 0; i < kNapFields.size(); ++i) {
        data d;
        d.set("name", std::string(kNapFields[i]));
        d.set("label", ctx.T("nap_interval_" + std::string(kNapFields[i]).substr(4)));
        d.set("value", draft.nap_minutes[i]);
        if (errors.Has("nap_intervals")) d.set("invalid", true);
        nap.push_back(d);
    }
    body.set("nap_intervals", nap);
    body.set("csrf", ctx.CsrfToken());
    if (ctx.req.query.GetOr("done") == "saved") body.set("saved", true);
    return app::RenderPage(ctx, settings_, "nb_settings_title", body, status);
}

http::Response Handlers::SaveItems(Ctx& ctx) const {
    auto site_id = app::SiteIdParam(ctx);
    ctx.RequireAtSite(Action::kNotebookSettings, site_id);
    SettingsDraft draft;
    for (Side side : {Side::kHome, Side::kNursery}) {
        auto read = [&](std::string_view item) {
            for (int age = 0; age < kAgeClasses; ++age) {
                const std::string name =
                    std::string(SideName(side)) + "." + std::string(item) + "." + std::to_string(age);
                const std::string v = ctx.form.GetOr(name);
                // A select offers nothing else: anything else is not from this page.
                if (v != "required" && v != "shown" && v != "hidden") throw http::HttpError(422, "error_choice");
                draft.settings.overrides[{side, age, std::string(item)}] = ItemRule{v != "hidden", v == "required"};
            }
        };
        if (side == Side::kHome) {
            for (auto item : kHomeItems) read(item);
        } else {
            for (auto item : kNurseryItems) read(item);
        }
    }
    app::FormErrors errors;
    if (const std::string v = ctx.form.GetOr("fever_notice"); !v.empty()) {
        for (int tenths : health::kFeverNoticeChoices)
            if (v == std::to_string(tenths)) draft.fever_notice = tenths;
        if (!draft.fever_notice) errors.Add("fever_notice", "error_choice");
    }
    // The nap checks' intervals, when the form has them (a form without them keeps the site's).
    std::optional<naps::Intervals> intervals;
    if (std::any_of(kNapFields.begin(), kNapFields.end(), [&](auto f) { return ctx.form.Has(std::string(f)); })) {
        app::FormErrors fields;
        std::array<int, 3> minutes{};
        for (std::size_t i = 0; i < kNapFields.size(); ++i) {
            const std::string name(kNapFields[i]);
            draft.nap_minutes[i] = ctx.form.GetOr(name);
            minutes[i] = app::IntField(ctx.form, name, fields, naps::kMinInterval, naps::kMaxInterval).value_or(0);
        }
        intervals = naps::Intervals{minutes[0], minutes[1], minutes[2]};
        if (!fields.empty() || !naps::Valid(*intervals)) errors.Add("nap_intervals", "error_nap_intervals");
    }
    const auto& actor = ctx.RequireActor();
    const bool saved = ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto site = sites::GetSite(tx, site_id);
        if (!site || !sites::KeepsNotebooks(site->fields.kind)) throw http::NotFound();
        draft.site_name = site->fields.name;
        if (!errors.empty()) {
            // The intervals not sent are shown as the site has them.
            const auto kept = naps::GetIntervals(tx, site_id);
            const std::array<int, 3> now{kept.age0, kept.age12, kept.age3};
            for (std::size_t i = 0; i < kNapFields.size(); ++i)
                if (!ctx.form.Has(std::string(kNapFields[i]))) draft.nap_minutes[i] = std::to_string(now[i]);
            return false;
        }
        notebook::SaveSettings(tx, site_id, draft.settings, ctx.svc.clock);
        health::SaveFeverNotice(tx, site_id, draft.fever_notice, actor.user_id, ctx.svc.clock);
        if (intervals) naps::SaveIntervals(tx, site_id, *intervals, actor.user_id, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit("notebook.settings", "site", site_id.value, site_id), ctx.svc.clock);
        return true;
    });
    if (!saved) return RenderSettings(ctx, site_id, draft, errors, 422);
    return http::Response::Redirect("/sites/" + site_id.ToString() + "/notebook/settings?done=saved");
}

// --- Guardians --------------------------------------------------------------------------------------------------

http::Response Handlers::RenderFamily(Ctx& ctx, common::ChildId child, const std::string& date,
                                      const app::FormErrors& errors, int status, bool conflict) const {
    const auto& g = ctx.RequireGuardian();
    ctx.family_page = true;
    ctx.site_kind = "nursery";
    const auto& svc = ctx.svc;
    const std::string today = Today(ctx);
    struct Loaded {
        Entry entry;
        Settings settings;
        std::string name, birth;
        std::vector<photos::Photo> photos;
    };
    auto l = svc.db.Read([&](db::ReadTx& tx) {
        Loaded l;
        auto site = PageSite(tx, child, date);
        l.entry = GetEntry(tx, *svc.config.data_keys, child, date);
        l.settings = LoadSettings(tx, site);
        if (l.entry.published_at) l.photos = photos::OnPage(tx, child, date);
        auto r = tx.QueryOne("SELECT family_name, given_name, birth_date FROM child WHERE id = ?", child);
        l.name = r.Text(0) + " " + r.Text(1);
        l.birth = r.Text(2).substr(0, 10);
        return l;
    });
    const int age = AgeClass(l.birth, date);
    data body = errors.ToData(ctx);
    body.set("child_id", child.ToString());
    body.set("name", l.name);
    DayLinks(body, date, today);
    // The home side: written for today; earlier days are read.
    const bool writable = date == today && g.Can(auth::FamilyAction::kNotebookWrite, child);
    const bool posted = ctx.req.method == "POST";
    app::FormErrors ignored;
    HomeSide shown = posted ? ParseHomeForm(ctx.form, ignored) : l.entry.home.value_or(HomeSide{});
    if (writable) {
        data values = posted ? app::FormValues(ctx.form) : HomeValues(shown);
        body.set("form", HomeForm(ctx, values, shown, l.settings, age));
        body.set("version", std::to_string(l.entry.home_version));
        body.set("csrf", ctx.CsrfToken());
    }
    if (l.entry.home) {
        body.set("home", HomeLines(ctx, *l.entry.home));
        body.set("has_home", true);
        body.set("home_by", l.entry.home_by);
    }
    if (conflict && l.entry.home) body.set("conflict", true);
    // The nursery side, once published.
    if (l.entry.published_at && l.entry.nursery) {
        body.set("nursery", NurseryLines(ctx, *l.entry.nursery));
        body.set("has_nursery", true);
        if (l.entry.edited_after_publish_at) body.set("edited", true);
    }
    body.set("photos", PhotoList(l.photos, "/family/photos/"));
    if (!l.photos.empty()) body.set("has_photos", true);
    if (ctx.req.query.GetOr("done") == "sent") body.set("notice_saved", true);
    return app::RenderPage(ctx, family_, "nb_family_title", body, status);
}

http::Response Handlers::FamilyPage(Ctx& ctx) const {
    const auto& g = ctx.RequireGuardian();
    auto child = common::ChildId(app::IdParam(ctx));
    if (!g.Can(auth::FamilyAction::kChildView, child)) throw http::NotFound();
    return RenderFamily(ctx, child, DateOf(ctx, ctx.req.query.GetOr("date")), {}, 200, false);
}

http::Response Handlers::SaveHome(Ctx& ctx) const {
    const auto& g = ctx.RequireGuardian();
    auto child = common::ChildId(app::IdParam(ctx));
    if (!g.Can(auth::FamilyAction::kChildView, child)) throw http::NotFound();
    if (!g.Can(auth::FamilyAction::kNotebookWrite, child)) throw http::Forbidden();
    const std::string date = DateOf(ctx, ctx.form.GetOr("date"));
    if (date != Today(ctx)) throw http::HttpError(422, "error_notebook_not_today");
    app::FormErrors errors;
    auto side = ParseHomeForm(ctx.form, errors);
    int based_on = app::IntField(ctx.form, "version", errors, 0, 1'000'000).value_or(0);
    const auto& svc = ctx.svc;
    auto outcome = svc.db.Write([&](db::WriteTx& tx) -> std::optional<SaveOutcome> {
        auto site = PageSite(tx, child, date);
        AddProblems(Check(side, LoadSettings(tx, site), AgeClass(BirthDate(tx, child), date)), errors);
        if (!errors.empty()) return std::nullopt;
        return notebook::SaveHome(tx, *svc.config.data_keys, child, site, date, side, based_on, g.account_id, svc.clock)
            .outcome;
    });
    if (!outcome) return RenderFamily(ctx, child, date, errors, 422, false);
    if (*outcome == SaveOutcome::kStale) {
        app::FormErrors none;
        none.Add("version", "error_notebook_conflict");
        return RenderFamily(ctx, child, date, none, 409, true);
    }
    return http::Response::Redirect("/family/children/" + child.ToString() + "/notebook?done=sent");
}

}  // namespace notebook

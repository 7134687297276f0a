#include "health/handlers.hpp"

#include <algorithm>

#include "app/validate.hpp"
#include "auth/audit.hpp"
#include "children/children.hpp"
#include "common/dates.hpp"
#include "common/kana.hpp"
#include "families/mails.hpp"
#include "health/health.hpp"
#include "naps/naps.hpp"
#include "notebook/form.hpp"
#include "notebook/pages.hpp"
#include "plans/plans.hpp"
#include "rights/rights.hpp"
#include "sites/sites.hpp"

namespace health {

using app::Ctx;
using auth::Action;
using kainjow::mustache::data;

namespace {

std::string Today(const Ctx& ctx) { return common::FormatDate(common::TokyoDate(ctx.svc.clock.Now())); }

// The site the child's health is kept at: its current site (where the actor's role counts), a nursery.
common::SiteId HealthSite(db::ReadTx& tx, const auth::Actor& actor, common::ChildId child, Action action,
                          const std::string& today) {
    auto grant = rights::RequireChild(tx, actor, child, action, today);
    auto site = sites::GetSite(tx, grant.site);
    if (grant.history || !site || !sites::KeepsNotebooks(site->fields.kind)) throw http::NotFound();
    return grant.site;
}

// "85.3" (cm) or "11.25" (kg) as an integer of the unit × `scale`; none when empty.
std::optional<int> Decimal(const http::Params& form, const std::string& name, int scale, app::FormErrors& errors) {
    std::string v = common::FoldForSearch(form.GetOr(name));
    if (v.empty()) return std::nullopt;
    if (auto comma = v.find(','); comma != std::string::npos) v[comma] = '.';
    const auto dot = v.find('.');
    const std::string whole = v.substr(0, dot), part = dot == std::string::npos ? "" : v.substr(dot + 1);
    const int places = scale == 10 ? 1 : 3;
    const bool ok = !whole.empty() && whole.size() <= 3 && part.size() <= static_cast<std::size_t>(places) &&
                    whole.find_first_not_of("0123456789") == std::string::npos &&
                    part.find_first_not_of("0123456789") == std::string::npos;
    if (!ok) {
        errors.Add(name, "error_number");
        return std::nullopt;
    }
    std::string digits = part + std::string(static_cast<std::size_t>(places) - part.size(), '0');
    return std::stoi(whole) * scale + std::stoi(digits);
}

std::string OneDecimal(int value, int scale) {
    const int places = scale == 10 ? 1 : 2;
    const int shown = scale == 10 ? value : (value + 5) / 10;  // grams to 10 g
    std::string frac = std::to_string(shown % (places == 1 ? 10 : 100));
    frac.insert(0, static_cast<std::size_t>(places) - frac.size(), '0');
    return std::to_string(shown / (places == 1 ? 10 : 100)) + "." + frac;
}

void AddProblems(const Problems& problems, app::FormErrors& errors) {
    for (const auto& [field, key] : problems) errors.Add(field, key);
}

Record RecordFromForm(const http::Params& form) {
    return {app::Trimmed(form.GetOr("allergies")), app::Trimmed(form.GetOr("doctor")),
            app::Trimmed(form.GetOr("doctor_phone")), app::Trimmed(form.GetOr("notes"))};
}

data RecordData(const Record& r) {
    data d;
    d.set("allergies", r.allergies);
    d.set("doctor", r.doctor);
    d.set("doctor_phone", r.doctor_phone);
    d.set("notes", r.notes);
    return d;
}

// The dated entries as both the staff's and the family's pages list them: temperatures (fevers marked, and whether
// the family was told), growth with its chart, illnesses (current ones marked).
// The nap checks' two weeks (naps/), for the child's health: when it slept, how often it was checked, the checks
// that came late, and what a carer saw that was not fine (face down, breathing or complexion).
void ListNaps(const Ctx& ctx, data& body, const std::vector<naps::Nap>& list, common::Instant now) {
    data rows{data::type::list};
    for (const auto& n : list) {
        data d;
        d.set("date", n.date);
        d.set("day", n.date.substr(5, 2) + "/" + n.date.substr(8, 2));
        d.set("from", common::FormatTokyoTime(n.started));
        if (n.ended) d.set("to", common::FormatTokyoTime(*n.ended));
        d.set("checks", std::to_string(n.checks.size()));
        if (auto m = n.Missed(now).size(); m > 0)
            d.set("missed", families::Fill(ctx.T("nap_missed_count"), {{"n", std::to_string(m)}}));
        const auto front = std::count_if(n.checks.begin(), n.checks.end(),
                                         [](const naps::Check& c) { return naps::Warns(c.position); });
        if (front > 0)
            d.set("face_down", families::Fill(ctx.T("health_nap_face_down"), {{"n", std::to_string(front)}}));
        const auto unwell = std::count_if(n.checks.begin(), n.checks.end(),
                                          [](const naps::Check& c) { return !c.breathing_ok || !c.complexion_ok; });
        if (unwell > 0) d.set("unwell", families::Fill(ctx.T("health_nap_unwell"), {{"n", std::to_string(unwell)}}));
        rows.push_back(d);
    }
    body.set("naps", rows);
    if (!list.empty()) body.set("has_naps", true);
}

void ListEntries(const Ctx& ctx, data& body, const std::string& birth, const std::vector<Entry>& temperatures,
                 const std::vector<Entry>& growth, const std::vector<Entry>& illnesses, const std::string& today) {
    data temps{data::type::list};
    for (const auto& e : temperatures) {
        data d;
        d.set("date", e.date);
        d.set("day", e.date.substr(5, 2) + "/" + e.date.substr(8, 2));  // a narrow column: the year is in datetime
        d.set("time", common::FormatTimeOfDay(e.temperature.minutes));
        d.set("value", notebook::TemperatureText(e.temperature.tenths) + "℃");
        if (e.temperature.tenths >= kFeverTenths) d.set("fever", true);
        if (e.told_family_at) d.set("told", true);
        d.set("by", e.by);
        temps.push_back(d);
    }
    body.set("temperatures", temps);
    if (!temperatures.empty()) body.set("has_temperatures", true);
    data rows{data::type::list};
    std::vector<Measure> measures;
    for (auto it = growth.rbegin(); it != growth.rend(); ++it) {
        data d;
        d.set("date", it->date);
        if (it->growth.height_mm) d.set("height", OneDecimal(*it->growth.height_mm, 10) + " cm");
        if (it->growth.weight_g) d.set("weight", OneDecimal(*it->growth.weight_g, 1000) + " kg");
        rows.push_back(d);
    }
    for (const auto& e : growth) measures.push_back({e.date, e.growth});
    body.set("growth", rows);
    if (!growth.empty()) {
        body.set("has_growth", true);
        body.set("chart", GrowthChart(birth, measures,
                                      {ctx.T("health_chart_title"), ctx.T("health_height_cm"),
                                       ctx.T("health_weight_kg"), ctx.T("health_months")}));
    }
    data ill{data::type::list};
    for (const auto& e : illnesses) {
        data d;
        d.set("disease", ctx.T("disease_" + e.illness.disease));
        d.set("onset", e.date);
        d.set("until", WarnsUntil(e.illness));
        if (WarnsOn(e.illness, today)) d.set("current", true);
        d.set("note", e.illness.note);
        d.set("by", e.by);
        if (e.from_family) d.set("from_family", true);
        ill.push_back(d);
    }
    body.set("illnesses", ill);
    if (!illnesses.empty()) body.set("has_illnesses", true);
}

}  // namespace

http::Response Handlers::Render(Ctx& ctx, common::ChildId child, const app::FormErrors& errors, int status,
                                const std::string& form, bool conflict) const {
    const auto& actor = ctx.RequireActor();
    const auto& svc = ctx.svc;
    const auto& keys = *svc.config.data_keys;
    const std::string today = Today(ctx);
    struct Loaded {
        common::SiteId site;
        SavedRecord record;
        std::vector<Entry> temperatures, growth, illnesses;
        std::string name, kana, birth;
        std::vector<naps::Nap> naps;
    };
    auto l = svc.db.Write([&](db::WriteTx& tx) {
        Loaded l;
        l.site = HealthSite(tx, actor, child, Action::kHealthView, today);
        l.record = GetRecord(tx, keys, child);
        l.temperatures = ForChild(tx, keys, child, Kind::kTemperature, 30);
        l.growth = ForChild(tx, keys, child, Kind::kGrowth);
        l.illnesses = ForChild(tx, keys, child, Kind::kIllness, 30);
        l.naps = naps::OfChild(tx, child, l.site, notebook::AddDays(today, -13));
        auto heading = children::HeadingOf(tx, child);
        l.name = heading.name;
        l.kana = heading.kana;
        l.birth = heading.birth_date;
        auth::WriteAudit(tx, ctx.Audit("health.view", "child", child.value, l.site), svc.clock);
        return l;
    });
    ctx.site_kind = "nursery";
    data body = errors.ToData(ctx);
    body.set("child_id", child.ToString());
    body.set("site_id", l.site.ToString());
    body.set("name", l.name);
    body.set("kana", l.kana);
    body.set("today", today);
    body.set("csrf", ctx.CsrfToken());
    const bool posted = ctx.req.method == "POST";
    // The record: what was posted (refused), else as saved; on a conflict, the other tablet's version beside it.
    body.set("record", posted && form == "record" ? RecordData(RecordFromForm(ctx.form)) : RecordData(l.record.record));
    body.set("record_version", std::to_string(l.record.version));
    if (l.record.at) {
        body.set("record_by", l.record.by);
        body.set("record_at", common::FormatTokyoTime(*common::ParseInstant(*l.record.at)));
    }
    if (conflict) {
        body.set("conflict", true);
        body.set("theirs", RecordData(l.record.record));
    }
    if (!l.record.record.allergies.empty()) body.set("has_allergies", true);
    // The other forms keep what was typed when refused.
    body.set("values", posted && form != "record" ? app::FormValues(ctx.form) : data{});
    body.set("form_" + form, true);
    ListEntries(ctx, body, l.birth, l.temperatures, l.growth, l.illnesses, today);
    ListNaps(ctx, body, l.naps, svc.clock.Now());
    data diseases{data::type::list};
    const std::string chosen = posted ? ctx.form.GetOr("disease") : "";
    for (auto name : kDiseases) {
        data d;
        d.set("value", std::string(name));
        d.set("label", ctx.T("disease_" + std::string(name)));
        if (chosen == name) d.set("selected", true);
        diseases.push_back(d);
    }
    body.set("diseases", diseases);
    if (auto done = ctx.req.query.GetOr("done"); !done.empty()) body.set("done_" + done, true);
    return app::RenderPage(ctx, page_, "health_title", body, status);
}

http::Response Handlers::Page(Ctx& ctx) const {
    return Render(ctx, common::ChildId(app::IdParam(ctx)), {}, 200, "", false);
}

http::Response Handlers::SaveRecord(Ctx& ctx) const {
    const auto& actor = ctx.RequireActor();
    auto child = common::ChildId(app::IdParam(ctx));
    app::FormErrors errors;
    const auto record = RecordFromForm(ctx.form);
    const int based_on = app::IntField(ctx.form, "version", errors, 0, 1'000'000).value_or(0);
    AddProblems(Check(record), errors);
    const auto& svc = ctx.svc;
    auto saved = svc.db.Write([&](db::WriteTx& tx) -> std::optional<bool> {
        auto site = HealthSite(tx, actor, child, Action::kHealthWrite, Today(ctx));
        if (!errors.empty()) return std::nullopt;
        if (!health::SaveRecord(tx, *svc.config.data_keys, child, record, based_on, actor.user_id, svc.clock))
            return false;
        auth::WriteAudit(tx, ctx.Audit("health.record", "child", child.value, site), svc.clock);
        return true;
    });
    if (!saved) return Render(ctx, child, errors, 422, "record", false);
    if (!*saved) {
        errors.Add("version", "error_notebook_conflict");
        return Render(ctx, child, errors, 409, "record", true);
    }
    return http::Response::Redirect("/children/" + child.ToString() + "/health?done=record#record");
}

http::Response Handlers::AddEntry(Ctx& ctx, const std::string& kind) const {
    const auto& actor = ctx.RequireActor();
    auto child = common::ChildId(app::IdParam(ctx));
    const std::string today = Today(ctx);
    app::FormErrors errors;
    Entry e;
    e.child = child;
    if (kind == "temperature") {
        e.kind = Kind::kTemperature;
        e.date = today;
        auto tenths = notebook::Tenths(ctx.form, "temperature", errors);
        auto minutes = notebook::Time(ctx.form, "time", errors);
        if (!tenths && !errors.Has("temperature")) errors.Add("temperature", "error_required");
        if (!minutes && !errors.Has("time")) errors.Add("time", "error_required");
        if (tenths && minutes) {
            e.temperature = {*tenths, *minutes};
            AddProblems(Check(e.temperature), errors);
            // Not a time still to come.
            if (*minutes > *common::ParseTimeOfDay(common::FormatTokyoTime(ctx.svc.clock.Now())))
                errors.Add("time", "error_health_future");
        }
    } else if (kind == "growth") {
        e.kind = Kind::kGrowth;
        e.date = app::Trimmed(ctx.form.GetOr("date"));
        if (!common::ParseDate(e.date))
            errors.Add("date", "error_date");
        else if (e.date > today)
            errors.Add("date", "error_health_future");
        e.growth = {Decimal(ctx.form, "height", 10, errors), Decimal(ctx.form, "weight", 1000, errors)};
        if (errors.empty()) AddProblems(Check(e.growth), errors);
    } else if (kind == "illness") {
        e.kind = Kind::kIllness;
        e.illness.disease = ctx.form.GetOr("disease");
        e.illness.onset = e.date = app::Trimmed(ctx.form.GetOr("onset"));
        if (auto until = app::Trimmed(ctx.form.GetOr("until")); !until.empty()) e.illness.until = until;
        e.illness.note = app::Trimmed(ctx.form.GetOr("note"));
        AddProblems(Check(e.illness, today), errors);
    } else {
        throw http::NotFound();
    }
    const auto& svc = ctx.svc;
    bool told = false;
    const bool saved = svc.db.Write([&](db::WriteTx& tx) {
        e.site = HealthSite(tx, actor, child, Action::kHealthWrite, today);
        if (!errors.empty()) return false;
        const auto id = Add(tx, *svc.config.data_keys, e, actor.user_id, std::nullopt, svc.clock);
        auth::WriteAudit(tx, ctx.Audit("health." + kind, "child", child.value, e.site), svc.clock);
        told = TellFever(tx, e, id, svc.clock);
        return true;
    });
    if (!saved) return Render(ctx, child, errors, 422, kind, false);
    return http::Response::Redirect("/children/" + child.ToString() + "/health?done=" + (told ? "told" : kind) + "#" +
                                    kind);
}

// --- Guardians -------------------------------------------------------------------------------------------------

namespace {

// The child's nursery today, for a guardian linked to the child who may read its health or (`report`) report an
// illness (the same people as for an absence); NotFound otherwise.
common::SiteId FamilySite(db::ReadTx& tx, const auth::GuardianActor& g, common::ChildId child, const std::string& today,
                          bool report = true) {
    if (!g.Can(auth::FamilyAction::kChildView, child)) throw http::NotFound();
    if (report && !g.Can(auth::FamilyAction::kAbsenceReport, child)) throw http::Forbidden();
    auto site = plans::PlacementOn(tx, child, *common::ParseDate(today));
    auto s = site ? sites::GetSite(tx, *site) : std::nullopt;
    if (!s || !sites::KeepsNotebooks(s->fields.kind)) throw http::NotFound();
    return *site;
}

}  // namespace

http::Response Handlers::RenderFamily(Ctx& ctx, common::ChildId child, const app::FormErrors& errors,
                                      int status) const {
    const auto& g = ctx.RequireGuardian();
    ctx.family_page = true;
    ctx.site_kind = "nursery";
    const std::string today = Today(ctx);
    const auto& keys = *ctx.svc.config.data_keys;
    auto [name, reported] = ctx.svc.db.Read([&](db::ReadTx& tx) {
        FamilySite(tx, g, child, today);
        auto name = tx.QueryOne("SELECT family_name || ' ' || given_name FROM child WHERE id = ?", child).Text(0);
        // What the family reported (staff's own records of the child's illnesses are theirs).
        std::vector<Entry> mine;
        for (auto& e : ForChild(tx, keys, child, Kind::kIllness, 10))
            if (e.from_family) mine.push_back(std::move(e));
        return std::pair{name, mine};
    });
    data body = errors.ToData(ctx);
    body.set("child_id", child.ToString());
    body.set("name", name);
    body.set("today", today);
    body.set("csrf", ctx.CsrfToken());
    const bool posted = ctx.req.method == "POST";
    body.set("values", posted ? app::FormValues(ctx.form) : data{});
    if (!posted) body.set("onset_default", today);
    data diseases{data::type::list};
    for (auto d : kDiseases) {
        data o;
        o.set("value", std::string(d));
        o.set("label", ctx.T("disease_" + std::string(d)));
        if (posted && ctx.form.GetOr("disease") == d) o.set("selected", true);
        diseases.push_back(o);
    }
    body.set("diseases", diseases);
    data list{data::type::list};
    for (const auto& e : reported) {
        data d;
        d.set("disease", ctx.T("disease_" + e.illness.disease));
        d.set("onset", e.date);
        d.set("until", WarnsUntil(e.illness));
        list.push_back(d);
    }
    body.set("reported", list);
    if (!reported.empty()) body.set("has_reported", true);
    if (ctx.req.query.GetOr("done") == "sent") body.set("sent", true);
    return app::RenderPage(ctx, family_, "illness_family_title", body, status);
}

http::Response Handlers::FamilyHealth(Ctx& ctx) const {
    const auto& g = ctx.RequireGuardian();
    ctx.family_page = true;
    ctx.site_kind = "nursery";
    auto child = common::ChildId(app::IdParam(ctx));
    const std::string today = Today(ctx);
    const auto& keys = *ctx.svc.config.data_keys;
    struct Loaded {
        Record record;
        std::vector<Entry> temperatures, growth, illnesses;
        children::Heading heading;
    };
    auto l = ctx.svc.db.Read([&](db::ReadTx& tx) {
        FamilySite(tx, g, child, today, false);
        Loaded l;
        l.record = GetRecord(tx, keys, child).record;
        // The nursery's checks of the last two weeks; the family's own measurements are in the notebook.
        const std::string from =
            common::FormatDate(std::chrono::sys_days(*common::ParseDate(today)) - std::chrono::days(13));
        for (auto& e : ForChild(tx, keys, child, Kind::kTemperature, 60))
            if (e.date >= from) l.temperatures.push_back(std::move(e));
        l.growth = ForChild(tx, keys, child, Kind::kGrowth);
        l.illnesses = ForChild(tx, keys, child, Kind::kIllness, 10);
        l.heading = children::HeadingOf(tx, child);
        return l;
    });
    data body;
    body.set("child_id", child.ToString());
    body.set("name", l.heading.name);
    if (!l.record.allergies.empty()) body.set("allergies", l.record.allergies);
    if (!l.record.doctor.empty()) body.set("doctor", l.record.doctor);
    if (!l.record.doctor_phone.empty()) body.set("doctor_phone", l.record.doctor_phone);
    ListEntries(ctx, body, l.heading.birth_date, l.temperatures, l.growth, l.illnesses, today);
    if (g.Can(auth::FamilyAction::kAbsenceReport, child)) body.set("can_report", true);
    return app::RenderPage(ctx, family_health_, "health_family_title", body);
}

http::Response Handlers::FamilyIllness(Ctx& ctx) const {
    ctx.RequireGuardian();  // signed out: to the sign-in, whatever the address names
    return RenderFamily(ctx, common::ChildId(app::IdParam(ctx)), {}, 200);
}

http::Response Handlers::FamilyReportIllness(Ctx& ctx) const {
    const auto& g = ctx.RequireGuardian();
    auto child = common::ChildId(app::IdParam(ctx));
    const std::string today = Today(ctx);
    Entry e;
    e.kind = Kind::kIllness;
    e.child = child;
    e.illness.disease = ctx.form.GetOr("disease");
    e.illness.onset = e.date = app::Trimmed(ctx.form.GetOr("onset"));
    if (auto until = app::Trimmed(ctx.form.GetOr("until")); !until.empty()) e.illness.until = until;
    e.illness.note = app::Trimmed(ctx.form.GetOr("note"));
    app::FormErrors errors;
    const auto& svc = ctx.svc;
    const bool saved = svc.db.Write([&](db::WriteTx& tx) {
        e.site = FamilySite(tx, g, child, today);
        AddProblems(Check(e.illness, today), errors);
        if (!errors.empty()) return false;
        Add(tx, *svc.config.data_keys, e, std::nullopt, g.account_id, svc.clock);
        return true;
    });
    if (!saved) return RenderFamily(ctx, child, errors, 422);
    return http::Response::Redirect("/family/children/" + child.ToString() + "/illness?done=sent");
}

void AddNoticeExtras(Ctx& ctx, std::int64_t entry, common::ChildId child, data& body) {
    auto e = ctx.svc.db.Read([&](db::ReadTx& tx) { return FindEntry(tx, *ctx.svc.config.data_keys, entry); });
    if (!e || e->kind != Kind::kTemperature || e->child != child) return;
    body.set("reading", families::Fill(ctx.T("health_fever_checked"),
                                       {{"value", notebook::TemperatureText(e->temperature.tenths) + "℃"},
                                        {"time", common::FormatTimeOfDay(e->temperature.minutes)}}));
    body.set("health_url", "/family/children/" + child.ToString() + "/health");
}

}  // namespace health

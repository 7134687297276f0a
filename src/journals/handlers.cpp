#include "journals/handlers.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "app/validate.hpp"
#include "attendance/attendance.hpp"
#include "auth/audit.hpp"
#include "common/dates.hpp"
#include "families/mails.hpp"
#include "health/health.hpp"
#include "journals/journals.hpp"
#include "journals/print.hpp"
#include "journals/workbook.hpp"
#include "notebook/form.hpp"
#include "notebook/notebook.hpp"
#include "notebook/pages.hpp"
#include "sites/groups.hpp"
#include "sites/sites.hpp"

namespace journals {

using app::Ctx;
using auth::Action;
using kainjow::mustache::data;
using notebook::NurseryOf;

namespace {

constexpr const char* kXlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// A journal by id that the actor may read (at a nursery of theirs); another site's is not there for them.
std::optional<Journal> Reachable(db::ReadTx& tx, const auth::DataKeys& keys, const auth::Actor& actor,
                                 std::int64_t id) {
    auto j = Get(tx, keys, id);
    if (!j || !auth::Can(actor, Action::kSiteView, j->site) || !auth::Can(actor, Action::kJournalView, j->site))
        throw http::NotFound();
    NurseryOf(tx, j->site);
    return j;
}

// ?group= or the form's: a class of the site; empty: the site's journal.
std::optional<common::GroupId> GroupOf(const std::string& text) {
    if (text.empty()) return std::nullopt;
    auto n = app::ParseId(text);
    if (!n) throw http::BadRequest();
    return common::GroupId(*n);
}

void RequireGroupOf(const std::vector<sites::Group>& groups, std::optional<common::GroupId> group) {
    if (group && std::none_of(groups.begin(), groups.end(), [&](const auto& g) { return g.id == *group; }))
        throw http::NotFound();
}

std::string NameOf(const Ctx& ctx, const std::vector<sites::Group>& groups, std::optional<common::GroupId> group) {
    if (!group) return ctx.T("journal_site");
    for (const auto& g : groups)
        if (g.id == *group) return g.fields.name;
    return "";
}

std::string PageUrl(common::SiteId site, const std::string& date, std::optional<common::GroupId> group) {
    return "/sites/" + site.ToString() + "/journal?date=" + date + (group ? "&group=" + group->ToString() : "");
}

Who WhoAt(const auth::Actor& actor, common::SiteId site, const Journal* j, bool self_approval) {
    return {auth::Can(actor, Action::kJournalWrite, site), auth::Can(actor, Action::kJournalCheck, site),
            auth::Can(actor, Action::kJournalApprove, site), j && j->submitted_by && *j->submitted_by == actor.user_id,
            self_approval};
}

// What the day's records say, for the journal: the class's children that day with their attendance, and fevers.
struct Facts {
    attendance::Roster roster;
    std::map<common::ChildId, std::string> fevers;  // "38.2℃（10:15）"
};

Facts LoadFacts(db::ReadTx& tx, const auth::DataKeys& keys, common::SiteId site, const std::string& date,
                std::optional<common::GroupId> group) {
    Facts f;
    f.roster = attendance::SiteRoster(tx, site, date, group);
    for (const auto& e : health::ForSite(tx, keys, site, health::Kind::kTemperature, date, date)) {
        if (e.temperature.tenths < health::kFeverTenths) continue;
        auto& text = f.fevers[e.child];
        if (!text.empty()) text += "、";
        text += notebook::TemperatureText(e.temperature.tenths) + "℃（" +
                common::FormatTimeOfDay(e.temperature.minutes) + "）";
    }
    return f;
}

void SetFacts(const Ctx& ctx, data& body, const Facts& f, bool site_journal) {
    int present = 0;
    std::vector<std::string> absent;
    data fevers{data::type::list};
    for (const auto& r : f.roster.rows) {
        if (r.day.state != attendance::State::kNotArrived) {
            ++present;
        } else {
            absent.push_back(r.display_name);
        }
        if (auto it = f.fevers.find(r.child); it != f.fevers.end()) {
            data d;
            d.set("name", r.display_name);
            d.set("reading", it->second);
            fevers.push_back(d);
        }
    }
    const int enrolled = static_cast<int>(f.roster.rows.size());
    body.set("facts_line",
             families::Fill(ctx.T("journal_facts_line"), {{"enrolled", std::to_string(enrolled)},
                                                          {"present", std::to_string(present)},
                                                          {"absent", std::to_string(enrolled - present)}}));
    if (!site_journal && !absent.empty()) {
        data names{data::type::list};
        for (std::size_t i = 0; i < absent.size(); ++i) {
            data d("name", absent[i]);
            if (i + 1 == absent.size()) d.set("last", true);
            names.push_back(d);
        }
        body.set("absent", names);
        body.set("has_absent", true);
    }
    if (!fevers.is_empty_list()) body.set("has_fevers", true);
    body.set("fevers", fevers);
}

// The same as lines of text, for paper and the workbook: the counts, the absentees, the fevers.
std::string AttendanceText(const Ctx& ctx, const Facts& f, bool class_journal) {
    int present = 0;
    std::string absent, fevers;
    for (const auto& r : f.roster.rows) {
        if (r.day.state != attendance::State::kNotArrived)
            ++present;
        else
            absent += (absent.empty() ? "" : ctx.T("p_comma")) + r.display_name;
        if (auto it = f.fevers.find(r.child); it != f.fevers.end())
            fevers += (fevers.empty() ? "" : ctx.T("p_comma")) + r.display_name + " " + it->second;
    }
    const int enrolled = static_cast<int>(f.roster.rows.size());
    std::string out = families::Fill(ctx.T("journal_facts_line"), {{"enrolled", std::to_string(enrolled)},
                                                                   {"present", std::to_string(present)},
                                                                   {"absent", std::to_string(enrolled - present)}});
    if (class_journal && !absent.empty()) out += "\n" + ctx.T("journal_absent") + ctx.T("p_colon") + absent;
    if (!fevers.empty()) out += "\n" + ctx.T("journal_fever") + ctx.T("p_colon") + fevers;
    return out;
}

}  // namespace

std::string StateLabel(const Ctx& ctx, State s) { return ctx.T("journal_state_" + std::string(StateName(s))); }

std::string When(common::Instant at) {
    const auto d = common::FormatDate(common::TokyoDate(at));
    return d.substr(5, 2) + "/" + d.substr(8, 2) + " " + common::FormatTokyoTime(at);
}

// "さくら職員3 12/03 17:30" of the last stamp of a step since the last submission (empty: not yet).
std::string StampOf(const std::vector<Stamp>& stamps, Step step) {
    std::string out;
    for (const auto& s : stamps) {
        if (s.step == Step::kSubmit && step != Step::kSubmit) out.clear();
        if (s.step == Step::kReopen && step == Step::kApprove) out.clear();
        if (s.step == step) out = s.by + " " + When(s.at);
    }
    return out;
}

void StampsData(const Ctx& ctx, data& body, const std::vector<Stamp>& stamps, State state) {
    data list{data::type::list};
    for (const auto& s : stamps) {
        data d;
        d.set("step", std::string(StepName(s.step)));
        d.set("label", ctx.T("journal_step_" + std::string(StepName(s.step))));
        d.set("by", s.by);
        d.set("at", When(s.at));
        if (!s.comment.empty()) d.set("comment", s.comment);
        list.push_back(d);
    }
    body.set("stamps", list);
    if (!stamps.empty()) body.set("has_stamps", true);
    // The last return's comment, at the top while it is being mended.
    if (state == State::kReturned) {
        for (auto it = stamps.rbegin(); it != stamps.rend(); ++it)
            if (it->step == Step::kReturn) {
                body.set("returned_comment", it->comment);
                body.set("returned_by", it->by);
                break;
            }
    }
}

void StepsData(data& body, State state, const Who& who) {
    auto can = [&](Step step) { return Apply(state, step, who).ok(); };
    if (can(Step::kCheck) || can(Step::kApprove) || can(Step::kReturn)) {
        body.set("can_stamp", true);
        if (can(Step::kCheck)) body.set("can_check", true);
        if (can(Step::kApprove)) body.set("can_approve", true);
        if (can(Step::kReturn)) body.set("can_return", true);
    }
    // The writer's own, where the site forbids stamping it: said, rather than a button that would be refused.
    if ((state == State::kSubmitted || state == State::kChecked) && who.submitted_it && !who.self_approval &&
        (who.can_check || who.can_approve))
        body.set("own_waits", true);
    if (can(Step::kReopen)) body.set("can_reopen", true);
}

std::vector<StampBox> Boxes(const Ctx& ctx, const std::vector<Stamp>& stamps) {
    std::vector<StampBox> boxes{{ctx.T("journal_box_writer"), "", ""},
                                {ctx.T("journal_box_lead"), "", ""},
                                {ctx.T("journal_box_head"), "", ""}};
    const std::array<Step, 3> steps{Step::kSubmit, Step::kCheck, Step::kApprove};
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const std::string stamp = StampOf(stamps, steps[i]);
        if (stamp.empty()) continue;
        const auto at = stamp.rfind(' ', stamp.rfind(' ') - 1);  // "name MM/DD HH:MM"
        boxes[i].name = stamp.substr(0, at);
        boxes[i].at = stamp.substr(at + 1);
    }
    return boxes;
}

StampForm ReadStampForm(const http::Params& form) {
    StampForm f;
    auto step = ParseStep(form.GetOr("step"));
    if (!step || *step == Step::kSave || *step == Step::kSubmit) throw http::HttpError(422, "error_choice");
    f.step = *step;
    // A return says what to mend; a reopening, why an approved record changes.
    app::FormErrors errors;
    f.comment = app::TextAreaField(form, "comment", errors, f.step == Step::kReturn || f.step == Step::kReopen, 1000);
    f.comment_refused = !errors.empty();
    return f;
}

void RequireStamp(const Outcome& out, const StampForm& form) {
    switch (out.refusal) {
        case Refusal::kNone:
            break;
        case Refusal::kForbidden:
            throw http::Forbidden();
        case Refusal::kOwn:
            throw http::HttpError(403, "error_journal_own");
        case Refusal::kState:
            throw http::HttpError(409, "error_journal_state");
    }
    if (form.comment_refused) throw http::HttpError(422, "error_journal_comment");
}

namespace {

data ContentData(const Content& c) {
    data d;
    d.set("weather", c.weather);
    d.set("activities", c.activities);
    d.set("health", c.health);
    d.set("reflection", c.reflection);
    return d;
}

}  // namespace

http::Response Handlers::Day(Ctx& ctx) const {
    auto site_id = app::SiteIdParam(ctx);
    const auto& actor = ctx.RequireAtSite(Action::kJournalView, site_id);
    const auto& svc = ctx.svc;
    const std::string today = notebook::Today(ctx);
    const std::string date = notebook::DateOf(ctx, ctx.req.query.GetOr("date"));
    const bool approver =
        auth::Can(actor, Action::kJournalCheck, site_id) || auth::Can(actor, Action::kJournalApprove, site_id);
    struct Loaded {
        sites::Site site;
        std::vector<sites::Group> groups;
        std::vector<Summary> day, waiting, returned;
        bool self_approval = false;
    };
    auto l = svc.db.Read([&](db::ReadTx& tx) {
        Loaded l{
            NurseryOf(tx, site_id), sites::ListGroups(tx, site_id, false), OfDay(tx, site_id, date), {}, {}, false};
        if (approver) l.waiting = Waiting(tx, site_id);
        l.returned = Returned(tx, site_id);
        l.self_approval = SelfApproval(tx, site_id);
        return l;
    });
    ctx.site_kind = l.site.fields.kind;
    data body;
    body.set("site_id", site_id.ToString());
    body.set("site_name", l.site.fields.name);
    notebook::DayLinks(body, date, today);
    body.set("date_label", app::DateWithWeekday(ctx, *common::ParseDate(date)));
    body.set("month", date.substr(0, 7));
    std::map<std::optional<common::GroupId>, const Summary*> written;
    for (const auto& s : l.day) written[s.group] = &s;
    data rows{data::type::list};
    auto row = [&](std::optional<common::GroupId> g) {
        data d;
        d.set("name", NameOf(ctx, l.groups, g));
        d.set("url", PageUrl(site_id, date, g));
        auto it = written.find(g);
        const State s = it == written.end() ? State::kDraft : it->second->state;
        d.set("state", std::string(StateName(s)));
        d.set("state_label", it == written.end() ? ctx.T("journal_not_written") : StateLabel(ctx, s));
        rows.push_back(d);
    };
    for (const auto& g : l.groups) row(g.id);
    row(std::nullopt);
    body.set("journals", rows);
    // Journals of other days: waiting for the actor's stamp (head teachers and heads), returned to be mended (all).
    auto listed = [&](const char* key, const std::vector<Summary>& list) {
        data out{data::type::list};
        for (const auto& s : list) {
            data d;
            d.set("date", s.date);
            d.set("name", NameOf(ctx, l.groups, s.group));
            d.set("url", PageUrl(site_id, s.date, s.group));
            d.set("state_label", StateLabel(ctx, s.state));
            out.push_back(d);
        }
        body.set(key, out);
        if (!list.empty()) body.set(std::string("has_") + key, true);
    };
    if (approver) {
        listed("waiting", l.waiting);
        body.set("approver", true);
    }
    listed("returned", l.returned);
    if (auth::Can(actor, Action::kJournalSettings, site_id)) {
        body.set("can_settings", true);
        if (l.self_approval) body.set("self_approval", true);
    }
    body.set("csrf", ctx.CsrfToken());
    if (auto d = ctx.req.query.GetOr("done"); !d.empty()) body.set("done_" + d, true);
    return app::RenderPage(ctx, day_, "journal_day_title", body);
}

http::Response Handlers::Page(Ctx& ctx) const {
    auto site_id = app::SiteIdParam(ctx);
    ctx.RequireAtSite(Action::kJournalView, site_id);
    const std::string date = notebook::DateOf(ctx, ctx.req.query.GetOr("date"));
    return Render(ctx, site_id, date, GroupOf(ctx.req.query.GetOr("group")), {}, 200, nullptr);
}

http::Response Handlers::Render(Ctx& ctx, common::SiteId site_id, const std::string& date,
                                std::optional<common::GroupId> group, const app::FormErrors& errors, int status,
                                const Journal* draft) const {
    const auto& actor = ctx.RequireAtSite(Action::kJournalView, site_id);
    const auto& svc = ctx.svc;
    const auto& keys = *svc.config.data_keys;
    struct Loaded {
        sites::Site site;
        std::vector<sites::Group> groups;
        std::optional<Journal> journal;
        Facts facts;
        bool self_approval = false;
    };
    auto l = svc.db.Write([&](db::WriteTx& tx) {
        Loaded l{NurseryOf(tx, site_id), sites::ListGroups(tx, site_id, false), {}, {}, false};
        RequireGroupOf(l.groups, group);
        l.journal = Find(tx, keys, site_id, group, date);
        l.facts = LoadFacts(tx, keys, site_id, date, group);
        l.self_approval = SelfApproval(tx, site_id);
        auth::WriteAudit(tx, ctx.Audit("journal.view", "journal", l.journal ? l.journal->id : 0, site_id), svc.clock);
        return l;
    });
    ctx.site_kind = l.site.fields.kind;
    const Journal* j = l.journal ? &*l.journal : nullptr;
    const State state = j ? j->state : State::kDraft;
    const Who who = WhoAt(actor, site_id, j, l.self_approval);
    data body = errors.ToData(ctx);
    body.set("site_id", site_id.ToString());
    body.set("site_name", l.site.fields.name);
    body.set("date", date);
    body.set("date_label", app::DateWithWeekday(ctx, *common::ParseDate(date)));
    body.set("name", NameOf(ctx, l.groups, group));
    if (group) body.set("group", group->ToString());
    body.set("back", "/sites/" + site_id.ToString() + "/journals?date=" + date);
    body.set("state", std::string(StateName(state)));
    body.set("state_label", j ? StateLabel(ctx, state) : ctx.T("journal_not_written"));
    body.set("csrf", ctx.CsrfToken());
    body.set("version", std::to_string(j ? j->version : 0));
    SetFacts(ctx, body, l.facts, !group);
    // The stamps, as on paper: who submitted, checked and approved, and what was returned with which comment.
    StampsData(ctx, body, j ? j->stamps : std::vector<journals::Stamp>{}, state);
    if (j) {
        body.set("journal_id", std::to_string(j->id));
        if (!j->written_by.empty()) body.set("written_by", j->written_by);
    }
    // The text: the refused form's (with the other tablet's beside it on a conflict), else as saved.
    const Content shown = draft ? draft->content : j ? j->content : Content{};
    body.set("content", ContentData(shown));
    if (draft && j && status == 409) {
        body.set("conflict", true);
        body.set("theirs", ContentData(j->content));
    }
    std::map<common::ChildId, std::string> episodes;
    if (j)
        for (const auto& e : j->episodes) episodes[e.child] = e.text;
    if (draft)
        for (const auto& e : draft->episodes) episodes[e.child] = e.text;
    const bool editable = Editable(state) && who.can_write;
    if (editable) body.set("editable", true);
    data children{data::type::list};
    bool any_episode = false;
    if (group) {
        for (const auto& r : l.facts.roster.rows) {
            data d;
            d.set("child", r.child.ToString());
            d.set("name", r.display_name);
            // The child's records of the day this journal came from (attendance, temperatures, naps, notebook).
            d.set("records_url", "/children/" + r.child.ToString() + "/records?to=" + date);
            d.set("attendance", ctx.T(r.day.state == attendance::State::kNotArrived ? "journal_absent_mark"
                                                                                    : "journal_present_mark"));
            auto it = episodes.find(r.child);
            if (it != episodes.end() && !it->second.empty()) {
                d.set("episode", it->second);
                any_episode = true;
            }
            if (errors.Has("episode_" + r.child.ToString())) d.set("error", ctx.T("error_too_long"));
            if (editable || (it != episodes.end() && !it->second.empty())) children.push_back(d);
        }
        body.set("class_journal", true);
    }
    body.set("children", children);
    if (any_episode) body.set("has_episodes", true);
    // The steps this actor may take now.
    if (j) StepsData(body, state, who);
    if (editable) body.set("can_submit", true);
    if (j) body.set("pdf_url", "/journals/" + std::to_string(j->id) + "/pdf");
    if (auto d = ctx.req.query.GetOr("done"); !d.empty()) body.set("done_" + d, true);
    return app::RenderPage(ctx, page_, "journal_title", body, status);
}

http::Response Handlers::Save(Ctx& ctx) const {
    auto site_id = app::SiteIdParam(ctx);
    const auto& actor = ctx.RequireAtSite(Action::kJournalWrite, site_id);
    const auto& svc = ctx.svc;
    const auto& keys = *svc.config.data_keys;
    const std::string date = notebook::DateOf(ctx, ctx.form.GetOr("date"));
    const auto group = GroupOf(ctx.form.GetOr("group"));
    const std::string step_name = ctx.form.GetOr("step", "save");
    if (step_name != "save" && step_name != "submit") throw http::HttpError(422, "error_choice");
    const bool submit = step_name == "submit";
    app::FormErrors errors;
    Journal draft;
    draft.site = site_id;
    draft.group = group;
    draft.date = date;
    draft.content.weather = app::TextField(ctx.form, "weather", errors, false, kMaxWeather);
    draft.content.activities = app::TextAreaField(ctx.form, "activities", errors, submit, kMaxText);
    draft.content.health = app::TextAreaField(ctx.form, "health", errors, false, kMaxText);
    draft.content.reflection = app::TextAreaField(ctx.form, "reflection", errors, false, kMaxText);
    auto version = app::IntField(ctx.form, "version", errors, 0, 1000000);
    // Each child's episode: `episode_{child}`.
    std::vector<std::pair<std::string, common::ChildId>> named;
    for (const auto& [key, _] : ctx.form.items()) {
        if (!key.starts_with("episode_")) continue;
        auto n = app::ParseId(key.substr(8));
        if (!n) throw http::BadRequest();
        named.emplace_back(key, common::ChildId(*n));
    }
    // Written once, sent to the child's contact notebook too where the carer ticks it (to_notebook_{child}).
    std::vector<Episode> to_notebook;
    for (const auto& [key, child] : named) {
        draft.episodes.push_back({child, app::TextAreaField(ctx.form, key, errors, false, kMaxText)});
        if (ctx.form.GetOr("to_notebook_" + child.ToString()) == "1" && !draft.episodes.back().text.empty())
            to_notebook.push_back(draft.episodes.back());
    }
    enum class Result { kSaved, kRefused, kConflict };
    const auto result = svc.db.Write([&](db::WriteTx& tx) {
        NurseryOf(tx, site_id);
        RequireGroupOf(sites::ListGroups(tx, site_id, false), group);
        // An episode only for a child of the class that day (rights: placed at this site, in this class).
        if (!draft.episodes.empty()) {
            if (!group) throw http::HttpError(422, "error_journal_child");
            std::set<common::ChildId> in_class;
            for (const auto& r : attendance::SiteRoster(tx, site_id, date, group).rows) in_class.insert(r.child);
            for (const auto& e : draft.episodes)
                if (!in_class.count(e.child)) throw http::HttpError(422, "error_journal_child");
        }
        if (!errors.empty()) return Result::kRefused;
        auto existing = Find(tx, keys, site_id, group, date);
        const State from = existing ? existing->state : State::kDraft;
        const Who who = WhoAt(actor, site_id, existing ? &*existing : nullptr, SelfApproval(tx, site_id));
        auto save = Apply(from, Step::kSave, who);
        if (save.refusal == Refusal::kState) throw http::HttpError(409, "error_journal_locked");
        if (!save.ok()) throw http::Forbidden();
        if (existing) draft.id = existing->id;
        std::int64_t id = 0;
        if (!journals::Save(tx, keys, draft, *version, actor.user_id, svc.clock, id)) return Result::kConflict;
        auth::WriteAudit(tx, ctx.Audit("journal.save", "journal", id, site_id), svc.clock);
        for (const auto& e : to_notebook) {
            // Added to the nursery side's episode of that day (once: not again when saved twice), as a carer would.
            auto page = notebook::GetEntry(tx, keys, e.child, date);
            notebook::NurserySide side = page.nursery.value_or(notebook::NurserySide{});
            if (side.episode.find(e.text) != std::string::npos) continue;
            side.episode = side.episode.empty() ? e.text : side.episode + "\n" + e.text;
            if (app::CharCount(side.episode) > notebook::kMaxEpisode)
                throw http::HttpError(422, "error_journal_notebook_long");
            notebook::SaveNursery(tx, keys, e.child, site_id, date, side, page.nursery_version, actor.user_id,
                                  svc.clock);
            auth::WriteAudit(tx, ctx.Audit("notebook.from_journal", "child", e.child.value, site_id), svc.clock);
        }
        if (submit) {
            auto next = Apply(from, Step::kSubmit, who);
            if (!next.ok() || !Advance(tx, keys, id, from, Step::kSubmit, next.next, "", actor.user_id, svc.clock))
                throw http::HttpError(409, "error_journal_state");
            auth::WriteAudit(tx, ctx.Audit("journal.submit", "journal", id, site_id), svc.clock);
        }
        return Result::kSaved;
    });
    if (result == Result::kRefused) return Render(ctx, site_id, date, group, errors, 422, &draft);
    if (result == Result::kConflict) {
        errors.Add("version", "error_journal_conflict");
        return Render(ctx, site_id, date, group, errors, 409, &draft);
    }
    return http::Response::Redirect(PageUrl(site_id, date, group) + "&done=" + (submit ? "submitted" : "saved"));
}

http::Response Handlers::Stamp(Ctx& ctx) const {
    const auto& actor = ctx.RequireActor();
    const auto& svc = ctx.svc;
    const auto& keys = *svc.config.data_keys;
    const auto id = app::IdParam(ctx);
    struct Done {
        common::SiteId site;
        std::string date;
        std::optional<common::GroupId> group;
    };
    std::optional<Step> step;
    std::string comment;
    auto done = svc.db.Write([&](db::WriteTx& tx) {
        auto j = Reachable(tx, keys, actor, id);
        // The rights first, then what was sent.
        if (!auth::Can(actor, Action::kJournalWrite, j->site) && !auth::Can(actor, Action::kJournalCheck, j->site))
            throw http::Forbidden();
        const auto asked = ReadStampForm(ctx.form);
        step = asked.step;
        comment = asked.comment;
        auto out = Apply(j->state, *step, WhoAt(actor, j->site, &*j, SelfApproval(tx, j->site)));
        RequireStamp(out, asked);
        if (!Advance(tx, keys, j->id, j->state, *step, out.next, comment, actor.user_id, svc.clock))
            throw http::HttpError(409, "error_journal_state");
        auth::WriteAudit(tx, ctx.Audit("journal." + std::string(StepName(*step)), "journal", j->id, j->site),
                         svc.clock);
        return Done{j->site, j->date, j->group};
    });
    return http::Response::Redirect(PageUrl(done.site, done.date, done.group) +
                                    "&done=" + std::string(StepName(*step)));
}

http::Response Handlers::Export(Ctx& ctx) const {
    auto site_id = app::SiteIdParam(ctx);
    ctx.RequireAtSite(Action::kJournalView, site_id);
    const auto& svc = ctx.svc;
    const auto& keys = *svc.config.data_keys;
    const auto first = notebook::MonthOf(ctx);
    const std::string month = common::FormatDate(first).substr(0, 7);
    const common::Date last{first.year() / first.month() / std::chrono::last};
    struct Row {
        Journal journal;
        Facts facts;
    };
    struct Loaded {
        sites::Site site;
        std::vector<sites::Group> groups;
        std::vector<Row> rows;
    };
    auto l = svc.db.Write([&](db::WriteTx& tx) {
        Loaded l{NurseryOf(tx, site_id), sites::ListGroups(tx, site_id, true), {}};
        for (auto& j : Between(tx, keys, site_id, month + "-01", common::FormatDate(last))) {
            auto facts = LoadFacts(tx, keys, site_id, j.date, j.group);
            l.rows.push_back({std::move(j), std::move(facts)});
        }
        auth::WriteAudit(tx, ctx.Audit("journal.export", "site", site_id.value, site_id), svc.clock);
        return l;
    });
    ctx.site_kind = l.site.fields.kind;
    std::vector<WorkbookRow> rows;
    for (const auto& [j, facts] : l.rows) {
        std::map<common::ChildId, std::string> names;
        for (const auto& r : facts.roster.rows) names[r.child] = r.display_name;
        std::string episodes;
        for (const auto& e : j.episodes)
            episodes += (episodes.empty() ? "" : "\n") + (names.count(e.child) ? names[e.child] : "") +
                        ctx.T("p_colon") + e.text;
        rows.push_back({j.date, NameOf(ctx, l.groups, j.group), StateLabel(ctx, j.state), j.content.weather,
                        AttendanceText(ctx, facts, j.group.has_value()), j.content.activities, episodes,
                        j.content.health, j.content.reflection, StampOf(j.stamps, Step::kSubmit),
                        StampOf(j.stamps, Step::kCheck), StampOf(j.stamps, Step::kApprove)});
    }
    const std::vector<std::string> heads{
        ctx.T("health_date"),        ctx.T("nb_class"),           ctx.T("journal_state"),    ctx.T("journal_weather"),
        ctx.T("journal_attendance"), ctx.T("journal_activities"), ctx.T("journal_children"), ctx.T("journal_health"),
        ctx.T("journal_reflection"), ctx.T("journal_box_writer"), ctx.T("journal_box_lead"), ctx.T("journal_box_head")};
    const std::string title = ctx.T("journal_title") + " " + l.site.fields.name + " " + month;
    return app::Download(JournalWorkbook(heads, rows, title, month), kXlsxType,
                         "journals-" + site_id.ToString() + "-" + month + ".xlsx");
}

http::Response Handlers::Settings(Ctx& ctx) const {
    auto site_id = app::SiteIdParam(ctx);
    const auto& actor = ctx.RequireAtSite(Action::kJournalSettings, site_id);
    const std::string v = ctx.form.GetOr("self_approval");
    if (!v.empty() && v != "1") throw http::HttpError(422, "error_choice");
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        NurseryOf(tx, site_id);
        SaveSelfApproval(tx, site_id, v == "1", actor.user_id, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit("journal.settings", "site", site_id.value, site_id), ctx.svc.clock);
    });
    return http::Response::Redirect("/sites/" + site_id.ToString() + "/journals?done=settings");
}

http::Response Handlers::Pdf(Ctx& ctx) const {
    const auto& actor = ctx.RequireActor();
    const auto& svc = ctx.svc;
    const auto& keys = *svc.config.data_keys;
    const auto id = app::IdParam(ctx);
    struct Loaded {
        Journal journal;
        sites::Site site;
        std::vector<sites::Group> groups;
        Facts facts;
    };
    auto l = svc.db.Write([&](db::WriteTx& tx) {
        auto j = Reachable(tx, keys, actor, id);
        Loaded l{*j, *sites::GetSite(tx, j->site), sites::ListGroups(tx, j->site, true), {}};  // a nursery: Reachable
        l.facts = LoadFacts(tx, keys, j->site, j->date, j->group);
        auth::WriteAudit(tx, ctx.Audit("journal.print", "journal", j->id, j->site), svc.clock);
        return l;
    });
    ctx.site_kind = l.site.fields.kind;
    const auto& j = l.journal;
    Printed p;
    p.title = ctx.T("journal_title");
    p.place = l.site.fields.name + "　" + NameOf(ctx, l.groups, j.group);
    p.date = app::DateWithWeekday(ctx, *common::ParseDate(j.date));
    p.state = StateLabel(ctx, j.state);
    p.weather_label = ctx.T("journal_weather");
    p.content = j.content;
    p.labels = {ctx.T("journal_activities"), ctx.T("journal_children"), ctx.T("journal_health"),
                ctx.T("journal_reflection"), ctx.T("journal_attendance")};
    p.attendance = AttendanceText(ctx, l.facts, j.group.has_value());
    std::map<common::ChildId, std::string> names;
    for (const auto& r : l.facts.roster.rows) names[r.child] = r.display_name;
    for (const auto& e : j.episodes) p.episodes.emplace_back(names.count(e.child) ? names[e.child] : "", e.text);
    // The stamp boxes: the writer's (the last submission), the head teacher's check and the head's approval since.
    p.boxes = Boxes(ctx, j.stamps);
    return app::Download(PrintJournal(p, ctx.T("page_of")), "application/pdf",
                         "journal-" + std::to_string(j.id) + "-" + j.date + ".pdf", false);
}

}  // namespace journals

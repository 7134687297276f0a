#include "curriculum/handlers.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "app/validate.hpp"
#include "attendance/attendance.hpp"
#include "auth/audit.hpp"
#include "children/children.hpp"
#include "common/dates.hpp"
#include "families/mails.hpp"
#include "journals/handlers.hpp"
#include "journals/print.hpp"
#include "notebook/pages.hpp"
#include "notebook/rules.hpp"
#include "sites/groups.hpp"

namespace curriculum {

using app::Ctx;
using auth::Action;
using journals::Refusal;
using journals::Who;
using kainjow::mustache::data;
using notebook::NurseryOf;

namespace {

std::string KindLabel(const Ctx& ctx, Kind k) { return ctx.T("curriculum_kind_" + std::string(KindName(k))); }

std::string TermLabel(const Ctx& ctx, int term) { return ctx.T("curriculum_term_" + std::to_string(term)); }

// "2026年度", "2026年12月", "12月7日〜12月13日".
std::string PeriodLabel(const Ctx& ctx, Kind kind, const std::string& period) {
    const auto d = *common::ParseDate(period);
    const auto month = std::to_string(static_cast<unsigned>(d.month()));
    switch (kind) {
        case Kind::kAnnual:
            return families::Fill(ctx.T("curriculum_period_year"), {{"y", std::to_string(SchoolYear(d))}});
        case Kind::kWeekly: {
            const auto end = PeriodEnd(kind, d);
            auto day = [&](const common::Date& x) {
                return families::Fill(ctx.T("curriculum_day"), {{"m", std::to_string(static_cast<unsigned>(x.month()))},
                                                                {"d", std::to_string(static_cast<unsigned>(x.day()))}});
            };
            return day(d) + ctx.T("curriculum_to") + day(end);
        }
        default:
            return families::Fill(ctx.T("curriculum_period_month"),
                                  {{"y", std::to_string(static_cast<int>(d.year()))}, {"m", month}});
    }
}

std::string SectionLabel(const Ctx& ctx, const std::string& key) {
    const auto at = key.find('_');
    if (key.size() > 1 && key[0] == 't' && at == 2) return ctx.T("curriculum_sec_" + key.substr(3));
    return ctx.T("curriculum_sec_" + key);
}

std::string PageUrl(common::SiteId site, const Target& t) {
    return "/sites/" + site.ToString() + "/curriculum/plan?kind=" + std::string(KindName(t.kind)) +
           "&group=" + t.group.ToString() + "&period=" + t.period + (t.child ? "&child=" + t.child->ToString() : "");
}

// The target named by a query or a form: a known kind (else 400), a class id, a date turned into the period's
// first day, and a child for an individual plan only.
Target TargetOf(const http::Params& p) {
    Target t;
    auto kind = ParseKind(p.GetOr("kind"));
    auto group = app::ParseId(p.GetOr("group"));
    auto date = common::ParseDate(p.GetOr("period"));
    if (!kind || !group || !date) throw http::BadRequest();
    t.kind = *kind;
    t.group = common::GroupId(*group);
    t.period = common::FormatDate(PeriodStart(t.kind, *date));
    const auto child = p.GetOr("child");
    if ((t.kind == Kind::kIndividual) != !child.empty()) throw http::BadRequest();
    if (!child.empty()) {
        auto c = app::ParseId(child);
        if (!c) throw http::BadRequest();
        t.child = common::ChildId(*c);
    }
    return t;
}

// The day whose class list a plan is written for: today within its period, else its first day.
std::string ClassDay(const std::string& today, Kind kind, const std::string& period) {
    const auto end = common::FormatDate(PeriodEnd(kind, *common::ParseDate(period)));
    return today >= period && today <= end ? today : period;
}

// The class's children that day; those under three (age class 0–2) have individual plans.
struct Child {
    common::ChildId id;
    std::string name;
    int age_class = 0;
};
std::vector<Child> ClassChildren(db::ReadTx& tx, common::SiteId site, common::GroupId group, const std::string& day) {
    // The birth dates of the class's members in one read (not a read per child).
    std::map<common::ChildId, std::string> born;
    for (const auto& r :
         tx.Query("SELECT c.id, c.birth_date FROM child c JOIN child_group_membership m ON m.child_id = c.id WHERE "
                  "m.group_id = ?",
                  group))
        born[r.Id<common::ChildId>(0)] = r.Text(1).substr(0, 10);
    std::vector<Child> out;
    for (const auto& r : attendance::SiteRoster(tx, site, day, group).rows)
        out.push_back({r.child, r.display_name, notebook::AgeClass(born[r.child], day)});
    return out;
}

// A class of the site (else 404); for an individual plan, a child under three in it on the plan's day (else 404:
// a child who left the class is not there for it).
struct Checked {
    sites::Site site;
    std::vector<sites::Group> groups;
    std::string child_name;
    int age_class = 0;
};
Checked Check(db::ReadTx& tx, common::SiteId site_id, const Target& t, const std::string& today) {
    Checked c{NurseryOf(tx, site_id), sites::ListGroups(tx, site_id, false), "", 0};
    if (std::none_of(c.groups.begin(), c.groups.end(), [&](const auto& g) { return g.id == t.group; }))
        throw http::NotFound();
    if (t.child) {
        const auto day = ClassDay(today, t.kind, t.period);
        bool found = false;
        for (const auto& ch : ClassChildren(tx, site_id, t.group, day))
            if (ch.id == *t.child) {
                if (ch.age_class >= 3) throw http::HttpError(422, "error_curriculum_age");
                c.child_name = ch.name;
                c.age_class = ch.age_class;
                found = true;
            }
        if (!found) throw http::NotFound();
    }
    return c;
}

std::string GroupName(const std::vector<sites::Group>& groups, common::GroupId id) {
    for (const auto& g : groups)
        if (g.id == id) return g.fields.name;
    return "";
}

Who WhoAt(const auth::Actor& actor, common::SiteId site, const Plan* p, bool self_approval) {
    return {auth::Can(actor, Action::kCurriculumWrite, site), auth::Can(actor, Action::kCurriculumCheck, site),
            auth::Can(actor, Action::kCurriculumApprove, site),
            p && p->submitted_by && *p->submitted_by == actor.user_id, self_approval};
}

// A plan by id that the actor may read (at a nursery of theirs); another site's is not there for them.
Plan Reachable(db::ReadTx& tx, const auth::DataKeys& keys, const auth::Actor& actor, std::int64_t id) {
    auto p = Get(tx, keys, id);
    if (!p || !auth::Can(actor, Action::kSiteView, p->site) || !auth::Can(actor, Action::kCurriculumView, p->site))
        throw http::NotFound();
    NurseryOf(tx, p->site);
    return *p;
}

Target TargetOfPlan(const Plan& p) { return {p.kind, p.group, p.period, p.child}; }

// What a plan not yet written starts from: the site's template, and the aims of the plan above it.
struct Start {
    Sections sections;
    std::optional<Target> source;
    bool from_template = false;
};
Start StartOf(db::ReadTx& tx, const auth::DataKeys& keys, common::SiteId site, const Target& t) {
    Start s;
    if (auto tpl = Template(tx, keys, site, t.kind)) {
        s.sections = *tpl;
        s.from_template = true;
    }
    if (auto src = SourceOf(t.kind, *common::ParseDate(t.period))) {
        const auto period = common::FormatDate(src->period);
        if (auto above = Find(tx, keys, t.group, src->kind, period, std::nullopt)) {
            if (auto it = above->sections.find(src->key); it != above->sections.end() && !it->second.empty()) {
                s.sections["aims"] = it->second;
                s.source = Target{src->kind, t.group, period, std::nullopt};
            }
        }
    }
    return s;
}

}  // namespace

http::Response Handlers::Month(Ctx& ctx) const {
    auto site_id = app::SiteIdParam(ctx);
    const auto& actor = ctx.RequireAtSite(Action::kCurriculumView, site_id);
    const auto& svc = ctx.svc;
    const std::string today = notebook::Today(ctx);
    const auto first = notebook::MonthOf(ctx);
    const std::string start = common::FormatDate(first);
    const std::string end = common::FormatDate(PeriodEnd(Kind::kMonthly, first));
    const std::string year_start = common::FormatDate(PeriodStart(Kind::kAnnual, first));
    const std::string day = ClassDay(today, Kind::kMonthly, start);
    const bool approver =
        auth::Can(actor, Action::kCurriculumCheck, site_id) || auth::Can(actor, Action::kCurriculumApprove, site_id);
    struct Loaded {
        sites::Site site;
        std::vector<sites::Group> groups;
        std::map<common::GroupId, std::vector<Child>> children;
        std::vector<Summary> plans, waiting, returned;
    };
    auto l = svc.db.Read([&](db::ReadTx& tx) {
        Loaded l{NurseryOf(tx, site_id), sites::ListGroups(tx, site_id, false), {}, {}, {}, {}};
        for (const auto& g : l.groups) l.children[g.id] = ClassChildren(tx, site_id, g.id, day);
        l.plans = Between(tx, site_id, year_start, end);
        if (approver) l.waiting = InState(tx, site_id, {State::kSubmitted, State::kChecked});
        l.returned = InState(tx, site_id, {State::kReturned});
        return l;
    });
    ctx.site_kind = l.site.fields.kind;
    std::map<std::tuple<std::int64_t, std::string, std::string, std::int64_t>, const Summary*> found;
    for (const auto& p : l.plans)
        found[{p.group.value, std::string(KindName(p.kind)), p.period, p.child ? p.child->value : 0}] = &p;
    auto entry = [&](const Target& t, const std::string& label) {
        data d;
        d.set("label", label);
        d.set("url", PageUrl(site_id, t));
        auto it = found.find({t.group.value, std::string(KindName(t.kind)), t.period, t.child ? t.child->value : 0});
        const State s = it == found.end() ? State::kDraft : it->second->state;
        d.set("state", it == found.end() ? std::string("none") : std::string(journals::StateName(s)));
        d.set("state_label", it == found.end() ? ctx.T("curriculum_not_written") : journals::StateLabel(ctx, s));
        return d;
    };
    data classes{data::type::list};
    for (const auto& g : l.groups) {
        data c;
        c.set("id", g.id.ToString());
        c.set("name", g.fields.name);
        data plans{data::type::list};
        plans.push_back(
            entry({Kind::kAnnual, g.id, year_start, std::nullopt},
                  KindLabel(ctx, Kind::kAnnual) + "（" + PeriodLabel(ctx, Kind::kAnnual, year_start) + "）"));
        plans.push_back(entry({Kind::kMonthly, g.id, start, std::nullopt}, KindLabel(ctx, Kind::kMonthly)));
        c.set("plans", plans);
        data weeks{data::type::list};
        for (auto w = PeriodStart(Kind::kWeekly, first); common::FormatDate(w) <= end;
             w = std::chrono::year_month_day{std::chrono::sys_days{w} + std::chrono::days{7}}) {
            const auto period = common::FormatDate(w);
            weeks.push_back(
                entry({Kind::kWeekly, g.id, period, std::nullopt}, PeriodLabel(ctx, Kind::kWeekly, period)));
        }
        c.set("weeks", weeks);
        data individual{data::type::list};
        for (const auto& ch : l.children[g.id])
            if (ch.age_class < 3) individual.push_back(entry({Kind::kIndividual, g.id, start, ch.id}, ch.name));
        if (!individual.is_empty_list()) c.set("has_individual", true);
        c.set("individual", individual);
        classes.push_back(c);
    }
    data body;
    body.set("site_id", site_id.ToString());
    body.set("site_name", l.site.fields.name);
    body.set("month_label", PeriodLabel(ctx, Kind::kMonthly, start));
    body.set("prev_month",
             common::FormatDate(std::chrono::year_month_day{first - std::chrono::months{1}}).substr(0, 7));
    body.set("next_month",
             common::FormatDate(std::chrono::year_month_day{first + std::chrono::months{1}}).substr(0, 7));
    body.set("classes", classes);
    auto listed = [&](const char* key, const std::vector<Summary>& list) {
        data out{data::type::list};
        for (const auto& s : list) {
            const Target t{s.kind, s.group, s.period, s.child};
            data d = entry(t, KindLabel(ctx, s.kind));
            d.set("class", GroupName(l.groups, s.group));
            d.set("period", PeriodLabel(ctx, s.kind, s.period));
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
    return app::RenderPage(ctx, month_, "curriculum_title", body);
}

http::Response Handlers::Page(Ctx& ctx) const {
    auto site_id = app::SiteIdParam(ctx);
    ctx.RequireAtSite(Action::kCurriculumView, site_id);
    return Render(ctx, site_id, TargetOf(ctx.req.query), {}, 200, nullptr);
}

http::Response Handlers::Render(Ctx& ctx, common::SiteId site_id, const Target& t, const app::FormErrors& errors,
                                int status, const Plan* draft) const {
    const auto& actor = ctx.RequireAtSite(Action::kCurriculumView, site_id);
    const auto& svc = ctx.svc;
    const auto& keys = *svc.config.data_keys;
    const std::string today = notebook::Today(ctx);
    struct Loaded {
        Checked checked;
        std::optional<Plan> plan;
        Start start;
        bool self_approval = false;
    };
    auto l = svc.db.Write([&](db::WriteTx& tx) {
        Loaded l{Check(tx, site_id, t, today), {}, {}, false};
        l.plan = Find(tx, keys, t.group, t.kind, t.period, t.child);
        if (!l.plan) l.start = StartOf(tx, keys, site_id, t);
        l.self_approval = journals::SelfApproval(tx, site_id);
        auth::WriteAudit(tx,
                         l.plan    ? ctx.Audit("curriculum.view", "curriculum_plan", l.plan->id, site_id)
                         : t.child ? ctx.Audit("curriculum.view", "child", t.child->value, site_id)
                                   : ctx.Audit("curriculum.view", "group", t.group.value, site_id),
                         svc.clock);
        return l;
    });
    ctx.site_kind = l.checked.site.fields.kind;
    const Plan* p = l.plan ? &*l.plan : nullptr;
    const State state = p ? p->state : State::kDraft;
    const Who who = WhoAt(actor, site_id, p, l.self_approval);
    data body = errors.ToData(ctx);
    body.set("site_id", site_id.ToString());
    body.set("kind", std::string(KindName(t.kind)));
    body.set("kind_label", KindLabel(ctx, t.kind));
    body.set("group", t.group.ToString());
    body.set("class_name", GroupName(l.checked.groups, t.group));
    body.set("period", t.period);
    body.set("period_label", PeriodLabel(ctx, t.kind, t.period));
    if (t.child) {
        body.set("child", t.child->ToString());
        body.set("child_name", l.checked.child_name);
        body.set("age_class",
                 families::Fill(ctx.T("curriculum_age_class"), {{"n", std::to_string(l.checked.age_class)}}));
        body.set("records_url", "/children/" + t.child->ToString() + "/records");
    }
    body.set("back", "/sites/" + site_id.ToString() + "/curriculum?month=" + t.period.substr(0, 7));
    body.set("state", std::string(journals::StateName(state)));
    body.set("state_label", p ? journals::StateLabel(ctx, state) : ctx.T("curriculum_not_written"));
    body.set("csrf", ctx.CsrfToken());
    body.set("version", std::to_string(p ? p->version : 0));
    journals::StampsData(ctx, body, p ? p->stamps : std::vector<journals::Stamp>{}, state);
    if (p) {
        body.set("plan_id", std::to_string(p->id));
        if (!p->written_by.empty()) body.set("written_by", p->written_by);
        body.set("pdf_url", "/curriculum/" + std::to_string(p->id) + "/pdf");
        journals::StepsData(body, state, who);
    } else {
        if (l.start.source) {
            body.set("source_url", PageUrl(site_id, *l.start.source));
            body.set("source_label", KindLabel(ctx, l.start.source->kind) + "（" +
                                         PeriodLabel(ctx, l.start.source->kind, l.start.source->period) + "）");
        }
        if (l.start.from_template) body.set("from_template", true);
    }
    // Previous and next periods of the same kind.
    {
        const auto d = *common::ParseDate(t.period);
        using namespace std::chrono;
        const year_month_day prev = t.kind == Kind::kAnnual   ? year_month_day{d - years{1}}
                                    : t.kind == Kind::kWeekly ? year_month_day{sys_days{d} - days{7}}
                                                              : year_month_day{d - months{1}};
        const year_month_day next = t.kind == Kind::kAnnual   ? year_month_day{d + years{1}}
                                    : t.kind == Kind::kWeekly ? year_month_day{sys_days{d} + days{7}}
                                                              : year_month_day{d + months{1}};
        Target a = t, b = t;
        a.period = common::FormatDate(prev);
        b.period = common::FormatDate(next);
        body.set("prev_url", PageUrl(site_id, a));
        body.set("next_url", PageUrl(site_id, b));
    }
    const bool editable = journals::Editable(state) && who.can_write;
    if (editable) body.set("editable", true);
    if (editable && auth::Can(actor, Action::kCurriculumTemplate, site_id)) body.set("can_template", true);
    // The sections: the refused form's, else as saved, else where a new plan starts from.
    const Sections& shown = draft ? draft->sections : p ? p->sections : l.start.sections;
    auto section = [&](const std::string& key) {
        data d;
        d.set("key", key);
        d.set("label", SectionLabel(ctx, key));
        auto it = shown.find(key);
        if (it != shown.end() && !it->second.empty()) {
            d.set("text", it->second);
            // As tall as its text (a week's plan has a line a day), within reason.
            const auto lines = std::count(it->second.begin(), it->second.end(), '\n') + 2;
            d.set("rows", std::to_string(std::clamp<std::ptrdiff_t>(lines, 3, 12)));
        } else {
            d.set("rows", "3");
        }
        if (draft && p && status == 409) {
            auto theirs = p->sections.find(key);
            if (theirs != p->sections.end() && !theirs->second.empty()) d.set("theirs", theirs->second);
        }
        if (errors.Has("sec_" + key))
            d.set("error", ctx.T(key == "aims" || key == "goal" ? "error_required" : "error_too_long"));
        if (key == "aims" && !p && l.start.source) d.set("from_source", true);
        return d;
    };
    data groups{data::type::list};
    if (t.kind == Kind::kAnnual) {
        data head;
        head.set("sections", data{data::type::list});
        data goal{data::type::list};
        goal.push_back(section("goal"));
        head.set("sections", goal);
        groups.push_back(head);
        for (int term = 1; term <= kTerms; ++term) {
            data g;
            g.set("legend", TermLabel(ctx, term));
            data list{data::type::list};
            for (auto s : kSections) list.push_back(section("t" + std::to_string(term) + "_" + std::string(s)));
            g.set("sections", list);
            groups.push_back(g);
        }
    } else {
        data g;
        data list{data::type::list};
        for (auto s : kSections) list.push_back(section(std::string(s)));
        g.set("sections", list);
        groups.push_back(g);
    }
    body.set("groups", groups);
    if (draft && p && status == 409) body.set("conflict", true);
    if (auto d = ctx.req.query.GetOr("done"); !d.empty()) body.set("done_" + d, true);
    return app::RenderPage(ctx, page_, "curriculum_title", body, status);
}

http::Response Handlers::Save(Ctx& ctx) const {
    auto site_id = app::SiteIdParam(ctx);
    const auto& actor = ctx.RequireAtSite(Action::kCurriculumWrite, site_id);
    const auto& svc = ctx.svc;
    const auto& keys = *svc.config.data_keys;
    const Target t = TargetOf(ctx.form);
    const std::string step_name = ctx.form.GetOr("step", "save");
    if (step_name != "save" && step_name != "submit" && step_name != "template")
        throw http::HttpError(422, "error_choice");
    const bool submit = step_name == "submit";
    const bool as_template = step_name == "template";
    if (as_template && !auth::Can(actor, Action::kCurriculumTemplate, site_id)) throw http::Forbidden();
    // Only the sections of this kind: another name is refused whole (nothing saved).
    const auto known = SectionKeys(t.kind);
    for (const auto& [name, _] : ctx.form.items())
        if (name.starts_with("sec_") && std::find(known.begin(), known.end(), name.substr(4)) == known.end())
            throw http::HttpError(422, "error_curriculum_section");
    app::FormErrors errors;
    Plan draft;
    draft.site = site_id;
    draft.group = t.group;
    draft.child = t.child;
    draft.kind = t.kind;
    draft.period = t.period;
    for (const auto& key : known) {
        const bool required = submit && (key == "aims" || key == "goal");
        auto text = app::TextAreaField(ctx.form, "sec_" + key, errors, required, kMaxSection);
        if (!text.empty()) draft.sections[key] = text;
    }
    auto version = app::IntField(ctx.form, "version", errors, 0, 1000000);
    enum class Result { kSaved, kRefused, kConflict };
    const std::string today = notebook::Today(ctx);
    const auto result = svc.db.Write([&](db::WriteTx& tx) {
        Check(tx, site_id, t, today);
        if (!errors.empty()) return Result::kRefused;
        if (as_template) {
            SaveTemplate(tx, keys, site_id, t.kind, draft.sections, actor.user_id, svc.clock);
            auth::WriteAudit(tx, ctx.Audit("curriculum.template", "site", site_id.value, site_id), svc.clock);
            return Result::kSaved;
        }
        auto existing = Find(tx, keys, t.group, t.kind, t.period, t.child);
        const State from = existing ? existing->state : State::kDraft;
        const Who who = WhoAt(actor, site_id, existing ? &*existing : nullptr, journals::SelfApproval(tx, site_id));
        auto save = journals::Apply(from, journals::Step::kSave, who);
        if (save.refusal == Refusal::kState) throw http::HttpError(409, "error_curriculum_locked");
        if (!save.ok()) throw http::Forbidden();
        if (existing) draft.id = existing->id;
        std::int64_t id = 0;
        if (!curriculum::Save(tx, keys, draft, *version, actor.user_id, svc.clock, id)) return Result::kConflict;
        auth::WriteAudit(tx, ctx.Audit("curriculum.save", "curriculum_plan", id, site_id), svc.clock);
        if (submit) {
            auto next = journals::Apply(from, journals::Step::kSubmit, who);
            if (!next.ok() || !curriculum::Advance(tx, keys, id, from, journals::Step::kSubmit, next.next, "",
                                                   actor.user_id, svc.clock))
                throw http::HttpError(409, "error_journal_state");
            auth::WriteAudit(tx, ctx.Audit("curriculum.submit", "curriculum_plan", id, site_id), svc.clock);
        }
        return Result::kSaved;
    });
    if (result == Result::kRefused) return Render(ctx, site_id, t, errors, 422, &draft);
    if (result == Result::kConflict) {
        errors.Add("version", "error_journal_conflict");
        return Render(ctx, site_id, t, errors, 409, &draft);
    }
    return http::Response::Redirect(PageUrl(site_id, t) + "&done=" +
                                    (as_template ? "template"
                                     : submit    ? "submitted"
                                                 : "saved"));
}

http::Response Handlers::Stamp(Ctx& ctx) const {
    const auto& actor = ctx.RequireActor();
    const auto& svc = ctx.svc;
    const auto& keys = *svc.config.data_keys;
    const auto id = app::IdParam(ctx);
    std::optional<journals::Step> step;
    auto done = svc.db.Write([&](db::WriteTx& tx) {
        auto p = Reachable(tx, keys, actor, id);
        // The rights first, then what was sent.
        if (!auth::Can(actor, Action::kCurriculumWrite, p.site) && !auth::Can(actor, Action::kCurriculumCheck, p.site))
            throw http::Forbidden();
        const auto asked = journals::ReadStampForm(ctx.form);
        step = asked.step;
        auto out = journals::Apply(p.state, *step, WhoAt(actor, p.site, &p, journals::SelfApproval(tx, p.site)));
        journals::RequireStamp(out, asked);
        if (!curriculum::Advance(tx, keys, p.id, p.state, *step, out.next, asked.comment, actor.user_id, svc.clock))
            throw http::HttpError(409, "error_journal_state");
        auth::WriteAudit(
            tx, ctx.Audit("curriculum." + std::string(journals::StepName(*step)), "curriculum_plan", p.id, p.site),
            svc.clock);
        return p;
    });
    return http::Response::Redirect(PageUrl(done.site, TargetOfPlan(done)) +
                                    "&done=" + std::string(journals::StepName(*step)));
}

http::Response Handlers::Pdf(Ctx& ctx) const {
    const auto& actor = ctx.RequireActor();
    const auto& svc = ctx.svc;
    const auto& keys = *svc.config.data_keys;
    const auto id = app::IdParam(ctx);
    struct Loaded {
        Plan plan;
        sites::Site site;
        std::vector<sites::Group> groups;
        std::string child_name;
    };
    auto l = svc.db.Write([&](db::WriteTx& tx) {
        auto p = Reachable(tx, keys, actor, id);
        Loaded l{p, NurseryOf(tx, p.site), sites::ListGroups(tx, p.site, true), ""};
        if (p.child) l.child_name = children::HeadingOf(tx, *p.child).name;
        auth::WriteAudit(tx, ctx.Audit("curriculum.print", "curriculum_plan", p.id, p.site), svc.clock);
        return l;
    });
    ctx.site_kind = l.site.fields.kind;
    const auto& p = l.plan;
    journals::StampedPaper paper;
    paper.title = KindLabel(ctx, p.kind);
    paper.place = l.site.fields.name + "　" + GroupName(l.groups, p.group) + (p.child ? "　" + l.child_name : "");
    paper.subtitle = PeriodLabel(ctx, p.kind, p.period);
    paper.state = journals::StateLabel(ctx, p.state);
    paper.boxes = journals::Boxes(ctx, p.stamps);
    auto text = [&](const std::string& key) {
        auto it = p.sections.find(key);
        return it == p.sections.end() ? std::string() : it->second;
    };
    if (p.kind == Kind::kAnnual) {
        // As the paper form reads: the year's goal, then each section with its four terms.
        paper.sections.push_back({SectionLabel(ctx, "goal"), {{"", text("goal")}}});
        for (auto s : kSections) {
            journals::PrintSection sec{SectionLabel(ctx, std::string(s)), {}};
            for (int term = 1; term <= kTerms; ++term)
                sec.items.emplace_back(TermLabel(ctx, term), text("t" + std::to_string(term) + "_" + std::string(s)));
            paper.sections.push_back(std::move(sec));
        }
    } else {
        for (auto s : kSections)
            paper.sections.push_back({SectionLabel(ctx, std::string(s)), {{"", text(std::string(s))}}});
    }
    return app::Download(journals::PrintStamped(paper, ctx.T("page_of")), "application/pdf",
                         "plan-" + std::to_string(p.id) + "-" + p.period + ".pdf", false);
}

}  // namespace curriculum

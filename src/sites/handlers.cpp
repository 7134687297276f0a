#include "sites/handlers.hpp"

#include "app/validate.hpp"
#include "common/dates.hpp"
#include "common/kana.hpp"
#include "sites/groups.hpp"
#include "sites/sites.hpp"

namespace sites {

using app::Ctx;
using app::FormErrors;
using auth::Action;
using kainjow::mustache::data;

namespace {

constexpr int kWeekdayOrder[] = {1, 2, 3, 4, 5, 6, 0};  // Monday first, as Japanese timetables are

std::pair<SiteInput, FormErrors> ValidateSite(const http::Params& form) {
    FormErrors errors;
    SiteInput in;
    in.kind = form.GetOr("kind");
    if (!IsKind(in.kind)) errors.Add("kind", "error_choose");
    in.name = app::TextField(form, "name", errors, true);
    in.name_kana = app::KanaField(form, "name_kana", errors, false);
    in.address = app::TextField(form, "address", errors, false, 200);
    in.phone = app::PhoneField(form, "phone", errors);
    in.area = app::TextField(form, "area", errors, false, 40);
    if (auto repeat = app::IntField(form, "repeat_scan_seconds", errors, 0, 3600)) in.repeat_scan_seconds = *repeat;
    for (int wd : kWeekdayOrder) {
        std::string o = "open_" + std::to_string(wd), c = "close_" + std::to_string(wd);
        std::string ov = app::Trimmed(form.GetOr(o)), cv = app::Trimmed(form.GetOr(c));
        if (ov.empty() && cv.empty()) continue;
        auto opens = common::ParseTimeOfDay(ov), closes = common::ParseTimeOfDay(cv);
        if (!opens || !closes) {
            errors.Add("hours_" + std::to_string(wd), "error_time");
        } else if (*closes <= *opens) {
            errors.Add("hours_" + std::to_string(wd), "error_closes_before_opens");
        } else {
            in.hours.push_back({wd, *opens, *closes});
        }
    }
    return {std::move(in), std::move(errors)};
}

data KindOptions(const Ctx& ctx, const std::string& selected) {
    data list{data::type::list};
    for (const char* k : kKinds) {
        data d;
        d.set("value", k);
        d.set("label", ctx.T(std::string("site_kind_") + k));
        if (selected == k) d.set("selected", true);
        list.push_back(d);
    }
    return list;
}

// Opening-hours rows for the form: from posted values when re-showing, else from the site.
data HoursRows(const Ctx& ctx, const std::vector<OpeningHours>& hours, const http::Params* posted,
               const FormErrors::Map* errors_by_field) {
    data list{data::type::list};
    for (int wd : kWeekdayOrder) {
        data d;
        std::string w = std::to_string(wd);
        d.set("weekday", w);
        d.set("label", ctx.T("weekday_" + w));
        std::string open, close;
        if (posted) {
            open = posted->GetOr("open_" + w);
            close = posted->GetOr("close_" + w);
        } else {
            for (const auto& h : hours) {
                if (h.weekday == wd) {
                    open = common::FormatTimeOfDay(h.opens);
                    close = common::FormatTimeOfDay(h.closes);
                }
            }
        }
        d.set("open", open);
        d.set("close", close);
        if (errors_by_field) {
            auto it = errors_by_field->find("hours_" + w);
            if (it != errors_by_field->end()) d.set("error", ctx.T(it->second));
        }
        list.push_back(d);
    }
    return list;
}

data SiteData(const Ctx& ctx, const Site& s) {
    data d;
    d.set("id", s.id.ToString());
    d.set("name", s.fields.name);
    d.set("name_kana", s.fields.name_kana);
    d.set("kind", s.fields.kind);
    d.set("kind_label", ctx.T("site_kind_" + s.fields.kind));
    d.set("address", s.fields.address);
    d.set("phone", s.fields.phone);
    d.set("area", s.fields.area);
    d.set("repeat_scan_seconds", std::to_string(s.fields.repeat_scan_seconds));
    d.set("child_count", std::to_string(s.child_count));
    if (!s.active) d.set("inactive", true);
    return d;
}

http::Response RenderForm(Ctx& ctx, const web::TemplateRef& tmpl, const std::optional<Site>& site,
                          const http::Params* posted, const FormErrors& errors, int status) {
    data body = errors.ToData(ctx);
    if (posted) {
        body.set("form", app::FormValues(*posted));
    } else if (site) {
        data f;
        f.set("name", site->fields.name);
        f.set("name_kana", site->fields.name_kana);
        f.set("address", site->fields.address);
        f.set("phone", site->fields.phone);
        f.set("area", site->fields.area);
        f.set("repeat_scan_seconds", std::to_string(site->fields.repeat_scan_seconds));
        body.set("form", f);
    }
    std::string kind = posted ? posted->GetOr("kind") : site ? site->fields.kind : "gakudo";
    body.set("kinds", KindOptions(ctx, kind));
    data areas{data::type::list};
    for (auto& a : ctx.svc.db.Read([](db::ReadTx& tx) { return ListAreas(tx); })) areas.push_back(data(a));
    body.set("areas", areas);
    body.set("hours", HoursRows(ctx, site ? site->fields.hours : std::vector<OpeningHours>{}, posted, &errors.map()));
    if (site) {
        body.set("action", "/sites/" + site->id.ToString());
        body.set("site_id", site->id.ToString());
        body.set("editing", true);
        if (!site->active) body.set("inactive", true);
    } else {
        body.set("action", "/sites");
    }
    return app::RenderPage(ctx, tmpl, site ? "site_edit_title" : "site_new_title", body, status);
}

Site LoadSiteOr404(const Ctx& ctx, common::SiteId id) {
    auto s = ctx.svc.db.Read([&](db::ReadTx& tx) { return GetSite(tx, id); });
    if (!s) throw http::NotFound();
    return *s;
}

}  // namespace

http::Response Handlers::List(Ctx& ctx) const {
    const auto& actor = ctx.Require(Action::kSiteView);
    auto paging = app::ParsePaging(ctx.req);
    SiteFilter filter{actor.Scope(), common::FoldForSearch(ctx.req.query.GetOr("q")),
                      ctx.req.query.GetOr("inactive") == "1"};
    const auto today = common::FormatDate(common::TokyoDate(ctx.svc.clock.Now()));
    auto [rows, total] = ctx.svc.db.Read([&](db::ReadTx& tx) {
        return std::make_pair(ListSites(tx, filter, paging.per_page, paging.Offset(), today), CountSites(tx, filter));
    });
    data body;
    data list{data::type::list};
    for (const auto& s : rows) list.push_back(SiteData(ctx, s));
    body.set("sites", list);
    if (rows.empty()) body.set("empty", true);
    body.set("q", ctx.req.query.GetOr("q"));
    if (filter.include_inactive) body.set("inactive", true);
    body.set("pager", app::PagerData(ctx, paging, total));
    if (auth::Can(actor, Action::kSiteCreate)) body.set("can_create", true);
    return app::RenderPage(ctx, list_, "sites_title", body);
}

http::Response Handlers::View(Ctx& ctx) const {
    auto id = app::SiteIdParam(ctx);
    const auto& actor = ctx.Require(Action::kSiteView, id);
    auto [site, groups] =
        ctx.svc.db.Read([&](db::ReadTx& tx) { return std::make_pair(GetSite(tx, id), ListGroups(tx, id, true)); });
    if (!site) throw http::NotFound();
    data body = SiteData(ctx, *site);
    data hours{data::type::list};
    for (int wd : kWeekdayOrder) {
        data h;
        h.set("label", ctx.T("weekday_" + std::to_string(wd)));
        h.set("text", ctx.T("closed"));
        for (const auto& oh : site->fields.hours) {
            if (oh.weekday == wd) {
                h.set("text", common::FormatTimeOfDay(oh.opens) + "–" + common::FormatTimeOfDay(oh.closes));
            }
        }
        hours.push_back(h);
    }
    body.set("hours", hours);
    data glist{data::type::list};
    for (const auto& g : groups) {
        data d;
        d.set("id", g.id.ToString());
        d.set("name", g.fields.name);
        d.set("kind_label", ctx.T("group_kind_" + g.fields.kind));
        d.set("grade", g.fields.grade ? std::to_string(*g.fields.grade) : "");
        if (!g.active) d.set("inactive", true);
        glist.push_back(d);
    }
    body.set("groups", glist);
    if (groups.empty()) body.set("no_groups", true);
    if (auth::Can(actor, Action::kSiteEdit, id)) body.set("can_edit", true);
    if (auth::Can(actor, Action::kGroupEdit, id)) body.set("can_edit_groups", true);
    if (auth::Can(actor, Action::kLetterIssue, id)) body.set("can_letters", true);
    if (auth::Can(actor, Action::kAttendanceView, id)) body.set("can_roster", true);
    if (KeepsNotebooks(site->fields.kind) && auth::Can(actor, Action::kNotebookView, id))
        body.set("can_notebook", true);
    if (auth::Can(actor, Action::kNoticeView, id)) body.set("can_notices", true);
    if (auth::Can(actor, Action::kMessageSend, id)) body.set("can_messages", true);
    if (auth::Can(actor, Action::kThreadReply, id)) body.set("can_threads", true);
    if (auth::Can(actor, Action::kKioskManage, id)) body.set("can_kiosks", true);
    if (auth::Can(actor, Action::kSiteEdit, id)) body.set("can_schedule", true);
    if (auth::Can(actor, Action::kCardIssue, id)) body.set("can_cards", true);
    return app::RenderPage(ctx, view_, "site_title", body);
}

http::Response Handlers::NewForm(Ctx& ctx) const {
    ctx.Require(Action::kSiteCreate);
    return RenderForm(ctx, form_, std::nullopt, nullptr, {}, 200);
}

http::Response Handlers::Create(Ctx& ctx) const {
    ctx.Require(Action::kSiteCreate);
    auto [in, errors] = ValidateSite(ctx.form);
    if (!errors.empty()) return RenderForm(ctx, form_, std::nullopt, &ctx.form, errors, 422);
    auto id = ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto city = EnsureCity(tx, "tadaima", ctx.svc.clock);
        auto id = InsertSite(tx, city, in, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit("site.create", "site", id.value, id), ctx.svc.clock);
        return id;
    });
    return http::Response::Redirect("/sites/" + id.ToString() + "?notice=saved");
}

http::Response Handlers::EditForm(Ctx& ctx) const {
    auto id = app::SiteIdParam(ctx);
    ctx.Require(Action::kSiteEdit, id);
    return RenderForm(ctx, form_, LoadSiteOr404(ctx, id), nullptr, {}, 200);
}

http::Response Handlers::Update(Ctx& ctx) const {
    auto id = app::SiteIdParam(ctx);
    ctx.Require(Action::kSiteEdit, id);
    auto site = LoadSiteOr404(ctx, id);
    auto [in, errors] = ValidateSite(ctx.form);
    if (!errors.empty()) return RenderForm(ctx, form_, site, &ctx.form, errors, 422);
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        UpdateSite(tx, id, in, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit("site.update", "site", id.value, id), ctx.svc.clock);
    });
    return http::Response::Redirect("/sites/" + id.ToString() + "?notice=saved");
}

http::Response Handlers::SetActive(Ctx& ctx, bool active) const {
    auto id = app::SiteIdParam(ctx);
    ctx.Require(Action::kSiteCreate);  // closing or reopening a site is the city's decision
    LoadSiteOr404(ctx, id);
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        SetSiteActive(tx, id, active, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit(active ? "site.reactivate" : "site.deactivate", "site", id.value, id),
                         ctx.svc.clock);
    });
    return http::Response::Redirect("/sites/" + id.ToString() + "?notice=" + (active ? "reactivated" : "deactivated"));
}

namespace {

std::pair<GroupInput, FormErrors> ValidateGroup(const http::Params& form) {
    FormErrors errors;
    GroupInput in;
    in.kind = form.GetOr("kind");
    if (!IsGroupKind(in.kind)) errors.Add("kind", "error_choose");
    in.name = app::TextField(form, "name", errors, true, 50);
    in.grade = app::IntField(form, "grade", errors, 0, 9);
    if (in.kind == "grade" && !in.grade && !errors.Has("grade")) errors.Add("grade", "error_required");
    return {std::move(in), std::move(errors)};
}

http::Response RenderGroupForm(Ctx& ctx, const web::TemplateRef& tmpl, const Site& site,
                               const std::optional<Group>& group, const http::Params* posted, const FormErrors& errors,
                               int status) {
    data body = errors.ToData(ctx);
    std::string kind = posted ? posted->GetOr("kind") : group ? group->fields.kind : "grade";
    if (posted) {
        body.set("form", app::FormValues(*posted));
    } else if (group) {
        data f;
        f.set("name", group->fields.name);
        f.set("grade", group->fields.grade ? std::to_string(*group->fields.grade) : "");
        body.set("form", f);
    }
    data kinds{data::type::list};
    for (const char* k : kGroupKinds) {
        data d;
        d.set("value", k);
        d.set("label", ctx.T(std::string("group_kind_") + k));
        if (kind == k) d.set("selected", true);
        kinds.push_back(d);
    }
    body.set("kinds", kinds);
    body.set("site_id", site.id.ToString());
    body.set("site_name", site.fields.name);
    if (group) {
        body.set("action", "/groups/" + group->id.ToString());
        body.set("group_id", group->id.ToString());
        body.set("editing", true);
        if (!group->active) body.set("inactive", true);
    } else {
        body.set("action", "/sites/" + site.id.ToString() + "/groups");
    }
    return app::RenderPage(ctx, tmpl, group ? "group_edit_title" : "group_new_title", body, status);
}

Group LoadGroupOr404(const Ctx& ctx, common::GroupId id) {
    auto g = ctx.svc.db.Read([&](db::ReadTx& tx) { return GetGroup(tx, id); });
    if (!g) throw http::NotFound();
    return *g;
}

}  // namespace

http::Response Handlers::NewGroupForm(Ctx& ctx) const {
    auto id = app::SiteIdParam(ctx);
    ctx.Require(Action::kGroupEdit, id);
    return RenderGroupForm(ctx, group_form_, LoadSiteOr404(ctx, id), std::nullopt, nullptr, {}, 200);
}

http::Response Handlers::CreateGroup(Ctx& ctx) const {
    auto id = app::SiteIdParam(ctx);
    ctx.Require(Action::kGroupEdit, id);
    auto site = LoadSiteOr404(ctx, id);
    auto [in, errors] = ValidateGroup(ctx.form);
    if (!errors.empty()) return RenderGroupForm(ctx, group_form_, site, std::nullopt, &ctx.form, errors, 422);
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto gid = InsertGroup(tx, id, in, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit("group.create", "group", gid.value, id), ctx.svc.clock);
    });
    return http::Response::Redirect("/sites/" + id.ToString() + "?notice=saved");
}

http::Response Handlers::EditGroupForm(Ctx& ctx) const {
    auto group = LoadGroupOr404(ctx, common::GroupId(app::IdParam(ctx)));
    ctx.Require(Action::kGroupEdit, group.site_id);
    return RenderGroupForm(ctx, group_form_, LoadSiteOr404(ctx, group.site_id), group, nullptr, {}, 200);
}

http::Response Handlers::UpdateGroup(Ctx& ctx) const {
    auto group = LoadGroupOr404(ctx, common::GroupId(app::IdParam(ctx)));
    ctx.Require(Action::kGroupEdit, group.site_id);
    auto [in, errors] = ValidateGroup(ctx.form);
    if (!errors.empty()) {
        return RenderGroupForm(ctx, group_form_, LoadSiteOr404(ctx, group.site_id), group, &ctx.form, errors, 422);
    }
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        sites::UpdateGroup(tx, group.id, in, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit("group.update", "group", group.id.value, group.site_id), ctx.svc.clock);
    });
    return http::Response::Redirect("/sites/" + group.site_id.ToString() + "?notice=saved");
}

http::Response Handlers::SetGroupActive(Ctx& ctx, bool active) const {
    auto group = LoadGroupOr404(ctx, common::GroupId(app::IdParam(ctx)));
    ctx.Require(Action::kGroupEdit, group.site_id);
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        sites::SetGroupActive(tx, group.id, active, ctx.svc.clock);
        auth::WriteAudit(
            tx, ctx.Audit(active ? "group.reactivate" : "group.deactivate", "group", group.id.value, group.site_id),
            ctx.svc.clock);
    });
    return http::Response::Redirect("/sites/" + group.site_id.ToString() + "?notice=saved");
}

kainjow::mustache::data GroupOptions(const std::vector<Group>& groups, std::optional<common::GroupId> selected) {
    kainjow::mustache::data list{kainjow::mustache::data::type::list};
    for (const auto& g : groups) {
        kainjow::mustache::data d;
        d.set("id", g.id.ToString());
        d.set("name", g.fields.name);
        if (selected && *selected == g.id) d.set("selected", true);
        list.push_back(d);
    }
    return list;
}

}  // namespace sites

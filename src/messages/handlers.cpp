#include "messages/handlers.hpp"

#include <algorithm>
#include <set>

#include "app/app.hpp"
#include "app/validate.hpp"
#include "auth/audit.hpp"
#include "common/dates.hpp"
#include "families/mails.hpp"
#include "guardians/handlers.hpp"
#include "http/errors.hpp"
#include "messages/messages.hpp"
#include "notify/notify.hpp"
#include "notify/render.hpp"
#include "rights/rights.hpp"
#include "sites/sites.hpp"

namespace messages {

using app::Ctx;
using auth::Action;
using kainjow::mustache::data;

namespace {

std::string Today(const Ctx& ctx) { return common::FormatDate(common::TokyoDate(ctx.svc.clock.Now())); }

std::string Stamp(const Ctx& ctx, const std::string& instant) {
    return notify::InstantWords(ctx.svc.catalogue, ctx.lang, instant);
}

std::string Base(std::optional<common::SiteId> site) {
    return site ? "/sites/" + site->ToString() + "/messages" : "/city/messages";
}

// Who may see a message's page: its site's staff, or for the city's the municipal admins.
const auth::Actor& RequireForMessage(Ctx& ctx, const Message& m) {
    if (m.site) return ctx.RequireAtSite(Action::kMessageSend, *m.site);
    return ctx.Require(Action::kMessageCity);
}

std::optional<Message> Find(Ctx& ctx) {
    common::MessageId id(app::IdParam(ctx));
    return ctx.svc.db.Read([&](db::ReadTx& tx) { return Get(tx, id); });
}

// "1.2 MB", "340 KB"
std::string Size(std::int64_t bytes) {
    char buf[32];
    if (bytes >= 1024 * 1024) {
        std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    } else {
        std::snprintf(buf, sizeof buf, "%lld KB", static_cast<long long>((bytes + 1023) / 1024));
    }
    return buf;
}

data FilesData(const std::vector<AttachmentInfo>& files, const std::string& base) {
    data list{data::type::list};
    for (const auto& f : files) {
        data d;
        d.set("name", f.filename);
        d.set("size", Size(f.size));
        d.set("url", base + f.id.ToString());
        list.push_back(d);
    }
    return list;
}

// The PDF to the browser: shown in its viewer, named as uploaded (RFC 6266 / RFC 8187 for a Japanese name).
http::Response PdfResponse(const Attachment& a, common::AttachmentId id) {
    http::Response res;
    res.body = a.content;
    res.content_type = "application/pdf";
    std::string encoded;
    for (unsigned char c : a.filename) {
        if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
            encoded += static_cast<char>(c);
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            encoded += buf;
        }
    }
    res.SetHeader("Content-Disposition",
                  "inline; filename=\"file-" + id.ToString() + ".pdf\"; filename*=UTF-8''" + encoded);
    res.SetHeader("Cache-Control", "private, no-store");
    return res;
}

std::vector<std::int64_t> Ids(const std::vector<std::string>& values) {
    std::vector<std::int64_t> out;
    for (const auto& v : values) {
        if (auto id = app::ParseId(v)) out.push_back(*id);
    }
    return out;
}

// The audience a form (or a query) chose: its scope and the ids of that scope's targets.
std::pair<std::optional<Scope>, std::vector<std::int64_t>> ChosenAudience(const http::Params& p) {
    auto scope = ParseScope(p.GetOr("scope"));
    return {scope, Ids(p.GetAll(std::string(TargetField(scope.value_or(Scope::kSite)))))};
}

// Who a message reaches, for the sender before it goes: the numbers, and the families it cannot reach with their
// guardians' phone numbers (for a call or a letter).
data ReachData(const Ctx& ctx, const Reach& r, const std::string& list_url) {
    data d;
    auto n = [](int v) { return std::to_string(v); };
    d.set("sites", n(r.sites));
    d.set("children", n(r.children));
    d.set("families", n(r.families));
    d.set("members", n(r.members));
    d.set("by_mail", n(r.by_mail));
    d.set("by_push", n(r.by_push));
    d.set("inbox_only", n(r.inbox_only));
    d.set("unreached_count", n(r.unreached_count));
    if (r.unreached_count > 0) d.set("has_unreached", true);
    if (r.inbox_only > 0) d.set("has_inbox_only", true);
    if (r.children == 0) d.set("nobody", true);
    if (r.sites > 1) d.set("many_sites", true);
    d.set("list_url", list_url);
    data list{data::type::list};
    for (const auto& u : r.unreached) {
        data row;
        row.set("child", u.child.ToString());
        row.set("name", u.child_name);
        row.set("site", u.site_name);
        row.set("guardians", guardians::PhoneList(ctx, u.guardians, false));
        list.push_back(row);
    }
    d.set("unreached", list);
    return d;
}

// The reach page's address for an audience (the same query the compose form sends).
std::string ReachUrl(std::optional<common::SiteId> site, Scope scope, const std::vector<std::int64_t>& targets,
                     bool emergency) {
    std::string url = Base(site) + "/reach?scope=" + std::string(ScopeName(scope));
    for (auto t : targets) url += "&" + std::string(TargetField(scope)) + "=" + std::to_string(t);
    if (emergency) url += "&emergency=1";
    return url;
}

data MessageRow(const Ctx& ctx, const Message& m) {
    data d;
    d.set("id", m.id.ToString());
    d.set("subject", m.subject);
    d.set("author", m.author_name);
    d.set("when", Stamp(ctx, m.sent_at.value_or(m.send_at)));
    d.set("state", m.state);
    d.set("state_label", ctx.T("message_state_" + m.state));
    d.set("recipients", std::to_string(m.recipients));
    d.set("read", std::to_string(m.read));
    d.set("delivered", std::to_string(m.delivered));
    d.set("failed", std::to_string(m.failed));
    if (m.failed > 0) d.set("has_failed", true);
    if (m.emergency) d.set("emergency", true);
    return d;
}

}  // namespace

http::Response Handlers::RenderList(Ctx& ctx, std::optional<common::SiteId> site) const {
    auto paging = app::ParsePaging(ctx.req);
    data rows{data::type::list};
    std::int64_t total = 0;
    std::string site_name;
    ctx.svc.db.Read([&](db::ReadTx& tx) {
        if (site) {
            auto s = sites::GetSite(tx, *site);
            if (!s) throw http::NotFound();
            site_name = s->fields.name;
        }
        total = Count(tx, site);
        for (const auto& m : List(tx, site, paging.per_page, paging.Offset())) rows.push_back(MessageRow(ctx, m));
    });
    data body;
    body.set("rows", rows);
    if (total == 0) body.set("empty", true);
    body.set("base", Base(site));
    body.set("heading", site ? site_name : ctx.T("message_city"));
    if (site) {
        body.set("site_id", site->ToString());
        body.set("is_site", true);
    }
    body.set("pager", app::PagerData(ctx, paging, total));
    return app::RenderPage(ctx, list_, "messages_title", body);
}

http::Response Handlers::SiteList(Ctx& ctx) const {
    auto site = app::SiteIdParam(ctx);
    ctx.RequireAtSite(Action::kMessageSend, site);
    return RenderList(ctx, site);
}

http::Response Handlers::CityList(Ctx& ctx) const {
    ctx.Require(Action::kMessageCity);
    return RenderList(ctx, std::nullopt);
}

http::Response Handlers::RenderCompose(Ctx& ctx, std::optional<common::SiteId> site, const app::FormErrors& errors,
                                       int status) const {
    const bool from_form = !errors.empty();
    const auto scope = from_form ? ctx.form.GetOr("scope") : std::string(site ? "site" : "all");
    std::set<std::string> chosen;
    for (const char* name : {"grade", "group", "child", "site"}) {
        for (const auto& v : ctx.form.GetAll(name)) chosen.insert(std::string(name) + ":" + v);
    }
    auto options = [&](const char* name, const std::vector<Option>& opts) {
        data list{data::type::list};
        for (const auto& o : opts) {
            data d;
            d.set("value", std::to_string(o.id));
            d.set("label", o.name);
            d.set("name", std::string(name));
            if (chosen.count(std::string(name) + ":" + std::to_string(o.id))) d.set("checked", true);
            list.push_back(d);
        }
        return list;
    };
    data body = errors.ToData(ctx);
    body.set("form", app::FormValues(ctx.form));
    body.set("action", Base(site));
    std::string heading;
    ctx.svc.db.Read([&](db::ReadTx& tx) {
        if (site) {
            auto s = sites::GetSite(tx, *site);
            if (!s) throw http::NotFound();
            heading = s->fields.name;
            std::vector<Option> grades;
            for (int g = 1; g <= 6; ++g)
                grades.push_back({g, families::Fill(ctx.T("message_grade_n"), {{"n", std::to_string(g)}})});
            body.set("grades", options("grade", grades));
            auto groups = GroupsAt(tx, *site);
            body.set("groups", options("group", groups));
            if (!groups.empty()) body.set("has_groups", true);
            body.set("children", options("child", ChildrenAt(tx, *site, Today(ctx))));
            body.set("is_site", true);
        } else {
            heading = ctx.T("message_city");
            std::vector<Option> all;
            for (const auto& s : sites::ListSiteOptions(tx, common::SiteScope{})) all.push_back({s.id.value, s.name});
            body.set("sites", options("site", all));
        }
    });
    body.set("heading", heading);
    // Who it reaches as chosen so far (the page's script asks again as the choice changes).
    {
        auto [chosen_scope, targets] = ChosenAudience(ctx.form);
        const Scope sc = from_form && chosen_scope ? *chosen_scope : (site ? Scope::kSite : Scope::kAll);
        if (!from_form) targets.clear();
        const bool urgent = ctx.form.GetOr("emergency") == "1";
        auto reach =
            ctx.svc.db.Read([&](db::ReadTx& tx) { return ReachOf(tx, site, sc, targets, urgent, Today(ctx), false); });
        data r = ReachData(ctx, reach, ReachUrl(site, sc, targets, urgent));
        r.set("reach_base", Base(site) + "/reach");
        body.set("reach", r);
    }
    ctx.scripts.push_back(ctx.svc.assets.Url("messages.js"));
    for (const char* s : {"site", "grade", "group", "children", "sites", "all"}) {
        if (scope == s) body.set(std::string("scope_") + s, true);
    }
    if (ctx.form.GetOr("emergency") == "1") body.set("emergency", true);
    body.set("max_files", std::to_string(kMaxAttachments));
    body.set("max_size", Size(kMaxAttachmentBytes));
    return app::RenderPage(ctx, compose_, "message_new_title", body, status);
}

http::Response Handlers::SiteNew(Ctx& ctx) const {
    auto site = app::SiteIdParam(ctx);
    ctx.RequireAtSite(Action::kMessageSend, site);
    return RenderCompose(ctx, site, {}, 200);
}

http::Response Handlers::CityNew(Ctx& ctx) const {
    ctx.Require(Action::kMessageCity);
    return RenderCompose(ctx, std::nullopt, {}, 200);
}

http::Response Handlers::Create(Ctx& ctx, std::optional<common::SiteId> site) const {
    const auto& actor = ctx.RequireActor();
    Draft d;
    d.site = site;
    d.author = actor.user_id;
    app::FormErrors errors;
    auto scope = ParseScope(ctx.form.GetOr("scope"));
    if (!scope) {
        errors.Add("scope", "error_message_scope");
    } else {
        d.scope = *scope;
    }
    d.targets = Ids(ctx.form.GetAll(std::string(TargetField(d.scope))));
    d.subject = app::Trimmed(ctx.form.GetOr("subject"));
    d.body = ctx.form.GetOr("body");
    d.emergency = ctx.form.GetOr("emergency") == "1";
    const auto date = app::Trimmed(ctx.form.GetOr("send_date"));
    const auto time = app::Trimmed(ctx.form.GetOr("send_time"));
    if (!date.empty() || !time.empty()) {
        auto day = common::ParseDate(date);
        auto minutes = common::ParseTimeOfDay(time);
        if (!day) errors.Add("send_date", date.empty() ? "error_message_send_both" : "error_date");
        if (!minutes) errors.Add("send_time", time.empty() ? "error_message_send_both" : "error_time_of_day");
        if (day && minutes) d.send_at = common::TokyoInstant(*day, *minutes);
    }
    for (const auto& f : ctx.files) {
        if (f.name != "files" || !f.filename || (f.filename->empty() && f.data.empty())) continue;
        d.attachments.push_back({*f.filename, f.data});
    }
    // An emergency to every family of several sites goes only when the sender says they mean it.
    if (d.emergency && CityScope(d.scope) && ctx.form.GetOr("confirm_city") != "1")
        errors.Add("confirm_city", "error_message_confirm_city");
    auto problems = ctx.svc.db.Read([&](db::ReadTx& tx) { return Check(tx, d, ctx.svc.clock); });
    // A time too early or too far is shown beside the date.
    for (auto& [field, key] : problems) errors.Add(field == "send_at" ? "send_date" : field, key);
    if (!errors.empty()) return RenderCompose(ctx, site, errors, 422);
    auto id = ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto id = messages::Create(tx, d, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit("message.create", "message", id.value, site), ctx.svc.clock);
        return id;
    });
    return http::Response::Redirect("/messages/" + id.ToString() + "?notice=" + (d.send_at ? "scheduled" : "sent"),
                                    303);
}

http::Response Handlers::RenderReach(Ctx& ctx, std::optional<common::SiteId> site) const {
    auto [scope, targets] = ChosenAudience(ctx.req.query);
    const Scope sc = scope.value_or(site ? Scope::kSite : Scope::kAll);
    // A site writes to its own families; the city to sites.
    if (CityScope(sc) == site.has_value()) throw http::HttpError(422, "error_message_scope");
    const bool urgent = ctx.req.query.GetOr("emergency") == "1";
    auto reach = ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto r = ReachOf(tx, site, sc, targets, urgent, Today(ctx), true);
        // The page names the families it cannot reach and their guardians' phone numbers.
        auth::WriteAudit(tx, ctx.Audit("message.reach", site ? "site" : "city", site ? site->value : 0, site),
                         ctx.svc.clock);
        return r;
    });
    data body;
    body.set("reach", ReachData(ctx, reach, ReachUrl(site, sc, targets, urgent)));
    body.set("back", Base(site) + "/new");
    return app::RenderPage(ctx, reach_, "message_reach_title", body);
}

http::Response Handlers::SiteReach(Ctx& ctx) const {
    auto site = app::SiteIdParam(ctx);
    ctx.RequireAtSite(Action::kMessageSend, site);
    return RenderReach(ctx, site);
}

http::Response Handlers::CityReach(Ctx& ctx) const {
    ctx.Require(Action::kMessageCity);
    return RenderReach(ctx, std::nullopt);
}

http::Response Handlers::SiteCreate(Ctx& ctx) const {
    auto site = app::SiteIdParam(ctx);
    ctx.RequireAtSite(Action::kMessageSend, site);
    // A site's staff write within their site; the city's scopes are the city's.
    return Create(ctx, site);
}

http::Response Handlers::CityCreate(Ctx& ctx) const {
    ctx.Require(Action::kMessageCity);
    return Create(ctx, std::nullopt);
}

http::Response Handlers::Show(Ctx& ctx) const {
    auto m = Find(ctx);
    if (!m) throw http::NotFound();
    RequireForMessage(ctx, *m);
    std::vector<AttachmentInfo> files;
    std::vector<Unread> unread;
    std::vector<std::string> targets;
    std::vector<SiteNotice> notices;
    std::optional<Reach> reach;
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        // Families the message could not reach (no family member with the app), for a call or paper.
        if (m->state == "sent") {
            reach = ReachOf(tx, m->site, m->scope, m->targets, m->emergency, Today(ctx), true);
            // The page names those families and their guardians' phone numbers.
            if (!reach->unreached.empty())
                auth::WriteAudit(tx, ctx.Audit("message.reach", "message", m->id.value, m->site), ctx.svc.clock);
        }
        files = Attachments(tx, m->id);
        unread = NotRead(tx, m->id, 500);
        notices = NoticesOf(tx, m->id);
        targets = TargetNames(tx, *m);
        auth::WriteAudit(tx, ctx.Audit("message.view", "message", m->id.value, m->site), ctx.svc.clock);
    });
    data body = MessageRow(ctx, *m);
    body.set("body", m->body);
    body.set("base", Base(m->site));
    body.set("files", FilesData(files, "/messages/" + m->id.ToString() + "/files/"));
    std::string audience = ctx.T("message_scope_" + std::string(ScopeName(m->scope)));
    if (!targets.empty()) {
        std::string names;
        for (const auto& t : targets) {
            names += names.empty() ? "" : ctx.T("p_comma");
            names += m->scope == Scope::kGrade ? families::Fill(ctx.T("message_grade_n"), {{"n", t}}) : t;
        }
        audience += ctx.T("p_colon") + names;
    }
    body.set("audience", audience);
    body.set("send_at", Stamp(ctx, m->send_at));
    if (m->state == "scheduled") body.set("scheduled", true);
    if (m->reminded_at) body.set("reminded_at", Stamp(ctx, *m->reminded_at));
    data rows{data::type::list};
    for (const auto& u : unread) {
        data r;
        r.set("name", u.account_name);
        r.set("children", u.children);
        r.set("site", u.site_name);
        rows.push_back(r);
    }
    body.set("unread", rows);
    if (reach) body.set("reach", ReachData(ctx, *reach, ReachUrl(m->site, m->scope, m->targets, m->emergency)));
    // Sent, but the sites' shares not yet made (a few seconds): not "0 recipients".
    if (m->state == "sent" && notices.empty() && m->recipients == 0) body.set("preparing", true);
    data sites{data::type::list};
    for (const auto& n : notices) {
        data r;
        r.set("id", n.notification.ToString());
        r.set("site", n.site_name);
        sites.push_back(r);
    }
    body.set("notices", sites);
    if (!notices.empty()) body.set("has_notices", true);
    body.set("unread_count", std::to_string(m->recipients - m->read));
    if (m->state == "sent" && m->recipients > m->read) body.set("can_remind", true);
    if (m->state == "sent" && m->recipients == m->read && m->recipients > 0) body.set("all_read", true);
    if (!m->site) body.set("city", true);
    return app::RenderPage(ctx, detail_, "message_title", body);
}

http::Response Handlers::Remind(Ctx& ctx) const {
    auto m = Find(ctx);
    if (!m) throw http::NotFound();
    RequireForMessage(ctx, *m);
    int n = ctx.svc.db.Write([&](db::WriteTx& tx) {
        int n = notify::RemindUnread(tx, m->id, ctx.svc.clock);
        if (n > 0) {
            tx.Exec("UPDATE message SET reminded_at = ? WHERE id = ?", common::FormatInstant(ctx.svc.clock.Now()),
                    m->id);
        }
        auth::WriteAudit(tx, ctx.Audit("message.remind", "message", m->id.value, m->site), ctx.svc.clock);
        return n;
    });
    return http::Response::Redirect("/messages/" + m->id.ToString() + "?notice=" + (n > 0 ? "reminded" : "none_unread"),
                                    303);
}

http::Response Handlers::CancelSend(Ctx& ctx) const {
    auto m = Find(ctx);
    if (!m) throw http::NotFound();
    RequireForMessage(ctx, *m);
    // Cancelling twice is no error (a double click); a message already sent cannot be called back.
    if (m->state == "cancelled")
        return http::Response::Redirect("/messages/" + m->id.ToString() + "?notice=cancelled", 303);
    bool cancelled = ctx.svc.db.Write([&](db::WriteTx& tx) {
        bool done = Cancel(tx, m->id, ctx.svc.clock);
        if (done) auth::WriteAudit(tx, ctx.Audit("message.cancel", "message", m->id.value, m->site), ctx.svc.clock);
        return done;
    });
    if (!cancelled) throw http::HttpError(409, "error_message_not_scheduled");
    return http::Response::Redirect("/messages/" + m->id.ToString() + "?notice=cancelled", 303);
}

http::Response Handlers::StaffFile(Ctx& ctx) const {
    auto m = Find(ctx);
    if (!m) throw http::NotFound();
    RequireForMessage(ctx, *m);
    common::AttachmentId file(app::IdParam(ctx, "file"));
    auto a = ctx.svc.db.Read([&](db::ReadTx& tx) { return LoadAttachment(tx, m->id, file); });
    if (!a) throw http::NotFound();
    return PdfResponse(*a, file);
}

http::Response Handlers::Threads(Ctx& ctx) const {
    auto site = app::SiteIdParam(ctx);
    ctx.RequireAtSite(Action::kThreadReply, site);
    auto paging = app::ParsePaging(ctx.req);
    data rows{data::type::list};
    bool empty = true;
    std::string site_name;
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto s = sites::GetSite(tx, site);
        if (!s) throw http::NotFound();
        site_name = s->fields.name;
        for (const auto& t : SiteThreads(tx, site, paging.per_page, paging.Offset())) {
            data d;
            d.set("id", t.id.ToString());
            d.set("child", t.child_name);
            d.set("when", Stamp(ctx, t.last_post_at));
            if (t.waiting) d.set("waiting", true);
            rows.push_back(d);
            empty = false;
        }
        auth::WriteAudit(tx, ctx.Audit("thread.list", "site", site.value, site), ctx.svc.clock);
    });
    data body;
    body.set("site_id", site.ToString());
    body.set("site_name", site_name);
    body.set("rows", rows);
    if (empty) body.set("empty", true);
    return app::RenderPage(ctx, threads_, "threads_title", body);
}

namespace {

data PostsData(const Ctx& ctx, const std::vector<Post>& posts) {
    data list{data::type::list};
    for (const auto& p : posts) {
        data d;
        d.set("author", p.author_name);
        d.set("body", p.body);
        d.set("when", Stamp(ctx, p.created_at));
        d.set("side", p.from_family ? "family" : "staff");
        d.set("side_label", ctx.T(p.from_family ? "thread_from_family" : "thread_from_site"));
        list.push_back(d);
    }
    return list;
}

std::string PostBody(const Ctx& ctx, app::FormErrors& errors) {
    auto body = ctx.form.GetOr("body");
    if (body.find_first_not_of(" \t\r\n") == std::string::npos) errors.Add("body", "error_required");
    if (app::CharCount(body) > kMaxBodyChars) errors.Add("body", "error_message_body_long");
    return body;
}

}  // namespace

// The conversation a staff member may see (else 404 or 403), and its page: read (audited) or shown again with the
// errors of an answer.
// The site's own conversation: read by its staff, also after the child left; answered only while the child is there.
std::optional<messages::Thread> Handlers::FindThreadFor(Ctx& ctx, bool answer) const {
    common::ThreadId id(app::IdParam(ctx));
    const auto& actor = ctx.RequireActor();
    auto t = ctx.svc.db.Read([&](db::ReadTx& tx) {
        auto t = GetThread(tx, id);
        if (t) {
            rights::RequireAtSite(tx, actor, Action::kThreadReply, t->site, t->child,
                                  common::FormatDate(common::TokyoDate(ctx.svc.clock.Now())), answer);
        }
        return t;
    });
    if (!t) throw http::NotFound();
    return t;
}

http::Response Handlers::RenderThread(Ctx& ctx, const messages::Thread& t, const app::FormErrors& errors,
                                      int status) const {
    auto posts = ctx.svc.db.Write([&](db::WriteTx& tx) {
        if (errors.empty())
            auth::WriteAudit(tx, ctx.Audit("thread.view", "child", t.child.value, t.site), ctx.svc.clock);
        return Posts(tx, t.id);
    });
    data body = errors.ToData(ctx);
    body.set("id", t.id.ToString());
    body.set("site_id", t.site.ToString());
    body.set("child", t.child_name);
    body.set("child_id", t.child.ToString());
    body.set("posts", PostsData(ctx, posts));
    body.set("form", app::FormValues(ctx.form));
    return app::RenderPage(ctx, thread_, "thread_title", body, status);
}

http::Response Handlers::Thread(Ctx& ctx) const { return RenderThread(ctx, *FindThreadFor(ctx, false), {}, 200); }

http::Response Handlers::Reply(Ctx& ctx) const {
    auto t = FindThreadFor(ctx, true);
    const auto& actor = *ctx.actor;
    app::FormErrors errors;
    auto text = PostBody(ctx, errors);
    if (!errors.empty()) return RenderThread(ctx, *t, errors, 422);
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        PostFromStaff(tx, t->id, actor.user_id, text, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit("thread.reply", "child", t->child.value, t->site), ctx.svc.clock);
    });
    return http::Response::Redirect("/threads/" + t->id.ToString() + "?notice=sent", 303);
}

// Families

void AddMessageExtras(Ctx& ctx, common::RecipientId copy, const std::optional<common::MessageId>& message,
                      common::SiteId site, data& body) {
    const auto& g = ctx.RequireGuardian();
    auto [files, sites] = ctx.svc.db.Read([&](db::ReadTx& tx) {
        std::vector<AttachmentInfo> files;
        if (message) files = Attachments(tx, *message);
        // Their children at the sending site, to write back about.
        std::vector<std::pair<common::ChildId, std::string>> kids;
        for (const auto& [child, role] : g.children) {
            for (const auto& [s, name] : SitesOfChild(tx, child, Today(ctx))) {
                if (s != site) continue;
                auto r = tx.QueryOne("SELECT family_name || ' ' || given_name FROM child WHERE id = ?", child);
                kids.emplace_back(child, r.Text(0));
            }
        }
        return std::pair{files, kids};
    });
    body.set("files", FilesData(files, "/family/inbox/" + copy.ToString() + "/files/"));
    data replies{data::type::list};
    for (const auto& [child, name] : sites) {
        data d;
        d.set("url", "/family/children/" + child.ToString() + "/messages?site=" + site.ToString());
        d.set("label", families::Fill(ctx.T("thread_write_about"), {{"child", name}}));
        replies.push_back(d);
    }
    body.set("replies", replies);
}

http::Response Handlers::FamilyFile(Ctx& ctx) const {
    const auto& g = ctx.RequireGuardian();
    common::RecipientId copy(app::IdParam(ctx));
    common::AttachmentId file(app::IdParam(ctx, "file"));
    auto a = ctx.svc.db.Read([&](db::ReadTx& tx) -> std::optional<Attachment> {
        // Only through their own copy of the message.
        auto item = notify::GetInboxItem(tx, g.account_id, copy);
        if (!item || !item->notification.message) return std::nullopt;
        return LoadAttachment(tx, *item->notification.message, file);
    });
    if (!a) throw http::NotFound();
    return PdfResponse(*a, file);
}

http::Response Handlers::RenderFamilyThread(Ctx& ctx, const app::FormErrors& errors, int status) const {
    ctx.family_page = true;
    ctx.RequireGuardian();  // signed out: to the sign-in page, whatever the address
    common::ChildId child(app::IdParam(ctx));
    ctx.RequireFamily(auth::FamilyAction::kChildView, child);
    auto site_param = app::ParseId(ctx.req.query.GetOr("site"));
    data body = errors.ToData(ctx);
    body.set("form", app::FormValues(ctx.form));
    // Absences go through the contact form, for those who may send one; a family member writes them here.
    body.set("write_hint",
             ctx.T(ctx.guardian->Can(auth::FamilyAction::kAbsenceReport, child) ? "thread_write_hint"
                                                                                : "thread_write_hint_family"));
    ctx.svc.db.Read([&](db::ReadTx& tx) {
        auto sites = SitesOfChild(tx, child, Today(ctx));
        if (sites.empty()) throw http::NotFound();
        auto chosen = sites.front();
        for (const auto& s : sites) {
            if (site_param && s.first.value == *site_param) chosen = s;
        }
        auto name = tx.QueryOne("SELECT family_name || ' ' || given_name FROM child WHERE id = ?", child).Text(0);
        body.set("child", name);
        body.set("child_id", child.ToString());
        body.set("site_id", chosen.first.ToString());
        body.set("site_name", chosen.second);
        data others{data::type::list};
        for (const auto& s : sites) {
            if (s.first == chosen.first) continue;
            data d;
            d.set("url", "/family/children/" + child.ToString() + "/messages?site=" + s.first.ToString());
            d.set("name", s.second);
            others.push_back(d);
        }
        body.set("other_sites", others);
        std::vector<Post> posts;
        if (auto t = FindThread(tx, chosen.first, child)) posts = Posts(tx, t->id);
        body.set("posts", PostsData(ctx, posts));
        if (posts.empty()) body.set("empty", true);
    });
    return app::RenderPage(ctx, family_thread_, "thread_title", body, status);
}

http::Response Handlers::FamilyThread(Ctx& ctx) const { return RenderFamilyThread(ctx, {}, 200); }

http::Response Handlers::FamilyPost(Ctx& ctx) const {
    ctx.family_page = true;
    ctx.RequireGuardian();
    common::ChildId child(app::IdParam(ctx));
    const auto& g = ctx.RequireFamily(auth::FamilyAction::kChildView, child);
    auto site = app::ParseId(ctx.form.GetOr("site"));
    app::FormErrors errors;
    auto text = PostBody(ctx, errors);
    auto sites = ctx.svc.db.Read([&](db::ReadTx& tx) { return SitesOfChild(tx, child, Today(ctx)); });
    auto at = std::find_if(sites.begin(), sites.end(), [&](const auto& s) { return site && s.first.value == *site; });
    if (at == sites.end()) throw http::BadRequest("error_thread_site");
    if (!errors.empty()) {
        ctx.req.query.Add("site", at->first.ToString());
        return RenderFamilyThread(ctx, errors, 422);
    }
    ctx.svc.db.Write([&](db::WriteTx& tx) { PostFromFamily(tx, at->first, child, g.account_id, text, ctx.svc.clock); });
    return http::Response::Redirect(
        "/family/children/" + child.ToString() + "/messages?site=" + at->first.ToString() + "&notice=sent", 303);
}

}  // namespace messages

#include "notify/handlers.hpp"

#include <boost/json/serialize.hpp>

#include "app/app.hpp"
#include "auth/audit.hpp"
#include "common/dates.hpp"
#include "families/mails.hpp"
#include "health/handlers.hpp"
#include "http/errors.hpp"
#include "messages/handlers.hpp"
#include "notify/notify.hpp"
#include "notify/render.hpp"
#include "push/push.hpp"
#include "rights/rights.hpp"
#include "sites/sites.hpp"

namespace notify {

using app::Ctx;
using auth::Action;
using kainjow::mustache::data;

namespace {

// "11月22日（日） 15:02" in the reader's language.
std::string Stamp(const Ctx& ctx, const std::string& instant) {
    return InstantWords(ctx.svc.catalogue, ctx.lang, instant);
}

data InboxData(const Ctx& ctx, const InboxItem& item, const Text& text) {
    data d;
    d.set("id", item.id.ToString());
    d.set("subject", text.subject);
    d.set("body", text.body);
    d.set("when", Stamp(ctx, item.notification.created_at));
    d.set("kind", std::string(KindName(item.notification.kind)));
    if (!item.read_at) d.set("unread", true);
    if (item.notification.urgent) d.set("urgent", true);
    return d;
}

// "sent" says to whom it was handed: the mail server or the push service.
std::string StateLabel(const Ctx& ctx, std::string_view channel, const std::string& state) {
    return ctx.T(state == "sent" ? "delivery_sent_" + std::string(channel) : "delivery_" + state);
}

}  // namespace

std::int64_t UnreadFor(const Ctx& ctx) {
    if (!ctx.guardian) return 0;
    return ctx.svc.db.Read([&](db::ReadTx& tx) { return UnreadCount(tx, ctx.guardian->account_id); });
}

http::Response Handlers::Inbox(Ctx& ctx) const {
    ctx.family_page = true;
    const auto& g = ctx.RequireGuardian();
    auto paging = app::ParsePaging(ctx.req);
    data items{data::type::list};
    std::int64_t total = 0;
    ctx.svc.db.Read([&](db::ReadTx& tx) {
        total = InboxSize(tx, g.account_id);
        for (const auto& item : notify::Inbox(tx, g.account_id, paging.per_page, paging.Offset())) {
            items.push_back(InboxData(ctx, item, Render(tx, ctx.svc.catalogue, ctx.lang, item.notification)));
        }
    });
    data body;
    body.set("items", items);
    if (total == 0) body.set("empty", true);
    body.set("pager", app::PagerData(ctx, paging, total));
    return app::RenderPage(ctx, inbox_, "inbox_title", body);
}

http::Response Handlers::InboxItem(Ctx& ctx) const {
    ctx.family_page = true;
    const auto& g = ctx.RequireGuardian();
    common::RecipientId id(app::IdParam(ctx));
    // Another family's notice, or one about a child no longer linked: not there.
    auto found = ctx.svc.db.Read([&](db::ReadTx& tx) -> std::optional<std::pair<notify::InboxItem, Text>> {
        auto item = GetInboxItem(tx, g.account_id, id);
        if (!item) return std::nullopt;
        auto text = Render(tx, ctx.svc.catalogue, ctx.lang, item->notification);
        return std::pair{std::move(*item), std::move(text)};
    });
    if (!found) throw http::NotFound();
    if (!found->first.read_at) ctx.svc.db.Write([&](db::WriteTx& tx) { MarkRead(tx, id, ctx.svc.clock); });
    data body = InboxData(ctx, found->first, found->second);
    const auto& n = found->first.notification;
    if (n.kind == Kind::kMessage) messages::AddMessageExtras(ctx, id, n.message, n.site, body);
    if (n.kind == Kind::kHealth && n.child) {
        auto entry = n.params.if_contains("entry");
        if (entry && entry->is_int64()) health::AddNoticeExtras(ctx, entry->as_int64(), *n.child, body);
    }
    return app::RenderPage(ctx, item_, "inbox_item_title", body);
}

http::Response Handlers::RenderSettings(Ctx& ctx, const app::FormErrors& errors, int status) const {
    ctx.family_page = true;
    const auto& g = ctx.RequireGuardian();
    bool from_form = !errors.empty();
    auto p = ctx.svc.db.Read([&](db::ReadTx& tx) { return GetPreferences(tx, g.account_id); });
    data body = errors.ToData(ctx);
    data topics{data::type::list};
    for (const auto& c : p.choices) {
        const std::string name(TopicName(c.topic));
        data t;
        t.set("name", name);
        t.set("label", ctx.T("topic_" + name));
        bool email = from_form ? ctx.form.GetOr(name + "_email") == "1" : c.email;
        bool push = from_form ? ctx.form.GetOr(name + "_push") == "1" : c.push;
        if (email) t.set("email", true);
        if (push) t.set("push", true);
        topics.push_back(t);
    }
    body.set("topics", topics);
    data form;
    form.set("quiet_start", from_form       ? ctx.form.GetOr("quiet_start")
                            : p.quiet_start ? common::FormatTimeOfDay(*p.quiet_start)
                                            : "");
    form.set("quiet_end", from_form     ? ctx.form.GetOr("quiet_end")
                          : p.quiet_end ? common::FormatTimeOfDay(*p.quiet_end)
                                        : "");
    body.set("form", form);
    const std::string lang = from_form ? ctx.form.GetOr("language") : p.language;
    data languages{data::type::list};
    for (const char* code : {"ja", "en"}) {
        data l;
        l.set("code", code);
        l.set("label", ctx.svc.catalogue.Get(code, "language_name"));
        if (lang == code) l.set("selected", true);
        languages.push_back(l);
    }
    body.set("languages", languages);
    // Push on this phone: the server's public key for the browser's subscription, and how many phones have one.
    auto [key, phones] = ctx.svc.db.Read([&](db::ReadTx& tx) {
        return std::pair{push::VapidPublicKey(tx), push::CountSubscriptions(tx, g.account_id)};
    });
    if (key) {
        body.set("push_available", true);
        body.set("vapid_key", *key);
        body.set("push_phones", families::Fill(ctx.T("settings_push_phones"), {{"n", std::to_string(phones)}}));
    }
    return app::RenderPage(ctx, settings_, "settings_title", body, status);
}

http::Response Handlers::Settings(Ctx& ctx) const { return RenderSettings(ctx, {}, 200); }

http::Response Handlers::SaveSettings(Ctx& ctx) const {
    ctx.family_page = true;
    const auto& g = ctx.RequireGuardian();
    app::FormErrors errors;
    Preferences p;
    for (Topic t : kTopics) {
        const std::string name(TopicName(t));
        p.choices.push_back(Choice{t, ctx.form.GetOr(name + "_email") == "1", ctx.form.GetOr(name + "_push") == "1"});
    }
    auto start = app::Trimmed(ctx.form.GetOr("quiet_start"));
    auto end = app::Trimmed(ctx.form.GetOr("quiet_end"));
    if (!start.empty() || !end.empty()) {
        p.quiet_start = common::ParseTimeOfDay(start);
        p.quiet_end = common::ParseTimeOfDay(end);
        if (!start.empty() && !p.quiet_start) errors.Add("quiet_start", "error_time_of_day");
        if (!end.empty() && !p.quiet_end) errors.Add("quiet_end", "error_time_of_day");
        if (start.empty()) errors.Add("quiet_start", "error_quiet_both");
        if (end.empty()) errors.Add("quiet_end", "error_quiet_both");
        if (p.quiet_start && p.quiet_end && *p.quiet_start == *p.quiet_end) errors.Add("quiet_end", "error_quiet_same");
    }
    p.language = ctx.form.GetOr("language");
    if (!ctx.svc.catalogue.HasLanguage(p.language)) errors.Add("language", "error_language");
    if (!errors.empty()) return RenderSettings(ctx, errors, 422);
    ctx.svc.db.Write([&](db::WriteTx& tx) { SavePreferences(tx, g.account_id, p, ctx.svc.clock); });
    auto res = http::Response::Redirect("/family/settings?notice=saved", 303);
    // The pages follow the language chosen for the mails.
    res.cookies.push_back(
        {std::string(app::kLangCookie), p.language, 365 * 24 * 3600, true, ctx.svc.config.secure_cookies, "Lax"});
    return res;
}

http::Response Handlers::Subscribe(Ctx& ctx) const {
    const auto& g = ctx.RequireGuardian();
    auto problem = ctx.svc.db.Write([&](db::WriteTx& tx) {
        return push::Subscribe(tx, g.account_id, ctx.form.GetOr("endpoint"), ctx.form.GetOr("p256dh"),
                               ctx.form.GetOr("auth"), ctx.svc.config.push_insecure_endpoints, ctx.svc.clock);
    });
    if (problem) {
        const bool taken = *problem == push::SubscribeProblem::kTaken;
        boost::json::object error{
            {"error", ctx.T(taken                                           ? "error_push_taken"
                            : *problem == push::SubscribeProblem::kEndpoint ? "error_push_endpoint"
                                                                            : "error_push_keys")}};
        return http::Response::Json(boost::json::serialize(error), taken ? 409 : 422);
    }
    return http::Response::Json(R"({"subscribed":true})");
}

http::Response Handlers::Unsubscribe(Ctx& ctx) const {
    const auto& g = ctx.RequireGuardian();
    bool removed = ctx.svc.db.Write(
        [&](db::WriteTx& tx) { return push::Unsubscribe(tx, g.account_id, ctx.form.GetOr("endpoint")); });
    return http::Response::Json(removed ? R"({"subscribed":false})" : R"({"subscribed":false,"known":false})");
}

http::Response Handlers::SiteNotices(Ctx& ctx) const {
    auto site_id = app::SiteIdParam(ctx);
    ctx.RequireAtSite(Action::kNoticeView, site_id);
    std::string date = ctx.req.query.GetOr("date");
    if (date.empty()) date = common::FormatDate(common::TokyoDate(ctx.svc.clock.Now()));
    if (!common::ParseDate(date)) throw http::BadRequest("error_date");
    std::string site_name;
    data rows{data::type::list};
    bool empty = true;
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto site = sites::GetSite(tx, site_id);
        if (!site) throw http::NotFound();
        site_name = site->fields.name;
        for (const auto& s : SiteNotifications(tx, site_id, date)) {
            data d;
            d.set("id", s.notification.id.ToString());
            d.set("when", Stamp(ctx, s.notification.created_at));
            d.set("kind", ctx.T("nt_kind_" + std::string(KindName(s.notification.kind))));
            d.set("child", s.child_name);
            d.set("recipients", std::to_string(s.recipients));
            d.set("delivered", std::to_string(s.delivered));
            d.set("failed", std::to_string(s.failed));
            d.set("read", std::to_string(s.read));
            if (s.failed > 0) d.set("has_failed", true);
            rows.push_back(d);
            empty = false;
        }
        auth::WriteAudit(tx, ctx.Audit("notice.list", "site", site_id.value, site_id), ctx.svc.clock);
    });
    data body;
    body.set("site_id", site_id.ToString());
    body.set("site_name", site_name);
    body.set("date", date);
    body.set("rows", rows);
    if (empty) body.set("empty", true);
    return app::RenderPage(ctx, site_, "notices_title", body);
}

http::Response Handlers::Delivery(Ctx& ctx) const {
    const auto& actor = ctx.RequireActor();
    common::NotificationId id(app::IdParam(ctx));
    auto summary = ctx.svc.db.Read([&](db::ReadTx& tx) { return GetSummary(tx, id); });
    if (!summary) throw http::NotFound();
    const auto site = summary->notification.site;
    ctx.RequireAtSite(Action::kNoticeView, site);
    auto [text, deliveries] = ctx.svc.db.Write([&](db::WriteTx& tx) {
        auto text = Render(tx, ctx.svc.catalogue, ctx.lang, summary->notification);
        auto deliveries = Deliveries(tx, id);
        auth::WriteAudit(tx, ctx.Audit("notice.view", "notification", id.value, site), ctx.svc.clock);
        return std::pair{text, deliveries};
    });
    data rows{data::type::list};
    bool resendable = false;
    for (const auto& d : deliveries) {
        data r;
        r.set("name", d.account_name);
        r.set("email_state", d.email_state);
        r.set("email", StateLabel(ctx, "email", d.email_state));
        if (d.email_at) r.set("email_at", Stamp(ctx, *d.email_at));
        r.set("push_state", d.push_state);
        r.set("push", StateLabel(ctx, "push", d.push_state));
        if (d.push_at) r.set("push_at", Stamp(ctx, *d.push_at));
        if (d.read_at) r.set("read_at", Stamp(ctx, *d.read_at));
        if (!d.still_linked) r.set("unlinked", true);
        if (Unreached(d)) resendable = true;
        rows.push_back(r);
    }
    data body;
    body.set("id", id.ToString());
    body.set("site_id", site.ToString());
    body.set("subject", text.subject);
    body.set("body", text.body);
    body.set("when", Stamp(ctx, summary->notification.created_at));
    body.set("date", common::FormatDate(common::TokyoDate(
                         common::ParseInstant(summary->notification.created_at).value_or(ctx.svc.clock.Now()))));
    body.set("kind", ctx.T("nt_kind_" + std::string(KindName(summary->notification.kind))));
    body.set("child", summary->child_name);
    if (summary->notification.urgent) body.set("urgent", true);
    body.set("rows", rows);
    if (resendable && auth::Can(actor, Action::kNoticeSend, site)) body.set("can_resend", true);
    return app::RenderPage(ctx, detail_, "notice_delivery_title", body);
}

http::Response Handlers::Resend(Ctx& ctx) const {
    ctx.RequireActor();
    common::NotificationId id(app::IdParam(ctx));
    auto stored = ctx.svc.db.Read([&](db::ReadTx& tx) {
        auto s = Load(tx, id);
        // A notice about a child is sent again by its site while the child is still there.
        if (s && s->child) {
            rights::RequireAtSite(tx, *ctx.actor, Action::kNoticeSend, s->site, *s->child,
                                  common::FormatDate(common::TokyoDate(ctx.svc.clock.Now())), true);
        }
        return s;
    });
    if (!stored) throw http::NotFound();
    ctx.RequireAtSite(Action::kNoticeSend, stored->site);
    int n = ctx.svc.db.Write([&](db::WriteTx& tx) {
        int n = notify::Resend(tx, id, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit("notice.resend", "notification", id.value, stored->site), ctx.svc.clock);
        return n;
    });
    return http::Response::Redirect("/notices/" + id.ToString() +
                                    "?notice=" + (n > 0 ? "resent" : "nothing_to_resend"));
}

}  // namespace notify

#include "plans/handlers.hpp"

#include "app/validate.hpp"
#include "auth/audit.hpp"
#include "children/handlers.hpp"
#include "plans/alerts.hpp"
#include "plans/plans.hpp"

namespace plans {

using app::Ctx;
using auth::Action;

namespace {

// Back to the page the form came from (the roster), with a notice.
http::Response Back(const Ctx& ctx, const std::string& fallback, const std::string& notice) {
    std::string next = ctx.form.GetOr("next");
    std::string path = next.empty() ? fallback : app::SafeLocalPath(next);
    return http::Response::Redirect(path + (path.find('?') == std::string::npos ? "?" : "&") + "notice=" + notice);
}

}  // namespace

http::Response Handlers::ConfirmContact(Ctx& ctx) const {
    const auto& actor = ctx.RequireActor();
    auto id = common::ContactId(app::IdParam(ctx));
    auto outcome = ctx.svc.db.Write([&](db::WriteTx& tx) -> std::optional<std::pair<bool, common::SiteId>> {
        common::SiteId site;
        auto contact = GetContact(tx, id, &site);
        // Another site's contact does not exist for this actor.
        if (!contact || !auth::Can(actor, Action::kSiteView, site)) return std::nullopt;
        ctx.Require(Action::kAttendanceEdit, site);
        bool confirmed = plans::ConfirmContact(tx, id, actor.user_id, ctx.svc.clock);
        if (confirmed) {
            auth::WriteAudit(tx, ctx.Audit("contact.confirm", "child", contact->child.value, site), ctx.svc.clock);
        }
        return std::pair{confirmed, site};
    });
    if (!outcome) throw http::NotFound();
    return Back(ctx, "/sites/" + outcome->second.ToString() + "/roster",
                outcome->first ? "contact_confirmed" : "contact_already_confirmed");
}

http::Response Handlers::ResolveAlert(Ctx& ctx) const {
    const auto& actor = ctx.RequireActor();
    auto id = common::ChildId(app::IdParam(ctx));
    auto now = ctx.svc.clock.Now();
    auto today = common::TokyoDate(now);
    auto kind = ParseAlertKind(ctx.form.GetOr("kind"));
    auto resolution = ParseResolution(ctx.form.GetOr("resolution"));
    app::FormErrors errors;
    std::string note = app::TextField(ctx.form, "note", errors, false, 500);
    // Visibility and permission before anything is said about the input.
    auto child = ctx.svc.db.Read(
        [&](db::ReadTx& tx) { return children::ChildForActor(tx, actor, id, Action::kAttendanceEdit, today); });
    if (!child) throw http::NotFound();
    if (!kind || !resolution || !ResolutionFits(*kind, *resolution) || !errors.empty()) {
        throw http::HttpError(422, "error_alert_resolution");
    }
    bool resolved = ctx.svc.db.Write([&](db::WriteTx& tx) {
        bool r = plans::ResolveAlert(tx, child->fields.site_id, id, today, *kind, *resolution, note, actor.user_id,
                                     ctx.svc.clock);
        if (r)
            auth::WriteAudit(tx, ctx.Audit("alert.resolve", "child", id.value, child->fields.site_id), ctx.svc.clock);
        return r;
    });
    return Back(ctx, "/sites/" + child->fields.site_id.ToString() + "/roster",
                resolved ? "alert_resolved" : "alert_already_resolved");
}

}  // namespace plans

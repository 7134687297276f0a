// Photos on the notebook's pages: staff add them (to one child's page, or with the class's form to several), take
// them off, and see them; a family sees those on its children's published pages.
#include "app/validate.hpp"
#include "auth/audit.hpp"
#include "common/dates.hpp"
#include "notebook/handlers.hpp"
#include "notebook/pages.hpp"
#include "photos/photos.hpp"
#include "plans/plans.hpp"
#include "rights/rights.hpp"
#include "sites/sites.hpp"

namespace notebook {

using app::Ctx;
using auth::Action;

namespace {

// A photo's JPEG as the answer: kept by the browser for a day (a photo never changes; it is taken off, not edited),
// never by a shared cache.
http::Response Image(std::string jpeg) {
    http::Response res;
    res.body = std::move(jpeg);
    res.content_type = "image/jpeg";
    res.SetHeader("Cache-Control", "private, max-age=86400");
    return res;
}

bool Thumb(const Ctx& ctx) { return ctx.req.query.GetOr("size") == "thumb"; }

}  // namespace

std::vector<photos::Prepared> PhotosFromForm(const Ctx& ctx) {
    std::vector<photos::Prepared> out;
    for (const auto& f : ctx.files) {
        if (f.name != "photos" || !f.filename || (f.filename->empty() && f.data.empty())) continue;
        if (out.size() == photos::kMaxPerUpload) throw http::HttpError(422, "error_photo_too_many");
        try {
            out.push_back(photos::Prepare(f.data));
        } catch (const photos::Refused& e) {
            throw http::HttpError(e.status(), e.key());
        }
    }
    return out;
}

void AttachPhotos(db::WriteTx& tx, common::SiteId site, const std::string& date,
                  const std::vector<common::ChildId>& children, const std::vector<photos::Prepared>& prepared,
                  common::UserId by, const common::Clock& clock) {
    if (prepared.empty()) return;
    for (const auto& child : children) {
        const auto on = tx.QueryOne(
                              "SELECT COUNT(*) FROM photo_child c JOIN photo p ON p.id = c.photo_id WHERE c.child_id = "
                              "? AND p.entry_date = ?",
                              child, date)
                            .Int(0);
        if (on + static_cast<std::int64_t>(prepared.size()) > photos::kMaxPerPage)
            throw http::HttpError(422, "error_photo_page_full");
    }
    for (const auto& p : prepared) photos::Add(tx, site, date, children, p, by, clock);
}

http::Response Handlers::UploadPhotos(Ctx& ctx) const {
    const auto& actor = ctx.RequireActor();
    auto child = common::ChildId(app::IdParam(ctx));
    const std::string date = DateOf(ctx, ctx.form.GetOr("date"));
    const auto& svc = ctx.svc;
    // Who may, before what was sent is looked at.
    svc.db.Read([&](db::ReadTx& tx) {
        rights::RequireAtSite(tx, actor, Action::kNotebookWrite, PageSite(tx, child, date), child, Today(ctx), true);
    });
    // Before the transaction: decoding is the slow part. A file refused is said beside the field, on the page.
    std::vector<photos::Prepared> prepared;
    try {
        prepared = PhotosFromForm(ctx);
        if (prepared.empty()) throw http::HttpError(422, "error_photo_choose");
    } catch (const http::HttpError& e) {
        app::FormErrors errors;
        errors.Add("photos", e.message_key());
        return RenderChild(ctx, child, date, errors, e.status(), false);
    }
    svc.db.Write([&](db::WriteTx& tx) {
        auto site = PageSite(tx, child, date);
        rights::RequireAtSite(tx, actor, Action::kNotebookWrite, site, child, Today(ctx), true);
        AttachPhotos(tx, site, date, {child}, prepared, actor.user_id, svc.clock);
        auth::WriteAudit(tx, ctx.Audit("notebook.photo_add", "child", child.value, site), svc.clock);
    });
    return http::Response::Redirect("/children/" + child.ToString() + "/notebook?date=" + date + "&done=photos#photos");
}

// Off the child's page of the day (the form's; today by default). Decided on that page, like a save: a photo that is
// not on it (taken off already, by a second tap or another tablet) leaves nothing to do.
http::Response Handlers::RemovePhoto(Ctx& ctx) const {
    const auto& actor = ctx.RequireActor();
    auto child = common::ChildId(app::IdParam(ctx));
    const auto photo = app::IdParam(ctx, "photo");
    const std::string date = DateOf(ctx, ctx.form.GetOr("date"));
    const auto& svc = ctx.svc;
    svc.db.Write([&](db::WriteTx& tx) {
        auto site = PageSite(tx, child, date);
        rights::RequireAtSite(tx, actor, Action::kNotebookWrite, site, child, Today(ctx), true);
        if (photos::Remove(tx, photo, child, date, svc.clock))
            auth::WriteAudit(tx, ctx.Audit("notebook.photo_remove", "child", child.value, site), svc.clock);
    });
    return http::Response::Redirect("/children/" + child.ToString() + "/notebook?date=" + date +
                                    "&done=photo_removed#photos");
}

// Staff of the site where the photo was taken (read as the site's own record: also after the child moved on).
http::Response Handlers::StaffPhoto(Ctx& ctx) const {
    const auto& actor = ctx.RequireActor();
    const auto id = app::IdParam(ctx);
    const auto& svc = ctx.svc;
    auto jpeg = svc.db.Write([&](db::WriteTx& tx) {
        auto p = photos::Find(tx, id);
        if (!p || p->children.empty()) throw http::NotFound();
        rights::RequireAtSite(tx, actor, Action::kNotebookView, p->site, p->children.front(), Today(ctx), false);
        auth::WriteAudit(tx, ctx.Audit("notebook.photo_view", "photo", id, p->site), svc.clock);
        return photos::Jpeg(tx, id, Thumb(ctx));
    });
    if (!jpeg) throw http::NotFound();
    return Image(std::move(*jpeg));
}

// A family: a photo on the published page of one of its children.
http::Response Handlers::FamilyPhoto(Ctx& ctx) const {
    const auto& g = ctx.RequireGuardian();
    const auto id = app::IdParam(ctx);
    auto jpeg = ctx.svc.db.Read([&](db::ReadTx& tx) -> std::optional<std::string> {
        auto p = photos::Find(tx, id);
        if (!p) return std::nullopt;
        for (const auto& child : p->children) {
            if (!g.Can(auth::FamilyAction::kChildView, child)) continue;
            if (tx.QueryOptional("SELECT 1 FROM notebook_entry WHERE child_id = ? AND entry_date = ? AND published_at "
                                 "IS NOT NULL",
                                 child, p->date))
                return photos::Jpeg(tx, id, Thumb(ctx));
        }
        return std::nullopt;
    });
    if (!jpeg) throw http::NotFound();
    return Image(std::move(*jpeg));
}

}  // namespace notebook

#include "roster/handlers.hpp"

#include "roster/import.hpp"
#include "sites/sites.hpp"

namespace roster {

using app::Ctx;
using kainjow::mustache::data;

namespace {

sites::Site SiteOr404(const Ctx& ctx, common::SiteId id) {
    auto s = ctx.svc.db.Read([&](db::ReadTx& tx) { return sites::GetSite(tx, id); });
    if (!s) throw http::NotFound();
    return *s;
}

data Page(const Ctx& ctx, const sites::Site& site) {
    data body;
    body.set("site_id", site.id.ToString());
    body.set("site_name", site.fields.name);
    std::string header;
    for (const auto& c : kColumns) header += (header.empty() ? "" : ",") + c;
    body.set("header", header);
    (void)ctx;
    return body;
}

}  // namespace

http::Response Handlers::Form(Ctx& ctx) const {
    auto id = app::SiteIdParam(ctx);
    ctx.Require(auth::Action::kChildEdit, id);
    return app::RenderPage(ctx, page_, "import_title", Page(ctx, SiteOr404(ctx, id)));
}

http::Response Handlers::Import(Ctx& ctx) const {
    auto id = app::SiteIdParam(ctx);
    ctx.Require(auth::Action::kChildEdit, id);
    auto site = SiteOr404(ctx, id);
    data body = Page(ctx, site);
    const http::FormPart* file = nullptr;
    for (const auto& f : ctx.files) {
        if (f.name == "file" && !f.data.empty()) file = &f;
    }
    if (!file) {
        body.set("file_error", ctx.T("error_import_no_file"));
        return app::RenderPage(ctx, page_, "import_title", body, 422);
    }
    bool apply = ctx.form.GetOr("mode") == "apply";
    auto report = ImportRoster(ctx.svc.db, id, file->data, apply, ctx.svc.clock, &*ctx.actor);
    if (report.applied) {
        ctx.svc.db.Write([&](db::WriteTx& tx) {
            auto ev = ctx.Audit("roster.import", "site", id.value, id);
            auth::WriteAudit(tx, ev, ctx.svc.clock);
        });
    }
    data errors{data::type::list};
    for (const auto& e : report.errors) {
        data d;
        d.set("line", e.line > 0 ? std::to_string(e.line) : "");
        d.set("column", e.column);
        d.set("message", ctx.T(e.message_key));
        errors.push_back(d);
    }
    body.set("report", true);
    if (!report.errors.empty()) {
        body.set("errors", errors);
        body.set("has_errors", true);
    }
    for (auto [k, v] :
         std::initializer_list<std::pair<const char*, int>>{{"children_new", report.children_new},
                                                            {"children_changed", report.children_changed},
                                                            {"children_unchanged", report.children_unchanged},
                                                            {"guardians_new", report.guardians_new},
                                                            {"guardians_changed", report.guardians_changed},
                                                            {"guardians_unchanged", report.guardians_unchanged},
                                                            {"links_new", report.links_new},
                                                            {"groups_new", report.groups_new},
                                                            {"memberships_new", report.memberships_new},
                                                            {"records", report.records}}) {
        body.set(k, std::to_string(v));
    }
    body.set("encoding", report.encoding);
    if (report.applied) body.set("applied", true);
    if (!report.applied && report.errors.empty()) body.set("can_apply", true);
    return app::RenderPage(ctx, page_, "import_title", body, report.errors.empty() ? 200 : 422);
}

}  // namespace roster

#include "roster/handlers.hpp"

#include "common/base64.hpp"
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
    body.set("template_url", "/sites/" + site.id.ToString() + "/import/template.csv");
    (void)ctx;
    return body;
}

// At most this many added or changed people are listed on the page (all are counted).
constexpr std::size_t kListed = 1000;

data ChangeList(const Ctx& ctx, const std::vector<ImportChange>& changes, bool guardians) {
    data list{data::type::list};
    std::size_t n = 0;
    for (const auto& c : changes) {
        if (c.guardian != guardians || n++ >= kListed) continue;
        data d;
        d.set("line", std::to_string(c.line));
        d.set("number", c.number);
        d.set("name", c.name);
        std::string what;
        if (c.added) {
            what = ctx.T("import_new");
        } else {
            for (const auto& f : c.fields) {
                if (!what.empty()) what += ctx.T("p_comma");
                what += f == kPlacementField ? ctx.T("import_change_placement") : f;
            }
        }
        d.set("what", what);
        d.set("kind", c.added ? "new" : "changed");
        list.push_back(d);
    }
    return list;
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
    // A chosen file, else the file of the check just made (sent back with the page's apply button).
    std::string bytes;
    std::string filename;
    for (const auto& f : ctx.files) {
        if (f.name == "file" && !f.data.empty()) {
            bytes = f.data;
            filename = f.filename.value_or("");
        }
    }
    if (bytes.empty()) {
        if (auto staged = common::Base64UrlDecode(ctx.form.GetOr("staged")); staged && !staged->empty()) {
            bytes = std::move(*staged);
            filename = ctx.form.GetOr("filename");
        }
    }
    if (bytes.empty()) {
        body.set("file_error", ctx.T("error_import_no_file"));
        return app::RenderPage(ctx, page_, "import_title", body, 422);
    }
    bool apply = ctx.form.GetOr("mode") == "apply";
    auto report = ImportRoster(ctx.svc.db, id, bytes, apply, ctx.svc.clock, &*ctx.actor);
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
    body.set("filename", filename);
    if (report.errors.empty()) {
        auto children = ChangeList(ctx, report.changes, false);
        auto guardians = ChangeList(ctx, report.changes, true);
        if (!children.is_empty_list()) body.set("has_child_changes", true);
        if (!guardians.is_empty_list()) body.set("has_guardian_changes", true);
        body.set("child_changes", children);
        body.set("guardian_changes", guardians);
        if (report.changes.empty()) body.set("no_changes", true);
        if (report.changes.size() > kListed) body.set("more_changes", true);
    }
    if (report.applied) body.set("applied", true);
    if (!report.applied && report.errors.empty() && !report.changes.empty()) {
        body.set("can_apply", true);
        body.set("staged", common::Base64UrlEncode(bytes));
    }
    return app::RenderPage(ctx, page_, "import_title", body, report.errors.empty() ? 200 : 422);
}

// The header row to fill in, as Excel opens it (UTF-8 with a byte order mark, CRLF).
http::Response Handlers::Template(Ctx& ctx) const {
    auto id = app::SiteIdParam(ctx);
    ctx.Require(auth::Action::kChildEdit, id);
    SiteOr404(ctx, id);
    std::string out = "\xEF\xBB\xBF";
    for (std::size_t i = 0; i < kColumns.size(); ++i) out += (i ? "," : "") + kColumns[i];
    out += "\r\n";
    return app::Download(std::move(out), "text/csv; charset=utf-8", "tadaima-roster-template.csv", true);
}

}  // namespace roster

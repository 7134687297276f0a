#include "ops/handlers.hpp"

#include <boost/json.hpp>

#include "app/validate.hpp"
#include "auth/audit.hpp"
#include "common/log.hpp"
#include "ops/erasure.hpp"
#include "ops/retention.hpp"

namespace ops {

namespace {

using app::Ctx;
using auth::Action;
using kainjow::mustache::data;
namespace json = boost::json;

// The request as the form sends it, checked: scope, id and the request reference.
struct Asked {
    ErasureRequest request;
    app::FormErrors errors;
};

Asked ReadAsked(const Ctx& ctx, const http::Params& form) {
    Asked a;
    auto scope = ParseScope(form.GetOr("scope"));
    if (!scope) a.errors.Add("scope", "error_erasure_scope");
    a.request.scope = scope.value_or(ErasureScope::kChild);
    auto id = app::ParseId(form.GetOr("id"));
    if (!id) a.errors.Add("id", "error_erasure_id");
    a.request.target = id.value_or(0);
    a.request.reference = app::TextField(form, "request", a.errors, true, 100);
    const auto& actor = ctx.RequireActor();
    a.request.by_user = actor.user_id;
    a.request.by_name = actor.display_name;
    return a;
}

std::string TableLabel(const Ctx& ctx, const std::string& table) {
    const std::string key = "erasure_table_" + table;
    return ctx.svc.catalogue.Has(key) ? ctx.T(key) : table;
}

data RowsData(const Ctx& ctx, const std::map<std::string, std::int64_t>& rows) {
    data list{data::type::list};
    for (const auto& [table, n] : rows) {
        data d;
        d.set("label", TableLabel(ctx, table));
        d.set("table", table);
        d.set("count", std::to_string(n));
        list.push_back(d);
    }
    return list;
}

std::string IdList(const std::vector<std::int64_t>& ids) {
    std::string s;
    for (auto i : ids) s += (s.empty() ? "" : ", ") + std::to_string(i);
    return s.empty() ? "—" : s;
}

// Whom the erasure concerns, in words for the admin to recognise (names: the preview is an audited read).
data Subject(db::ReadTx& tx, const Ctx& ctx, const ErasureRequest& r, const ErasurePreview& p) {
    data d;
    data people{data::type::list};
    auto child_line = [&](std::int64_t id) {
        auto c = tx.QueryOptional(
            "SELECT family_name || ' ' || given_name, family_kana || ' ' || given_kana, birth_date FROM child WHERE id "
            "= ?",
            id);
        if (!c) return;
        std::string sites;
        for (const auto& s : tx.Query("SELECT DISTINCT s.name FROM child_placement p JOIN site s ON s.id = p.site_id "
                                      "WHERE p.child_id = ? ORDER BY s.name",
                                      id))
            sites += (sites.empty() ? "" : "、") + s.Text(0);
        data line;
        line.set("name", c->Text(0));
        line.set("kana", c->Text(1));
        line.set("detail", c->Text(2) + (sites.empty() ? "" : " · " + sites));
        line.set("id", std::to_string(id));
        people.push_back(line);
    };
    switch (r.scope) {
        case ErasureScope::kChild:
        case ErasureScope::kFamily:
            if (r.scope == ErasureScope::kFamily) {
                if (auto g = tx.QueryOptional("SELECT family_name || ' ' || given_name FROM guardian WHERE id = ?",
                                              r.target))
                    d.set("guardian", g->Text(0));
            }
            for (auto c : p.children) child_line(c);
            break;
        case ErasureScope::kSite:
            if (auto s = tx.QueryOptional("SELECT name FROM site WHERE id = ?", r.target)) d.set("site", s->Text(0));
            d.set("site_children", std::to_string(p.children.size()));
            d.set("site_staff", std::to_string(p.staff.size()));
            break;
    }
    if (!people.is_empty_list()) d.set("has_people", true);
    d.set("people", people);
    d.set("guardians", std::to_string(p.guardians.size()));
    d.set("accounts", std::to_string(p.accounts.size()));
    d.set("scope_label", ctx.T("erasure_scope_" + std::string(ScopeName(r.scope))));
    return d;
}

}  // namespace

http::Response Handlers::RenderList(Ctx& ctx, const app::FormErrors& errors, int status) const {
    ctx.Require(Action::kErase);
    data body = errors.ToData(ctx);
    data form = app::FormValues(ctx.req.method == "GET" ? ctx.req.query : ctx.form);
    body.set("form", form);
    const std::string scope = (ctx.req.method == "GET" ? ctx.req.query : ctx.form).GetOr("scope");
    for (const char* s : {"child", "family", "site"}) {
        if (scope == s || (scope.empty() && std::string(s) == "child")) body.set(std::string("scope_") + s, true);
    }
    data rows{data::type::list};
    ctx.svc.db.Read([&](db::ReadTx& tx) {
        for (const auto& r : tx.Query(
                 "SELECT e.id, e.scope, e.target_id, e.reference, e.finished_at, COALESCE(u.display_name, '') FROM "
                 "erasure e LEFT JOIN staff_user u ON u.id = e.by_user_id WHERE e.state = 'done' AND e.scope <> "
                 "'retention' ORDER BY e.id DESC LIMIT 200")) {
            data d;
            d.set("id", r.Text(0));
            d.set("scope", ctx.T("erasure_scope_" + r.Text(1)));
            d.set("target", r.Text(2));
            d.set("request", r.Text(3));
            auto at = common::ParseInstant(r.OptText(4).value_or(""));
            d.set("at", at ? common::FormatDate(common::TokyoDate(*at)) + " " + common::FormatTokyoTime(*at) : "");
            d.set("by", r.Text(5).empty() ? ctx.T("erasure_by_operator") : r.Text(5));
            rows.push_back(d);
        }
    });
    body.set("rows", rows);
    if (rows.is_empty_list()) body.set("none", true);
    return app::RenderPage(ctx, list_, "erasures_title", body, status);
}

http::Response Handlers::List(Ctx& ctx) const { return RenderList(ctx, {}, 200); }

http::Response Handlers::Preview(Ctx& ctx) const {
    ctx.Require(Action::kErase);
    auto asked = ReadAsked(ctx, ctx.req.query);
    if (!asked.errors.empty()) return RenderList(ctx, asked.errors, 422);
    ErasurePreview preview;
    try {
        preview = PreviewErasure(ctx.svc.db, asked.request);
    } catch (const ErasureNotFound&) {
        asked.errors.Add("id", "error_erasure_not_found");
        return RenderList(ctx, asked.errors, 404);
    }
    data body;
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        body = Subject(tx, ctx, asked.request, preview);
        const auto kind = asked.request.scope == ErasureScope::kChild    ? "child"
                          : asked.request.scope == ErasureScope::kFamily ? "guardian"
                                                                         : "site";
        auth::WriteAudit(tx, ctx.Audit("erasure.preview", kind, asked.request.target), ctx.svc.clock);
    });
    body.set("rows", RowsData(ctx, preview.rows));
    body.set("scope", std::string(ScopeName(asked.request.scope)));
    body.set("id", std::to_string(asked.request.target));
    body.set("request", asked.request.reference);
    body.set("children", std::to_string(preview.children.size()));
    if (ctx.req.query.GetOr("unconfirmed") == "1") body.set("unconfirmed", true);
    return app::RenderPage(ctx, preview_, "erasure_preview_title", body);
}

http::Response Handlers::Erase(Ctx& ctx) const {
    ctx.Require(Action::kErase);
    auto asked = ReadAsked(ctx, ctx.form);
    if (!asked.errors.empty()) return RenderList(ctx, asked.errors, 422);
    if (ctx.form.GetOr("confirm") != "1") {
        // Back to the preview, saying the box must be ticked.
        return http::Response::Redirect("/erasures/preview?scope=" + std::string(ScopeName(asked.request.scope)) +
                                            "&id=" + std::to_string(asked.request.target) +
                                            "&request=" + http::UrlEncode(asked.request.reference) + "&unconfirmed=1",
                                        303);
    }
    ErasureResult result;
    try {
        result = ops::Erase(ctx.svc.db, asked.request, ctx.svc.config.secret, ctx.svc.clock);
    } catch (const ErasureNotFound&) {
        asked.errors.Add("id", "error_erasure_not_found");
        return RenderList(ctx, asked.errors, 404);
    }
    if (!result.scrub_problem.empty()) {
        common::LogWarn("erasure not scrubbed", {{"erasure_id", result.id}, {"error", result.scrub_problem}});
    }
    return http::Response::Redirect("/erasures/" + std::to_string(result.id) + "?notice=erasure_done", 303);
}

http::Response Handlers::View(Ctx& ctx) const {
    ctx.Require(Action::kErase);
    const auto id = app::IdParam(ctx);
    auto text = StoredCertificate(ctx.svc.db, id);
    if (!text) throw http::NotFound();
    const auto whole = json::parse(*text).as_object();
    const auto& p = whole.at("certificate").as_object();
    auto str = [](const json::object& o, std::string_view k) {
        const auto* v = o.if_contains(k);
        return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    auto ids = [&](std::string_view k) {
        std::vector<std::int64_t> out;
        for (const auto& v : p.at("subjects").as_object().at(k).as_array()) out.push_back(v.as_int64());
        return out;
    };
    data body;
    body.set("id", std::to_string(id));
    body.set("city", str(p, "city"));
    body.set("request", str(p, "request"));
    body.set("scope", ctx.T("erasure_scope_" + str(p, "scope")));
    body.set("target", std::to_string(p.at("target_id").as_int64()));
    if (!str(p, "site_name").empty()) body.set("site_name", str(p, "site_name"));
    body.set("at", str(p, "erased_at_tokyo"));
    const auto& by = p.at("by").as_object();
    body.set("by", str(by, "kind") == "staff" ? str(by, "name") : ctx.T("erasure_by_operator") + " " + str(by, "name"));
    body.set("children", IdList(ids("children")));
    body.set("guardians", IdList(ids("guardians")));
    body.set("accounts", IdList(ids("guardian_accounts")));
    body.set("staff", IdList(ids("staff_accounts")));
    std::map<std::string, std::int64_t> rows;
    for (const auto& [k, v] : p.at("rows").as_object()) rows[std::string(k)] = v.as_int64();
    body.set("rows", RowsData(ctx, rows));
    data steps{data::type::list};
    bool scrubbed = true;
    for (const auto& s : p.at("storage").as_array()) {
        const std::string step(s.as_string());
        if (step.starts_with("NOT SCRUBBED")) scrubbed = false;
        data d;
        d.set("step", step);
        steps.push_back(d);
    }
    body.set("steps", steps);
    if (!scrubbed) body.set("not_scrubbed", true);
    body.set("public_key", str(p, "public_key"));
    return app::RenderPage(ctx, view_, "erasure_view_title", body);
}

http::Response Handlers::Pdf(Ctx& ctx) const {
    ctx.Require(Action::kErase);
    const auto id = app::IdParam(ctx);
    auto text = StoredCertificate(ctx.svc.db, id);
    if (!text) throw http::NotFound();
    return app::Download(CertificatePdf(*text), "application/pdf", "erasure-" + std::to_string(id) + ".pdf");
}

http::Response Handlers::Json(Ctx& ctx) const {
    ctx.Require(Action::kErase);
    const auto id = app::IdParam(ctx);
    auto text = StoredCertificate(ctx.svc.db, id);
    if (!text) throw http::NotFound();
    return app::Download(*text, "application/json", "erasure-" + std::to_string(id) + ".json");
}

http::Response Handlers::RenderRetention(Ctx& ctx, const app::FormErrors& errors, int status) const {
    ctx.Require(Action::kErase);
    data body = errors.ToData(ctx);
    data kinds{data::type::list}, runs{data::type::list};
    const auto today = common::TokyoDate(ctx.svc.clock.Now());
    ctx.svc.db.Read([&](db::ReadTx& tx) {
        const auto settings = RetentionSettings(tx, today);
        for (std::size_t i = 0; i < settings.size(); ++i) {
            const auto& s = settings[i];
            const auto& k = kRetentionKinds[i];
            data d;
            d.set("kind", s.kind);
            d.set("label", ctx.T("retention_kind_" + s.kind));
            d.set("what", ctx.T("retention_what_" + s.kind));
            const std::string field = "months_" + s.kind;
            d.set("months", ctx.req.method == "POST" ? ctx.form.GetOr(field) : std::to_string(s.months));
            d.set("min", std::to_string(k.min_months));
            d.set("max", std::to_string(kRetentionMaxMonths));
            d.set("default", std::to_string(k.default_months));
            d.set("cutoff", common::FormatDate(s.cutoff));
            if (auto e = errors.map().find(field); e != errors.map().end()) {
                d.set("error", ctx.T(e->second));
                d.set("has_error", true);
            }
            kinds.push_back(d);
        }
        for (const auto& r : tx.Query("SELECT id, finished_at, certificate FROM erasure WHERE scope = 'retention' AND "
                                      "state = 'done' ORDER BY id DESC LIMIT 10")) {
            data d;
            auto at = common::ParseInstant(common::CanonicalInstant(r.OptText(1).value_or("")));
            d.set("at", at ? common::FormatDate(common::TokyoDate(*at)) + " " + common::FormatTokyoTime(*at) : "");
            std::int64_t total = 0;
            boost::system::error_code ec;
            auto summary = json::parse(r.OptText(2).value_or(""), ec);
            if (!ec && summary.is_object()) {
                if (const auto* rows = summary.as_object().if_contains("rows"); rows && rows->is_object()) {
                    for (const auto& [_, n] : rows->as_object()) total += n.is_int64() ? n.as_int64() : 0;
                }
            }
            d.set("rows", std::to_string(total));
            runs.push_back(d);
        }
    });
    body.set("kinds", kinds);
    body.set("runs", runs);
    if (runs.is_empty_list()) body.set("no_runs", true);
    return app::RenderPage(ctx, retention_, "retention_title", body, status);
}

http::Response Handlers::Retention(Ctx& ctx) const { return RenderRetention(ctx, {}, 200); }

http::Response Handlers::SaveRetention(Ctx& ctx) const {
    const auto& actor = ctx.Require(Action::kErase);
    app::FormErrors errors;
    std::vector<std::pair<const char*, int>> asked;
    for (const auto& k : kRetentionKinds) {
        const std::string field = std::string("months_") + k.name;
        app::FormErrors range;  // one message for empty and out of range, which names the range
        auto months = app::IntField(ctx.form, field, range, k.min_months, kRetentionMaxMonths);
        if (!months) errors.Add(field, "error_retention_months");
        if (months) asked.emplace_back(k.name, *months);
    }
    if (!errors.empty()) return RenderRetention(ctx, errors, 422);
    const auto today = common::TokyoDate(ctx.svc.clock.Now());
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        const auto now = RetentionSettings(tx, today);
        for (std::size_t i = 0; i < asked.size(); ++i) {
            if (now[i].months != asked[i].second)
                SetRetention(tx, asked[i].first, asked[i].second, actor.user_id, ctx.svc.clock);
        }
    });
    return http::Response::Redirect("/retention?notice=retention_saved", 303);
}

}  // namespace ops

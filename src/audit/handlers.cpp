#include "audit/handlers.hpp"

#include "app/validate.hpp"
#include "auth/audit.hpp"
#include "common/dates.hpp"
#include "families/mails.hpp"
#include "plans/present.hpp"

#include <algorithm>

namespace audit {

using app::Ctx;
using kainjow::mustache::data;

namespace {

// Filters from the query string; a malformed one is a 400 with a message, never silently ignored.
auth::AuditFilter ParseFilter(const Ctx& ctx) {
    const auto& q = ctx.req.query;
    auth::AuditFilter f;
    for (auto [name, slot] : {std::pair{"from", &f.from}, std::pair{"to", &f.to}}) {
        std::string v = app::Trimmed(q.GetOr(name));
        if (v.empty()) continue;
        if (!common::ParseDate(v)) throw http::BadRequest("error_date");
        *slot = v;
    }
    if (auto v = app::Trimmed(q.GetOr("actor")); !v.empty()) {
        auto id = app::ParseId(v);
        if (!id) throw http::BadRequest("error_number_range");
        f.actor = common::UserId(*id);
    }
    if (auto v = app::Trimmed(q.GetOr("target_id")); !v.empty()) {
        auto id = app::ParseId(v);
        if (!id) throw http::BadRequest("error_number_range");
        f.target_id = *id;
    }
    f.action_prefix = app::Trimmed(q.GetOr("action"));
    f.target_kind = app::Trimmed(q.GetOr("target_kind"));
    f.outcome = app::Trimmed(q.GetOr("outcome"));
    if (!f.outcome.empty() && f.outcome != "ok" && f.outcome != "denied" && f.outcome != "failed") {
        throw http::BadRequest("error_choose");
    }
    return f;
}

std::string Opt(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : ""; }

// One CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
std::string CsvField(const std::string& v) {
    if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
    std::string out = "\"";
    for (char c : v) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

void AuditTheAudit(Ctx& ctx, const char* action) {
    ctx.svc.db.Write(
        [&](db::WriteTx& tx) { auth::WriteAudit(tx, ctx.Audit(action, "audit", std::nullopt), ctx.svc.clock); });
}

}  // namespace

http::Response Handlers::List(Ctx& ctx) const {
    ctx.Require(auth::Action::kAuditView);
    auto filter = ParseFilter(ctx);
    auto paging = app::ParsePaging(ctx.req);
    paging.per_page = 100;
    AuditTheAudit(ctx, "audit.view");
    auto [rows, total] = ctx.svc.db.Read([&](db::ReadTx& tx) {
        return std::make_pair(auth::ListAudit(tx, filter, paging.per_page, paging.Offset()),
                              auth::CountAudit(tx, filter));
    });
    // In words and Japan's time; the code stays beside it (what the filter and the CSV use). The rows one request
    // wrote for many records of one kind (a sheet of cards, an import) are one line with their count; the CSV keeps
    // every row.
    auto words = [&](const std::string& action) {
        std::string code = action, prefix;
        if (code.starts_with("denied:")) {
            prefix = ctx.T("audit_denied");
            code = code.substr(7);
        }
        std::string key = "audit_act_" + code;
        std::replace(key.begin(), key.end(), '.', '_');
        return prefix + (ctx.svc.catalogue.Has(key) ? ctx.T(key) : code);
    };
    data list{data::type::list};
    for (std::size_t i = 0; i < rows.size();) {
        const auto& r = rows[i];
        std::size_t same = 1;
        while (i + same < rows.size() && !r.event.request_id.empty() &&
               rows[i + same].event.request_id == r.event.request_id && rows[i + same].event.action == r.event.action &&
               rows[i + same].event.target_kind == r.event.target_kind)
            ++same;
        data d;
        d.set("id", std::to_string(r.id));
        d.set("created_at", plans::TokyoStamp(r.created_at));
        d.set("actor", r.event.actor ? r.event.actor->ToString() : "");
        const std::string role_key = "role_" + r.event.actor_role;
        d.set("role",
              r.event.actor_role.empty() || !ctx.svc.catalogue.Has(role_key) ? r.event.actor_role : ctx.T(role_key));
        d.set("site", r.event.site ? r.event.site->ToString() : "");
        d.set("action", words(r.event.action));
        d.set("code", r.event.action);
        std::string target = r.event.target_kind + (r.event.target_id ? " " + std::to_string(*r.event.target_id) : "");
        if (same > 1) {
            target = r.event.target_kind + " " + families::Fill(ctx.T("audit_times"), {{"n", std::to_string(same)}});
            d.set("grouped", true);
        }
        d.set("target", target);
        d.set("address", r.event.address);
        d.set("outcome", r.event.outcome);
        if (r.event.outcome != "ok") d.set("not_ok", true);
        d.set("request_id", r.event.request_id);
        list.push_back(d);
        i += same;
    }
    data body;
    body.set("entries", list);
    if (rows.empty()) body.set("empty", true);
    data form;
    for (const char* k : {"from", "to", "actor", "action", "target_kind", "target_id", "outcome"}) {
        form.set(k, ctx.req.query.GetOr(k));
    }
    body.set("form", form);
    body.set("csv_url", "/audit.csv?" + http::EncodeQuery(ctx.req.query, {"page"}));
    body.set("pager", app::PagerData(ctx, paging, total));
    ctx.wide = true;
    return app::RenderPage(ctx, list_, "audit_title", body);
}

http::Response Handlers::Csv(Ctx& ctx) const {
    ctx.Require(auth::Action::kAuditView);
    auto filter = ParseFilter(ctx);
    AuditTheAudit(ctx, "audit.export");
    // A UTF-8 byte order mark, so that Excel in Japan opens the file in the right encoding.
    std::string out = "\xEF\xBB\xBF";
    out +=
        "id,created_at_utc,actor_user_id,actor_role,site_id,action,target_kind,target_id,address,outcome,"
        "request_id,prev_hash,hash\r\n";
    ctx.svc.db.Read([&](db::ReadTx& tx) {
        constexpr int kPage = 5000;
        for (int offset = 0;; offset += kPage) {
            auto rows = auth::ListAudit(tx, filter, kPage, offset);
            for (const auto& r : rows) {
                const auto& e = r.event;
                for (const std::string& v : {std::to_string(r.id), r.created_at, e.actor ? e.actor->ToString() : "",
                                             e.actor_role, e.site ? e.site->ToString() : "", e.action, e.target_kind,
                                             Opt(e.target_id), e.address, e.outcome, e.request_id, r.prev_hash}) {
                    out += CsvField(v);
                    out += ',';
                }
                out += r.hash + "\r\n";
            }
            if (static_cast<int>(rows.size()) < kPage) break;
        }
    });
    http::Response res;
    res.content_type = "text/csv; charset=utf-8";
    res.body = std::move(out);
    res.SetHeader("Content-Disposition", "attachment; filename=\"tadaima-audit.csv\"");
    return res;
}

}  // namespace audit

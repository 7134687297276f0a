#include "entrance/handlers.hpp"

#include <boost/json/serialize.hpp>

#include "attendance/handlers.hpp"
#include "attendance/kiosks.hpp"
#include "auth/audit.hpp"
#include "auth/totp.hpp"
#include "entrance/entrance.hpp"
#include "entrance/request.hpp"
#include "families/families.hpp"
#include "sites/sites.hpp"

namespace entrance {

using app::Ctx;
using kainjow::mustache::data;

namespace {

boost::json::object ChildJson(const ChildHere& c) {
    return {{"id", c.id.value},
            {"display_name", c.display_name},
            {"kana", c.kana},
            {"state", std::string(attendance::StateName(c.day.state))},
            {"next", std::string(attendance::DirectionName(c.next))}};
}

std::string_view OutcomeName(StampOutcome o) {
    switch (o) {
        case StampOutcome::kRecorded:
            return "recorded";
        case StampOutcome::kAlreadyRecorded:
            return "already_recorded";
        case StampOutcome::kChanged:
            return "changed";
    }
    return "changed";
}

const char* ProblemKey(StampProblem p) {
    switch (p) {
        case StampProblem::kNoChildren:
            return "error_entrance_no_children";
        case StampProblem::kNotHere:
            return "error_entrance_not_here";
        case StampProblem::kPickupRequired:
            return "error_entrance_pickup_required";
        case StampProblem::kPickupUnknown:
            return "error_entrance_pickup_unknown";
        case StampProblem::kBadStampId:
            return "error_entrance_malformed";
    }
    return "error_entrance_malformed";
}

// A wrong PIN: counted at the kiosk and the site, and audited (the kiosk, never the digits).
void RecordWrongPin(Ctx& ctx, const attendance::Kiosk& kiosk) {
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        families::RecordCodeAttempt(tx, PinAttemptKey(kiosk.id), false, ctx.svc.clock);
        families::RecordCodeAttempt(tx, PinSiteAttemptKey(kiosk.site_id), false, ctx.svc.clock);
        auth::WriteAudit(tx, ctx.Audit("entrance.pin_wrong", "kiosk", kiosk.id.value, kiosk.site_id), ctx.svc.clock);
    });
}

}  // namespace

// A family pass or PIN shown at the entrance: the family's children here with what a stamp would record, who may
// pick them up, and a ticket for the stamp. A pass is good once; a wrong PIN counts against the kiosk and site.
http::Response Handlers::Lookup(Ctx& ctx) const {
    const auto& svc = ctx.svc;
    auto kiosk = attendance::RequireKiosk(ctx);
    if (!sites::TakesFamilyStamps(kiosk.site_kind)) throw http::HttpError(422, "error_entrance_not_nursery");
    auto parsed = ParseLookupBody(ctx.req.body);
    if (auto* problem = std::get_if<std::string>(&parsed)) throw http::BadRequest(*problem);
    const auto& body = std::get<LookupBody>(parsed);
    const auto now = svc.clock.Now();

    std::optional<common::AccountId> account;
    if (body.pass) {
        auto pass = ReadPass(svc.config.secret, *body.pass, now);
        if (auto* problem = std::get_if<PassProblem>(&pass)) {
            throw http::HttpError(422,
                                  *problem == PassProblem::kExpired ? "error_pass_expired" : "error_pass_unreadable");
        }
        // Used once: a second showing of the same code (a photo of it) is refused.
        if (!svc.db.Write([&](db::WriteTx& tx) { return AcceptPass(tx, std::get<Pass>(pass), svc.clock); })) {
            throw http::HttpError(422, "error_pass_used");
        }
        account = std::get<Pass>(pass).account;
    } else {
        bool held = svc.db.Read([&](db::ReadTx& tx) {
            return families::CodeAttemptsThrottled(tx, PinAttemptKey(kiosk.id), svc.clock, kPinFailuresPerKiosk,
                                                   std::chrono::duration_cast<std::chrono::minutes>(kPinKioskWindow)) ||
                   families::CodeAttemptsThrottled(tx, PinSiteAttemptKey(kiosk.site_id), svc.clock, kPinFailuresPerSite,
                                                   std::chrono::duration_cast<std::chrono::minutes>(kPinSiteWindow));
        });
        if (held) throw http::HttpError(429, "error_pin_throttled");
        auto digits = NormalisePin(*body.pin);
        if (digits)
            account = svc.db.Read([&](db::ReadTx& tx) { return FindAccountByPin(tx, svc.config.secret, *digits); });
        if (!account) {
            RecordWrongPin(ctx, kiosk);
            throw http::HttpError(422, "error_pin_wrong");
        }
    }
    auto family = svc.db.Read([&](db::ReadTx& tx) { return FamilyAtSite(tx, *account, kiosk, now); });
    if (!family) {
        // A PIN of a family with no child here is as wrong as any other (it says nothing of other sites).
        if (body.pin) {
            RecordWrongPin(ctx, kiosk);
            throw http::HttpError(422, "error_pin_wrong");
        }
        throw http::HttpError(422, "error_entrance_no_child_here");
    }
    boost::json::array children;
    for (const auto& c : family->children) children.push_back(ChildJson(c));
    boost::json::array pickup;
    for (const auto& p : family->pickup) {
        boost::json::array ids;
        for (auto id : p.children) ids.push_back(id.value);
        pickup.push_back(
            boost::json::object{{"id", p.id.value}, {"name", p.name}, {"relation", p.relation}, {"children", ids}});
    }
    boost::json::object out{{"ticket", MakeTicket(svc.config.secret, kiosk.id, *account, now)},
                            {"guardian", family->guardian_name},
                            {"children", std::move(children)},
                            {"pickup", std::move(pickup)}};
    auto res = http::Response::Json(boost::json::serialize(out));
    res.SetHeader("Cache-Control", "no-store");
    return res;
}

http::Response Handlers::Stamp(Ctx& ctx) const {
    const auto& svc = ctx.svc;
    auto kiosk = attendance::RequireKiosk(ctx);
    if (!sites::TakesFamilyStamps(kiosk.site_kind)) throw http::HttpError(422, "error_entrance_not_nursery");
    auto parsed = ParseStampBody(ctx.req.body);
    if (auto* problem = std::get_if<std::string>(&parsed)) throw http::BadRequest(*problem);
    auto& body = std::get<StampBody>(parsed);
    auto account = ReadTicket(svc.config.secret, body.ticket, kiosk.id, svc.clock.Now());
    if (!account) throw http::HttpError(422, "error_entrance_ticket");
    StampRequest request{*account, body.stamp_id, std::move(body.children), body.pickup_given, body.pickup};
    auto outcome = svc.db.Write([&](db::WriteTx& tx) { return entrance::Stamp(tx, kiosk, request, svc.clock); });
    if (auto* problem = std::get_if<StampProblem>(&outcome)) throw http::HttpError(422, ProblemKey(*problem));
    boost::json::array results;
    bool recorded = false;
    for (const auto& s : std::get<std::vector<Stamped>>(outcome)) {
        recorded |= s.outcome == StampOutcome::kRecorded;
        results.push_back(boost::json::object{{"child", ChildJson(s.child)},
                                              {"status", std::string(OutcomeName(s.outcome))},
                                              {"direction", std::string(attendance::DirectionName(s.direction))},
                                              {"time", common::FormatTokyoTime(s.at)}});
    }
    return http::Response::Json(boost::json::serialize(boost::json::object{{"results", std::move(results)}}),
                                recorded ? 201 : 200);
}

// --- Guardians -------------------------------------------------------------------------------------------------

http::Response Handlers::PassPage(Ctx& ctx) const {
    const auto& g = ctx.RequireGuardian();
    ctx.family_page = true;
    const auto& svc = ctx.svc;
    const std::string today = common::FormatDate(common::TokyoDate(svc.clock.Now()));
    // The account's children placed today at a site whose entrance takes families.
    auto children = svc.db.Read([&](db::ReadTx& tx) { return families::ChildrenOfAccount(tx, g.account_id, today); });
    std::erase_if(children, [](const families::FamilyChild& c) { return !sites::TakesFamilyStamps(c.site_kind); });
    data body;
    data list{data::type::list};
    for (const auto& c : children) {
        data d;
        d.set("name", c.name);
        d.set("site", c.site_name);
        list.push_back(d);
    }
    body.set("children", list);
    if (children.empty()) {
        body.set("none", true);
        return app::RenderPage(ctx, pass_, "family_pass_title", body);
    }
    std::string pin = svc.db.Write([&](db::WriteTx& tx) {
        return EnsurePin(tx, *svc.config.data_keys, svc.config.secret, g.account_id, svc.clock);
    });
    body.set("pin", pin.substr(0, 3) + " " + pin.substr(3));
    body.set("refresh_seconds", std::to_string(kPassRefresh.count()));
    body.set("csrf", ctx.CsrfToken());
    if (ctx.req.query.GetOr("notice") == "pin") body.set("pin_renewed", true);
    ctx.scripts.push_back(svc.assets.Url("family_pass.js"));
    auto res = app::RenderPage(ctx, pass_, "family_pass_title", body);
    res.SetHeader("Cache-Control", "no-store");
    return res;
}

http::Response Handlers::PassCode(Ctx& ctx) const {
    const auto& g = ctx.RequireGuardian();
    const auto& svc = ctx.svc;
    auto res = http::Response::Text(auth::QrSvg(MakePass(svc.config.secret, g.account_id, svc.clock.Now())));
    res.content_type = "image/svg+xml";
    res.SetHeader("Cache-Control", "no-store");
    return res;
}

http::Response Handlers::NewPin(Ctx& ctx) const {
    const auto& g = ctx.RequireGuardian();
    const auto& svc = ctx.svc;
    svc.db.Write(
        [&](db::WriteTx& tx) { RenewPin(tx, *svc.config.data_keys, svc.config.secret, g.account_id, svc.clock); });
    return http::Response::Redirect("/family/pass?notice=pin");
}

}  // namespace entrance

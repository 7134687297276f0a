#include "plans/present.hpp"

#include "families/mails.hpp"
#include "notify/render.hpp"

namespace plans {

std::string PlanSummary(const app::Ctx& ctx, const StoredPlan& p) {
    if (!p.plan.attending) {
        return ctx.T("plan_absent") +
               (p.absence_reason ? ctx.T("p_open") + ctx.T("absence_reason_" + *p.absence_reason) + ctx.T("p_close")
                                 : "");
    }
    std::string s = ctx.T("plan_attending");
    if (p.plan.leave_minutes) s += " " + common::FormatTimeOfDay(*p.plan.leave_minutes);
    s += " " + ctx.TK(p.plan.way_home == WayHome::kPickup ? "way_home_pickup" : "way_home_alone");
    if (!p.pickup_name.empty()) s += ctx.T("p_open") + p.pickup_name + ctx.T("p_close");
    return s;
}

std::string ContactWhat(const app::Ctx& ctx, const Contact& c) {
    if (!c.attending) {
        return ctx.T("contact_absent") +
               (c.absence_reason ? ctx.T("p_open") + ctx.T("absence_reason_" + *c.absence_reason) + ctx.T("p_close")
                                 : "");
    }
    std::string what;
    if (c.leave_minutes) what = ctx.T("contact_leave_at") + " " + common::FormatTimeOfDay(*c.leave_minutes);
    what += (what.empty() ? "" : "・") + ctx.TK(c.way_home == WayHome::kPickup ? "way_home_pickup" : "way_home_alone");
    if (!c.pickup_name.empty()) what += ctx.T("p_open") + c.pickup_name + ctx.T("p_close");
    return what;
}

std::string TokyoStamp(const std::string& instant) {
    auto at = common::ParseInstant(instant);
    if (!at) return instant;
    return common::FormatDate(common::TokyoDate(*at)) + " " + common::FormatTokyoTime(*at);
}

std::string DateLabel(const app::Ctx& ctx, const common::Date& d) {
    return notify::DateWords(ctx.svc.catalogue, ctx.lang, d);
}

kainjow::mustache::data ContactData(const app::Ctx& ctx, const Contact& c) {
    kainjow::mustache::data d;
    d.set("id", c.id.ToString());
    d.set("child_id", c.child.ToString());
    d.set("child_name", c.child_name);
    d.set("date", c.date);
    d.set("kind_label", ctx.T("contact_kind_" + c.kind));
    d.set("what", ContactWhat(ctx, c));
    d.set("note", c.note);
    d.set("from", c.account_name);
    d.set("received", TokyoStamp(c.created_at));
    if (c.after_deadline) d.set("after_deadline", true);
    if (c.confirmed_at) {
        d.set("confirmed", true);
        d.set("confirmed_by", c.confirmed_by_name);
    }
    return d;
}

}  // namespace plans

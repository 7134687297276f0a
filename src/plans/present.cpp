#include "plans/present.hpp"

namespace plans {

std::string PlanSummary(const app::Ctx& ctx, const StoredPlan& p) {
    if (!p.plan.attending) {
        return ctx.T("plan_absent") +
               (p.absence_reason ? "（" + ctx.T("absence_reason_" + *p.absence_reason) + "）" : "");
    }
    std::string s = ctx.T("plan_attending");
    if (p.plan.leave_minutes) s += " " + common::FormatTimeOfDay(*p.plan.leave_minutes);
    s += " " + ctx.T(p.plan.way_home == WayHome::kPickup ? "way_home_pickup" : "way_home_alone");
    if (!p.pickup_name.empty()) s += "（" + p.pickup_name + "）";
    return s;
}

std::string ContactWhat(const app::Ctx& ctx, const Contact& c) {
    if (!c.attending) {
        return ctx.T("contact_absent") +
               (c.absence_reason ? "（" + ctx.T("absence_reason_" + *c.absence_reason) + "）" : "");
    }
    std::string what;
    if (c.leave_minutes) what = ctx.T("contact_leave_at") + " " + common::FormatTimeOfDay(*c.leave_minutes);
    what += (what.empty() ? "" : "・") + ctx.T(c.way_home == WayHome::kPickup ? "way_home_pickup" : "way_home_alone");
    if (!c.pickup_name.empty()) what += "（" + c.pickup_name + "）";
    return what;
}

std::string TokyoStamp(const std::string& instant) {
    auto at = common::ParseInstant(instant);
    if (!at) return instant;
    return common::FormatDate(common::TokyoDate(*at)) + " " + common::FormatTokyoTime(*at);
}

}  // namespace plans

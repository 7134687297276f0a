#pragma once
// Plans and contacts in words, in the reader's language, for the staff and guardian pages.
#include <string>

#include "app/context.hpp"
#include "plans/plans.hpp"

namespace plans {

// "利用する 17:30 お迎え（祖母 花）" / "休む（体調不良）"
std::string PlanSummary(const app::Ctx& ctx, const StoredPlan& p);
// What a contact asks for: "欠席（体調不良）" / "帰宅 18:00・お迎え（祖母 花）"
std::string ContactWhat(const app::Ctx& ctx, const Contact& c);
// When it came, in Tokyo: "2026-11-24 07:40"
std::string TokyoStamp(const std::string& instant);
// A facility date for people: "11月24日（火）" / "Tue 24/11"
std::string DateLabel(const app::Ctx& ctx, const common::Date& d);
// One reported absence or change for the staff pages: id, child, date, kind, what, note, from, received,
// after_deadline, and confirmed with confirmed_by once a carer confirmed it.
kainjow::mustache::data ContactData(const app::Ctx& ctx, const Contact& c);

}  // namespace plans

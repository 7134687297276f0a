#include "attendance/live.hpp"

#include <boost/json/serialize.hpp>

#include "common/dates.hpp"

namespace attendance {

std::string StateJson(common::ChildId child, const DayState& day) {
    boost::json::object o{{"child", child.value},
                          {"state", std::string(StateName(day.state))},
                          {"in_at", day.in_at ? common::FormatTokyoTime(*day.in_at) : ""},
                          {"out_at", day.out_at ? common::FormatTokyoTime(*day.out_at) : ""}};
    return boost::json::serialize(o);
}

std::map<common::ChildId, std::string> ReadStates(db::ReadTx& tx, common::SiteId site, const std::string& date,
                                                  const std::set<common::ChildId>& children) {
    std::map<common::ChildId, std::string> out;
    const auto days = SiteChildrenDays(tx, site, date, children);
    for (common::ChildId c : children) {
        auto it = days.find(c);
        out.emplace(c, StateJson(c, it == days.end() ? DayState{} : it->second));
    }
    return out;
}

std::string AlertJson(common::ChildId child, std::string_view kind) {
    return boost::json::serialize(boost::json::object{{"child", child.value}, {"kind", std::string(kind)}});
}

}  // namespace attendance

#pragma once
// What the attendance record says on the live feed (live/feed.hpp): a child's day as a "state" event, an alert as
// an "alert" event. Ids, states and times only, never a name (the page already shows it).
#include <map>
#include <set>
#include <string>

#include "attendance/attendance.hpp"

namespace attendance {

// {"child": 12, "state": "in", "in_at": "15:02", "out_at": ""}
std::string StateJson(common::ChildId child, const DayState& day);

// The state events of these children at the site that day, as they are now (the feed's StateReader).
std::map<common::ChildId, std::string> ReadStates(db::ReadTx& tx, common::SiteId site, const std::string& date,
                                                  const std::set<common::ChildId>& children);

// {"child": 12, "kind": "not_arrived"}
std::string AlertJson(common::ChildId child, std::string_view kind);

}  // namespace attendance

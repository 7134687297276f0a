#pragma once
// The entrance kiosk's two requests as they arrive (pure; fuzzed: fuzz/):
//   POST /api/v1/kiosk/family        {"pass": "TDF1-…"} or {"pin": "123456"}
//   POST /api/v1/kiosk/family/stamp  {"ticket": "…", "stamp_id": "…", "children": [{"id": 7, "direction": "in"}],
//                                     "pickup": "self" | 12}   (pickup: required when a child goes home)
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "attendance/attendance.hpp"
#include "common/ids.hpp"

namespace entrance {

struct LookupBody {
    std::optional<std::string> pass;
    std::optional<std::string> pin;  // as typed
};
// The body, or the catalogue key of what is wrong with it (a 400).
std::variant<LookupBody, std::string> ParseLookupBody(std::string_view body);

struct StampBody {
    std::string ticket;
    std::string stamp_id;
    std::vector<std::pair<common::ChildId, attendance::Direction>> children;
    bool pickup_given = false;
    std::optional<common::PickupPersonId> pickup;  // none with pickup_given: "self"
};
std::variant<StampBody, std::string> ParseStampBody(std::string_view body);

}  // namespace entrance

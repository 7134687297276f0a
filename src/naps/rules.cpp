#include "naps/rules.hpp"

namespace naps {

int IntervalFor(int age_class, const Intervals& intervals) {
    if (age_class <= 0) return intervals.age0;
    if (age_class <= 2) return intervals.age12;
    return intervals.age3;
}

bool Valid(const Intervals& i) {
    for (int v : {i.age0, i.age12, i.age3})
        if (v < kMinInterval || v > kMaxInterval) return false;
    // A younger class is never checked less often than an older one.
    return i.age0 <= i.age12 && i.age12 <= i.age3;
}

std::string_view StateName(State state) {
    switch (state) {
        case State::kWaiting:
            return "waiting";
        case State::kDue:
            return "due";
        case State::kOverdue:
            return "overdue";
    }
    return "waiting";
}

common::Instant NextDue(common::Instant start, std::optional<common::Instant> last_check, int interval_minutes) {
    return last_check.value_or(start) + std::chrono::minutes(interval_minutes);
}

State StateAt(common::Instant due, common::Instant now) {
    if (now < due) return State::kWaiting;
    if (now < due + kGrace) return State::kDue;
    return State::kOverdue;
}

namespace {
constexpr std::array<std::string_view, 4> kPositionNames{"back", "left", "right", "front"};
}

std::string_view PositionName(Position position) { return kPositionNames[static_cast<std::size_t>(position)]; }

std::optional<Position> ParsePosition(std::string_view name) {
    for (auto p : kPositions)
        if (PositionName(p) == name) return p;
    return std::nullopt;
}

std::vector<common::Instant> MissedDues(common::Instant start, const std::vector<common::Instant>& checks,
                                        common::Instant end, int interval_minutes) {
    std::vector<common::Instant> missed;
    auto due = NextDue(start, std::nullopt, interval_minutes);
    for (auto check : checks) {
        if (StateAt(due, check) == State::kOverdue) missed.push_back(due);
        due = NextDue(start, check, interval_minutes);
    }
    if (StateAt(due, end) == State::kOverdue) missed.push_back(due);
    return missed;
}

}  // namespace naps

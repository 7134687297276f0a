#pragma once
// Nap checks (午睡チェック): when a sleeping child's next check is due, and which checks were missed. No database and
// no clock of their own: the instants are given, so the rules are tested alone.
//
// The national guideline after infant deaths in sleep asks that every sleeping child's breathing and position be
// checked regularly; nurseries use 5 minutes for 0-year-olds, 10 for 1–2-year-olds and 15–20 for older children.
// The interval is the age class's (年齢クラス, the age on 1 April), never the child's age today: a birthday does not
// lengthen it mid-year, and a class's children are checked alike. A check is due at the last check (or the nap's
// start) plus the interval; one more minute without a check and it is overdue — shown red and recorded as missed.
#include <array>
#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

#include "common/clock.hpp"

namespace naps {

// The site's intervals in minutes (defaults as above); each 1–30.
struct Intervals {
    int age0 = 5;
    int age12 = 10;
    int age3 = 15;
};
inline constexpr int kMinInterval = 1;
inline constexpr int kMaxInterval = 30;
int IntervalFor(int age_class, const Intervals& intervals);
bool Valid(const Intervals& intervals);

inline constexpr std::chrono::minutes kGrace{1};

enum class State { kWaiting, kDue, kOverdue };
std::string_view StateName(State state);
// The next check's instant: the last check (or the start) plus the interval.
common::Instant NextDue(common::Instant start, std::optional<common::Instant> last_check, int interval_minutes);
// Waiting before the due instant; due from it; overdue from a minute after.
State StateAt(common::Instant due, common::Instant now);

// How the child lies: 仰向け, 横向き（左）, 横向き（右）, うつぶせ. Face down is warned at once.
enum class Position { kBack, kLeft, kRight, kFront };
inline constexpr std::array kPositions{Position::kBack, Position::kLeft, Position::kRight, Position::kFront};
std::string_view PositionName(Position position);
std::optional<Position> ParsePosition(std::string_view name);
inline bool Warns(Position position) { return position == Position::kFront; }

// The due instants a nap missed: each passed by more than the grace before the next check (checks in order), and at
// the end (the wake-up, or now for a nap still going) the last one if it passed so. A missed due is missed once: the
// next is counted from the check that finally came.
std::vector<common::Instant> MissedDues(common::Instant start, const std::vector<common::Instant>& checks,
                                        common::Instant end, int interval_minutes);

}  // namespace naps

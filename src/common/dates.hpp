#pragma once
// Facility life happens in Asia/Tokyo; instants are stored in UTC.
// Japan has observed no daylight saving time since 1951, so Asia/Tokyo is UTC+9 for every date we handle;
// libstdc++ 12 has no tz database, and a fixed offset is exact here.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"

namespace common {

inline constexpr std::chrono::hours kTokyoOffset{9};

using Date = std::chrono::year_month_day;

// "2026-11-22" → date; nullopt for anything that is not a real calendar date between kMinYear and kMaxYear.
inline constexpr int kMinYear = 1900;
inline constexpr int kMaxYear = 2199;
std::optional<Date> ParseDate(std::string_view text);
std::string FormatDate(const Date& d);

// Instants as ISO 8601 UTC with milliseconds: "2026-11-22T01:02:03.456Z".
std::string FormatInstant(Instant t);
// Accepts our own format, and PostgreSQL's "2026-11-22 01:02:03.456+00".
std::optional<Instant> ParseInstant(std::string_view text);

// An instant as stored by either database, in our own format (PostgreSQL answers "… 01:02:03.456+00"); text that
// is not an instant is returned as it is.
std::string CanonicalInstant(const std::string& text);

// The Tokyo calendar date of an instant.
Date TokyoDate(Instant t);
// The Tokyo wall-clock time of an instant, "15:02" (seconds dropped).
std::string FormatTokyoTime(Instant t);
// The instant of a Tokyo date and a time of day in minutes (may be 24:00 or later: the next day).
Instant TokyoInstant(const Date& d, int minutes);
// Minutes since midnight, "08:30" → 510; nullopt when not HH:MM within a day.
std::optional<int> ParseTimeOfDay(std::string_view text);
std::string FormatTimeOfDay(int minutes);

}  // namespace common

#include "common/dates.hpp"

#include <charconv>
#include <cstdio>

namespace common {
namespace {

bool ParseInt(std::string_view s, int& out) {
    if (s.empty()) return false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size();
}

}  // namespace

std::optional<Date> ParseDate(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    int y = 0, m = 0, d = 0;
    if (!ParseInt(text.substr(0, 4), y) || !ParseInt(text.substr(5, 2), m) || !ParseInt(text.substr(8, 2), d)) {
        return std::nullopt;
    }
    // Within the years an instant can hold (nanoseconds since 1970 reach 1678–2262): the year 0226 a fuzzer sent
    // in a scan overflowed the conversion. No child, plan or record lies outside these.
    if (y < kMinYear || y > kMaxYear) return std::nullopt;
    Date date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
              std::chrono::day{static_cast<unsigned>(d)}};
    if (!date.ok()) return std::nullopt;
    return date;
}

std::string FormatDate(const Date& d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                  static_cast<unsigned>(d.day()));
    return buf;
}

std::string FormatInstant(Instant t) {
    using namespace std::chrono;
    auto ms = floor<milliseconds>(t);  // down, also before 1970 (a cast would round towards 1970)
    auto day = floor<days>(ms);
    year_month_day ymd{day};
    hh_mm_ss hms{ms - day};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ldZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                  static_cast<long>(hms.seconds().count()), static_cast<long>(hms.subseconds().count()));
    return buf;
}

std::optional<Instant> ParseInstant(std::string_view text) {
    using namespace std::chrono;
    if (text.size() < 19) return std::nullopt;
    auto date = ParseDate(text.substr(0, 10));
    if (!date || (text[10] != 'T' && text[10] != ' ') || text[13] != ':' || text[16] != ':') return std::nullopt;
    int h = 0, mi = 0, s = 0;
    if (!ParseInt(text.substr(11, 2), h) || !ParseInt(text.substr(14, 2), mi) || !ParseInt(text.substr(17, 2), s)) {
        return std::nullopt;
    }
    std::size_t pos = 19;
    long micros = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        int digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            if (digits < 6) {
                micros = micros * 10 + (text[pos] - '0');
                ++digits;
            }
            ++pos;
        }
        for (; digits < 6; ++digits) micros *= 10;
    }
    std::string_view zone = text.substr(pos);
    if (zone != "Z" && zone != "+00" && zone != "+00:00") return std::nullopt;
    if (h > 23 || mi > 59 || s > 60) return std::nullopt;
    auto tp = sys_days{*date} + hours{h} + minutes{mi} + seconds{s} + microseconds{micros};
    return time_point_cast<Instant::duration>(tp);
}

std::string CanonicalInstant(const std::string& text) {
    auto t = ParseInstant(text);
    return t ? FormatInstant(*t) : text;
}

Date TokyoDate(Instant t) {
    using namespace std::chrono;
    return year_month_day{floor<days>(t + kTokyoOffset)};
}

std::string FormatTokyoTime(Instant t) {
    using namespace std::chrono;
    auto local = t + kTokyoOffset;
    auto minutes = duration_cast<std::chrono::minutes>(local - floor<days>(local)).count();
    return FormatTimeOfDay(static_cast<int>(minutes));
}

Instant TokyoInstant(const Date& d, int minutes) {
    using namespace std::chrono;
    return Instant(sys_days(d).time_since_epoch()) + std::chrono::minutes(minutes) - kTokyoOffset;
}

std::optional<int> ParseTimeOfDay(std::string_view text) {
    if (text.size() != 5 || text[2] != ':') return std::nullopt;
    int h = 0, m = 0;
    if (!ParseInt(text.substr(0, 2), h) || !ParseInt(text.substr(3, 2), m)) return std::nullopt;
    if (h > 23 || m > 59) return std::nullopt;
    return h * 60 + m;
}

std::string FormatTimeOfDay(int minutes) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
    return buf;
}

}  // namespace common

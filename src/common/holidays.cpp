#include "common/holidays.hpp"

#include <chrono>

namespace common {
namespace {

using namespace std::chrono;

unsigned WeekdayOf(const Date& d) { return weekday{sys_days(d)}.c_encoding(); }

// The n-th Monday of a month.
bool NthMonday(const Date& d, unsigned month, unsigned n) {
    return static_cast<unsigned>(d.month()) == month && WeekdayOf(d) == 1 &&
           (static_cast<unsigned>(d.day()) - 1) / 7 + 1 == n;
}

// The day of the vernal (春分) and autumnal (秋分) equinox in Japan, by the approximation the almanac uses.
unsigned Equinox(int year, double base) {
    const int y = year - 1980;
    return static_cast<unsigned>(static_cast<int>(base + 0.242194 * y) - y / 4);
}

}  // namespace

bool IsNamedHoliday(const Date& d) {
    const int y = static_cast<int>(d.year());
    const unsigned m = static_cast<unsigned>(d.month()), day = static_cast<unsigned>(d.day());
    switch (m) {
        case 1:
            return day == 1 || NthMonday(d, 1, 2);  // 元日, 成人の日
        case 2:
            return day == 11 || day == 23;  // 建国記念の日, 天皇誕生日
        case 3:
            return day == Equinox(y, 20.8431);  // 春分の日
        case 4:
            return day == 29;  // 昭和の日
        case 5:
            return day == 3 || day == 4 || day == 5;  // 憲法記念日, みどりの日, こどもの日
        case 7:
            return NthMonday(d, 7, 3);  // 海の日
        case 8:
            return day == 11;  // 山の日
        case 9:
            return NthMonday(d, 9, 3) || day == Equinox(y, 23.2488);  // 敬老の日, 秋分の日
        case 10:
            return NthMonday(d, 10, 2);  // スポーツの日
        case 11:
            return day == 3 || day == 23;  // 文化の日, 勤労感謝の日
        default:
            return false;
    }
}

bool IsNationalHoliday(const Date& d) {
    if (IsNamedHoliday(d)) return true;
    const sys_days day{d};
    // 振替休日: the first day that is not a holiday after a holiday on a Sunday (so a run of holidays pushes it on).
    if (WeekdayOf(d) != 0) {
        for (sys_days back = day - days{1};; back -= days{1}) {
            if (!IsNamedHoliday(Date{back})) break;
            if (WeekdayOf(Date{back}) == 0) return true;
        }
    }
    // 国民の休日: a day between two named holidays (a Sunday is a day off anyway).
    return WeekdayOf(d) != 0 && IsNamedHoliday(Date{day - days{1}}) && IsNamedHoliday(Date{day + days{1}});
}

int SchoolYearOn(const Date& birth, const Date& date) {
    const int b = static_cast<int>(birth.year());
    const bool early = birth.month() < April || (birth.month() == April && birth.day() == day{1});
    const int starts = b + (early ? 6 : 7);  // the April the child starts elementary school
    const int school_year = static_cast<int>(date.year()) - (date.month() < April ? 1 : 0);
    return school_year - starts + 1;
}

bool IsWeekendOrHoliday(const Date& d) {
    const unsigned wd = WeekdayOf(d);
    return wd == 0 || wd == 6 || IsNationalHoliday(d);
}

}  // namespace common

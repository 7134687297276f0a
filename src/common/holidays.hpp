#pragma once
// Japan's national holidays (国民の祝日), by the rules of the law as they stand since 2020: fixed days, the "Happy
// Monday" days, the equinoxes by the usual approximation (good for 1980–2099), substitute holidays (振替休日) and
// a weekday between two holidays (国民の休日). The register's counts tell weekdays from holidays with it. Years
// before 2020 with one-off moves (the 2020 and 2021 Olympics) are outside what it knows.
#include "common/dates.hpp"

namespace common {

// The holiday's own rule only (no substitutes): a fixed day, a Happy Monday or an equinox.
bool IsNamedHoliday(const Date& d);
// Any day off by the law: a named holiday, a substitute holiday or a day between two holidays.
bool IsNationalHoliday(const Date& d);
// A day without school lessons by the calendar: Saturday, Sunday or a national holiday.
bool IsWeekendOrHoliday(const Date& d);

// The school year (学年) on `date` of a child born on `birth`: 1 for the first year of elementary school (a year's
// class is born from 2 April to 1 April, and starts school in the April after turning six), 0 for the year before
// it (the 5歳児 class at a nursery), -5 for 0歳児; so a grade on any date, past or future, without a stored grade.
int SchoolYearOn(const Date& birth, const Date& date);

}  // namespace common

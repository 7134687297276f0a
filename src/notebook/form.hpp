#pragma once
// The notebook's forms as posted: each side's fields into the rules' structs, with what could not be read (a
// temperature that is not a number, a time that is not HH:MM) as field errors; the rules then judge the values.
#include "app/context.hpp"
#include "notebook/rules.hpp"

namespace notebook {

HomeSide ParseHomeForm(const http::Params& form, app::FormErrors& errors);
NurserySide ParseNurseryForm(const http::Params& form, app::FormErrors& errors);
// The rules' problems added to the form's errors (a field's first error wins).
void AddProblems(const Problems& problems, app::FormErrors& errors);

// A typed temperature ("36.8", "３６．８", "36,8") in tenths of a degree, and a time of day ("07:10") in minutes; none
// when left empty, a field error when it cannot be read (its range is the rules').
std::optional<int> Tenths(const http::Params& form, const std::string& name, app::FormErrors& errors);
std::optional<int> Time(const http::Params& form, const std::string& name, app::FormErrors& errors);
// "36.8" from tenths, "" for none; and times as "HH:MM".
std::string TemperatureText(const std::optional<int>& tenths);
std::string TimeText(const std::optional<int>& minutes);
// A side as form values (to show a saved side in its form, or the other device's version beside one's own).
kainjow::mustache::data HomeValues(const HomeSide& home);
kainjow::mustache::data NurseryValues(const NurserySide& nursery);

}  // namespace notebook

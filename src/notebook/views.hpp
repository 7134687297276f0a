#pragma once
// The notebook's pages as template data: a side as lines to read, a side's form with its choices, a class's rows.
#include "app/context.hpp"
#include "notebook/notebook.hpp"

namespace notebook {

// Lines of {label, value, warn} to read a side (only what was written).
kainjow::mustache::data HomeLines(const app::Ctx& ctx, const HomeSide& home);
kainjow::mustache::data NurseryLines(const app::Ctx& ctx, const NurserySide& nursery);
// The form of a side: the values shown (`values`, from the saved side or the posted form), each choice list with its
// checked one, and each item's "shown"/"required" for the child's age class.
kainjow::mustache::data HomeForm(const app::Ctx& ctx, const kainjow::mustache::data& values, const HomeSide& chosen,
                                 const Settings& settings, int age_class);
kainjow::mustache::data NurseryForm(const app::Ctx& ctx, const kainjow::mustache::data& values,
                                    const NurserySide& chosen, const Settings& settings, int age_class);
// A class's row: the child, whether the home side came and what to notice, and the nursery side's state.
kainjow::mustache::data ClassRowData(const app::Ctx& ctx, const ClassRow& row);

}  // namespace notebook

#include "notebook/views.hpp"

#include "common/dates.hpp"
#include "families/mails.hpp"
#include "notebook/form.hpp"

namespace notebook {
namespace {

using kainjow::mustache::data;

void Line(data& list, const std::string& label, const std::string& value, bool warn = false) {
    if (value.empty()) return;
    data d;
    d.set("label", label);
    d.set("value", value);
    if (warn) d.set("warn", true);
    list.push_back(d);
}

std::string Word(const app::Ctx& ctx, const std::string& group, const std::string& value) {
    return value.empty() ? "" : ctx.T("nb_" + group + "_" + value);
}

template <std::size_t N>
data Choices(const app::Ctx& ctx, const std::string& name, const std::string& group, const std::string_view (&words)[N],
             const std::string& chosen) {
    data list{data::type::list};
    for (auto w : words) {
        data d;
        d.set("name", name);
        d.set("value", std::string(w));
        d.set("id", name + "-" + std::string(w));
        d.set("label", ctx.T("nb_" + group + "_" + std::string(w)));
        if (chosen == w) d.set("checked", true);
        list.push_back(d);
    }
    return list;
}

std::string Temperature(const app::Ctx& ctx, const std::optional<int>& tenths, const std::optional<int>& at) {
    if (!tenths) return "";
    return TemperatureText(tenths) + ctx.T("nb_degrees") +
           (at ? ctx.T("p_open") + TimeText(at) + ctx.T("p_close") : "");
}

std::string Bowel(const app::Ctx& ctx, const std::optional<int>& count, const std::string& state) {
    if (!count) return "";
    std::string out = families::Fill(ctx.T("nb_times"), {{"n", std::to_string(*count)}});
    if (!state.empty()) out += ctx.T("p_open") + Word(ctx, "bowel", state) + ctx.T("p_close");
    return out;
}

// "shown"/"required" of each item, for the template: {items: {temperature: {shown, required}, …}}.
data Items(Side side, const Settings& settings, int age_class) {
    data items;
    auto add = [&](std::string_view item) {
        auto rule = settings.Rule(side, age_class, item);
        data d;
        if (rule.shown) d.set("shown", true);
        if (rule.required) d.set("required", true);
        items.set(std::string(item), d);
    };
    if (side == Side::kHome) {
        for (auto i : kHomeItems) add(i);
    } else {
        for (auto i : kNurseryItems) add(i);
    }
    return items;
}

}  // namespace

data HomeLines(const app::Ctx& ctx, const HomeSide& h) {
    data list{data::type::list};
    Line(list, ctx.T("nb_temperature"), Temperature(ctx, h.temperature, h.temperature_time), Noticed(h).fever);
    if (auto sleep = SleepMinutes(h)) {
        Line(list, ctx.T("nb_sleep"),
             TimeText(h.bed_time) + "〜" + TimeText(h.wake_time) + " " +
                 families::Fill(ctx.T("nb_hours"),
                                {{"h", std::to_string(*sleep / 60)}, {"m", std::to_string(*sleep % 60)}}));
    }
    Line(list, ctx.T("nb_breakfast"), Word(ctx, "amount", h.breakfast));
    Line(list, ctx.T("nb_bowel"), Bowel(ctx, h.bowel_count, h.bowel_state));
    Line(list, ctx.T("nb_mood"), Word(ctx, "mood", h.mood));
    Line(list, ctx.T("nb_health"), h.health, true);
    Line(list, ctx.T("nb_medicine"), h.medicine, true);
    Line(list, ctx.T("nb_pickup"),
         h.pickup_person.empty() && !h.pickup_time
             ? ""
             : (h.pickup_person.empty() ? ctx.T("nb_pickup_usual") : h.pickup_person) +
                   (h.pickup_time ? " " + TimeText(h.pickup_time) : ""),
         !h.pickup_person.empty());
    Line(list, ctx.T("nb_note"), h.note);
    return list;
}

data NurseryLines(const app::Ctx& ctx, const NurserySide& n) {
    data list{data::type::list};
    std::string meals;
    if (!n.lunch.empty()) meals += ctx.T("nb_lunch") + " " + Word(ctx, "amount", n.lunch);
    if (!n.snack.empty()) meals += (meals.empty() ? "" : "、") + ctx.T("nb_snack") + " " + Word(ctx, "amount", n.snack);
    if (!n.meals_note.empty()) meals += (meals.empty() ? "" : "\n") + n.meals_note;
    Line(list, ctx.T("nb_meals"), meals);
    if (n.nap_start && n.nap_end) Line(list, ctx.T("nb_nap"), TimeText(n.nap_start) + "〜" + TimeText(n.nap_end));
    Line(list, ctx.T("nb_bowel"), Bowel(ctx, n.bowel_count, n.bowel_state));
    Line(list, ctx.T("nb_temperature"), Temperature(ctx, n.temperature, n.temperature_time),
         n.temperature && *n.temperature >= kFeverTenths);
    Line(list, ctx.T("nb_mood"), Word(ctx, "mood", n.mood));
    Line(list, ctx.T("nb_episode"), n.episode);
    return list;
}

data HomeForm(const app::Ctx& ctx, const data& values, const HomeSide& chosen, const Settings& settings,
              int age_class) {
    data d;
    d.set("values", values);
    d.set("items", Items(Side::kHome, settings, age_class));
    d.set("breakfast_choices", Choices(ctx, "breakfast", "amount", kAmounts, chosen.breakfast));
    d.set("bowel_choices", Choices(ctx, "bowel_state", "bowel", kBowelStates, chosen.bowel_state));
    d.set("mood_choices", Choices(ctx, "mood", "mood", kMoods, chosen.mood));
    return d;
}

data NurseryForm(const app::Ctx& ctx, const data& values, const NurserySide& chosen, const Settings& settings,
                 int age_class) {
    data d;
    d.set("values", values);
    d.set("items", Items(Side::kNursery, settings, age_class));
    d.set("lunch_choices", Choices(ctx, "lunch", "amount", kAmounts, chosen.lunch));
    d.set("snack_choices", Choices(ctx, "snack", "amount", kAmounts, chosen.snack));
    d.set("bowel_choices", Choices(ctx, "bowel_state", "bowel", kBowelStates, chosen.bowel_state));
    d.set("mood_choices", Choices(ctx, "mood", "mood", kMoods, chosen.mood));
    return d;
}

data ClassRowData(const app::Ctx& ctx, const ClassRow& row) {
    data d;
    d.set("id", row.child.ToString());
    d.set("name", row.name);
    d.set("kana", row.kana);
    d.set("age", families::Fill(ctx.T("nb_age_class"), {{"n", std::to_string(row.age_class)}}));
    const auto& e = row.entry;
    if (e.home) {
        d.set("home_sent", true);
        d.set("home_at", e.home_saved_at ? common::FormatTokyoTime(*common::ParseInstant(*e.home_saved_at)) : "");
        auto n = Noticed(*e.home);
        data flags{data::type::list};
        auto flag = [&](bool on, const std::string& text) {
            if (on) flags.push_back(data("text", text));
        };
        flag(n.fever, ctx.T("nb_flag_fever") + " " + TemperatureText(e.home->temperature) + ctx.T("nb_degrees"));
        flag(n.medicine, ctx.T("nb_flag_medicine"));
        flag(n.pickup, ctx.T("nb_flag_pickup") + ctx.T("p_colon") + e.home->pickup_person);
        flag(n.health, ctx.T("nb_flag_health"));
        d.set("flags", flags);
        if (n.Any()) d.set("notice", true);
    }
    std::string state = !e.nursery                                                                  ? "none"
                        : !e.published_at                                                           ? "draft"
                        : e.edited_after_publish_at && *e.edited_after_publish_at > *e.published_at ? "edited"
                                                                                                    : "published";
    d.set("nursery_state", state);
    d.set("nursery_label", ctx.T("nb_state_" + state));
    return d;
}

}  // namespace notebook

#include "notebook/rules.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "common/dates.hpp"
#include "common/holidays.hpp"

namespace notebook {
namespace {

template <std::size_t N>
bool OneOf(const std::string_view (&words)[N], std::string_view w) {
    return std::find(std::begin(words), std::end(words), w) != std::end(words);
}

bool Missing(const std::optional<int>& v) { return !v.has_value(); }
bool Missing(const std::string& v) { return v.empty(); }

constexpr std::size_t kLongText = 1000;
constexpr std::size_t kShortText = 100;

void CheckTemperature(Problems& out, const std::optional<int>& tenths, const std::optional<int>& time) {
    if (tenths && (*tenths < kLowestTenths || *tenths > kHighestTenths)) out["temperature"] = "error_temperature_range";
    if (tenths && !time) out["temperature_time"] = "error_temperature_time";
}

void CheckText(Problems& out, const std::string& field, const std::string& text, std::size_t limit) {
    if (text.size() > limit) out[field] = "error_too_long";
}

void CheckBowel(Problems& out, const std::optional<int>& count, const std::string& state) {
    if (count && (*count < 0 || *count > 20)) out["bowel_count"] = "error_bowel_count";
    if (!state.empty() && !OneOf(kBowelStates, state)) out["bowel_state"] = "error_choice";
}

// Each required item that was left empty.
void CheckRequired(Problems& out, Side side, const Settings& settings, int age_class,
                   const std::vector<std::pair<std::string_view, bool>>& filled) {
    for (const auto& [item, has] : filled) {
        if (!has && settings.Rule(side, age_class, item).required && !out.count(std::string(item)))
            out[std::string(item)] = "error_required";
    }
}

std::optional<int> OptInt(const boost::json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    if (v && v->is_int64()) return static_cast<int>(v->as_int64());
    return std::nullopt;
}
std::string Text(const boost::json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    if (v && v->is_string()) return std::string(v->as_string());
    return "";
}
void Put(boost::json::object& o, std::string_view key, const std::optional<int>& v) {
    if (v) o[key] = *v;
}
void Put(boost::json::object& o, std::string_view key, const std::string& v) {
    if (!v.empty()) o[key] = v;
}

}  // namespace

std::string_view SideName(Side side) { return side == Side::kHome ? "home" : "nursery"; }

bool IsItem(Side side, std::string_view item) {
    return side == Side::kHome ? OneOf(kHomeItems, item) : OneOf(kNurseryItems, item);
}

int AgeClass(const std::string& birth_date, const std::string& date) {
    auto birth = common::ParseDate(birth_date);
    auto day = common::ParseDate(date);
    if (!birth || !day) return kAgeClasses - 1;
    return std::clamp(common::SchoolYearOn(*birth, *day) + 5, 0, kAgeClasses - 1);
}

ItemRule DefaultRule(Side side, int age_class, std::string_view item) {
    ItemRule r;
    if (age_class < 3) {
        static constexpr std::string_view kHomeRequired[] = {"temperature", "sleep", "breakfast", "bowel", "mood"};
        static constexpr std::string_view kNurseryRequired[] = {"meals", "nap", "bowel", "mood"};
        r.required = side == Side::kHome ? OneOf(kHomeRequired, item) : OneOf(kNurseryRequired, item);
    }
    return r;
}

ItemRule Settings::Rule(Side side, int age_class, std::string_view item) const {
    auto it = overrides.find({side, age_class, std::string(item)});
    ItemRule r = it != overrides.end() ? it->second : DefaultRule(side, age_class, item);
    if (!r.shown) r.required = false;  // what is not shown cannot be asked for
    return r;
}

std::optional<int> SleepMinutes(const HomeSide& h) {
    if (!h.bed_time || !h.wake_time) return std::nullopt;
    // A bed time from noon on was the evening before.
    int bed = *h.bed_time >= 12 * 60 ? *h.bed_time - 24 * 60 : *h.bed_time;
    int minutes = *h.wake_time - bed;
    if (minutes <= 0 || minutes > kLongestSleepMinutes) return std::nullopt;
    return minutes;
}

Problems Check(const HomeSide& h, const Settings& settings, int age_class) {
    Problems out;
    CheckTemperature(out, h.temperature, h.temperature_time);
    if (h.bed_time.has_value() != h.wake_time.has_value()) {
        out["sleep"] = "error_sleep_both";
    } else if (h.bed_time && !SleepMinutes(h)) {
        out["sleep"] = "error_sleep_order";
    }
    if (!h.breakfast.empty() && !OneOf(kAmounts, h.breakfast)) out["breakfast"] = "error_choice";
    CheckBowel(out, h.bowel_count, h.bowel_state);
    if (!h.mood.empty() && !OneOf(kMoods, h.mood)) out["mood"] = "error_choice";
    CheckText(out, "health", h.health, kLongText);
    CheckText(out, "medicine", h.medicine, kShortText * 3);
    CheckText(out, "pickup_person", h.pickup_person, kShortText);
    CheckText(out, "note", h.note, kLongText * 2);
    CheckRequired(out, Side::kHome, settings, age_class,
                  {{"temperature", !Missing(h.temperature)},
                   {"sleep", !Missing(h.bed_time)},
                   {"breakfast", !Missing(h.breakfast)},
                   {"bowel", !Missing(h.bowel_count)},
                   {"mood", !Missing(h.mood)},
                   {"health", !Missing(h.health)},
                   {"pickup", !Missing(h.pickup_person) || !Missing(h.pickup_time)},
                   {"note", !Missing(h.note)}});
    return out;
}

Problems Check(const NurserySide& n, const Settings& settings, int age_class, bool with_required) {
    Problems out;
    for (const auto* amount : {&n.lunch, &n.snack}) {
        if (!amount->empty() && !OneOf(kAmounts, *amount)) out[amount == &n.lunch ? "lunch" : "snack"] = "error_choice";
    }
    if (n.nap_start.has_value() != n.nap_end.has_value()) {
        out["nap"] = "error_nap_both";
    } else if (n.nap_start && *n.nap_end <= *n.nap_start) {
        out["nap"] = "error_nap_order";
    }
    CheckBowel(out, n.bowel_count, n.bowel_state);
    CheckTemperature(out, n.temperature, n.temperature_time);
    if (!n.mood.empty() && !OneOf(kMoods, n.mood)) out["mood"] = "error_choice";
    CheckText(out, "meals_note", n.meals_note, kLongText);
    CheckText(out, "episode", n.episode, kLongText * 2);
    if (!with_required) return out;
    CheckRequired(out, Side::kNursery, settings, age_class,
                  {{"meals", !Missing(n.lunch) || !Missing(n.snack)},
                   {"nap", !Missing(n.nap_start)},
                   {"bowel", !Missing(n.bowel_count)},
                   {"temperature", !Missing(n.temperature)},
                   {"mood", !Missing(n.mood)},
                   {"episode", !Missing(n.episode)}});
    return out;
}

NurserySide Overlay(const NurserySide& base, const NurserySide& given) {
    NurserySide out = base;
    auto text = [](std::string& into, const std::string& v) {
        if (!v.empty()) into = v;
    };
    auto number = [](std::optional<int>& into, const std::optional<int>& v) {
        if (v) into = v;
    };
    text(out.lunch, given.lunch);
    text(out.snack, given.snack);
    text(out.meals_note, given.meals_note);
    number(out.nap_start, given.nap_start);
    number(out.nap_end, given.nap_end);
    number(out.bowel_count, given.bowel_count);
    text(out.bowel_state, given.bowel_state);
    number(out.temperature, given.temperature);
    number(out.temperature_time, given.temperature_time);
    text(out.mood, given.mood);
    text(out.episode, given.episode);
    return out;
}

Notice Noticed(const HomeSide& h) {
    Notice n;
    n.fever = h.temperature && *h.temperature >= kFeverTenths;
    n.medicine = !h.medicine.empty();
    n.pickup = !h.pickup_person.empty();
    n.health = !h.health.empty();
    return n;
}

std::string ToJson(const HomeSide& h) {
    boost::json::object o;
    Put(o, "temperature", h.temperature);
    Put(o, "temperature_time", h.temperature_time);
    Put(o, "bed_time", h.bed_time);
    Put(o, "wake_time", h.wake_time);
    Put(o, "breakfast", h.breakfast);
    Put(o, "bowel_count", h.bowel_count);
    Put(o, "bowel_state", h.bowel_state);
    Put(o, "mood", h.mood);
    Put(o, "health", h.health);
    Put(o, "medicine", h.medicine);
    Put(o, "pickup_person", h.pickup_person);
    Put(o, "pickup_time", h.pickup_time);
    Put(o, "note", h.note);
    return boost::json::serialize(o);
}

std::string ToJson(const NurserySide& n) {
    boost::json::object o;
    Put(o, "lunch", n.lunch);
    Put(o, "snack", n.snack);
    Put(o, "meals_note", n.meals_note);
    Put(o, "nap_start", n.nap_start);
    Put(o, "nap_end", n.nap_end);
    Put(o, "bowel_count", n.bowel_count);
    Put(o, "bowel_state", n.bowel_state);
    Put(o, "temperature", n.temperature);
    Put(o, "temperature_time", n.temperature_time);
    Put(o, "mood", n.mood);
    Put(o, "episode", n.episode);
    return boost::json::serialize(o);
}

namespace {
boost::json::object ObjectOf(std::string_view json) {
    boost::system::error_code ec;
    auto v = boost::json::parse(json, ec);
    if (ec || !v.is_object()) return {};
    return v.as_object();
}
}  // namespace

HomeSide HomeFromJson(std::string_view json) {
    auto o = ObjectOf(json);
    HomeSide h;
    h.temperature = OptInt(o, "temperature");
    h.temperature_time = OptInt(o, "temperature_time");
    h.bed_time = OptInt(o, "bed_time");
    h.wake_time = OptInt(o, "wake_time");
    h.breakfast = Text(o, "breakfast");
    h.bowel_count = OptInt(o, "bowel_count");
    h.bowel_state = Text(o, "bowel_state");
    h.mood = Text(o, "mood");
    h.health = Text(o, "health");
    h.medicine = Text(o, "medicine");
    h.pickup_person = Text(o, "pickup_person");
    h.pickup_time = OptInt(o, "pickup_time");
    h.note = Text(o, "note");
    return h;
}

NurserySide NurseryFromJson(std::string_view json) {
    auto o = ObjectOf(json);
    NurserySide n;
    n.lunch = Text(o, "lunch");
    n.snack = Text(o, "snack");
    n.meals_note = Text(o, "meals_note");
    n.nap_start = OptInt(o, "nap_start");
    n.nap_end = OptInt(o, "nap_end");
    n.bowel_count = OptInt(o, "bowel_count");
    n.bowel_state = Text(o, "bowel_state");
    n.temperature = OptInt(o, "temperature");
    n.temperature_time = OptInt(o, "temperature_time");
    n.mood = Text(o, "mood");
    n.episode = Text(o, "episode");
    return n;
}

}  // namespace notebook

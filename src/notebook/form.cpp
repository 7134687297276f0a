#include "notebook/form.hpp"

#include "app/validate.hpp"
#include "common/dates.hpp"
#include "common/kana.hpp"

namespace notebook {
namespace {

using kainjow::mustache::data;

// Full-width digits, points and colons as a Japanese keyboard types them, as ASCII (NFKC), without spaces.
std::string Ascii(std::string_view s) { return common::FoldForSearch(s); }

}  // namespace

std::optional<int> Tenths(const http::Params& form, const std::string& name, app::FormErrors& errors) {
    std::string v = Ascii(form.GetOr(name));
    if (v.empty()) return std::nullopt;
    if (v.find(',') != std::string::npos) v[v.find(',')] = '.';
    int whole = 0, tenth = 0;
    auto dot = v.find('.');
    std::string a = v.substr(0, dot), b = dot == std::string::npos ? "0" : v.substr(dot + 1);
    bool ok = !a.empty() && a.size() <= 2 && b.size() == 1 && a.find_first_not_of("0123456789") == std::string::npos &&
              b.find_first_not_of("0123456789") == std::string::npos;
    if (!ok) {
        errors.Add(name, "error_temperature_format");
        return std::nullopt;
    }
    whole = std::stoi(a);
    tenth = b[0] - '0';
    return whole * 10 + tenth;
}

std::optional<int> Time(const http::Params& form, const std::string& name, app::FormErrors& errors) {
    std::string v = Ascii(form.GetOr(name));
    if (v.empty()) return std::nullopt;
    auto t = common::ParseTimeOfDay(v);
    if (!t) errors.Add(name, "error_time");
    return t;
}

namespace {

std::string Choice(const http::Params& form, const std::string& name) { return app::Trimmed(form.GetOr(name)); }

void Set(data& d, const std::string& key, const std::string& value) {
    if (!value.empty()) d.set(key, value);
}

}  // namespace

HomeSide ParseHomeForm(const http::Params& form, app::FormErrors& errors) {
    HomeSide h;
    h.temperature = Tenths(form, "temperature", errors);
    h.temperature_time = Time(form, "temperature_time", errors);
    h.bed_time = Time(form, "bed_time", errors);
    h.wake_time = Time(form, "wake_time", errors);
    h.breakfast = Choice(form, "breakfast");
    h.bowel_count = app::IntField(form, "bowel_count", errors, 0, 20);
    h.bowel_state = Choice(form, "bowel_state");
    h.mood = Choice(form, "mood");
    h.health = app::TextAreaField(form, "health", errors, false, 500);
    h.medicine = app::TextField(form, "medicine", errors, false, 100);
    h.pickup_person = app::TextField(form, "pickup_person", errors, false, 50);
    h.pickup_time = Time(form, "pickup_time", errors);
    h.note = app::TextAreaField(form, "note", errors, false, 1000);
    return h;
}

NurserySide ParseNurseryForm(const http::Params& form, app::FormErrors& errors) {
    NurserySide n;
    n.lunch = Choice(form, "lunch");
    n.snack = Choice(form, "snack");
    n.meals_note = app::TextField(form, "meals_note", errors, false, 500);
    n.nap_start = Time(form, "nap_start", errors);
    n.nap_end = Time(form, "nap_end", errors);
    n.bowel_count = app::IntField(form, "bowel_count", errors, 0, 20);
    n.bowel_state = Choice(form, "bowel_state");
    n.temperature = Tenths(form, "temperature", errors);
    n.temperature_time = Time(form, "temperature_time", errors);
    n.mood = Choice(form, "mood");
    n.episode = app::TextAreaField(form, "episode", errors, false, kMaxEpisode);
    return n;
}

void AddProblems(const Problems& problems, app::FormErrors& errors) {
    for (const auto& [field, key] : problems) errors.Add(field, key);
}

std::string TemperatureText(const std::optional<int>& tenths) {
    if (!tenths) return "";
    return std::to_string(*tenths / 10) + "." + std::to_string(*tenths % 10);
}

std::string TimeText(const std::optional<int>& minutes) { return minutes ? common::FormatTimeOfDay(*minutes) : ""; }

data HomeValues(const HomeSide& h) {
    data d;
    Set(d, "temperature", TemperatureText(h.temperature));
    Set(d, "temperature_time", TimeText(h.temperature_time));
    Set(d, "bed_time", TimeText(h.bed_time));
    Set(d, "wake_time", TimeText(h.wake_time));
    Set(d, "breakfast", h.breakfast);
    if (h.bowel_count) d.set("bowel_count", std::to_string(*h.bowel_count));
    Set(d, "bowel_state", h.bowel_state);
    Set(d, "mood", h.mood);
    Set(d, "health", h.health);
    Set(d, "medicine", h.medicine);
    Set(d, "pickup_person", h.pickup_person);
    Set(d, "pickup_time", TimeText(h.pickup_time));
    Set(d, "note", h.note);
    return d;
}

data NurseryValues(const NurserySide& n) {
    data d;
    Set(d, "lunch", n.lunch);
    Set(d, "snack", n.snack);
    Set(d, "meals_note", n.meals_note);
    Set(d, "nap_start", TimeText(n.nap_start));
    Set(d, "nap_end", TimeText(n.nap_end));
    if (n.bowel_count) d.set("bowel_count", std::to_string(*n.bowel_count));
    Set(d, "bowel_state", n.bowel_state);
    Set(d, "temperature", TemperatureText(n.temperature));
    Set(d, "temperature_time", TimeText(n.temperature_time));
    Set(d, "mood", n.mood);
    Set(d, "episode", n.episode);
    return d;
}

}  // namespace notebook

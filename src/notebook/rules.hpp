#pragma once
// The contact notebook (連絡帳, G1): one page per child per day with two sides — the home side the guardian fills
// before drop-off, the nursery side staff fill during the day. The rules, without a database: which items a site
// shows and requires for a child's age class, what a value may be, what staff should notice. (Two devices at once:
// each side is versioned, and a save on another version is refused — notebook.hpp.)
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace notebook {

enum class Side { kHome, kNursery };
std::string_view SideName(Side side);

// The items of each side, in the order a page shows them.
inline constexpr std::string_view kHomeItems[] = {"temperature", "sleep",  "breakfast", "bowel",
                                                  "mood",        "health", "pickup",    "note"};
inline constexpr std::string_view kNurseryItems[] = {"meals", "nap", "bowel", "temperature", "mood", "episode"};
bool IsItem(Side side, std::string_view item);

// Age classes at a nursery: 0歳児 … 5歳児, by the child's age on 1 April of the school year.
inline constexpr int kAgeClasses = 6;
// The nursery side's episode, at most (characters).
inline constexpr std::size_t kMaxEpisode = 1000;
int AgeClass(const std::string& birth_date, const std::string& date);

// Whether an item appears and must be filled, for one side and age class at a site.
struct ItemRule {
    bool shown = true;
    bool required = false;
};
// The defaults: everything shown; under three, the home side's temperature, sleep, breakfast, bowel movements and
// mood are required (what a carer of a baby must know at drop-off), and the nursery side's meals, nap, bowel
// movements and mood; from three, nothing is required.
ItemRule DefaultRule(Side side, int age_class, std::string_view item);
// A site's choices over the defaults: (side, age class, item) → rule.
struct Settings {
    std::map<std::tuple<Side, int, std::string>, ItemRule> overrides;
    ItemRule Rule(Side side, int age_class, std::string_view item) const;
};

// Amounts eaten, bowel movements' state and moods are fixed words (shown in the reader's language).
inline constexpr std::string_view kAmounts[] = {"all", "most", "half", "little", "none"};
inline constexpr std::string_view kBowelStates[] = {"normal", "soft", "diarrhea", "hard"};
inline constexpr std::string_view kMoods[] = {"good", "usual", "poor"};

// Temperatures are kept in tenths of a degree; a body temperature outside 34.0–42.0 °C is a typing mistake.
inline constexpr int kLowestTenths = 340;
inline constexpr int kHighestTenths = 420;
inline constexpr int kFeverTenths = 375;  // 37.5 °C: shown to staff as fever
inline constexpr int kLongestSleepMinutes = 16 * 60;

struct HomeSide {
    std::optional<int> temperature;          // tenths of a degree
    std::optional<int> temperature_time;     // minutes since midnight
    std::optional<int> bed_time, wake_time;  // last night's bed time (from noon on: the evening before) and wake time
    std::string breakfast;                   // an amount, or empty
    std::optional<int> bowel_count;
    std::string bowel_state;
    std::string mood;
    std::string health;         // remarks on health
    std::string medicine;       // medicine given or to give (empty: none)
    std::string pickup_person;  // who picks up today when it is not the usual guardian (empty: as usual)
    std::optional<int> pickup_time;
    std::string note;
    bool operator==(const HomeSide&) const = default;
};

struct NurserySide {
    std::string lunch, snack;  // amounts
    std::string meals_note;
    std::optional<int> nap_start, nap_end;
    std::optional<int> bowel_count;
    std::string bowel_state;
    std::optional<int> temperature, temperature_time;
    std::string mood;
    std::string episode;  // the day's episode, free text
    bool operator==(const NurserySide&) const = default;
};

// Field → catalogue key of what is wrong (empty: nothing). Required items are judged by the settings for the age,
// unless `with_required` is false: the nursery side is saved bit by bit during the day (lunch at noon, the nap in
// the afternoon) and must be complete only when it is published.
using Problems = std::map<std::string, std::string>;
Problems Check(const HomeSide& home, const Settings& settings, int age_class);
Problems Check(const NurserySide& nursery, const Settings& settings, int age_class, bool with_required = true);
// The nursery side with the fields `given` has (non-empty) laid over `base`: several children's pages filled at once
// with what is the same for all (the class's lunch), keeping what each page already says otherwise.
NurserySide Overlay(const NurserySide& base, const NurserySide& given);
// Minutes asleep last night, or none when the times are missing or make no sense (wake before bed).
std::optional<int> SleepMinutes(const HomeSide& home);

// What staff should notice on the class's list at drop-off.
struct Notice {
    bool fever = false;     // 37.5 °C or more at home
    bool medicine = false;  // the family says medicine
    bool pickup = false;    // someone other than usual picks up
    bool health = false;    // the family wrote about health
    bool Any() const { return fever || medicine || pickup || health; }
};
Notice Noticed(const HomeSide& home);

// The two sides as stored (JSON text; sealed by the caller) and read back. Unknown keys are ignored.
std::string ToJson(const HomeSide& home);
std::string ToJson(const NurserySide& nursery);
HomeSide HomeFromJson(std::string_view json);
NurserySide NurseryFromJson(std::string_view json);

}  // namespace notebook

#pragma once
// A nursery's health records (保健記録), the rules without a database: what a temperature check, a growth measure
// and an illness may say, which illnesses are infections that warn a class (感染症アラート) and for how long, and the
// growth chart drawn as SVG by the server.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace health {

// Illnesses a family or staff report, by the names Japanese nurseries' guidance uses; all but "other" are
// infections that warn the class.
inline constexpr std::string_view kDiseases[] = {
    "influenza", "covid19", "gastroenteritis", "rsv",     "hand_foot_mouth", "herpangina",     "chickenpox",
    "strep",     "adeno",   "mumps",           "measles", "rubella",         "conjunctivitis", "other"};
bool IsDisease(std::string_view name);
bool IsInfection(std::string_view name);
// Days an infection warns its class when no end was given (the usual time away from nursery, rounded up).
int DefaultDays(std::string_view disease);

inline constexpr int kFeverTenths = 375;  // 37.5 °C, as in the notebook
inline constexpr int kLowestTenths = 340, kHighestTenths = 420;
inline constexpr int kLowestHeightMm = 400, kHighestHeightMm = 1500;  // 40–150 cm
inline constexpr int kLowestWeightG = 1500, kHighestWeightG = 40000;  // 1.5–40 kg

using Problems = std::map<std::string, std::string>;  // field → catalogue key

struct Temperature {
    int tenths = 0;
    int minutes = 0;  // time of day it was taken
};
Problems Check(const Temperature& t);

struct Growth {
    std::optional<int> height_mm, weight_g;
};
Problems Check(const Growth& g);

struct Illness {
    std::string disease;
    std::string onset;                 // YYYY-MM-DD
    std::optional<std::string> until;  // the last day the child stays away (none: the disease's usual days)
    std::string note;
};
// `today` bounds the onset (not in the future); `until` is not before the onset, nor more than 60 days after it.
Problems Check(const Illness& i, const std::string& today);
// The last day an illness warns its class.
std::string WarnsUntil(const Illness& i);
bool WarnsOn(const Illness& i, const std::string& date);

// The child's record on its 児童票: allergies, the family doctor, notes on health.
struct Record {
    std::string allergies, doctor, doctor_phone, notes;
    bool operator==(const Record&) const = default;
};
Problems Check(const Record& r);

// One class's warning: a disease and how many children of the class have it on a day (never who, for families).
struct Warning {
    std::string group;  // the class's name (empty: the site's children in no class)
    std::string disease;
    int children = 0;
    bool operator==(const Warning&) const = default;
};
// The warnings of a day from each child's illnesses and class: per class and disease, counted once per child.
struct ChildIllness {
    std::int64_t child = 0;
    std::string group;
    Illness illness;
};
std::vector<Warning> Warnings(const std::vector<ChildIllness>& illnesses, const std::string& date);

// The growth chart: height and weight over age, as an SVG the page embeds. `birth` and each measure's date are
// YYYY-MM-DD; labels are in the page's language.
struct Measure {
    std::string date;
    Growth growth;
};
struct ChartLabels {
    std::string title, height, weight, months;
};
std::string GrowthChart(const std::string& birth, const std::vector<Measure>& measures, const ChartLabels& labels);

}  // namespace health

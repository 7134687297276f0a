#include "health/rules.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <set>
#include <sstream>
#include <tuple>

#include "common/dates.hpp"

namespace health {
namespace {

std::string AddDays(const std::string& date, int days) {
    return common::FormatDate(std::chrono::sys_days(*common::ParseDate(date)) + std::chrono::days(days));
}

// Text in the SVG: the labels come from the catalogue, but escaped like any text put into markup.
std::string Escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

int DaysBetween(const std::string& a, const std::string& b) {
    return static_cast<int>(
        (std::chrono::sys_days(*common::ParseDate(b)) - std::chrono::sys_days(*common::ParseDate(a))).count());
}

}  // namespace

bool IsDisease(std::string_view name) { return std::ranges::find(kDiseases, name) != std::end(kDiseases); }
bool IsInfection(std::string_view name) { return IsDisease(name) && name != "other"; }

int DefaultDays(std::string_view disease) {
    // Days from onset the child usually stays away, after the guidance's criteria (e.g. influenza: five days after
    // onset and three after the fever; chickenpox: until every blister has crusted).
    if (disease == "influenza" || disease == "covid19" || disease == "mumps" || disease == "conjunctivitis") return 7;
    if (disease == "chickenpox" || disease == "measles") return 10;
    if (disease == "rubella" || disease == "hand_foot_mouth" || disease == "herpangina" || disease == "adeno") return 5;
    return 3;  // gastroenteritis, RSV, strep: a few days
}

Problems Check(const Temperature& t) {
    Problems out;
    if (t.tenths < kLowestTenths || t.tenths > kHighestTenths) out["temperature"] = "error_temperature_range";
    if (t.minutes < 0 || t.minutes >= 24 * 60) out["time"] = "error_time";
    return out;
}

Problems Check(const Growth& g) {
    Problems out;
    if (!g.height_mm && !g.weight_g) out["height"] = "error_growth_empty";
    if (g.height_mm && (*g.height_mm < kLowestHeightMm || *g.height_mm > kHighestHeightMm))
        out["height"] = "error_growth_height";
    if (g.weight_g && (*g.weight_g < kLowestWeightG || *g.weight_g > kHighestWeightG))
        out["weight"] = "error_growth_weight";
    return out;
}

Problems Check(const Illness& i, const std::string& today) {
    Problems out;
    if (!IsDisease(i.disease)) out["disease"] = "error_choice";
    if (!common::ParseDate(i.onset)) {
        out["onset"] = "error_date";
    } else if (i.onset > today) {
        out["onset"] = "error_health_future";
    } else if (i.until) {
        if (!common::ParseDate(*i.until)) {
            out["until"] = "error_date";
        } else if (*i.until < i.onset || DaysBetween(i.onset, *i.until) > 60) {
            out["until"] = "error_illness_until";
        }
    }
    if (i.note.size() > 1000) out["note"] = "error_too_long";
    return out;
}

std::string WarnsUntil(const Illness& i) { return i.until ? *i.until : AddDays(i.onset, DefaultDays(i.disease) - 1); }

bool WarnsOn(const Illness& i, const std::string& date) {
    return IsInfection(i.disease) && i.onset <= date && date <= WarnsUntil(i);
}

Problems Check(const Record& r) {
    Problems out;
    for (const auto& [field, text, limit] :
         {std::tuple{"allergies", &r.allergies, 1000}, std::tuple{"doctor", &r.doctor, 200},
          std::tuple{"doctor_phone", &r.doctor_phone, 30}, std::tuple{"notes", &r.notes, 2000}}) {
        if (text->size() > static_cast<std::size_t>(limit)) out[field] = "error_too_long";
    }
    return out;
}

std::vector<Warning> Warnings(const std::vector<ChildIllness>& illnesses, const std::string& date) {
    std::map<std::pair<std::string, std::string>, std::set<std::int64_t>> by;
    for (const auto& c : illnesses) {
        if (WarnsOn(c.illness, date)) by[{c.group, c.illness.disease}].insert(c.child);
    }
    std::vector<Warning> out;
    for (const auto& [key, children] : by) out.push_back({key.first, key.second, static_cast<int>(children.size())});
    return out;
}

std::string GrowthChart(const std::string& birth, const std::vector<Measure>& measures, const ChartLabels& labels) {
    // Two panels, one above the other (a phone's width, and a card's on a desk): height (cm) and weight (kg) over
    // months of age, each scaled to its own points.
    constexpr int kPanelW = 300, kPanelH = 150, kPad = 40, kGap = 28;
    struct Point {
        double months, value;
    };
    std::vector<Point> heights, weights;
    for (const auto& m : measures) {
        const double months = DaysBetween(birth, m.date) / 30.4375;
        if (m.growth.height_mm) heights.push_back({months, *m.growth.height_mm / 10.0});
        if (m.growth.weight_g) weights.push_back({months, *m.growth.weight_g / 1000.0});
    }
    std::ostringstream svg;
    svg.setf(std::ios::fixed);
    svg.precision(1);
    const int width = kPanelW + 2 * kPad, height = 2 * (kPanelH + kPad) + kGap;
    svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << width << " " << height
        << "\" role=\"img\" aria-label=\"" << Escape(labels.title) << "\" class=\"growth-chart\">";
    auto panel = [&](int y0, const std::vector<Point>& points, const std::string& name) {
        svg << "<g transform=\"translate(" << kPad << " " << y0 + kPad / 2 << ")\">";
        svg << "<rect width=\"" << kPanelW << "\" height=\"" << kPanelH << "\" fill=\"#fff\" stroke=\"#c8c8c8\"/>";
        svg << "<text x=\"0\" y=\"-4\" font-size=\"14\" fill=\"#222\">" << Escape(name) << "</text>";
        if (!points.empty()) {
            auto [lo_m, hi_m] = std::minmax_element(points.begin(), points.end(),
                                                    [](const Point& a, const Point& b) { return a.months < b.months; });
            auto [lo_v, hi_v] = std::minmax_element(points.begin(), points.end(),
                                                    [](const Point& a, const Point& b) { return a.value < b.value; });
            const double m0 = lo_m->months, m1 = std::max(hi_m->months, m0 + 1);
            const double v0 = lo_v->value * 0.95, v1 = std::max(hi_v->value * 1.05, v0 + 1);
            auto x = [&](double m) { return (m - m0) / (m1 - m0) * (kPanelW - 20) + 10; };
            auto y = [&](double v) { return kPanelH - ((v - v0) / (v1 - v0) * (kPanelH - 20) + 10); };
            svg << "<polyline fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"2\" points=\"";
            for (const auto& p : points) svg << x(p.months) << "," << y(p.value) << " ";
            svg << "\"/>";
            for (const auto& p : points)
                svg << "<circle cx=\"" << x(p.months) << "\" cy=\"" << y(p.value) << "\" r=\"3.5\" fill=\"#1f5fa8\"/>";
            // The first and last values and ages, written beside the axes.
            svg << "<text x=\"2\" y=\"" << kPanelH + 14 << "\" font-size=\"13\" fill=\"#555\">" << m0 << " "
                << Escape(labels.months) << "</text>";
            svg << "<text x=\"" << kPanelW << "\" y=\"" << kPanelH + 14
                << "\" font-size=\"13\" fill=\"#555\" text-anchor=\"end\">" << hi_m->months << " "
                << Escape(labels.months) << "</text>";
            svg << "<text x=\"-4\" y=\"" << y(lo_v->value) + 4 << "\" font-size=\"13\" fill=\"#555\" "
                << "text-anchor=\"end\">" << lo_v->value << "</text>";
            svg << "<text x=\"-4\" y=\"" << y(hi_v->value) + 4 << "\" font-size=\"13\" fill=\"#555\" "
                << "text-anchor=\"end\">" << hi_v->value << "</text>";
        }
        svg << "</g>";
    };
    panel(0, heights, labels.height);
    panel(kPanelH + kPad + kGap, weights, labels.weight);
    svg << "</svg>";
    return svg.str();
}

}  // namespace health

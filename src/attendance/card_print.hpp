#pragma once
// Printed QR cards: business-card size (91 × 55 mm), ten to an A4 sheet with cut marks, or one as PNG/SVG.
#include <string>
#include <vector>

#include "print/pdf.hpp"

namespace attendance {

struct CardFace {
    std::string payload;  // what the QR code holds
    std::string name;     // 山田 太郎
    std::string kana;     // やまだ たろう
    std::string site;     // the site's name
    std::string caption;  // a line of help in the site's language
};

inline constexpr double kCardWidthMm = 91.0;
inline constexpr double kCardHeightMm = 55.0;

// A4 PDF pages of two columns by five rows, with cut marks at every card edge in the margins.
std::string RenderCardSheet(const std::vector<CardFace>& cards);
// One card alone, as PDF, PNG or SVG.
std::string RenderCard(const CardFace& card, print::Format format);

}  // namespace attendance

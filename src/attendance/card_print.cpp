#include "attendance/card_print.hpp"

namespace attendance {
namespace {

constexpr int kColumns = 2;
constexpr int kRows = 5;
constexpr double kLeft = (print::kA4WidthMm - kColumns * kCardWidthMm) / 2;  // 14 mm
constexpr double kTop = (print::kA4HeightMm - kRows * kCardHeightMm) / 2;    // 11 mm
constexpr double kMark = 5.0;                                                // cut-mark length in the margins

void DrawCard(print::PdfDocument& doc, double x, double y, const CardFace& c) {
    const double qr = 45.0;
    doc.Qr(x + 3, y + (kCardHeightMm - qr) / 2, qr, c.payload);
    const double tx = x + 3 + qr + 2;
    const double tw = kCardWidthMm - (tx - x) - 3;
    double ty = y + 5;
    ty += doc.Text(tx, ty, c.site, {7, false, tw}) + 2;
    ty += doc.Text(tx, ty, c.kana, {8, false, tw});
    ty += doc.Text(tx, ty, c.name, {14, true, tw}) + 3;
    doc.Text(tx, ty, c.caption, {6.5, false, tw});
}

}  // namespace

std::string RenderCardSheet(const std::vector<CardFace>& cards) {
    print::PdfDocument doc("QR cards");
    for (std::size_t i = 0; i < cards.size(); ++i) {
        int slot = static_cast<int>(i % (kColumns * kRows));
        if (slot == 0 && i > 0) doc.NextPage();
        if (slot == 0) {
            // Cut marks: every column and row edge, drawn in the margins only so no card carries a line.
            for (int c = 0; c <= kColumns; ++c) {
                double x = kLeft + c * kCardWidthMm;
                doc.Line(x, kTop - kMark - 1, x, kTop - 1, 0.3);
                doc.Line(x, kTop + kRows * kCardHeightMm + 1, x, kTop + kRows * kCardHeightMm + kMark + 1, 0.3);
            }
            for (int r = 0; r <= kRows; ++r) {
                double y = kTop + r * kCardHeightMm;
                doc.Line(kLeft - kMark - 1, y, kLeft - 1, y, 0.3);
                doc.Line(kLeft + kColumns * kCardWidthMm + 1, y, kLeft + kColumns * kCardWidthMm + kMark + 1, y, 0.3);
            }
        }
        double x = kLeft + (slot % kColumns) * kCardWidthMm;
        double y = kTop + (slot / kColumns) * kCardHeightMm;
        DrawCard(doc, x, y, cards[i]);
    }
    return doc.Finish();
}

std::string RenderCard(const CardFace& card, print::Format format) {
    print::PdfDocument doc("QR card", format, kCardWidthMm, kCardHeightMm);
    doc.Box(0.2, 0.2, kCardWidthMm - 0.4, kCardHeightMm - 0.4, 0.3);
    DrawCard(doc, 0, 0, card);
    return doc.Finish();
}

}  // namespace attendance

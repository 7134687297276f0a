#pragma once
// Printed documents (registration letters, QR card sheets): A4 PDF pages drawn with cairo, Japanese text
// laid out by pango in Noto Sans CJK, QR codes from libqrencode. Positions and sizes are in millimetres from the
// top left of the page.
#include <memory>
#include <string>
#include <string_view>

namespace print {

inline constexpr double kA4WidthMm = 210.0;
inline constexpr double kA4HeightMm = 297.0;

struct TextStyle {
    double size_pt = 11;
    bool bold = false;
    double width_mm = 0;  // wrap at this width (0: no wrapping)
    bool centre = false;
};

// PDF pages (A4 unless told), or one PNG image (12 pixels a millimetre, about 300 dpi) or one SVG drawing.
enum class Format { kPdf, kPng, kSvg };

class PdfDocument {
 public:
    explicit PdfDocument(const std::string& title, Format format = Format::kPdf, double width_mm = kA4WidthMm,
                         double height_mm = kA4HeightMm);
    ~PdfDocument();
    PdfDocument(const PdfDocument&) = delete;
    PdfDocument& operator=(const PdfDocument&) = delete;

    // Draws UTF-8 text; returns its height in millimetres.
    double Text(double x_mm, double y_mm, std::string_view text, const TextStyle& style = {});
    // A QR code (error correction M, with its quiet zone inside the square).
    void Qr(double x_mm, double y_mm, double size_mm, std::string_view data);
    void Box(double x_mm, double y_mm, double w_mm, double h_mm, double line_pt = 0.8);
    void Line(double x1_mm, double y1_mm, double x2_mm, double y2_mm, double line_pt = 0.5, bool dashed = false);
    // A filled rectangle in a grey (0 black … 1 white), drawn under what comes after.
    void Shade(double x_mm, double y_mm, double w_mm, double h_mm, double grey = 0.9);
    void NextPage();
    // Ends the document and returns its bytes (PDF, PNG or SVG).
    std::string Finish();

 private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace print

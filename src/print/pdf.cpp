#include "print/pdf.hpp"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include <stdexcept>

namespace print {

namespace {
constexpr double kPtPerMm = 72.0 / 25.4;
constexpr double kPxPerMm = 12.0;  // PNG
constexpr const char* kFontFamily = "Noto Sans CJK JP";
}  // namespace

struct PdfDocument::State {
    Format format = Format::kPdf;
    std::string bytes;
    cairo_surface_t* surface = nullptr;
    cairo_t* cr = nullptr;
    bool finished = false;
    double unit = kPtPerMm;  // device units per millimetre
};

namespace {
cairo_status_t Append(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}
}  // namespace

PdfDocument::PdfDocument(const std::string& title, Format format, double width_mm, double height_mm)
    : state_(std::make_unique<State>()) {
    auto& st = *state_;
    st.format = format;
    switch (format) {
        case Format::kPdf:
            st.surface =
                cairo_pdf_surface_create_for_stream(Append, &st.bytes, width_mm * kPtPerMm, height_mm * kPtPerMm);
            cairo_pdf_surface_set_metadata(st.surface, CAIRO_PDF_METADATA_TITLE, title.c_str());
            cairo_pdf_surface_set_metadata(st.surface, CAIRO_PDF_METADATA_CREATOR, "tadaima");
            break;
        case Format::kSvg:
            st.surface =
                cairo_svg_surface_create_for_stream(Append, &st.bytes, width_mm * kPtPerMm, height_mm * kPtPerMm);
            break;
        case Format::kPng:
            st.unit = kPxPerMm;
            st.surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, static_cast<int>(width_mm * kPxPerMm),
                                                    static_cast<int>(height_mm * kPxPerMm));
            break;
    }
    if (cairo_surface_status(st.surface) != CAIRO_STATUS_SUCCESS) throw std::runtime_error("cairo surface");
    st.cr = cairo_create(st.surface);
    if (format == Format::kPng) {
        cairo_set_source_rgb(st.cr, 1, 1, 1);
        cairo_paint(st.cr);
        cairo_set_source_rgb(st.cr, 0, 0, 0);
    }
    cairo_scale(st.cr, st.unit, st.unit);  // draw in millimetres
}

PdfDocument::~PdfDocument() {
    if (state_->cr) cairo_destroy(state_->cr);
    if (state_->surface) cairo_surface_destroy(state_->surface);
}

double PdfDocument::Text(double x_mm, double y_mm, std::string_view text, const TextStyle& style) {
    cairo_t* cr = state_->cr;
    cairo_save(cr);
    // Pango lays out in points; scale millimetres to points for the layout and back for its extent.
    cairo_translate(cr, x_mm, y_mm);
    cairo_scale(cr, 1.0 / kPtPerMm, 1.0 / kPtPerMm);
    PangoLayout* layout = pango_cairo_create_layout(cr);
    PangoFontDescription* font = pango_font_description_new();
    pango_font_description_set_family(font, kFontFamily);
    pango_font_description_set_weight(font, style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_absolute_size(font, style.size_pt * PANGO_SCALE);
    pango_layout_set_font_description(layout, font);
    if (style.width_mm > 0) {
        pango_layout_set_width(layout, static_cast<int>(style.width_mm * kPtPerMm * PANGO_SCALE));
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
        if (style.centre) pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);
    }
    pango_layout_set_text(layout, text.data(), static_cast<int>(text.size()));
    cairo_set_source_rgb(cr, 0, 0, 0);
    pango_cairo_show_layout(cr, layout);
    int w = 0, h = 0;
    pango_layout_get_size(layout, &w, &h);
    pango_font_description_free(font);
    g_object_unref(layout);
    cairo_restore(cr);
    return static_cast<double>(h) / PANGO_SCALE / kPtPerMm;
}

void PdfDocument::Shade(double x_mm, double y_mm, double w_mm, double h_mm, double grey) {
    cairo_t* cr = state_->cr;
    cairo_save(cr);
    cairo_set_source_rgb(cr, grey, grey, grey);
    cairo_rectangle(cr, x_mm, y_mm, w_mm, h_mm);
    cairo_fill(cr);
    cairo_restore(cr);
}

void PdfDocument::Qr(double x_mm, double y_mm, double size_mm, std::string_view data) {
    std::string text(data);
    QRcode* code = QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!code) throw std::runtime_error("QR encoding failed");
    const int quiet = 4;
    const int n = code->width + 2 * quiet;
    const double module = size_mm / n;
    cairo_t* cr = state_->cr;
    cairo_save(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x_mm, y_mm, size_mm, size_mm);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int row = 0; row < code->width; ++row) {
        for (int col = 0; col < code->width; ++col) {
            if (code->data[row * code->width + col] & 1) {
                cairo_rectangle(cr, x_mm + (col + quiet) * module, y_mm + (row + quiet) * module, module, module);
            }
        }
    }
    cairo_fill(cr);
    cairo_restore(cr);
    QRcode_free(code);
}

void PdfDocument::Box(double x_mm, double y_mm, double w_mm, double h_mm, double line_pt) {
    cairo_t* cr = state_->cr;
    cairo_save(cr);
    cairo_set_line_width(cr, line_pt / kPtPerMm);
    cairo_rectangle(cr, x_mm, y_mm, w_mm, h_mm);
    cairo_stroke(cr);
    cairo_restore(cr);
}

void PdfDocument::Line(double x1_mm, double y1_mm, double x2_mm, double y2_mm, double line_pt, bool dashed) {
    cairo_t* cr = state_->cr;
    cairo_save(cr);
    cairo_set_line_width(cr, line_pt / kPtPerMm);
    if (dashed) {
        double dash[] = {2.0, 1.5};
        cairo_set_dash(cr, dash, 2, 0);
    }
    cairo_move_to(cr, x1_mm, y1_mm);
    cairo_line_to(cr, x2_mm, y2_mm);
    cairo_stroke(cr);
    cairo_restore(cr);
}

void PdfDocument::NextPage() { cairo_show_page(state_->cr); }

std::string PdfDocument::Finish() {
    auto& st = *state_;
    if (!st.finished) {
        if (st.format == Format::kPng) {
            cairo_surface_flush(st.surface);
            if (cairo_surface_write_to_png_stream(st.surface, Append, &st.bytes) != CAIRO_STATUS_SUCCESS) {
                throw std::runtime_error("cairo png");
            }
        } else {
            cairo_show_page(st.cr);
        }
        cairo_destroy(st.cr);
        st.cr = nullptr;
        cairo_surface_finish(st.surface);
        if (cairo_surface_status(st.surface) != CAIRO_STATUS_SUCCESS) throw std::runtime_error("cairo surface");
        st.finished = true;
    }
    return st.bytes;
}

}  // namespace print

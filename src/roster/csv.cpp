#include "roster/csv.hpp"

#include <unicode/ucnv.h>

#include <memory>

#include "http/message.hpp"

namespace roster {

std::optional<std::string> DecodeToUtf8(std::string_view bytes, std::string& encoding) {
    if (bytes.starts_with("\xEF\xBB\xBF")) {
        bytes.remove_prefix(3);
        encoding = "UTF-8";
        if (!http::IsValidUtf8(bytes)) return std::nullopt;
        return std::string(bytes);
    }
    if (http::IsValidUtf8(bytes)) {
        encoding = "UTF-8";
        return std::string(bytes);
    }
    encoding = "CP932";
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<UConverter, decltype(&ucnv_close)> conv(ucnv_open("windows-31j", &status), &ucnv_close);
    if (U_FAILURE(status)) return std::nullopt;
    // Bytes that are not CP932 either are an error, not a replacement character in someone's name.
    ucnv_setToUCallBack(conv.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
    std::vector<UChar> utf16(bytes.size() * 2 + 16);
    int32_t n = ucnv_toUChars(conv.get(), utf16.data(), static_cast<int32_t>(utf16.size()), bytes.data(),
                              static_cast<int32_t>(bytes.size()), &status);
    if (U_FAILURE(status)) return std::nullopt;
    std::string out;
    out.reserve(static_cast<std::size_t>(n) * 3);
    for (int32_t i = 0; i < n;) {
        UChar32 c;
        U16_NEXT(utf16.data(), i, n, c);
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else if (c < 0x800) {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            out += static_cast<char>(0xE0 | (c >> 12));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (c >> 18));
            out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out;
}

std::variant<CsvFile, CsvError> ParseCsv(std::string_view bytes) {
    CsvFile file;
    auto text = DecodeToUtf8(bytes, file.encoding);
    if (!text) return CsvError{1, "error_import_encoding"};
    std::string_view t = *text;
    int line = 1;
    std::size_t i = 0;
    while (i < t.size()) {
        CsvRecord rec;
        rec.line = line;
        std::string field;
        bool in_quotes = false, quoted = false, end_of_record = false;
        while (i < t.size() && !end_of_record) {
            char c = t[i];
            if (in_quotes) {
                if (c == '"') {
                    if (i + 1 < t.size() && t[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    in_quotes = false;
                    ++i;
                    // After a closing quote only a separator or the end of the record may follow.
                    if (i < t.size() && t[i] != ',' && t[i] != '\r' && t[i] != '\n') {
                        return CsvError{line, "error_import_quote"};
                    }
                    continue;
                }
                if (c == '\n') ++line;
                field += c;
                ++i;
            } else if (c == '"' && field.empty() && !quoted) {
                in_quotes = quoted = true;
                ++i;
            } else if (c == ',') {
                rec.fields.push_back(std::move(field));
                field.clear();
                quoted = false;
                ++i;
            } else if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < t.size() && t[i + 1] == '\n') ++i;
                ++i;
                ++line;
                end_of_record = true;
            } else {
                field += c;
                ++i;
            }
        }
        if (in_quotes) return CsvError{rec.line, "error_import_unterminated"};
        rec.fields.push_back(std::move(field));
        // Blank lines (Excel leaves some at the end) are not records.
        bool blank = rec.fields.size() == 1 && rec.fields[0].empty();
        if (!blank) file.records.push_back(std::move(rec));
    }
    return file;
}

}  // namespace roster

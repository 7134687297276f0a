#include "http/multipart.hpp"

#include <algorithm>

namespace http {
namespace {

std::string Lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// The value of `key="…"` (or key=token) in a header's parameters.
std::optional<std::string> Param(std::string_view header, std::string_view key) {
    std::string lower = Lower(header);
    std::string needle = std::string(key) + "=";
    for (std::size_t pos = 0; (pos = lower.find(needle, pos)) != std::string::npos; pos += needle.size()) {
        if (pos > 0 && lower[pos - 1] != ' ' && lower[pos - 1] != ';') continue;
        std::size_t start = pos + needle.size();
        if (start < header.size() && header[start] == '"') {
            auto end = header.find('"', start + 1);
            if (end == std::string_view::npos) return std::nullopt;
            return std::string(header.substr(start + 1, end - start - 1));
        }
        auto end = header.find(';', start);
        return std::string(header.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> MultipartBoundary(std::string_view content_type) {
    if (!Lower(content_type).starts_with("multipart/form-data")) return std::nullopt;
    auto b = Param(content_type, "boundary");
    if (!b || b->empty() || b->size() > 70) return std::nullopt;
    return b;
}

std::optional<std::vector<FormPart>> ParseMultipart(std::string_view body, std::string_view boundary) {
    const std::string delimiter = "--" + std::string(boundary);
    std::vector<FormPart> parts;
    auto pos = body.find(delimiter);
    if (pos == std::string_view::npos) return std::nullopt;
    pos += delimiter.size();
    for (;;) {
        if (body.substr(pos, 2) == "--") return parts;  // the closing delimiter
        if (body.substr(pos, 2) != "\r\n") return std::nullopt;
        pos += 2;
        auto head_end = body.find("\r\n\r\n", pos);
        if (head_end == std::string_view::npos) return std::nullopt;
        FormPart part;
        bool named = false;
        for (std::string_view headers = body.substr(pos, head_end - pos); !headers.empty();) {
            auto eol = headers.find("\r\n");
            std::string_view line = headers.substr(0, eol);
            headers = eol == std::string_view::npos ? std::string_view{} : headers.substr(eol + 2);
            // A header line ends only at CRLF; a lone CR or LF (or any other control) inside one is not a form a
            // browser sends, and would carry line breaks into names.
            if (std::any_of(line.begin(), line.end(), [](unsigned char c) { return c < 0x20 && c != '\t'; })) {
                return std::nullopt;
            }
            if (Lower(line).starts_with("content-disposition:")) {
                if (auto n = Param(line, "name")) {
                    part.name = *n;
                    named = true;
                }
                part.filename = Param(line, "filename");
            }
        }
        if (!named) return std::nullopt;
        auto data_start = head_end + 4;
        auto next = body.find("\r\n" + delimiter, data_start);
        if (next == std::string_view::npos) return std::nullopt;
        part.data = std::string(body.substr(data_start, next - data_start));
        parts.push_back(std::move(part));
        pos = next + 2 + delimiter.size();
    }
}

}  // namespace http

#pragma once
// multipart/form-data (RFC 7578), for file uploads from plain HTML forms.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace http {

struct FormPart {
    std::string name;
    std::optional<std::string> filename;  // set for file fields
    std::string data;
};

// The boundary from a Content-Type header value, if it is multipart/form-data.
std::optional<std::string> MultipartBoundary(std::string_view content_type);
// The parts of a body; nullopt when the body is not well-formed.
std::optional<std::vector<FormPart>> ParseMultipart(std::string_view body, std::string_view boundary);

}  // namespace http

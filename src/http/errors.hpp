#pragma once
// The closed set of request-ending conditions, mapped to status and page/JSON in one place (app/error_page.cpp).
// message_key names a catalogue entry so the user reads it in their language.
#include <stdexcept>
#include <string>

namespace http {

class HttpError : public std::runtime_error {
 public:
    HttpError(int status, std::string message_key)
        : std::runtime_error(message_key), status_(status), message_key_(std::move(message_key)) {}
    int status() const { return status_; }
    const std::string& message_key() const { return message_key_; }

 private:
    int status_;
    std::string message_key_;
};

struct BadRequest : HttpError {
    explicit BadRequest(std::string key = "error_bad_request") : HttpError(400, std::move(key)) {}
};
struct Unauthorized : HttpError {
    explicit Unauthorized(std::string key = "error_unauthorized") : HttpError(401, std::move(key)) {}
};
struct Forbidden : HttpError {
    explicit Forbidden(std::string key = "error_forbidden") : HttpError(403, std::move(key)) {}
};
struct NotFound : HttpError {
    explicit NotFound(std::string key = "error_not_found") : HttpError(404, std::move(key)) {}
};
struct MethodNotAllowed : HttpError {
    MethodNotAllowed() : HttpError(405, "error_method_not_allowed") {}
};
struct Conflict : HttpError {
    explicit Conflict(std::string key = "error_conflict") : HttpError(409, std::move(key)) {}
};
struct ServiceUnavailable : HttpError {
    explicit ServiceUnavailable(std::string key = "error_unavailable") : HttpError(503, std::move(key)) {}
};

}  // namespace http

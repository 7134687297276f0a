#pragma once
// Mail: building an RFC 5322 message (UTF-8 subject per RFC 2047, base64 UTF-8 body) and handing it to an SMTP
// server through libcurl (smtp://, smtps://, STARTTLS, authentication in the URL), or to a directory of .eml files
// for a demo without a mail server.
#include <memory>
#include <mutex>
#include <string>

#include "common/clock.hpp"

namespace mail {

struct Message {
    std::string to;
    std::string subject;     // UTF-8
    std::string body;        // UTF-8 plain text
    std::string message_id;  // without angle brackets; stable per notification so that retries are recognisable
};

// RFC 2047 encoded-words (=?UTF-8?B?…?=) for a header value that is not plain ASCII; never splits a character.
std::string EncodeHeader(std::string_view text);
// RFC 5322 date ("Sun, 22 Nov 2026 10:00:00 +0900") in Japan time.
std::string FormatDate(common::Instant t);
// The whole message with headers.
std::string Render(const Message& m, const std::string& from, common::Instant date);
// The address part of "Name <addr>" or the text itself.
std::string AddressOf(const std::string& from);

class Transport {
 public:
    virtual ~Transport() = default;
    // Throws on failure; the error text never contains an address.
    virtual void Send(const Message& m) = 0;
};

struct TransportConfig {
    std::string smtp_url;   // TADAIMA_SMTP_URL
    bool starttls = false;  // TADAIMA_SMTP_STARTTLS: require STARTTLS on smtp://
    std::string mail_dir;   // TADAIMA_MAIL_DIR: write .eml files instead (demo)
    std::string from = "tadaima <noreply@tadaima.invalid>";
    std::string ca_file;  // TADAIMA_SMTP_CA_FILE: trust this CA (PEM) for the server's certificate, not the system's
};

// The configured transport, or nullptr when neither an SMTP server nor a mail directory is set.
std::unique_ptr<Transport> MakeTransport(const TransportConfig& config, const common::Clock& clock);

}  // namespace mail

#include "mail/mail.hpp"

#include <curl/curl.h>

#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "common/base64.hpp"
#include "common/random.hpp"

namespace mail {

namespace {

bool IsPlainAscii(std::string_view s) {
    for (unsigned char c : s) {
        if (c < 0x20 || c > 0x7e) return false;
    }
    return s.find("=?") == std::string_view::npos;
}

// A header value must not break the header block.
std::string NoLineBreaks(std::string_view s) {
    std::string out;
    for (char c : s) out += (c == '\r' || c == '\n') ? ' ' : c;
    return out;
}

}  // namespace

std::string EncodeHeader(std::string_view text) {
    std::string clean = NoLineBreaks(text);
    if (IsPlainAscii(clean)) return clean;
    // "=?UTF-8?B?" + base64 of up to 39 bytes + "?=" is 64 characters, so even the first line with its field name
    // ("Subject: ") stays within the 76 that RFC 2047 allows.
    std::string out;
    std::size_t i = 0;
    while (i < clean.size()) {
        std::size_t end = std::min(clean.size(), i + 39);
        // Back off to a character boundary (a UTF-8 continuation byte is 10xxxxxx).
        while (end < clean.size() && end > i && (static_cast<unsigned char>(clean[end]) & 0xC0) == 0x80) --end;
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + common::Base64Encode(std::string_view(clean).substr(i, end - i)) + "?=";
        i = end;
    }
    return out;
}

std::string FormatDate(common::Instant t) {
    std::time_t secs = std::chrono::system_clock::to_time_t(t) + 9 * 3600;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0900", kDays[tm.tm_wday], tm.tm_mday,
                  kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

std::string AddressOf(const std::string& from) {
    auto lt = from.find('<');
    auto gt = from.find('>', lt == std::string::npos ? 0 : lt);
    if (lt != std::string::npos && gt != std::string::npos) return from.substr(lt + 1, gt - lt - 1);
    return from;
}

std::string Render(const Message& m, const std::string& from, common::Instant date) {
    std::string from_header = from;
    if (auto lt = from.find('<'); lt != std::string::npos && lt > 0) {
        std::string name = from.substr(0, lt);
        while (!name.empty() && name.back() == ' ') name.pop_back();
        from_header = EncodeHeader(name) + " <" + AddressOf(from) + ">";
    }
    std::string out;
    out += "Date: " + FormatDate(date) + "\r\n";
    out += "From: " + NoLineBreaks(from_header) + "\r\n";
    out += "To: " + NoLineBreaks(m.to) + "\r\n";
    out += "Subject: " + EncodeHeader(m.subject) + "\r\n";
    out += "Message-ID: <" + NoLineBreaks(m.message_id) + ">\r\n";
    out += "MIME-Version: 1.0\r\n";
    out += "Content-Type: text/plain; charset=UTF-8\r\n";
    out += "Content-Transfer-Encoding: base64\r\n";
    out += "\r\n";
    // Lines end in CRLF in the body too, then base64 in lines of 76.
    std::string body;
    for (char c : m.body) {
        if (c == '\n' && (body.empty() || body.back() != '\r')) body += '\r';
        body += c;
    }
    std::string b64 = common::Base64Encode(body);
    for (std::size_t i = 0; i < b64.size(); i += 76) out += b64.substr(i, 76) + "\r\n";
    return out;
}

namespace {

class SmtpTransport final : public Transport {
 public:
    SmtpTransport(const TransportConfig& config, const common::Clock& clock) : config_(config), clock_(clock) {
        static std::once_flag once;
        std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    }
    ~SmtpTransport() override {
        for (CURL* c : idle_) curl_easy_cleanup(c);
    }

    void Send(const Message& m) override {
        std::string data = Render(m, config_.from, clock_.Now());
        // A handle keeps its connection open between mails; each sending thread takes one of its own, so several
        // mails go at once over several connections.
        CURL* curl = Acquire();
        struct Reader {
            const std::string* data;
            std::size_t pos = 0;
        } reader{&data};
        auto read = +[](char* buf, std::size_t size, std::size_t n, void* user) -> std::size_t {
            auto* r = static_cast<Reader*>(user);
            std::size_t len = std::min(size * n, r->data->size() - r->pos);
            std::memcpy(buf, r->data->data() + r->pos, len);
            r->pos += len;
            return len;
        };
        curl_slist* rcpt = curl_slist_append(nullptr, ("<" + m.to + ">").c_str());
        std::string from = "<" + AddressOf(config_.from) + ">";
        curl_easy_setopt(curl, CURLOPT_URL, config_.smtp_url.c_str());
        curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
        curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, read);
        curl_easy_setopt(curl, CURLOPT_READDATA, &reader);
        curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        if (config_.starttls) curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
        if (!config_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, config_.ca_file.c_str());
        CURLcode rc = curl_easy_perform(curl);
        curl_slist_free_all(rcpt);
        if (rc != CURLE_OK) {
            long code = 0;
            curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
            // curl's own words only: the server's reply may quote the address.
            std::string err = std::string("smtp: ") + curl_easy_strerror(rc) + " (reply " + std::to_string(code) + ")";
            // The handle may hold a broken connection: drop it; the next mail starts afresh.
            curl_easy_cleanup(curl);
            throw std::runtime_error(err);
        }
        Release(curl);
    }

 private:
    CURL* Acquire() {
        {
            std::lock_guard lock(mutex_);
            if (!idle_.empty()) {
                CURL* c = idle_.back();
                idle_.pop_back();
                return c;
            }
        }
        CURL* c = curl_easy_init();
        if (!c) throw std::runtime_error("curl_easy_init failed");
        return c;
    }
    void Release(CURL* c) {
        std::lock_guard lock(mutex_);
        idle_.push_back(c);
    }

    TransportConfig config_;
    const common::Clock& clock_;
    std::vector<CURL*> idle_;  // handles not in use, each with its open connection
    std::mutex mutex_;
};

// Writes each mail as <message-id>.eml into a directory, for a demo without a mail server.
class DirectoryTransport final : public Transport {
 public:
    DirectoryTransport(const TransportConfig& config, const common::Clock& clock) : config_(config), clock_(clock) {
        std::filesystem::create_directories(config_.mail_dir);
    }
    void Send(const Message& m) override {
        std::string name;
        for (char c : m.message_id) name += std::isalnum(static_cast<unsigned char>(c)) || c == '.' ? c : '_';
        auto path = std::filesystem::path(config_.mail_dir) / (name + ".eml");
        auto tmp = path;
        tmp += ".tmp";
        {
            std::ofstream out(tmp, std::ios::binary);
            out << Render(m, config_.from, clock_.Now());
            if (!out) throw std::runtime_error("cannot write to the mail directory");
        }
        std::filesystem::rename(tmp, path);
    }

 private:
    TransportConfig config_;
    const common::Clock& clock_;
};

}  // namespace

std::unique_ptr<Transport> MakeTransport(const TransportConfig& config, const common::Clock& clock) {
    if (!config.smtp_url.empty()) return std::make_unique<SmtpTransport>(config, clock);
    if (!config.mail_dir.empty()) return std::make_unique<DirectoryTransport>(config, clock);
    return nullptr;
}

}  // namespace mail

#include "app/validate.hpp"

#include "common/dates.hpp"
#include "common/kana.hpp"

namespace app {

std::size_t CharCount(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

namespace {

// Records "required", "too long" or "control characters" for the value (line breaks allowed or not).
void CheckText(const std::string& v, const std::string& name, FormErrors& errors, bool required, std::size_t max_chars,
               bool lines) {
    if (required && v.empty()) {
        errors.Add(name, "error_required");
    } else if (CharCount(v) > max_chars) {
        errors.Add(name, "error_too_long");
    } else {
        for (unsigned char c : v) {
            if (c < 0x20 && c != '\t' && !(lines && c == '\n')) {
                errors.Add(name, "error_control_characters");
                break;
            }
        }
    }
}

}  // namespace

std::string TextField(const http::Params& form, const std::string& name, FormErrors& errors, bool required,
                      std::size_t max_chars) {
    std::string v = Trimmed(form.GetOr(name));
    CheckText(v, name, errors, required, max_chars, false);
    return v;
}

std::string TextAreaField(const http::Params& form, const std::string& name, FormErrors& errors, bool required,
                          std::size_t max_chars) {
    std::string v;
    const std::string sent = Trimmed(form.GetOr(name));
    for (std::size_t i = 0; i < sent.size(); ++i) {
        if (sent[i] == '\r') {
            v += '\n';
            if (i + 1 < sent.size() && sent[i + 1] == '\n') ++i;
        } else {
            v += sent[i];
        }
    }
    CheckText(v, name, errors, required, max_chars, true);
    return v;
}

std::string KanaField(const http::Params& form, const std::string& name, FormErrors& errors, bool required) {
    std::string v = TextField(form, name, errors, required);
    if (!v.empty() && !errors.Has(name) && !common::IsKana(v)) errors.Add(name, "error_kana_only");
    return v;
}

std::optional<std::string> DateField(const http::Params& form, const std::string& name, FormErrors& errors,
                                     bool required) {
    std::string v = Trimmed(form.GetOr(name));
    if (v.empty()) {
        if (required) errors.Add(name, "error_required");
        return std::nullopt;
    }
    auto d = common::ParseDate(v);
    if (!d || d->year() < std::chrono::year{1900} || d->year() > std::chrono::year{2200}) {
        errors.Add(name, "error_date");
        return std::nullopt;
    }
    return common::FormatDate(*d);
}

std::optional<int> IntField(const http::Params& form, const std::string& name, FormErrors& errors, int min, int max) {
    std::string v = Trimmed(form.GetOr(name));
    if (v.empty()) return std::nullopt;
    auto n = ParseId(v);
    if (v == "0") n = 0;
    if (!n || *n < min || *n > max) {
        errors.Add(name, "error_number_range");
        return std::nullopt;
    }
    return static_cast<int>(*n);
}

std::string EmailField(const http::Params& form, const std::string& name, FormErrors& errors, bool required) {
    std::string v = TextField(form, name, errors, required, 254);
    if (v.empty() || errors.Has(name)) return v;
    auto at = v.find('@');
    bool ok = at != std::string::npos && at > 0 && at == v.rfind('@') && v.find('.', at) != std::string::npos &&
              v.back() != '.' && v.find(' ') == std::string::npos;
    for (unsigned char c : v) ok = ok && c > 0x20 && c < 0x7f;
    if (!ok) errors.Add(name, "error_email");
    return v;
}

std::string PhoneField(const http::Params& form, const std::string& name, FormErrors& errors) {
    std::string v = TextField(form, name, errors, false, 30);
    if (v.empty() || errors.Has(name)) return v;
    int digits = 0;
    for (char c : v) {
        if (c >= '0' && c <= '9') {
            ++digits;
        } else if (c != '-' && c != '+' && c != ' ' && c != '(' && c != ')') {
            errors.Add(name, "error_phone");
            return v;
        }
    }
    if (digits < 10 || digits > 15) errors.Add(name, "error_phone");
    return v;
}

}  // namespace app

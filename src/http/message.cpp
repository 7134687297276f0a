#include "http/message.hpp"

#include <boost/url/decode_view.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/rfc/pchars.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <algorithm>

namespace http {

std::optional<std::string> Params::Get(std::string_view name) const {
    for (const auto& [k, v] : items_) {
        if (k == name) return v;
    }
    return std::nullopt;
}

std::string Params::GetOr(std::string_view name, std::string_view fallback) const {
    auto v = Get(name);
    return v ? *v : std::string(fallback);
}

std::vector<std::string> Params::GetAll(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [k, v] : items_) {
        if (k == name) out.push_back(v);
    }
    return out;
}

bool IsValidUtf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        int n;
        char32_t cp;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + n >= s.size()) return false;  // truncated sequence
        for (int k = 1; k <= n; ++k) {
            auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += n + 1;
    }
    return true;
}

namespace {
std::optional<std::string> Decode(std::string_view part) {
    std::string plus_fixed(part);
    std::replace(plus_fixed.begin(), plus_fixed.end(), '+', ' ');
    auto pct = boost::urls::make_pct_string_view(plus_fixed);
    if (pct.has_error()) return std::nullopt;
    std::string out;
    pct->decode({}, boost::urls::string_token::assign_to(out));
    if (!IsValidUtf8(out)) return std::nullopt;
    return out;
}
}  // namespace

std::optional<Params> ParseUrlEncoded(std::string_view text) {
    Params p;
    while (!text.empty()) {
        auto amp = text.find('&');
        std::string_view pair = text.substr(0, amp);
        text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
        if (pair.empty()) continue;
        auto eq = pair.find('=');
        auto name = Decode(pair.substr(0, eq));
        auto value = Decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
        if (!name || !value) return std::nullopt;
        p.Add(std::move(*name), std::move(*value));
    }
    return p;
}

std::string UrlEncode(std::string_view text) { return boost::urls::encode(text, boost::urls::unreserved_chars); }

std::string EncodeQuery(const Params& params, std::initializer_list<std::string_view> skip) {
    std::string out;
    for (const auto& [k, v] : params.items()) {
        if (std::find(skip.begin(), skip.end(), k) != skip.end()) continue;
        if (!out.empty()) out += '&';
        out += UrlEncode(k) + "=" + UrlEncode(v);
    }
    return out;
}

std::string Request::Header(std::string_view name) const {
    auto it = headers.find(std::string(name));
    return it == headers.end() ? std::string{} : it->second;
}

std::optional<std::string> Request::Cookie(std::string_view name) const {
    std::string_view all = [&]() -> std::string_view {
        auto it = headers.find("cookie");
        return it == headers.end() ? std::string_view{} : std::string_view(it->second);
    }();
    while (!all.empty()) {
        auto semi = all.find(';');
        std::string_view item = all.substr(0, semi);
        all = semi == std::string_view::npos ? std::string_view{} : all.substr(semi + 1);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        auto eq = item.find('=');
        if (eq == std::string_view::npos) continue;
        if (item.substr(0, eq) == name) return std::string(item.substr(eq + 1));
    }
    return std::nullopt;
}

std::string SetCookie::ToHeader() const {
    std::string h = name + "=" + value + "; Path=/";
    if (max_age_seconds >= 0) h += "; Max-Age=" + std::to_string(max_age_seconds);
    if (http_only) h += "; HttpOnly";
    if (secure) h += "; Secure";
    if (!same_site.empty()) h += "; SameSite=" + same_site;
    return h;
}

Response Response::Html(std::string body, int status) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

Response Response::Json(std::string body, int status) {
    Response r;
    r.status = status;
    r.content_type = "application/json";
    r.body = std::move(body);
    return r;
}

Response Response::Text(std::string body, int status) {
    Response r;
    r.status = status;
    r.content_type = "text/plain; charset=utf-8";
    r.body = std::move(body);
    return r;
}

Response Response::Redirect(std::string location, int status) {
    Response r;
    r.status = status;
    r.content_type = "text/plain; charset=utf-8";
    r.headers.emplace_back("Location", std::move(location));
    return r;
}

void Response::SetHeader(std::string name, std::string value) {
    for (auto& [k, v] : headers) {
        if (k == name) {
            v = std::move(value);
            return;
        }
    }
    headers.emplace_back(std::move(name), std::move(value));
}

}  // namespace http

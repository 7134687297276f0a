#pragma once
// Request and response as the application sees them: no Beast types, so handlers and tests compile quickly.
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace http {

// Ordered name → values, for query strings and url-encoded forms (a checkbox list repeats its name).
class Params {
 public:
    void Add(std::string name, std::string value) { items_.emplace_back(std::move(name), std::move(value)); }
    std::optional<std::string> Get(std::string_view name) const;
    std::string GetOr(std::string_view name, std::string_view fallback = "") const;
    std::vector<std::string> GetAll(std::string_view name) const;
    bool Has(std::string_view name) const { return Get(name).has_value(); }
    const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
    std::vector<std::pair<std::string, std::string>> items_;
};

// Parses application/x-www-form-urlencoded text; nullopt when it is malformed (bad % escapes, invalid UTF-8).
std::optional<Params> ParseUrlEncoded(std::string_view text);
std::string UrlEncode(std::string_view text);
// "k=v&k2=v2", percent-encoded, in order, leaving out the names in `skip`.
std::string EncodeQuery(const Params& params, std::initializer_list<std::string_view> skip = {});
bool IsValidUtf8(std::string_view text);

struct Request {
    std::string method;
    std::string path;  // decoded path, without the query
    Params query;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    std::string remote_address;
    std::string request_id;
    std::map<std::string, std::string> path_params;  // filled by the router
    std::string route;                               // the matched route pattern, for logs and metrics
    std::string user_id;                             // the signed-in user, for the log line

    std::string Header(std::string_view name) const;
    std::optional<std::string> Cookie(std::string_view name) const;
    const std::string& PathParam(const std::string& name) const { return path_params.at(name); }
};

struct SetCookie {
    std::string name;
    std::string value;
    int max_age_seconds = -1;  // -1: session cookie; 0: delete
    bool http_only = true;
    bool secure = false;
    std::string same_site = "Lax";
    std::string ToHeader() const;
};

class EventChannel;

struct Response {
    int status = 200;
    std::string content_type = "text/html; charset=utf-8";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    std::vector<SetCookie> cookies;
    // When set, the answer is a text/event-stream that stays open; `body` is ignored (see http/events.hpp).
    std::shared_ptr<EventChannel> events;

    static Response Html(std::string body, int status = 200);
    static Response Json(std::string body, int status = 200);
    static Response Text(std::string body, int status = 200);
    // 303 See Other after a form post, so reload does not repost.
    static Response Redirect(std::string location, int status = 303);
    void SetHeader(std::string name, std::string value);
};

}  // namespace http

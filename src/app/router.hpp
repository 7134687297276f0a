#pragma once
// The route table: method + pattern ("/children/{id}/edit") → handler. Filled in one readable list (routes.cpp).
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "app/context.hpp"

namespace app {

using Handler = std::function<http::Response(Ctx&)>;

// Whether a route reads the session cookie. Health, metrics and assets must answer without the database's
// session table (a health check must report the database, not fail on it).
// kSecondFactor routes also serve a session that has passed the password but not yet the second factor; every
// other route sends such a session to the second-factor page.
enum class Session { kLoad, kSkip, kSecondFactor };

// How large a body a route takes, decided from the request line and headers before the body is read: forms and JSON
// up to the general limit (1 MiB); routes that take files (a message's PDFs, a roster) a multipart form up to the
// upload limit; routes that take photos up to the photo limit. The limits are in http::Limits.
enum class Body { kForm, kUpload, kPhotos };

struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    Session session = Session::kLoad;
    Body body = Body::kForm;
};

class Router {
 public:
    void Get(std::string pattern, Handler h, Session s = Session::kLoad) {
        Add("GET", std::move(pattern), std::move(h), s, Body::kForm);
    }
    void Post(std::string pattern, Handler h, Session s = Session::kLoad, Body b = Body::kForm) {
        Add("POST", std::move(pattern), std::move(h), s, b);
    }
    void Add(std::string method, std::string pattern, Handler h, Session s, Body b);

    struct Match {
        const Route* route = nullptr;
        std::map<std::string, std::string> params;
        bool other_method = false;  // the path exists with another method: 405, not 404
    };
    Match Find(std::string_view method, std::string_view path) const;
    // Every route; the permission-matrix test checks that each one is in its table.
    const std::vector<Route>& routes() const { return routes_; }

 private:
    std::vector<Route> routes_;
};

// Builds the whole route list; fetching each handler's templates here makes a missing one fail at start.
Router BuildRoutes(const Services& services);

}  // namespace app

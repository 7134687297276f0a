#pragma once
// The application as the HTTP server sees it: sessions, CSRF, permission denials, errors, security headers, logs
// and metrics are handled here, once, for every route.
#include <memory>

#include "app/context.hpp"
#include "app/metrics.hpp"
#include "app/router.hpp"
#include "http/server.hpp"

namespace app {

inline constexpr std::string_view kCsrfCookie = "tadaima_csrf";
inline constexpr std::string_view kLangCookie = "tadaima_lang";

class App final : public http::Application {
 public:
    App(const Services& services, Metrics& metrics);
    http::Response Handle(http::Request& request) override;
    std::size_t BodyLimit(const http::Request& request) override;
    http::Response HandleRefused(int status, http::Request& request) override;
    void Finish(const http::Request& request, http::Response& response, std::chrono::nanoseconds elapsed) override;

    const Router& router() const { return router_; }

 private:
    void Prepare(Ctx& ctx, Session session);
    http::Response ErrorResponse(Ctx& ctx, int status, const std::string& message_key);

    const Services& svc_;
    Metrics& metrics_;
    Router router_;
};

// The entry point: parses the command line, reads the environment and runs a subcommand. Returns the exit code.
int Main(int argc, char** argv);

}  // namespace app

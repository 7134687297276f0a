#pragma once
// Sign-in, sign-out, the home page, health, metrics, static assets and the language switch.
#include "app/context.hpp"

namespace app {

class CoreHandlers {
 public:
    explicit CoreHandlers(const web::Templates& t)
        : login_(t.Get("login")), home_(t.Get("home")), jobs_(t.Get("jobs")) {}
    http::Response LoginForm(Ctx& ctx) const;
    http::Response Login(Ctx& ctx) const;
    http::Response Logout(Ctx& ctx) const;
    http::Response Home(Ctx& ctx) const;
    static http::Response Health(Ctx& ctx);
    static http::Response MetricsText(Ctx& ctx);
    static http::Response Static(Ctx& ctx);
    static http::Response SwitchLanguage(Ctx& ctx);
    static http::Response ServiceWorker(Ctx& ctx);  // GET /family/sw.js
    static http::Response Manifest(Ctx& ctx);       // GET /family/manifest.webmanifest
    http::Response Jobs(Ctx& ctx) const;            // GET /jobs: counts, and jobs that failed for good
    static http::Response RetryJob(Ctx& ctx);       // POST /jobs/{id}/retry

 private:
    const web::TemplateRef& login_;
    const web::TemplateRef& home_;
    const web::TemplateRef& jobs_;
};

}  // namespace app

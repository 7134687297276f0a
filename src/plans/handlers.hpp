#pragma once
// Plans and alerts in the staff pages (today's changes, resolving alerts) and, later in this file, the guardian app.
#include "app/context.hpp"

namespace plans {

class Handlers {
 public:
    explicit Handlers(const web::Templates& t) : schedule_(t.Get("site_schedule")) {}

    // Managers: the site's plan deadline, lateness threshold, alerts, dismissal times and closure days
    http::Response Schedule(app::Ctx& ctx) const;       // GET /sites/{id}/schedule
    http::Response SaveSchedule(app::Ctx& ctx) const;   // POST /sites/{id}/schedule
    http::Response AddClosure(app::Ctx& ctx) const;     // POST /sites/{id}/closures
    http::Response RemoveClosure(app::Ctx& ctx) const;  // POST /sites/{id}/closures/remove

    // Staff, from the roster
    http::Response ConfirmContact(app::Ctx& ctx) const;  // POST /contacts/{id}/confirm
    http::Response ResolveAlert(app::Ctx& ctx) const;    // POST /children/{id}/alerts/resolve

 private:
    http::Response RenderSchedule(app::Ctx& ctx, common::SiteId site, const app::FormErrors& errors, bool from_form,
                                  int status) const;
    const web::TemplateRef& schedule_;
};

}  // namespace plans

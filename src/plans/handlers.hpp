#pragma once
// Plans and alerts in the staff pages (today's changes, resolving alerts) and, later in this file, the guardian app.
#include "app/context.hpp"

namespace plans {

class Handlers {
 public:
    explicit Handlers(const web::Templates& t)
        : schedule_(t.Get("site_schedule")),
          plans_(t.Get("family_plans")),
          contact_(t.Get("family_contact")),
          pickup_(t.Get("family_pickup")) {}

    // Guardians: a month of plans (many days at once), an absence or change, the pick-up persons
    http::Response FamilyPlans(app::Ctx& ctx) const;      // GET /family/children/{id}/plans?month=YYYY-MM
    http::Response SaveFamilyPlans(app::Ctx& ctx) const;  // POST /family/children/{id}/plans
    http::Response ContactForm(app::Ctx& ctx) const;      // GET /family/children/{id}/contact
    http::Response SendContact(app::Ctx& ctx) const;      // POST /family/children/{id}/contact
    http::Response Pickup(app::Ctx& ctx) const;           // GET /family/children/{id}/pickup
    http::Response AddPickup(app::Ctx& ctx) const;        // POST /family/children/{id}/pickup
    http::Response RemovePickup(app::Ctx& ctx) const;     // POST /family/children/{id}/pickup/{person}/remove

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
    http::Response RenderPlans(app::Ctx& ctx, common::ChildId child, const std::string& month,
                               const app::FormErrors& errors, const std::vector<std::string>& problems,
                               int status) const;
    http::Response RenderContact(app::Ctx& ctx, common::ChildId child, const app::FormErrors& errors,
                                 const std::vector<std::string>& problems, int status) const;
    http::Response RenderPickup(app::Ctx& ctx, common::ChildId child, const app::FormErrors& errors, int status) const;
    const web::TemplateRef& schedule_;
    const web::TemplateRef& plans_;
    const web::TemplateRef& contact_;
    const web::TemplateRef& pickup_;
};

}  // namespace plans

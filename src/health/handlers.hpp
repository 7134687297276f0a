#pragma once
// A nursery's health records for staff: the child's health page (its record, the day's temperature checks, growth
// with a chart, illnesses), each entry saved from its own small form.
#include "app/context.hpp"

namespace health {

class Handlers {
 public:
    explicit Handlers(const web::Templates& t)
        : page_(t.Get("health_child")), family_(t.Get("family_illness")), family_health_(t.Get("family_health")) {}

    http::Response Page(app::Ctx& ctx) const;        // GET /children/{id}/health
    http::Response SaveRecord(app::Ctx& ctx) const;  // POST /children/{id}/health/record
    // POST /children/{id}/health/temperature, …/growth, …/illness
    http::Response AddEntry(app::Ctx& ctx, const std::string& kind) const;

    // Guardians: the child's health as the nursery keeps it (read), and an illness reported from the phone
    http::Response FamilyHealth(app::Ctx& ctx) const;         // GET /family/children/{id}/health
    http::Response FamilyIllness(app::Ctx& ctx) const;        // GET /family/children/{id}/illness
    http::Response FamilyReportIllness(app::Ctx& ctx) const;  // POST /family/children/{id}/illness

 private:
    http::Response Render(app::Ctx& ctx, common::ChildId child, const app::FormErrors& errors, int status,
                          const std::string& form, bool conflict) const;

    http::Response RenderFamily(app::Ctx& ctx, common::ChildId child, const app::FormErrors& errors, int status) const;

    const web::TemplateRef& page_;
    const web::TemplateRef& family_;
    const web::TemplateRef& family_health_;
};

// For the guardian's copy of a fever notice: the temperature staff measured, and a link to the child's health page
// ({reading, health_url}); nothing when the check is no longer kept.
void AddNoticeExtras(app::Ctx& ctx, std::int64_t entry, common::ChildId child, kainjow::mustache::data& body);

}  // namespace health

#pragma once
// Curriculum plans on screen: a month's plans of every class (the year's, the month's, each week's and the
// individual plans of the children under three, with their state, and what waits for the actor's stamp), one plan
// to write or read — a new one starting from the plan above it and the site's template — its approval, the site's
// template saved from a plan, and the plan printed with its stamps.
#include "app/context.hpp"
#include "curriculum/curriculum.hpp"

namespace curriculum {

// Which plan: a class's of a kind and period, or a child's individual plan.
struct Target {
    Kind kind = Kind::kMonthly;
    common::GroupId group;
    std::string period;  // its first day
    std::optional<common::ChildId> child;
};

class Handlers {
 public:
    explicit Handlers(const web::Templates& t) : month_(t.Get("curriculum")), page_(t.Get("curriculum_plan")) {}

    http::Response Month(app::Ctx& ctx) const;  // GET /sites/{id}/curriculum[?month=YYYY-MM]
    http::Response Page(app::Ctx& ctx) const;   // GET /sites/{id}/curriculum/plan?kind=&group=&period=[&child=]
    http::Response Save(app::Ctx& ctx) const;   // POST /sites/{id}/curriculum/plan: the same, version, sec_*, step
    http::Response Stamp(app::Ctx& ctx) const;  // POST /curriculum/{id}/stamp: step, comment
    http::Response Pdf(app::Ctx& ctx) const;    // GET /curriculum/{id}/pdf

 private:
    http::Response Render(app::Ctx& ctx, common::SiteId site, const Target& target, const app::FormErrors& errors,
                          int status, const Plan* draft) const;

    const web::TemplateRef& month_;
    const web::TemplateRef& page_;
};

}  // namespace curriculum

#pragma once
#include "app/context.hpp"

namespace guardians {

class Handlers {
 public:
    explicit Handlers(const web::Templates& t)
        : list_(t.Get("guardians_list")), view_(t.Get("guardian_view")), form_(t.Get("guardian_form")) {}
    http::Response List(app::Ctx& ctx) const;
    http::Response View(app::Ctx& ctx) const;
    http::Response NewForm(app::Ctx& ctx) const;  // from a child's page: creates the guardian and the link
    http::Response Create(app::Ctx& ctx) const;
    http::Response EditForm(app::Ctx& ctx) const;
    http::Response Update(app::Ctx& ctx) const;
    http::Response SetActive(app::Ctx& ctx, bool active) const;

 private:
    const web::TemplateRef& list_;
    const web::TemplateRef& view_;
    const web::TemplateRef& form_;
};

}  // namespace guardians

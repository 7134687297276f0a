#pragma once
#include "app/context.hpp"
#include "guardians/guardians.hpp"

namespace guardians {

// The active guardians of a child, each as {who, relation, name, phone, tel} (phone and tel only where there is a
// number), for a page that asks staff to call or write to the family: the roster's alerts list only those with a
// number (with_phone_only), a message's unreached families every guardian on file.
kainjow::mustache::data PhoneList(const app::Ctx& ctx, const std::vector<Link>& links, bool with_phone_only);

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

#pragma once
#include "app/context.hpp"

namespace staff {

class Handlers {
 public:
    explicit Handlers(const web::Templates& t)
        : list_(t.Get("staff_list")), form_(t.Get("staff_form")), own_password_(t.Get("account_password")) {}
    http::Response List(app::Ctx& ctx) const;
    http::Response NewForm(app::Ctx& ctx) const;
    http::Response Create(app::Ctx& ctx) const;
    http::Response EditForm(app::Ctx& ctx) const;
    http::Response Update(app::Ctx& ctx) const;
    http::Response SetActive(app::Ctx& ctx, bool active) const;
    http::Response Unlock(app::Ctx& ctx) const;
    http::Response EndSessions(app::Ctx& ctx) const;
    // One's own password, with the current one (every staff member, from their home page).
    http::Response OwnPasswordForm(app::Ctx& ctx) const;
    http::Response ChangeOwnPassword(app::Ctx& ctx) const;

 private:
    const web::TemplateRef& list_;
    const web::TemplateRef& form_;
    const web::TemplateRef& own_password_;
};

}  // namespace staff

#pragma once
// Guardians' pages (registration from a letter, email confirmation, sign-in, home, family invitations) and the
// staff side of onboarding (printing letters, ending an account's link to a child).
#include "app/context.hpp"

namespace families {

class Handlers {
 public:
    explicit Handlers(const web::Templates& t)
        : register_(t.Get("family_register")),
          sent_(t.Get("family_register_sent")),
          confirm_(t.Get("family_confirm")),
          login_(t.Get("family_login")),
          home_(t.Get("family_home")),
          invite_(t.Get("family_invite")),
          invitation_(t.Get("family_invitation")) {}

    // Guardians
    http::Response RegisterForm(app::Ctx& ctx) const;
    http::Response Register(app::Ctx& ctx) const;
    http::Response ConfirmForm(app::Ctx& ctx) const;
    http::Response Confirm(app::Ctx& ctx) const;
    http::Response LoginForm(app::Ctx& ctx) const;
    http::Response Login(app::Ctx& ctx) const;
    http::Response Logout(app::Ctx& ctx) const;
    http::Response Home(app::Ctx& ctx) const;
    http::Response InviteForm(app::Ctx& ctx) const;
    http::Response Invite(app::Ctx& ctx) const;
    http::Response InvitationPage(app::Ctx& ctx) const;
    http::Response AcceptInvitation(app::Ctx& ctx) const;
    http::Response SetReporting(app::Ctx& ctx) const;  // POST /family/children/{id}/members/{account_id}/reporting

    // Staff
    http::Response ChildLetter(app::Ctx& ctx) const;
    http::Response SiteLetters(app::Ctx& ctx) const;
    http::Response EndLink(app::Ctx& ctx) const;

 private:
    http::Response RenderRegister(app::Ctx& ctx, const app::FormErrors& errors, int status) const;
    http::Response RenderInvite(app::Ctx& ctx, const app::FormErrors& errors, int status) const;
    http::Response RenderInvitation(app::Ctx& ctx, const std::string& token, const app::FormErrors& errors,
                                    int status) const;
    http::Response SignedIn(app::Ctx& ctx, common::AccountId account, const std::string& next) const;

    const web::TemplateRef& register_;
    const web::TemplateRef& sent_;
    const web::TemplateRef& confirm_;
    const web::TemplateRef& login_;
    const web::TemplateRef& home_;
    const web::TemplateRef& invite_;
    const web::TemplateRef& invitation_;
};

}  // namespace families

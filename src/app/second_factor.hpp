#pragma once
// The second factor of staff sign-in: entering a code, and setting up an authenticator app.
#include "app/context.hpp"

namespace app {

class SecondFactorHandlers {
 public:
    explicit SecondFactorHandlers(const web::Templates& t)
        : verify_(t.Get("mfa_verify")), setup_(t.Get("mfa_setup")), codes_(t.Get("mfa_recovery_codes")) {}
    http::Response VerifyForm(Ctx& ctx) const;
    http::Response Verify(Ctx& ctx) const;
    http::Response SetupForm(Ctx& ctx) const;
    http::Response Setup(Ctx& ctx) const;

 private:
    const web::TemplateRef& verify_;
    const web::TemplateRef& setup_;
    const web::TemplateRef& codes_;
};

}  // namespace app

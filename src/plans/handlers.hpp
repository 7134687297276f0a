#pragma once
// Plans and alerts in the staff pages (today's changes, resolving alerts) and, later in this file, the guardian app.
#include "app/context.hpp"

namespace plans {

class Handlers {
 public:
    explicit Handlers(const web::Templates&) {}

    // Staff, from the roster
    http::Response ConfirmContact(app::Ctx& ctx) const;  // POST /contacts/{id}/confirm
    http::Response ResolveAlert(app::Ctx& ctx) const;    // POST /children/{id}/alerts/resolve
};

}  // namespace plans

#pragma once
// The nursery's entrance: the kiosk's family lookup and stamp (by its credential), and the guardian's pass page.
#include "app/context.hpp"

namespace entrance {

class Handlers {
 public:
    explicit Handlers(const web::Templates& t) : pass_(t.Get("family_pass")) {}

    // The entrance kiosk (no session: the kiosk's credential)
    http::Response Lookup(app::Ctx& ctx) const;  // POST /api/v1/kiosk/family
    http::Response Stamp(app::Ctx& ctx) const;   // POST /api/v1/kiosk/family/stamp

    // Guardians
    http::Response PassPage(app::Ctx& ctx) const;  // GET /family/pass
    http::Response PassCode(app::Ctx& ctx) const;  // GET /family/pass/code.svg: a fresh pass as a QR code
    http::Response NewPin(app::Ctx& ctx) const;    // POST /family/pass/pin

 private:
    const web::TemplateRef& pass_;
};

}  // namespace entrance

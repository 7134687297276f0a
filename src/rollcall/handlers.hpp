#pragma once
// The roll-call's pages: start (a site, or every site for the city), the site's list to confirm and hand over, the
// hand-over form, closing, and the list as a PDF to print. Every read of the list is an audit event (it names the
// children and, on the hand-over form, their guardians).
#include "app/context.hpp"

namespace rollcall {

class Handlers {
 public:
    explicit Handlers(const web::Templates& t)
        : new_(t.Get("rollcall_new")), site_(t.Get("rollcall")), handover_(t.Get("rollcall_handover")) {}
    http::Response New(app::Ctx& ctx) const;           // GET /rollcall/new?site=S
    http::Response Start(app::Ctx& ctx) const;         // POST /rollcall (site=S | all=1, reason, note)
    http::Response Site(app::Ctx& ctx) const;          // GET /sites/{id}/rollcall[?call=RS]
    http::Response Confirm(app::Ctx& ctx) const;       // POST /sites/{id}/rollcall/{call}/children/{child}/confirm
    http::Response HandoverForm(app::Ctx& ctx) const;  // GET /sites/{id}/rollcall/{call}/children/{child}/handover
    http::Response Handover(app::Ctx& ctx) const;      // POST the same
    http::Response Close(app::Ctx& ctx) const;         // POST /sites/{id}/rollcall/{call}/close
    http::Response Print(app::Ctx& ctx) const;         // GET /sites/{id}/rollcall/{call}/print (PDF)

 private:
    const web::TemplateRef& new_;
    const web::TemplateRef& site_;
    const web::TemplateRef& handover_;
};

}  // namespace rollcall

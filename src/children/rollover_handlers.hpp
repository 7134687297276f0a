#pragma once
// The municipal admin's school-year rollover pages: the rollovers planned and done with the form for the next one;
// a preview of what it does at every site (the children to place by hand named, an audited read); and the
// rollover itself, applied at once when its day has come or planned for 00:00 on the day.
#include "app/context.hpp"

namespace children {

class RolloverHandlers {
 public:
    explicit RolloverHandlers(const web::Templates& t)
        : list_(t.Get("rollovers")), preview_(t.Get("rollover_preview")) {}
    http::Response List(app::Ctx& ctx) const;     // GET /rollover
    http::Response Preview(app::Ctx& ctx) const;  // GET /rollover/preview?date=YYYY-04-01
    http::Response Apply(app::Ctx& ctx) const;    // POST /rollover (date, confirm=1)
    http::Response Cancel(app::Ctx& ctx) const;   // POST /rollover/{id}/cancel

 private:
    http::Response RenderList(app::Ctx& ctx, const app::FormErrors& errors, int status) const;
    const web::TemplateRef& list_;
    const web::TemplateRef& preview_;
};

}  // namespace children

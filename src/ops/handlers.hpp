#pragma once
// The municipal admin's erasure pages: the erasures done and the form for a new one; a preview naming whom it
// concerns and counting what would go (read, so audited); the erasure itself (confirmed with a box ticked); and
// each erasure's certificate on screen, as PDF and as signed JSON; and how long each kind of record is kept.
#include "app/context.hpp"

namespace ops {

class Handlers {
 public:
    explicit Handlers(const web::Templates& t)
        : list_(t.Get("erasures")),
          preview_(t.Get("erasure_preview")),
          view_(t.Get("erasure_view")),
          retention_(t.Get("retention")) {}
    http::Response List(app::Ctx& ctx) const;           // GET /erasures
    http::Response Preview(app::Ctx& ctx) const;        // GET /erasures/preview?scope=&id=&request=
    http::Response Erase(app::Ctx& ctx) const;          // POST /erasures (scope, id, request, confirm=1)
    http::Response View(app::Ctx& ctx) const;           // GET /erasures/{id}
    http::Response Pdf(app::Ctx& ctx) const;            // GET /erasures/{id}/certificate.pdf
    http::Response Json(app::Ctx& ctx) const;           // GET /erasures/{id}/certificate.json
    http::Response Retention(app::Ctx& ctx) const;      // GET /retention: each kind's period, the last runs
    http::Response SaveRetention(app::Ctx& ctx) const;  // POST /retention (months_<kind> for each kind)

 private:
    http::Response RenderList(app::Ctx& ctx, const app::FormErrors& errors, int status) const;
    http::Response RenderRetention(app::Ctx& ctx, const app::FormErrors& errors, int status) const;
    const web::TemplateRef& list_;
    const web::TemplateRef& preview_;
    const web::TemplateRef& view_;
    const web::TemplateRef& retention_;
};

}  // namespace ops

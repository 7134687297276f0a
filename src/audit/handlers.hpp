#pragma once
// The audit trail for municipal admins: browse with filters, export as CSV.
#include "app/context.hpp"

namespace audit {

class Handlers {
 public:
    explicit Handlers(const web::Templates& t) : list_(t.Get("audit_list")) {}
    http::Response List(app::Ctx& ctx) const;
    http::Response Csv(app::Ctx& ctx) const;

 private:
    const web::TemplateRef& list_;
};

}  // namespace audit

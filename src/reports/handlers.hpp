#pragma once
// Report pages: the monthly register (出席簿) of a site. Who may see a site's roster may see its register; every
// register drawn is an audit event (it names the children).
#include "app/context.hpp"

namespace reports {

class Handlers {
 public:
    explicit Handlers(const web::Templates& t) : register_(t.Get("register")) {}
    http::Response Register(app::Ctx& ctx) const;  // GET /sites/{id}/register?month=YYYY-MM&group=G&times=1
    http::Response Export(app::Ctx& ctx) const;    // GET /sites/{id}/register/export?format=xlsx|csv|csv-cp932&…

 private:
    const web::TemplateRef& register_;
};

}  // namespace reports

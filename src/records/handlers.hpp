#pragma once
// A nursery child's linked records (各データの相互連携): two weeks of the child's days at its nursery on one page —
// arrival and departure, the contact notebook's page, temperatures, naps with their checks, and the episodes staff
// wrote in the class's journal (each leading to its journal) — so what one record says is found beside the others.
#include "app/context.hpp"

namespace records {

class Handlers {
 public:
    explicit Handlers(const web::Templates& t) : page_(t.Get("records")) {}

    http::Response Page(app::Ctx& ctx) const;  // GET /children/{id}/records[?to=YYYY-MM-DD]

 private:
    const web::TemplateRef& page_;
};

}  // namespace records

#pragma once
// The roster import page of a site: upload a CSV, see what it would do, then apply it.
#include "app/context.hpp"

namespace roster {

class Handlers {
 public:
    explicit Handlers(const web::Templates& t) : page_(t.Get("roster_import")) {}
    http::Response Form(app::Ctx& ctx) const;
    http::Response Import(app::Ctx& ctx) const;

 private:
    const web::TemplateRef& page_;
};

}  // namespace roster

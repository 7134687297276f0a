#pragma once
// The roster import page of a site: download the template, upload a CSV, see which children and guardians it adds
// or changes, then apply that same file with one button (it comes back with the form, checked again on applying).
#include "app/context.hpp"

namespace roster {

class Handlers {
 public:
    explicit Handlers(const web::Templates& t) : page_(t.Get("roster_import")) {}
    http::Response Form(app::Ctx& ctx) const;
    http::Response Import(app::Ctx& ctx) const;
    http::Response Template(app::Ctx& ctx) const;  // GET /sites/{id}/import/template.csv

 private:
    const web::TemplateRef& page_;
};

}  // namespace roster

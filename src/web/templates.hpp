#pragma once
// Logic-less HTML templates (kainjow mustache: header-only, in Debian, escapes HTML by default), embedded from
// src/web/templates/NAME.mustache. Every template is parsed at start; a handler asks for its template when routes
// are built, so a missing one stops the server at start, not in front of a user.
#include <kainjow/mustache.hpp>

#include <map>
#include <string>
#include <string_view>

namespace web {

class TemplateRef {
 public:
    // Renders with `data`; names not found there are looked up in `globals` (the catalogue's {t: …}).
    std::string Render(const kainjow::mustache::data& data, const kainjow::mustache::data* globals = nullptr) const;
    const std::string& name() const { return name_; }

 private:
    friend class Templates;
    TemplateRef(std::string name, std::string_view source) : name_(std::move(name)), source_(source) {}
    std::string name_;
    std::string_view source_;
};

class Templates {
 public:
    Templates();  // throws when an embedded template does not parse
    // Throws std::runtime_error when there is no such template.
    const TemplateRef& Get(std::string_view name) const;

 private:
    std::map<std::string, TemplateRef, std::less<>> templates_;
};

}  // namespace web

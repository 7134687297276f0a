#pragma once
#include "app/context.hpp"
#include "sites/groups.hpp"

namespace sites {

class Handlers {
 public:
    explicit Handlers(const web::Templates& t)
        : list_(t.Get("sites_list")),
          view_(t.Get("site_view")),
          form_(t.Get("site_form")),
          group_form_(t.Get("group_form")) {}
    http::Response List(app::Ctx& ctx) const;
    http::Response View(app::Ctx& ctx) const;
    http::Response NewForm(app::Ctx& ctx) const;
    http::Response Create(app::Ctx& ctx) const;
    http::Response EditForm(app::Ctx& ctx) const;
    http::Response Update(app::Ctx& ctx) const;
    http::Response SetActive(app::Ctx& ctx, bool active) const;
    http::Response NewGroupForm(app::Ctx& ctx) const;
    http::Response CreateGroup(app::Ctx& ctx) const;
    http::Response EditGroupForm(app::Ctx& ctx) const;
    http::Response UpdateGroup(app::Ctx& ctx) const;
    http::Response SetGroupActive(app::Ctx& ctx, bool active) const;

 private:
    const web::TemplateRef& list_;
    const web::TemplateRef& view_;
    const web::TemplateRef& form_;
    const web::TemplateRef& group_form_;
};

// A site's groups as the options of a <select>: {id, name, selected} each.
kainjow::mustache::data GroupOptions(const std::vector<Group>& groups, std::optional<common::GroupId> selected);

}  // namespace sites

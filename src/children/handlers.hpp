#pragma once
#include "app/context.hpp"
#include "children/children.hpp"

namespace children {

// The child, when the actor may see it at one of its sites (else nullopt: "not found", so existence does not
// leak); Forbidden when they may see it but not do `action`. For handlers that act on a child in their own
// transaction.
std::optional<Child> ChildForActor(db::ReadTx& tx, const auth::Actor& actor, common::ChildId id, auth::Action action,
                                   const common::Date& today);

class Handlers {
 public:
    explicit Handlers(const web::Templates& t)
        : list_(t.Get("children_list")),
          view_(t.Get("child_view")),
          form_(t.Get("child_form")),
          choose_site_(t.Get("choose_site")) {}
    http::Response List(app::Ctx& ctx) const;
    http::Response View(app::Ctx& ctx) const;
    http::Response NewForm(app::Ctx& ctx) const;
    http::Response Create(app::Ctx& ctx) const;
    http::Response EditForm(app::Ctx& ctx) const;
    http::Response Update(app::Ctx& ctx) const;
    http::Response SetActive(app::Ctx& ctx, bool active) const;
    http::Response LinkGuardian(app::Ctx& ctx) const;
    http::Response UnlinkGuardian(app::Ctx& ctx) const;

 private:
    const web::TemplateRef& list_;
    const web::TemplateRef& view_;
    const web::TemplateRef& form_;
    const web::TemplateRef& choose_site_;
};

}  // namespace children

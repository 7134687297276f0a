#pragma once
#include "app/context.hpp"
#include "children/children.hpp"

namespace children {

// A child as an actor reaches it, by the one rule in rights/: the record shown through the placement the access
// comes through (its site and period; a former site sees its own last period and no groups), the grant, and the
// child's placements for deciding further actions on the same page.
struct Reached {
    Child child;
    rights::ChildGrant grant;
    rights::Standing standing;
    // May the actor also do this (a link or button on the page)?
    bool May(const auth::Actor& actor, auth::Action action, const std::string& today) const {
        return rights::DecideChild(actor, action, standing, today).verdict == rights::Verdict::kAllowed;
    }
};

// The child, when the actor may reach it (else nullopt: "not found", so existence does not leak); Forbidden when
// they reach it but may not do `action`. For handlers that act on a child in their own transaction.
std::optional<Reached> ChildForActor(db::ReadTx& tx, const auth::Actor& actor, common::ChildId id, auth::Action action,
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

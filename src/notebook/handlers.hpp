#pragma once
// The contact notebook: the class's day and a child's page for staff, the family's side and reading for guardians.
#include "app/context.hpp"

namespace notebook {

class Handlers {
 public:
    explicit Handlers(const web::Templates& t)
        : class_(t.Get("notebook_class")),
          page_(t.Get("notebook_child")),
          family_(t.Get("family_notebook")),
          settings_(t.Get("notebook_settings")) {}

    // Staff
    http::Response ClassDay(app::Ctx& ctx) const;     // GET /sites/{id}/notebook
    http::Response ChildPage(app::Ctx& ctx) const;    // GET /children/{id}/notebook
    http::Response SaveNursery(app::Ctx& ctx) const;  // POST /children/{id}/notebook
    http::Response Publish(app::Ctx& ctx) const;      // POST /children/{id}/notebook/publish
    http::Response Bulk(app::Ctx& ctx) const;         // POST /sites/{id}/notebook: several children at once
    http::Response Items(app::Ctx& ctx) const;        // GET /sites/{id}/notebook/settings
    http::Response SaveItems(app::Ctx& ctx) const;    // POST /sites/{id}/notebook/settings
    // Photos (photo_handlers.cpp)
    http::Response UploadPhotos(app::Ctx& ctx) const;  // POST /children/{id}/notebook/photos
    http::Response RemovePhoto(app::Ctx& ctx) const;   // POST /children/{id}/notebook/photos/{photo}/remove
    http::Response StaffPhoto(app::Ctx& ctx) const;    // GET /photos/{id}[?size=thumb]

    // Guardians
    http::Response FamilyPage(app::Ctx& ctx) const;   // GET /family/children/{id}/notebook
    http::Response SaveHome(app::Ctx& ctx) const;     // POST /family/children/{id}/notebook
    http::Response FamilyPhoto(app::Ctx& ctx) const;  // GET /family/photos/{id}[?size=thumb]

 private:
    // The settings page's choices: the site's, or a refused form's as the manager sent them (handlers.cpp).
    struct SettingsDraft;
    http::Response RenderSettings(app::Ctx& ctx, common::SiteId site, const SettingsDraft& draft,
                                  const app::FormErrors& errors, int status) const;
    http::Response RenderChild(app::Ctx& ctx, common::ChildId child, const std::string& date,
                               const app::FormErrors& errors, int status, bool conflict) const;
    http::Response RenderFamily(app::Ctx& ctx, common::ChildId child, const std::string& date,
                                const app::FormErrors& errors, int status, bool conflict) const;

    const web::TemplateRef& class_;
    const web::TemplateRef& page_;
    const web::TemplateRef& family_;
    const web::TemplateRef& settings_;
};

}  // namespace notebook

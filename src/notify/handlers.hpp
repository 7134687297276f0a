#pragma once
// Notifications in the pages: the guardian's inbox and choices, and for staff what was sent and how far it got.
#include "app/context.hpp"

namespace notify {

class Handlers {
 public:
    explicit Handlers(const web::Templates& t)
        : inbox_(t.Get("family_inbox")),
          item_(t.Get("family_notice")),
          settings_(t.Get("family_settings")),
          site_(t.Get("site_notices")),
          detail_(t.Get("notice_delivery")) {}

    // Guardians
    http::Response Inbox(app::Ctx& ctx) const;         // GET /family/inbox?page=N
    http::Response InboxItem(app::Ctx& ctx) const;     // GET /family/inbox/{id} (marks it read)
    http::Response Settings(app::Ctx& ctx) const;      // GET /family/settings
    http::Response SaveSettings(app::Ctx& ctx) const;  // POST /family/settings
    http::Response Subscribe(app::Ctx& ctx) const;     // POST /family/push/subscribe (from the app's script)
    http::Response Unsubscribe(app::Ctx& ctx) const;   // POST /family/push/unsubscribe

    // Staff
    http::Response SiteNotices(app::Ctx& ctx) const;  // GET /sites/{id}/notices?date=YYYY-MM-DD
    http::Response Delivery(app::Ctx& ctx) const;     // GET /notices/{id}
    http::Response Resend(app::Ctx& ctx) const;       // POST /notices/{id}/resend

 private:
    http::Response RenderSettings(app::Ctx& ctx, const app::FormErrors& errors, int status) const;
    const web::TemplateRef& inbox_;
    const web::TemplateRef& item_;
    const web::TemplateRef& settings_;
    const web::TemplateRef& site_;
    const web::TemplateRef& detail_;
};

// The unread count for the guardians' header.
std::int64_t UnreadFor(const app::Ctx& ctx);

}  // namespace notify

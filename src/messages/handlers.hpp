#pragma once
// Messages in the pages: staff and the city write, see who has read and remind those who have not; families read
// (in the inbox), open the PDFs and write back in their child's conversation with the site.
#include "app/context.hpp"
#include "messages/messages.hpp"

namespace messages {

class Handlers {
 public:
    explicit Handlers(const web::Templates& t)
        : list_(t.Get("messages")),
          compose_(t.Get("message_new")),
          detail_(t.Get("message")),
          threads_(t.Get("threads")),
          thread_(t.Get("thread")),
          family_thread_(t.Get("family_thread")),
          reach_(t.Get("message_reach")) {}

    // Staff of a site, and the city
    http::Response SiteList(app::Ctx& ctx) const;    // GET /sites/{id}/messages
    http::Response SiteNew(app::Ctx& ctx) const;     // GET /sites/{id}/messages/new
    http::Response SiteCreate(app::Ctx& ctx) const;  // POST /sites/{id}/messages (multipart: PDFs)
    http::Response CityList(app::Ctx& ctx) const;    // GET /city/messages
    http::Response CityNew(app::Ctx& ctx) const;     // GET /city/messages/new
    http::Response CityCreate(app::Ctx& ctx) const;  // POST /city/messages
    http::Response SiteReach(app::Ctx& ctx) const;   // GET /sites/{id}/messages/reach?scope=…: who it reaches
    http::Response CityReach(app::Ctx& ctx) const;   // GET /city/messages/reach?scope=…
    http::Response Show(app::Ctx& ctx) const;        // GET /messages/{id}: who has read, who has not
    http::Response Remind(app::Ctx& ctx) const;      // POST /messages/{id}/remind
    http::Response CancelSend(app::Ctx& ctx) const;  // POST /messages/{id}/cancel
    http::Response StaffFile(app::Ctx& ctx) const;   // GET /messages/{id}/files/{file}
    http::Response Threads(app::Ctx& ctx) const;     // GET /sites/{id}/threads
    http::Response Thread(app::Ctx& ctx) const;      // GET /threads/{id}
    http::Response Reply(app::Ctx& ctx) const;       // POST /threads/{id}

    // Families
    http::Response FamilyFile(app::Ctx& ctx) const;    // GET /family/inbox/{id}/files/{file}
    http::Response FamilyThread(app::Ctx& ctx) const;  // GET /family/children/{id}/messages?site=S
    http::Response FamilyPost(app::Ctx& ctx) const;    // POST /family/children/{id}/messages

 private:
    http::Response RenderCompose(app::Ctx& ctx, std::optional<common::SiteId> site, const app::FormErrors& errors,
                                 int status) const;
    http::Response Create(app::Ctx& ctx, std::optional<common::SiteId> site) const;
    http::Response RenderList(app::Ctx& ctx, std::optional<common::SiteId> site) const;
    http::Response RenderReach(app::Ctx& ctx, std::optional<common::SiteId> site) const;
    http::Response RenderFamilyThread(app::Ctx& ctx, const app::FormErrors& errors, int status) const;
    std::optional<messages::Thread> FindThreadFor(app::Ctx& ctx, bool answer) const;
    http::Response RenderThread(app::Ctx& ctx, const messages::Thread& t, const app::FormErrors& errors,
                                int status) const;
    const web::TemplateRef& list_;
    const web::TemplateRef& compose_;
    const web::TemplateRef& detail_;
    const web::TemplateRef& threads_;
    const web::TemplateRef& thread_;
    const web::TemplateRef& family_thread_;
    const web::TemplateRef& reach_;
};

// For the guardian's copy of a message: its files and where to write back ({files: [...], replies: [...]}).
void AddMessageExtras(app::Ctx& ctx, common::RecipientId copy, const std::optional<common::MessageId>& message,
                      common::SiteId site, kainjow::mustache::data& body);

}  // namespace messages

#pragma once
// Nap checks on a class tablet: the class's naps of the day, laying children down, a check in one tap (several
// children at once), waking; the page follows the site's live feed and counts down to each child's next check.
#include <functional>

#include "app/context.hpp"

namespace naps {

class Handlers {
 public:
    explicit Handlers(const web::Templates& t) : page_(t.Get("naps")) {}

    http::Response Page(app::Ctx& ctx) const;   // GET /sites/{id}/naps[?group=&date=]
    http::Response Start(app::Ctx& ctx) const;  // POST /sites/{id}/naps/start: child (repeated)
    http::Response Check(app::Ctx& ctx) const;  // POST /sites/{id}/naps/check: child (repeated), position, …
    http::Response Wake(app::Ctx& ctx) const;   // POST /sites/{id}/naps/wake: child (repeated)
    // GET /sites/{id}/naps/grid[?group=&date=]: the day's record as a PDF, one sheet per class (grid.hpp).
    http::Response Grid(app::Ctx& ctx) const;

 private:
    // For each child named in the form (placed at the site today, reachable by the actor), in one transaction; then
    // back to the page (?done=`done`), or the page with the errors (422) — `errors` may come from the form already.
    using Each = std::function<void(db::WriteTx&, common::SiteId, common::ChildId, const std::string& today)>;
    http::Response ForChosen(app::Ctx& ctx, app::FormErrors errors, std::string_view done, const Each& each) const;
    http::Response Render(app::Ctx& ctx, common::SiteId site, const app::FormErrors& errors, int status) const;

    const web::TemplateRef& page_;
};

}  // namespace naps

#pragma once
// Care journals on screen: the site's journals of a day (each class's and the site's, with their state, and what
// waits for the actor's check or approval), one journal to write or read — the day's attendance and fevers filled
// in from their records — its approval steps, and the journal printed with its stamps.
#include "app/context.hpp"
#include "journals/journals.hpp"
#include "journals/print.hpp"

namespace journals {

// What a journal's page and a curriculum plan's page share: the approval as shown and as printed.
std::string StateLabel(const app::Ctx& ctx, State s);
std::string When(common::Instant at);  // "12/03 17:30"
// "さくら職員3 12/03 17:30" of the last stamp of a step since the last submission (empty: not yet).
std::string StampOf(const std::vector<Stamp>& stamps, Step step);
// stamps [{step, label, by, at, comment}], has_stamps, and the last return's comment while it is mended.
void StampsData(const app::Ctx& ctx, kainjow::mustache::data& body, const std::vector<Stamp>& stamps, State state);
// The stamp steps this actor may take now (can_stamp, can_check, can_approve, can_return, can_reopen), and
// own_waits where the site forbids stamping one's own.
void StepsData(kainjow::mustache::data& body, State state, const Who& who);
// A stamp form: the step asked for (422 for none, or one that is not a stamp) and its comment, required to return
// or reopen (what to mend; why an approved record changes).
struct StampForm {
    Step step = Step::kCheck;
    std::string comment;
    bool comment_refused = false;
};
StampForm ReadStampForm(const http::Params& form);
// The step's outcome as the answer: 403 (the role, or one's own where the site forbids it), 409 (not from this
// state), then 422 for a comment missing or too long — the rights before what was sent.
void RequireStamp(const Outcome& out, const StampForm& form);
// The paper's boxes 担任 / 主任 / 園長 with who stamped since the last submission, and when.
std::vector<StampBox> Boxes(const app::Ctx& ctx, const std::vector<Stamp>& stamps);

class Handlers {
 public:
    explicit Handlers(const web::Templates& t) : day_(t.Get("journals")), page_(t.Get("journal")) {}

    http::Response Day(app::Ctx& ctx) const;       // GET /sites/{id}/journals[?date=]
    http::Response Page(app::Ctx& ctx) const;      // GET /sites/{id}/journal?date=[&group=]
    http::Response Save(app::Ctx& ctx) const;      // POST /sites/{id}/journal: date, group, version, texts, step
    http::Response Stamp(app::Ctx& ctx) const;     // POST /journals/{id}/stamp: step, comment
    http::Response Pdf(app::Ctx& ctx) const;       // GET /journals/{id}/pdf
    http::Response Settings(app::Ctx& ctx) const;  // POST /sites/{id}/journals/settings: self_approval
    http::Response Export(app::Ctx& ctx) const;    // GET /sites/{id}/journals/export[?month=YYYY-MM]: XLSX

 private:
    // The journal page: as saved, or with the refused form (errors, status) and, on a conflict, the other version.
    http::Response Render(app::Ctx& ctx, common::SiteId site, const std::string& date,
                          std::optional<common::GroupId> group, const app::FormErrors& errors, int status,
                          const Journal* draft) const;

    const web::TemplateRef& day_;
    const web::TemplateRef& page_;
};

}  // namespace journals

#pragma once
// Cards, kiosks, the scan API, staff entries and corrections, and the live roster.
#include "app/context.hpp"
#include "print/pdf.hpp"

namespace attendance {

inline constexpr std::string_view kKioskCookie = "tadaima_kiosk";

struct Kiosk;
// The kiosk a device API request comes from, by its credential (the Authorization header, or the cookie set at
// pairing with a JSON body): Unauthorized when there is none, Forbidden when it was revoked.
Kiosk RequireKiosk(const app::Ctx& ctx);

class Handlers {
 public:
    explicit Handlers(const web::Templates& t)
        : roster_(t.Get("roster")),
          day_(t.Get("child_day")),
          kiosks_(t.Get("kiosks")),
          pairing_(t.Get("kiosk_pairing")),
          kiosk_pair_(t.Get("kiosk_pair")),
          kiosk_(t.Get("kiosk")),
          confirm_(t.Get("hand_confirm")) {}

    // The kiosk device
    http::Response KioskPage(app::Ctx& ctx) const;
    http::Response KioskPair(app::Ctx& ctx) const;
    http::Response Scan(app::Ctx& ctx) const;       // POST /api/v1/kiosk/scans
    http::Response Directory(app::Ctx& ctx) const;  // GET /api/v1/kiosk/directory

    // Managers: kiosks and cards
    http::Response Kiosks(app::Ctx& ctx) const;
    http::Response CreatePairing(app::Ctx& ctx) const;
    http::Response RevokeKiosk(app::Ctx& ctx) const;
    http::Response SiteCards(app::Ctx& ctx) const;                        // all cards of a site, A4 PDF
    http::Response ChildCard(app::Ctx& ctx, print::Format format) const;  // one card
    http::Response ReissueCard(app::Ctx& ctx) const;

    // Staff: the roster, a child's day, entries by hand and corrections
    http::Response Roster(app::Ctx& ctx) const;
    http::Response RosterEvents(app::Ctx& ctx) const;  // text/event-stream
    http::Response ChildDay(app::Ctx& ctx) const;
    http::Response RecordByHand(app::Ctx& ctx) const;
    http::Response Correct(app::Ctx& ctx) const;

 private:
    http::Response RenderDay(app::Ctx& ctx, common::ChildId child, const std::string& date,
                             const app::FormErrors& errors, int status) const;

    const web::TemplateRef& roster_;
    const web::TemplateRef& day_;
    const web::TemplateRef& kiosks_;
    const web::TemplateRef& pairing_;
    const web::TemplateRef& kiosk_pair_;
    const web::TemplateRef& kiosk_;
    const web::TemplateRef& confirm_;  // a hand entry outside opening hours
};

}  // namespace attendance

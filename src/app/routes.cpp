// Every route of the server, in one list.
#include <memory>

#include "app/core_handlers.hpp"
#include "app/router.hpp"
#include "app/second_factor.hpp"
#include "attendance/handlers.hpp"
#include "audit/handlers.hpp"
#include "children/handlers.hpp"
#include "children/rollover_handlers.hpp"
#include "curriculum/handlers.hpp"
#include "entrance/handlers.hpp"
#include "families/handlers.hpp"
#include "guardians/handlers.hpp"
#include "health/handlers.hpp"
#include "journals/handlers.hpp"
#include "messages/handlers.hpp"
#include "naps/handlers.hpp"
#include "notebook/handlers.hpp"
#include "notify/handlers.hpp"
#include "ops/handlers.hpp"
#include "plans/handlers.hpp"
#include "records/handlers.hpp"
#include "reports/handlers.hpp"
#include "rollcall/handlers.hpp"
#include "roster/handlers.hpp"
#include "sites/handlers.hpp"
#include "staff/handlers.hpp"

namespace app {

Router BuildRoutes(const Services& s) {
    auto core = std::make_shared<CoreHandlers>(s.templates);
    auto site = std::make_shared<sites::Handlers>(s.templates);
    auto child = std::make_shared<children::Handlers>(s.templates);
    auto guardian = std::make_shared<guardians::Handlers>(s.templates);
    auto plan = std::make_shared<plans::Handlers>(s.templates);
    auto staff = std::make_shared<staff::Handlers>(s.templates);
    auto audit = std::make_shared<audit::Handlers>(s.templates);
    auto mfa = std::make_shared<SecondFactorHandlers>(s.templates);
    auto roster = std::make_shared<roster::Handlers>(s.templates);
    auto family = std::make_shared<families::Handlers>(s.templates);
    auto att = std::make_shared<attendance::Handlers>(s.templates);
    auto notice = std::make_shared<notify::Handlers>(s.templates);
    auto message = std::make_shared<messages::Handlers>(s.templates);
    auto report = std::make_shared<reports::Handlers>(s.templates);
    auto call = std::make_shared<rollcall::Handlers>(s.templates);
    auto erase = std::make_shared<ops::Handlers>(s.templates);
    auto rollover = std::make_shared<children::RolloverHandlers>(s.templates);
    auto door = std::make_shared<entrance::Handlers>(s.templates);
    auto book = std::make_shared<notebook::Handlers>(s.templates);
    auto health = std::make_shared<health::Handlers>(s.templates);
    auto naps = std::make_shared<naps::Handlers>(s.templates);
    auto journals = std::make_shared<journals::Handlers>(s.templates);
    auto curriculum = std::make_shared<curriculum::Handlers>(s.templates);
    auto records = std::make_shared<records::Handlers>(s.templates);
    Router r;

    // Operations
    r.Get("/healthz", &CoreHandlers::Health, Session::kSkip);
    r.Get("/metrics", &CoreHandlers::MetricsText, Session::kSkip);
    r.Get("/static/{file}", &CoreHandlers::Static, Session::kSkip);
    r.Get("/family/sw.js", &CoreHandlers::ServiceWorker, Session::kSkip);
    r.Get("/family/manifest.webmanifest", &CoreHandlers::Manifest, Session::kSkip);
    r.Get("/lang/{lang}", &CoreHandlers::SwitchLanguage);
    r.Get("/jobs", [core](Ctx& c) { return core->Jobs(c); });
    r.Post("/jobs/{id}/retry", &CoreHandlers::RetryJob);
    r.Get("/erasures", [erase](Ctx& c) { return erase->List(c); });
    r.Get("/erasures/preview", [erase](Ctx& c) { return erase->Preview(c); });
    r.Post("/erasures", [erase](Ctx& c) { return erase->Erase(c); });
    r.Get("/erasures/{id}", [erase](Ctx& c) { return erase->View(c); });
    r.Get("/erasures/{id}/certificate.pdf", [erase](Ctx& c) { return erase->Pdf(c); });
    r.Get("/erasures/{id}/certificate.json", [erase](Ctx& c) { return erase->Json(c); });
    r.Get("/retention", [erase](Ctx& c) { return erase->Retention(c); });
    r.Post("/retention", [erase](Ctx& c) { return erase->SaveRetention(c); });
    r.Get("/rollover", [rollover](Ctx& c) { return rollover->List(c); });
    r.Get("/rollover/preview", [rollover](Ctx& c) { return rollover->Preview(c); });
    r.Post("/rollover", [rollover](Ctx& c) { return rollover->Apply(c); });
    r.Post("/rollover/{id}/cancel", [rollover](Ctx& c) { return rollover->Cancel(c); });

    // Staff sign-in
    r.Get("/login", [core](Ctx& c) { return core->LoginForm(c); });
    r.Post("/login", [core](Ctx& c) { return core->Login(c); });
    r.Post(
        "/logout", [core](Ctx& c) { return core->Logout(c); }, Session::kSecondFactor);
    r.Get(
        "/mfa", [mfa](Ctx& c) { return mfa->VerifyForm(c); }, Session::kSecondFactor);
    r.Post(
        "/mfa", [mfa](Ctx& c) { return mfa->Verify(c); }, Session::kSecondFactor);
    r.Get(
        "/mfa/setup", [mfa](Ctx& c) { return mfa->SetupForm(c); }, Session::kSecondFactor);
    r.Post(
        "/mfa/setup", [mfa](Ctx& c) { return mfa->Setup(c); }, Session::kSecondFactor);
    r.Get("/", [core](Ctx& c) { return core->Home(c); });

    // Sites and their groups
    r.Get("/sites", [site](Ctx& c) { return site->List(c); });
    r.Get("/sites/new", [site](Ctx& c) { return site->NewForm(c); });
    r.Post("/sites", [site](Ctx& c) { return site->Create(c); });
    r.Get("/sites/{id}", [site](Ctx& c) { return site->View(c); });
    r.Get("/sites/{id}/edit", [site](Ctx& c) { return site->EditForm(c); });
    r.Post("/sites/{id}", [site](Ctx& c) { return site->Update(c); });
    r.Post("/sites/{id}/deactivate", [site](Ctx& c) { return site->SetActive(c, false); });
    r.Post("/sites/{id}/reactivate", [site](Ctx& c) { return site->SetActive(c, true); });
    r.Get("/sites/{id}/groups/new", [site](Ctx& c) { return site->NewGroupForm(c); });
    r.Post("/sites/{id}/groups", [site](Ctx& c) { return site->CreateGroup(c); });
    r.Get("/groups/{id}/edit", [site](Ctx& c) { return site->EditGroupForm(c); });
    r.Post("/groups/{id}", [site](Ctx& c) { return site->UpdateGroup(c); });
    r.Post("/groups/{id}/deactivate", [site](Ctx& c) { return site->SetGroupActive(c, false); });
    r.Post("/groups/{id}/reactivate", [site](Ctx& c) { return site->SetGroupActive(c, true); });
    r.Get("/sites/{id}/import", [roster](Ctx& c) { return roster->Form(c); });
    r.Get("/sites/{id}/import/template.csv", [roster](Ctx& c) { return roster->Template(c); });
    r.Get("/sites/{id}/register", [report](Ctx& c) { return report->Register(c); });
    r.Get("/sites/{id}/register/export", [report](Ctx& c) { return report->Export(c); });
    r.Get("/counts", [report](Ctx& c) { return report->Counts(c); });
    r.Get("/counts/export", [report](Ctx& c) { return report->CountsExport(c); });
    r.Get("/counts/registers", [report](Ctx& c) { return report->CityRegisters(c); });
    r.Get("/counts/year", [report](Ctx& c) { return report->Year(c); });
    r.Get("/counts/year/export", [report](Ctx& c) { return report->YearExport(c); });
    r.Get("/overview", [report](Ctx& c) { return report->Overview(c); });
    r.Get("/overview/events", [report](Ctx& c) { return report->OverviewEvents(c); });
    r.Get("/overview/figures", [report](Ctx& c) { return report->OverviewFigures(c); });
    // The emergency roll-call and hand-over
    r.Get("/rollcall/new", [call](Ctx& c) { return call->New(c); });
    r.Post("/rollcall", [call](Ctx& c) { return call->Start(c); });
    r.Get("/sites/{id}/rollcall", [call](Ctx& c) { return call->Site(c); });
    r.Post("/sites/{id}/rollcall/{call}/children/{child}/confirm", [call](Ctx& c) { return call->Confirm(c); });
    r.Get("/sites/{id}/rollcall/{call}/children/{child}/handover", [call](Ctx& c) { return call->HandoverForm(c); });
    r.Post("/sites/{id}/rollcall/{call}/children/{child}/handover", [call](Ctx& c) { return call->Handover(c); });
    r.Post("/sites/{id}/rollcall/{call}/close", [call](Ctx& c) { return call->Close(c); });
    r.Get("/sites/{id}/rollcall/{call}/print", [call](Ctx& c) { return call->Print(c); });
    r.Post(
        "/sites/{id}/import", [roster](Ctx& c) { return roster->Import(c); }, Session::kLoad, Body::kUpload);

    // Children
    r.Get("/children", [child](Ctx& c) { return child->List(c); });
    r.Get("/children/new", [child](Ctx& c) { return child->NewForm(c); });
    r.Post("/children", [child](Ctx& c) { return child->Create(c); });
    r.Get("/children/{id}", [child](Ctx& c) { return child->View(c); });
    r.Get("/children/{id}/edit", [child](Ctx& c) { return child->EditForm(c); });
    r.Post("/children/{id}", [child](Ctx& c) { return child->Update(c); });
    r.Post("/children/{id}/deactivate", [child](Ctx& c) { return child->SetActive(c, false); });
    r.Post("/children/{id}/reactivate", [child](Ctx& c) { return child->SetActive(c, true); });
    r.Post("/children/{id}/guardians", [child](Ctx& c) { return child->LinkGuardian(c); });
    r.Post("/children/{id}/guardians/{guardian_id}/unlink", [child](Ctx& c) { return child->UnlinkGuardian(c); });

    // Guardians
    r.Get("/guardians", [guardian](Ctx& c) { return guardian->List(c); });
    r.Get("/guardians/new", [guardian](Ctx& c) { return guardian->NewForm(c); });
    r.Post("/guardians", [guardian](Ctx& c) { return guardian->Create(c); });
    r.Get("/guardians/{id}", [guardian](Ctx& c) { return guardian->View(c); });
    r.Get("/guardians/{id}/edit", [guardian](Ctx& c) { return guardian->EditForm(c); });
    r.Post("/guardians/{id}", [guardian](Ctx& c) { return guardian->Update(c); });
    r.Post("/guardians/{id}/deactivate", [guardian](Ctx& c) { return guardian->SetActive(c, false); });
    r.Post("/guardians/{id}/reactivate", [guardian](Ctx& c) { return guardian->SetActive(c, true); });

    // Staff accounts and roles
    r.Get("/staff", [staff](Ctx& c) { return staff->List(c); });
    r.Get("/staff/new", [staff](Ctx& c) { return staff->NewForm(c); });
    r.Post("/staff", [staff](Ctx& c) { return staff->Create(c); });
    r.Get("/staff/{id}/edit", [staff](Ctx& c) { return staff->EditForm(c); });
    r.Post("/staff/{id}", [staff](Ctx& c) { return staff->Update(c); });
    r.Post("/staff/{id}/deactivate", [staff](Ctx& c) { return staff->SetActive(c, false); });
    r.Post("/staff/{id}/reactivate", [staff](Ctx& c) { return staff->SetActive(c, true); });
    r.Post("/staff/{id}/unlock", [staff](Ctx& c) { return staff->Unlock(c); });
    r.Post("/staff/{id}/sessions/end", [staff](Ctx& c) { return staff->EndSessions(c); });
    r.Get("/account/password", [staff](Ctx& c) { return staff->OwnPasswordForm(c); });
    r.Post("/account/password", [staff](Ctx& c) { return staff->ChangeOwnPassword(c); });

    // Registration letters and guardians' accounts, staff side
    r.Post("/children/{id}/letter", [family](Ctx& c) { return family->ChildLetter(c); });
    r.Post("/sites/{id}/letters", [family](Ctx& c) { return family->SiteLetters(c); });
    r.Post("/children/{id}/accounts/{account_id}/end", [family](Ctx& c) { return family->EndLink(c); });

    // Guardians: registration from a letter, sign-in, their children, family invitations
    r.Get("/register", [family](Ctx& c) { return family->RegisterForm(c); });
    r.Post("/register", [family](Ctx& c) { return family->Register(c); });
    r.Get("/register/confirm", [family](Ctx& c) { return family->ConfirmForm(c); });
    r.Post("/register/confirm", [family](Ctx& c) { return family->Confirm(c); });
    r.Get("/family/login", [family](Ctx& c) { return family->LoginForm(c); });
    r.Post("/family/login", [family](Ctx& c) { return family->Login(c); });
    r.Post("/family/logout", [family](Ctx& c) { return family->Logout(c); });
    r.Get("/family", [family](Ctx& c) { return family->Home(c); });
    r.Get("/family/invite", [family](Ctx& c) { return family->InviteForm(c); });
    r.Post("/family/invite", [family](Ctx& c) { return family->Invite(c); });
    r.Get("/family/invitation", [family](Ctx& c) { return family->InvitationPage(c); });
    r.Post("/family/invitation", [family](Ctx& c) { return family->AcceptInvitation(c); });
    r.Post("/family/children/{id}/members/{account_id}/reporting",
           [family](Ctx& c) { return family->SetReporting(c); });

    // Guardians: the contact notebook's home side, and reading the nursery side
    r.Get("/family/children/{id}/notebook", [book](Ctx& c) { return book->FamilyPage(c); });
    r.Post("/family/children/{id}/notebook", [book](Ctx& c) { return book->SaveHome(c); });
    r.Get("/family/photos/{id}", [book](Ctx& c) { return book->FamilyPhoto(c); });
    r.Get("/family/children/{id}/health", [health](Ctx& c) { return health->FamilyHealth(c); });
    r.Get("/family/children/{id}/illness", [health](Ctx& c) { return health->FamilyIllness(c); });
    r.Post("/family/children/{id}/illness", [health](Ctx& c) { return health->FamilyReportIllness(c); });

    // Guardians: the family pass and PIN for a nursery's entrance
    r.Get("/family/pass", [door](Ctx& c) { return door->PassPage(c); });
    r.Get("/family/pass/code.svg", [door](Ctx& c) { return door->PassCode(c); });
    r.Post("/family/pass/pin", [door](Ctx& c) { return door->NewPin(c); });

    // Guardians: the inbox of notifications, their choices of channels, quiet hours and language
    r.Get("/family/inbox", [notice](Ctx& c) { return notice->Inbox(c); });
    r.Get("/family/inbox/{id}", [notice](Ctx& c) { return notice->InboxItem(c); });
    r.Get("/family/settings", [notice](Ctx& c) { return notice->Settings(c); });
    r.Post("/family/settings", [notice](Ctx& c) { return notice->SaveSettings(c); });
    r.Post("/family/push/subscribe", [notice](Ctx& c) { return notice->Subscribe(c); });
    r.Post("/family/push/unsubscribe", [notice](Ctx& c) { return notice->Unsubscribe(c); });

    // Staff: what was sent to families, how far it got, and sending it again
    r.Get("/sites/{id}/notices", [notice](Ctx& c) { return notice->SiteNotices(c); });
    r.Get("/notices/{id}", [notice](Ctx& c) { return notice->Delivery(c); });
    r.Post("/notices/{id}/resend", [notice](Ctx& c) { return notice->Resend(c); });

    // Messages: staff to their site's families, the city to every site's; who has read; conversations per child
    r.Get("/sites/{id}/messages", [message](Ctx& c) { return message->SiteList(c); });
    r.Get("/sites/{id}/messages/new", [message](Ctx& c) { return message->SiteNew(c); });
    r.Get("/sites/{id}/messages/reach", [message](Ctx& c) { return message->SiteReach(c); });
    r.Post(
        "/sites/{id}/messages", [message](Ctx& c) { return message->SiteCreate(c); }, Session::kLoad, Body::kUpload);
    r.Get("/city/messages", [message](Ctx& c) { return message->CityList(c); });
    r.Get("/city/messages/new", [message](Ctx& c) { return message->CityNew(c); });
    r.Get("/city/messages/reach", [message](Ctx& c) { return message->CityReach(c); });
    r.Post(
        "/city/messages", [message](Ctx& c) { return message->CityCreate(c); }, Session::kLoad, Body::kUpload);
    r.Get("/messages/{id}", [message](Ctx& c) { return message->Show(c); });
    r.Post("/messages/{id}/remind", [message](Ctx& c) { return message->Remind(c); });
    r.Post("/messages/{id}/cancel", [message](Ctx& c) { return message->CancelSend(c); });
    r.Get("/messages/{id}/files/{file}", [message](Ctx& c) { return message->StaffFile(c); });
    r.Get("/sites/{id}/threads", [message](Ctx& c) { return message->Threads(c); });
    r.Get("/threads/{id}", [message](Ctx& c) { return message->Thread(c); });
    r.Post("/threads/{id}", [message](Ctx& c) { return message->Reply(c); });
    r.Get("/family/inbox/{id}/files/{file}", [message](Ctx& c) { return message->FamilyFile(c); });
    r.Get("/family/children/{id}/messages", [message](Ctx& c) { return message->FamilyThread(c); });
    r.Post("/family/children/{id}/messages", [message](Ctx& c) { return message->FamilyPost(c); });

    // Guardians: plans, absence and change contact, pick-up persons
    r.Get("/family/children/{id}/plans", [plan](Ctx& c) { return plan->FamilyPlans(c); });
    r.Post("/family/children/{id}/plans", [plan](Ctx& c) { return plan->SaveFamilyPlans(c); });
    r.Get("/family/children/{id}/contact", [plan](Ctx& c) { return plan->ContactForm(c); });
    r.Post("/family/children/{id}/contact", [plan](Ctx& c) { return plan->SendContact(c); });
    r.Get("/family/children/{id}/pickup", [plan](Ctx& c) { return plan->Pickup(c); });
    r.Post("/family/children/{id}/pickup", [plan](Ctx& c) { return plan->AddPickup(c); });
    r.Post("/family/children/{id}/pickup/{person}/remove", [plan](Ctx& c) { return plan->RemovePickup(c); });

    // Kiosks by the door: pairing and scanning (the scan API takes the kiosk's credential, no session)
    r.Get("/kiosk", [att](Ctx& c) { return att->KioskPage(c); });
    r.Post("/kiosk/pair", [att](Ctx& c) { return att->KioskPair(c); });
    r.Post(
        "/api/v1/kiosk/scans", [att](Ctx& c) { return att->Scan(c); }, Session::kSkip);
    r.Get(
        "/api/v1/kiosk/directory", [att](Ctx& c) { return att->Directory(c); }, Session::kSkip);
    // A nursery's entrance kiosk: a family's pass or PIN, then their children's arrival or departure
    r.Post(
        "/api/v1/kiosk/family", [door](Ctx& c) { return door->Lookup(c); }, Session::kSkip);
    r.Post(
        "/api/v1/kiosk/family/stamp", [door](Ctx& c) { return door->Stamp(c); }, Session::kSkip);

    // Kiosks and QR cards, for managers
    r.Get("/sites/{id}/kiosks", [att](Ctx& c) { return att->Kiosks(c); });
    r.Post("/sites/{id}/kiosks", [att](Ctx& c) { return att->CreatePairing(c); });
    r.Post("/kiosks/{id}/revoke", [att](Ctx& c) { return att->RevokeKiosk(c); });
    r.Get("/sites/{id}/cards.pdf", [att](Ctx& c) { return att->SiteCards(c); });
    r.Get("/children/{id}/card.pdf", [att](Ctx& c) { return att->ChildCard(c, print::Format::kPdf); });
    r.Get("/children/{id}/card.png", [att](Ctx& c) { return att->ChildCard(c, print::Format::kPng); });
    r.Get("/children/{id}/card.svg", [att](Ctx& c) { return att->ChildCard(c, print::Format::kSvg); });
    r.Post("/children/{id}/card/reissue", [att](Ctx& c) { return att->ReissueCard(c); });

    // The live roster, a child's day, entries by hand and corrections
    r.Get("/sites/{id}/roster", [att](Ctx& c) { return att->Roster(c); });
    r.Get("/sites/{id}/roster/events", [att](Ctx& c) { return att->RosterEvents(c); });
    r.Get("/children/{id}/attendance", [att](Ctx& c) { return att->ChildDay(c); });
    r.Post("/children/{id}/attendance", [att](Ctx& c) { return att->RecordByHand(c); });
    r.Post("/attendance/{id}/correct", [att](Ctx& c) { return att->Correct(c); });

    // The contact notebook (a nursery's): the class's day, a child's page, the nursery side and publishing it
    r.Get("/sites/{id}/notebook", [book](Ctx& c) { return book->ClassDay(c); });
    r.Post(
        "/sites/{id}/notebook", [book](Ctx& c) { return book->Bulk(c); }, Session::kLoad, Body::kPhotos);
    r.Get("/sites/{id}/notebook/settings", [book](Ctx& c) { return book->Items(c); });
    r.Post("/sites/{id}/notebook/settings", [book](Ctx& c) { return book->SaveItems(c); });
    r.Get("/children/{id}/notebook", [book](Ctx& c) { return book->ChildPage(c); });
    r.Post("/children/{id}/notebook", [book](Ctx& c) { return book->SaveNursery(c); });
    r.Post("/children/{id}/notebook/publish", [book](Ctx& c) { return book->Publish(c); });
    r.Post(
        "/children/{id}/notebook/photos", [book](Ctx& c) { return book->UploadPhotos(c); }, Session::kLoad,
        Body::kPhotos);
    r.Post("/children/{id}/notebook/photos/{photo}/remove", [book](Ctx& c) { return book->RemovePhoto(c); });
    r.Get("/photos/{id}", [book](Ctx& c) { return book->StaffPhoto(c); });
    // Nap checks on a class's tablet
    r.Get("/sites/{id}/naps", [naps](Ctx& c) { return naps->Page(c); });
    r.Post("/sites/{id}/naps/start", [naps](Ctx& c) { return naps->Start(c); });
    r.Post("/sites/{id}/naps/check", [naps](Ctx& c) { return naps->Check(c); });
    r.Post("/sites/{id}/naps/wake", [naps](Ctx& c) { return naps->Wake(c); });
    r.Get("/sites/{id}/naps/grid", [naps](Ctx& c) { return naps->Grid(c); });
    r.Get("/sites/{id}/journals", [journals](Ctx& c) { return journals->Day(c); });
    r.Post("/sites/{id}/journals/settings", [journals](Ctx& c) { return journals->Settings(c); });
    r.Get("/sites/{id}/journals/export", [journals](Ctx& c) { return journals->Export(c); });
    r.Get("/sites/{id}/journal", [journals](Ctx& c) { return journals->Page(c); });
    r.Post("/sites/{id}/journal", [journals](Ctx& c) { return journals->Save(c); });
    r.Post("/journals/{id}/stamp", [journals](Ctx& c) { return journals->Stamp(c); });
    r.Get("/journals/{id}/pdf", [journals](Ctx& c) { return journals->Pdf(c); });
    r.Get("/sites/{id}/curriculum", [curriculum](Ctx& c) { return curriculum->Month(c); });
    r.Get("/sites/{id}/curriculum/plan", [curriculum](Ctx& c) { return curriculum->Page(c); });
    r.Post("/sites/{id}/curriculum/plan", [curriculum](Ctx& c) { return curriculum->Save(c); });
    r.Post("/curriculum/{id}/stamp", [curriculum](Ctx& c) { return curriculum->Stamp(c); });
    r.Get("/curriculum/{id}/pdf", [curriculum](Ctx& c) { return curriculum->Pdf(c); });
    r.Get("/children/{id}/records", [records](Ctx& c) { return records->Page(c); });
    // A nursery's health records: the child's record, temperature checks, growth, illnesses
    r.Get("/children/{id}/health", [health](Ctx& c) { return health->Page(c); });
    r.Post("/children/{id}/health/record", [health](Ctx& c) { return health->SaveRecord(c); });
    for (const char* kind : {"temperature", "growth", "illness"}) {
        r.Post(std::string("/children/{id}/health/") + kind,
               [health, kind](Ctx& c) { return health->AddEntry(c, kind); });
    }

    // The site's schedule: plan deadline, lateness threshold, dismissal times, closure days
    r.Get("/sites/{id}/schedule", [plan](Ctx& c) { return plan->Schedule(c); });
    r.Post("/sites/{id}/schedule", [plan](Ctx& c) { return plan->SaveSchedule(c); });
    r.Post("/sites/{id}/closures", [plan](Ctx& c) { return plan->AddClosure(c); });
    r.Post("/sites/{id}/closures/remove", [plan](Ctx& c) { return plan->RemoveClosure(c); });

    // Today's changes and alerts, from the roster
    r.Post("/contacts/{id}/confirm", [plan](Ctx& c) { return plan->ConfirmContact(c); });
    r.Post("/children/{id}/alerts/resolve", [plan](Ctx& c) { return plan->ResolveAlert(c); });

    // The audit trail (municipal admins)
    r.Get("/audit", [audit](Ctx& c) { return audit->List(c); });
    r.Get("/audit.csv", [audit](Ctx& c) { return audit->Csv(c); });
    return r;
}

}  // namespace app

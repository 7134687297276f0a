#pragma once
// Delivering notifications: the notify.email job mails one recipient's copy, written in their language at sending
// time, with a Message-ID stable per job so that a resent mail is recognisable; notify.push encrypts it for each
// of their phones (RFC 8291) and hands it to the push service with a VAPID token (RFC 8292).
#include <memory>

#include "db/database.hpp"
#include "families/mails.hpp"
#include "jobs/jobs.hpp"
#include "mail/mail.hpp"
#include "push/push.hpp"
#include "web/catalogue.hpp"

namespace notify {

struct PushSettings {
    std::shared_ptr<push::Client> client;  // none: push jobs give up at once and mail takes over
    push::KeyPair vapid;
    std::string subject;  // mailto: or https: contact for the push services
};

// Registers notify.email and notify.push. A recipient who may no longer see the notice (account closed, link to
// the child ended) is sent nothing ("withdrawn"). A mail failing to the last attempt is "failed" and staff can
// send it again. Push goes to each of the member's subscriptions: one accepting is enough; 404/410 removes a
// subscription; 429 waits for its Retry-After; when none is left or the last attempt failed, mail takes over.
void RegisterDelivery(jobs::Runner& runner, db::Database& db, mail::Transport* transport,
                      const web::Catalogue& catalogue, families::MailSettings settings, PushSettings push,
                      const common::Clock& clock);

}  // namespace notify

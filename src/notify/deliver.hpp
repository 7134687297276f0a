#pragma once
// Delivering notifications: the notify.email job mails one recipient's copy, written in their language at sending
// time, with a Message-ID stable per job so that a resent mail is recognisable.
#include "db/database.hpp"
#include "families/mails.hpp"
#include "jobs/jobs.hpp"
#include "mail/mail.hpp"
#include "web/catalogue.hpp"

namespace notify {

// Registers notify.email. A recipient who may no longer see the notice (account closed, link to the child ended)
// is not mailed ("withdrawn"); after the last failed attempt the copy is "failed" and staff can resend it.
void RegisterDelivery(jobs::Runner& runner, db::Database& db, mail::Transport* transport,
                      const web::Catalogue& catalogue, families::MailSettings settings, const common::Clock& clock);

}  // namespace notify

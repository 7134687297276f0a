#pragma once
// The family's notice of a child alert (a planned child missing, still inside after closing, picked up without
// staff confirming who came), by mail in each family member's language, one job per member. The notification
// issue adds push and the in-app inbox beside it.
#include "db/database.hpp"
#include "families/mails.hpp"
#include "jobs/jobs.hpp"
#include "mail/mail.hpp"
#include "web/catalogue.hpp"

namespace plans {

// Registers mail.child_alert ({alert_id, account_id}). A family member unlinked or deactivated meanwhile gets
// nothing; an alert resolved before the mail went is still told (with its resolution), since it was raised.
void RegisterAlertMail(jobs::Runner& runner, db::Database& db, mail::Transport* transport,
                       const web::Catalogue& catalogue, families::MailSettings settings);

}  // namespace plans

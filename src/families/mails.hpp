#pragma once
// The mails of guardian onboarding, as job handlers: each job names a row (a confirmation, an invitation, an
// account); the mail is written at sending time in the recipient's language from the catalogue.
#include <string>

#include "db/database.hpp"
#include "jobs/jobs.hpp"
#include "mail/mail.hpp"
#include "web/catalogue.hpp"

namespace families {

struct MailSettings {
    std::string public_url;  // https://tadaima.example.jp, without a trailing slash
    std::string secret;      // signs the links
};

// Registers mail.confirm_email, mail.account_exists and mail.family_invitation. With no transport, jobs fail and
// are retried (a mail server configured later still gets them).
void RegisterMailJobs(jobs::Runner& runner, db::Database& db, mail::Transport* transport,
                      const web::Catalogue& catalogue, MailSettings settings, const common::Clock& clock);

// The host part for Message-IDs, from the public URL.
std::string MessageIdHost(const std::string& public_url);
// A catalogue text with {key} marks filled in.
std::string Fill(std::string text, std::initializer_list<std::pair<std::string_view, std::string>> values);
// Sends a job's mail with a Message-ID stable per job (kind.id@host), so a resent one is recognisable; throws
// (the job is retried) when no transport is configured.
void SendForJob(mail::Transport* transport, const std::string& public_url, const jobs::Job& job, mail::Message m);
// An id from a job's payload; a job without it is dead (nothing a retry could mend).
std::int64_t PayloadId(const jobs::Job& job, const char* key);

}  // namespace families

#pragma once
// A notification in words: its subject and body in one language, written from the catalogue when it is sent or read.
#include <string>

#include "common/dates.hpp"
#include "db/database.hpp"
#include "notify/notify.hpp"
#include "web/catalogue.hpp"

namespace notify {

struct Text {
    std::string subject;
    std::string body;
    int attachments = 0;  // a message's PDF files (shown in the inbox, mentioned in the mail)
    std::string sender;   // who it is from, for a mail's subject: the site, or the city office for the city's messages
};
Text Render(db::ReadTx& tx, const web::Catalogue& catalogue, const std::string& lang, const Stored& n);

// "11月22日（日）" in the language.
std::string DateWords(const web::Catalogue& catalogue, const std::string& lang, const common::Date& d);
// "11月22日（日） 15:02" from a stored instant, in Japan time (the text itself when it is not an instant).
std::string InstantWords(const web::Catalogue& catalogue, const std::string& lang, const std::string& instant);

}  // namespace notify

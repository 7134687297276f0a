#include "plans/mails.hpp"

#include "common/dates.hpp"
#include "families/families.hpp"
#include "plans/rules.hpp"

namespace plans {

void RegisterAlertMail(jobs::Runner& runner, db::Database& db, mail::Transport* transport,
                       const web::Catalogue& catalogue, families::MailSettings settings) {
    runner.Register("mail.child_alert", [=, &db, &catalogue](const jobs::Job& job) {
        auto alert_id = families::PayloadId(job, "alert_id");
        auto account_id = common::AccountId(families::PayloadId(job, "account_id"));
        struct Found {
            families::Account account;
            std::string child_name, site_name, site_phone, date, kind;
        };
        auto found = db.Read([&](db::ReadTx& tx) -> std::optional<Found> {
            auto r = tx.QueryOptional(
                "SELECT a.kind, a.alert_date, ch.family_name || ' ' || ch.given_name, s.name, s.phone FROM child_alert "
                "a JOIN child ch ON ch.id = a.child_id JOIN site s ON s.id = a.site_id JOIN guardian_account_child l "
                "ON l.child_id = a.child_id AND l.account_id = ? AND l.ended_at IS NULL WHERE a.id = ?",
                account_id, alert_id);
            if (!r) return std::nullopt;
            auto account = families::GetAccount(tx, account_id);
            if (!account || !account->active || !account->confirmed) return std::nullopt;
            return Found{*account, r->Text(2), r->Text(3), r->Text(4), r->Text(1), r->Text(0)};
        });
        if (!found) return;
        const auto& lang = found->account.language;
        const std::string kind = "alert_" + found->kind;
        families::SendForJob(
            transport, settings.public_url, job,
            {found->account.email,
             families::Fill(catalogue.Get(lang, "mail_alert_subject"),
                            {{"child", found->child_name}, {"what", catalogue.Get(lang, kind)}}),
             families::Fill(catalogue.Get(lang, "mail_alert_body"), {{"name", found->account.display_name},
                                                                     {"child", found->child_name},
                                                                     {"what", catalogue.Get(lang, kind)},
                                                                     {"date", found->date},
                                                                     {"site", found->site_name},
                                                                     {"phone", found->site_phone},
                                                                     {"url", settings.public_url + "/family"}}),
             ""});
    });
}

}  // namespace plans

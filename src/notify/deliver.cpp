#include "notify/deliver.hpp"

#include "common/dates.hpp"
#include "notify/notify.hpp"
#include "notify/render.hpp"

namespace notify {

namespace {

void SetEmailState(db::WriteTx& tx, common::RecipientId id, std::string_view state, common::Instant at) {
    tx.Exec("UPDATE notification_recipient SET email_state = ?, email_at = ? WHERE id = ?", state,
            common::FormatInstant(at), id);
}

}  // namespace

void RegisterDelivery(jobs::Runner& runner, db::Database& db, mail::Transport* transport,
                      const web::Catalogue& catalogue, families::MailSettings settings, const common::Clock& clock) {
    runner.RegisterTracked(
        std::string(kEmailJob),
        [=, &db, &catalogue, &clock](const jobs::Job& job) -> jobs::Finish {
            const common::RecipientId id(families::PayloadId(job, "recipient"));
            struct Found {
                std::string email, name, lang;
                bool may_see = false;
                Text text;
            };
            auto found = db.Read([&](db::ReadTx& tx) -> std::optional<Found> {
                auto r = tx.QueryOptional(
                    "SELECT r.notification_id, a.email, a.display_name, a.language, a.deactivated_at IS NULL AND "
                    "a.confirmed_at IS NOT NULL AND (n.child_id IS NULL OR EXISTS (SELECT 1 FROM "
                    "guardian_account_child l WHERE l.account_id = r.account_id AND l.child_id = n.child_id AND "
                    "l.ended_at IS NULL)) FROM notification_recipient r JOIN notification n ON n.id = "
                    "r.notification_id JOIN guardian_account a ON a.id = r.account_id WHERE r.id = ?",
                    id);
                if (!r) return std::nullopt;
                Found f{r->Text(1), r->Text(2), r->Text(3), r->Text(4) == "1" || r->Text(4) == "t", {}};
                if (!f.may_see) return f;
                auto n = Load(tx, r->Id<common::NotificationId>(0));
                if (!n) return std::nullopt;
                f.text = Render(tx, catalogue, f.lang, *n);
                return f;
            });
            if (!found) throw jobs::PermanentError("no such recipient");
            if (!found->may_see) {
                return [id, &clock](db::WriteTx& tx) { SetEmailState(tx, id, "withdrawn", clock.Now()); };
            }
            const auto& lang = found->lang;
            std::string body = families::Fill(catalogue.Get(lang, "nt_mail_greeting"), {{"name", found->name}}) +
                               "\n\n" + found->text.body + "\n\n" +
                               families::Fill(catalogue.Get(lang, "nt_mail_footer"),
                                              {{"inbox", settings.public_url + "/family/inbox/" + id.ToString()},
                                               {"settings", settings.public_url + "/family/settings"}});
            families::SendForJob(transport, settings.public_url, job,
                                 {found->email, catalogue.Get(lang, "nt_mail_prefix") + found->text.subject, body, ""});
            return [id, &clock](db::WriteTx& tx) { SetEmailState(tx, id, "sent", clock.Now()); };
        },
        [&clock](db::WriteTx& tx, const jobs::Job& job) {
            auto it = job.payload.find("recipient");
            if (it == job.payload.end() || !it->value().is_int64()) return;
            SetEmailState(tx, common::RecipientId(it->value().as_int64()), "failed", clock.Now());
        });
}

}  // namespace notify

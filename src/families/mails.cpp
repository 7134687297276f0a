#include "families/mails.hpp"

#include "auth/tokens.hpp"
#include "common/dates.hpp"
#include "families/families.hpp"

namespace families {

namespace {

// "2026年12月22日" / "22 Dec 2026" style is left to the catalogue: we pass the Tokyo date as YYYY-MM-DD.
std::string TokyoDay(common::Instant t) { return common::FormatDate(common::TokyoDate(t)); }

}  // namespace

std::string Fill(std::string text, std::initializer_list<std::pair<std::string_view, std::string>> values) {
    for (const auto& [key, value] : values) {
        std::string mark = "{" + std::string(key) + "}";
        for (auto pos = text.find(mark); pos != std::string::npos; pos = text.find(mark, pos + value.size())) {
            text.replace(pos, mark.size(), value);
        }
    }
    return text;
}

void SendForJob(mail::Transport* transport, const std::string& public_url, const jobs::Job& job, mail::Message m) {
    if (!transport) throw std::runtime_error("no mail transport configured (TADAIMA_SMTP_URL)");
    m.message_id = job.kind + "." + job.id.ToString() + "@" + MessageIdHost(public_url);
    transport->Send(m);
}

std::int64_t PayloadId(const jobs::Job& job, const char* key) {
    auto it = job.payload.find(key);
    if (it == job.payload.end() || !it->value().is_int64()) throw jobs::PermanentError("payload lacks an id");
    return it->value().as_int64();
}

std::string MessageIdHost(const std::string& public_url) {
    auto start = public_url.find("://");
    std::string host = start == std::string::npos ? public_url : public_url.substr(start + 3);
    host = host.substr(0, host.find_first_of("/:"));
    return host.empty() ? "tadaima.invalid" : host;
}

void RegisterMailJobs(jobs::Runner& runner, db::Database& db, mail::Transport* transport,
                      const web::Catalogue& catalogue, MailSettings settings, const common::Clock& clock) {
    auto send = [transport, url = settings.public_url](const jobs::Job& job, mail::Message m) {
        SendForJob(transport, url, job, std::move(m));
    };
    auto id_of = PayloadId;
    // Mails about an account come from the city (its name in the subject), not from one site.
    auto city = [&db, &catalogue](const std::string& lang) {
        auto name = db.Read([](db::ReadTx& tx) {
            auto r = tx.QueryOptional("SELECT name FROM city ORDER BY id LIMIT 1");
            return r ? r->Text(0) : std::string();
        });
        return name.empty() || name == "tadaima" ? catalogue.Get(lang, "app_name") : name;
    };

    runner.Register("mail.confirm_email", [=, &db, &catalogue, &clock](const jobs::Job& job) {
        auto id = id_of(job, "confirmation_id");
        auto info = db.Read([&](db::ReadTx& tx) -> std::optional<std::pair<Account, bool>> {
            auto row = tx.QueryOptional("SELECT account_id FROM email_confirmation WHERE id = ?", id);
            if (!row) return std::nullopt;
            auto account = GetAccount(tx, row->Id<common::AccountId>(0));
            if (!account) return std::nullopt;
            return std::pair{*account, ConfirmationUsable(tx, id, clock)};
        });
        if (!info || !info->second) return;  // replaced or used meanwhile: nothing to send
        const auto& [account, _] = *info;
        const auto& lang = account.language;
        std::string url =
            settings.public_url + "/register/confirm?t=" + auth::SignToken(settings.secret, "confirm", id);
        send(job,
             {account.email, Fill(catalogue.Get(lang, "mail_confirm_subject"), {{"city", city(lang)}}),
              Fill(catalogue.Get(lang, "mail_confirm_body"), {{"name", account.display_name},
                                                              {"url", url},
                                                              {"hours", std::to_string(kConfirmationValid.count())}}),
              ""});
    });

    runner.Register("mail.account_exists", [=, &db, &catalogue](const jobs::Job& job) {
        auto account =
            db.Read([&](db::ReadTx& tx) { return GetAccount(tx, common::AccountId(id_of(job, "account_id"))); });
        if (!account || !account->active) return;
        const auto& lang = account->language;
        send(job, {account->email, Fill(catalogue.Get(lang, "mail_exists_subject"), {{"city", city(lang)}}),
                   Fill(catalogue.Get(lang, "mail_exists_body"), {{"name", account->display_name},
                                                                  {"login_url", settings.public_url + "/family/login"},
                                                                  {"add_url", settings.public_url + "/register"}}),
                   ""});
    });

    runner.Register("mail.family_invitation", [=, &db, &catalogue, &clock](const jobs::Job& job) {
        auto id = id_of(job, "invitation_id");
        auto found = db.Read([&](db::ReadTx& tx) -> std::optional<std::pair<Invitation, std::string>> {
            auto inv = GetInvitation(tx, id, clock);
            if (!inv) return std::nullopt;
            auto inviter = GetAccount(tx, inv->inviter);
            return std::pair{*inv, inviter ? inviter->language : std::string("ja")};
        });
        if (!found || !found->first.Usable()) return;
        const auto& [inv, lang] = *found;
        std::string url =
            settings.public_url + "/family/invitation?t=" + auth::SignToken(settings.secret, "invite", id);
        send(job,
             {inv.email,
              Fill(catalogue.Get(lang, "mail_invite_subject"), {{"inviter", inv.inviter_name}, {"city", city(lang)}}),
              Fill(catalogue.Get(lang, "mail_invite_body"),
                   {{"inviter", inv.inviter_name},
                    {"role", catalogue.Get(lang, "family_role_" + std::string(auth::FamilyRoleName(inv.role)))},
                    {"url", url},
                    {"date", TokyoDay(inv.expires_at)}}),
              ""});
    });
}

}  // namespace families

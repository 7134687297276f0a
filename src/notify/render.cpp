#include "notify/render.hpp"

#include "common/dates.hpp"
#include "families/mails.hpp"

namespace notify {

namespace {

std::string Param(const boost::json::object& o, std::string_view key) {
    auto it = o.find(key);
    return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
}

std::int64_t IdParam(const boost::json::object& o, std::string_view key) {
    auto it = o.find(key);
    return it != o.end() && it->value().is_int64() ? it->value().as_int64() : 0;
}

bool Flag(const boost::json::object& o, std::string_view key) {
    auto it = o.find(key);
    return it != o.end() && it->value().is_bool() && it->value().as_bool();
}

std::string Time(const std::string& instant) {
    auto at = common::ParseInstant(instant);
    return at ? common::FormatTokyoTime(*at) : instant;
}

}  // namespace

std::string DateWords(const web::Catalogue& c, const std::string& lang, const common::Date& d) {
    auto weekday = std::chrono::weekday(std::chrono::sys_days(d)).c_encoding();
    return families::Fill(c.Get(lang, "date_label"),
                          {{"y", std::to_string(static_cast<int>(d.year()))},
                           {"m", std::to_string(static_cast<unsigned>(d.month()))},
                           {"d", std::to_string(static_cast<unsigned>(d.day()))},
                           {"mon", c.Get(lang, "month_short_" + std::to_string(static_cast<unsigned>(d.month())))},
                           {"w", c.Get(lang, "weekday_short_" + std::to_string(weekday))}});
}

std::string InstantWords(const web::Catalogue& c, const std::string& lang, const std::string& instant) {
    auto at = common::ParseInstant(instant);
    if (!at) return instant;
    return DateWords(c, lang, common::TokyoDate(*at)) + " " + common::FormatTokyoTime(*at);
}

Text Render(db::ReadTx& tx, const web::Catalogue& c, const std::string& lang, const Stored& n) {
    auto names = tx.QueryOne(
        "SELECT s.name, s.phone, COALESCE((SELECT ch.family_name || ' ' || ch.given_name FROM child ch WHERE ch.id = "
        "?), '') FROM site s WHERE s.id = ?",
        n.child, n.site);
    const std::string site = names.Text(0), phone = names.Text(1), child = names.Text(2);
    const auto& p = n.params;
    auto date_of = [&](const std::string& key) {
        auto d = common::ParseDate(Param(p, key));
        return d ? DateWords(c, lang, *d) : Param(p, key);
    };
    auto fill = [&](std::string_view key, std::initializer_list<std::pair<std::string_view, std::string>> values) {
        return families::Fill(c.Get(lang, key), values);
    };
    Text t;
    t.sender = site;
    switch (n.kind) {
        case Kind::kEntry:
        case Kind::kExit: {
            const std::string k = n.kind == Kind::kEntry ? "entry" : "exit";
            t.subject = fill("nt_" + k + "_subject", {{"child", child}, {"time", Time(Param(p, "at"))}});
            t.body = fill("nt_" + k + "_body",
                          {{"child", child}, {"site", site}, {"when", InstantWords(c, lang, Param(p, "at"))}});
            if (Flag(p, "delayed")) t.body += "\n" + c.Get(lang, "nt_delayed");
            // Stamped by a guardian at a nursery's entrance (entrance/): who did, and who took the child home. Only
            // those notices look it up; a card's scan costs no query more.
            if (auto stamp = !Flag(p, "stamped") ? std::nullopt
                                                 : tx.QueryOptional("SELECT a.display_name, pp.name, pp.relation FROM "
                                                                    "entrance_stamp s JOIN guardian_account a ON a.id "
                                                                    "= s.account_id LEFT JOIN pickup_person pp ON "
                                                                    "pp.id = s.pickup_person_id WHERE s.event_id = ?",
                                                                    IdParam(p, "event"))) {
                t.body += "\n" + fill("nt_stamped_by", {{"name", stamp->Text(0)}});
                if (stamp->OptText(1))
                    t.body += "\n" + fill("nt_picked_up_by", {{"name", stamp->Text(1)}, {"relation", stamp->Text(2)}});
            }
            break;
        }
        case Kind::kCorrection: {
            std::string what = c.Get(lang, Param(p, "what") == "out" ? "nt_word_exit" : "nt_word_entry");
            t.subject = fill("nt_correction_subject", {{"child", child}});
            auto new_at = Param(p, "new_at");
            auto old_at = Param(p, "old_at");
            auto day = common::ParseInstant(old_at);
            std::string date = day ? DateWords(c, lang, common::TokyoDate(*day)) : "";
            t.body = new_at.empty() ? fill("nt_correction_undone",
                                           {{"child", child}, {"date", date}, {"what", what}, {"old", Time(old_at)}})
                                    : fill("nt_correction_retimed", {{"child", child},
                                                                     {"date", date},
                                                                     {"what", what},
                                                                     {"old", Time(old_at)},
                                                                     {"new", Time(new_at)}});
            t.body += "\n" + fill("nt_site_line", {{"site", site}, {"phone", phone}});
            break;
        }
        case Kind::kAlert: {
            if (auto line = IdParam(p, "rollcall_child")) {
                // A roll-call step: the child confirmed safe or hurt, or handed over (to whom, when).
                auto r = tx.QueryOptional(
                    "SELECT handed_name, handed_relation, handed_at, note FROM rollcall_child WHERE id = ?", line);
                const std::string k = Param(p, "alert_kind");
                std::string handed_at = r ? r->OptText(2).value_or("") : "";
                t.subject = fill("nt_" + k + "_subject", {{"child", child}});
                t.body = fill("nt_" + k + "_body", {{"child", child},
                                                    {"site", site},
                                                    {"name", r ? r->Text(0) : ""},
                                                    {"relation", !r ? ""
                                                                 : c.Has("relationship_" + r->Text(1))
                                                                     ? c.Get(lang, "relationship_" + r->Text(1))
                                                                     : r->Text(1)},
                                                    {"time", Time(handed_at)},
                                                    {"note", r ? r->Text(3) : ""}});
                t.body += "\n" + fill("nt_site_line", {{"site", site}, {"phone", phone}});
                break;
            }
            std::string what = c.Get(lang, "alert_" + Param(p, "alert_kind"));
            t.subject = fill("nt_alert_subject", {{"child", child}, {"what", what}});
            t.body =
                fill("nt_alert_body",
                     {{"child", child}, {"what", what}, {"date", date_of("date")}, {"site", site}, {"phone", phone}});
            break;
        }
        case Kind::kContactConfirmed: {
            std::string what = c.Get(lang, "contact_kind_" + Param(p, "contact_kind"));
            t.subject = fill("nt_contact_subject", {{"child", child}, {"what", what}});
            t.body =
                fill("nt_contact_body", {{"child", child}, {"what", what}, {"date", date_of("date")}, {"site", site}});
            break;
        }
        case Kind::kMessage:
            if (n.message) {
                // The message's own words; the sender is the writing site or, for the city's, the city.
                auto m = tx.QueryOne(
                    "SELECT m.subject, m.body, COALESCE(s.name, ''), (SELECT COUNT(*) FROM message_attachment x WHERE "
                    "x.message_id = m.id) FROM message m LEFT JOIN site s ON s.id = m.site_id WHERE m.id = ?",
                    *n.message);
                const std::string sender = m.Text(2).empty() ? c.Get(lang, "nt_city_sender") : m.Text(2);
                t.subject = m.Text(0);
                t.sender = sender;
                t.body = m.Text(1) + "\n\n" + fill("nt_message_from", {{"sender", sender}});
                t.attachments = static_cast<int>(m.Int(3));
            } else {
                // A staff reply in the child's conversation with the site.
                auto post = tx.QueryOptional("SELECT body FROM thread_post WHERE id = ?", IdParam(p, "post"));
                t.subject = fill("nt_reply_subject", {{"site", site}, {"child", child}});
                t.body = post ? post->Text(0) : "";
            }
            break;
        case Kind::kNotebook:
            // Only that a page is there: its content (health among it) stays behind sign-in, never in a mail.
            t.subject = fill("nt_notebook_subject", {{"child", child}});
            t.body = fill(Flag(p, "edited") ? "nt_notebook_edited" : "nt_notebook_body",
                          {{"child", child}, {"date", date_of("date")}, {"site", site}});
            break;
        case Kind::kHealth:
            // A fever staff measured (health/): that there is news of the child's health, and the site's phone; the
            // value is behind sign-in, never in a mail or on a lock screen.
            t.subject = fill("nt_health_subject", {{"child", child}});
            t.body = fill("nt_health_body", {{"child", child}, {"date", date_of("date")}, {"site", site}});
            t.body += "\n" + fill("nt_site_line", {{"site", site}, {"phone", phone}});
            break;
    }
    return t;
}

}  // namespace notify

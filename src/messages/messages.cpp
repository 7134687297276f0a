#include "messages/messages.hpp"

#include <sodium.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "common/dates.hpp"
#include "common/random.hpp"
#include "notify/notify.hpp"

namespace messages {

namespace {

constexpr std::array<std::string_view, 6> kScopeNames{"site", "grade", "group", "children", "sites", "all"};

std::size_t Chars(std::string_view s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string Base64(std::string_view data) {
    common::InitCrypto();
    std::string out(sodium_base64_encoded_len(data.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.size() - 1);  // the terminating NUL
    return out;
}

std::optional<std::string> Unbase64(const std::string& text) {
    common::InitCrypto();
    std::string out(text.size(), '\0');
    std::size_t len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                          &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
        return std::nullopt;
    out.resize(len);
    return out;
}

std::string Placeholders(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += i ? ", ?" : "?";
    return s;
}

std::vector<std::int64_t> ParseTargets(const std::string& json) {
    std::vector<std::int64_t> out;
    boost::system::error_code ec;
    auto v = boost::json::parse(json, ec);
    if (ec || !v.is_array()) return out;
    for (const auto& x : v.as_array()) {
        if (x.is_int64()) out.push_back(x.as_int64());
    }
    return out;
}

std::string TargetsJson(const std::vector<std::int64_t>& targets) {
    boost::json::array a;
    for (auto t : targets) a.emplace_back(t);
    return boost::json::serialize(a);
}

// How many of the ids exist under the condition (each id once).
std::int64_t CountExisting(db::ReadTx& tx, const std::string& sql_before_in, const std::vector<std::int64_t>& ids,
                           std::vector<db::Value> params) {
    std::vector<db::Value> all = std::move(params);
    for (auto id : ids) all.emplace_back(id);
    return tx.QueryParams(sql_before_in + " IN (" + Placeholders(ids.size()) + ")", all).front().Int(0);
}

// The children of the audience at one site, placed there today: the conditions on `ch` (child) and `p` (its
// placement) that follow a WHERE, with their parameters. The fan-out and the reach before sending share them.
void AudienceFilter(std::string& sql, std::vector<db::Value>& params, Scope scope,
                    const std::vector<std::int64_t>& targets, common::SiteId site, const std::string& today) {
    sql +=
        "ch.deactivated_at IS NULL AND p.site_id = ? AND p.start_date <= ? AND (p.end_date IS NULL OR p.end_date "
        ">= ?)";
    params.insert(params.end(), {db::Value(site), db::Value(today), db::Value(today)});
    auto in = [&](const std::string& column) {
        sql += " AND " + column + " IN (" + Placeholders(targets.size()) + ")";
        for (auto t : targets) params.emplace_back(t);
    };
    switch (scope) {
        case Scope::kGrade:
            in("ch.grade");
            break;
        case Scope::kChildren:
            in("ch.id");
            break;
        case Scope::kGroup:
            sql +=
                " AND EXISTS (SELECT 1 FROM child_group_membership gm WHERE gm.child_id = ch.id AND gm.start_date "
                "<= ? AND (gm.end_date IS NULL OR gm.end_date >= ?) AND gm.group_id IN (" +
                Placeholders(targets.size()) + "))";
            params.emplace_back(today);
            params.emplace_back(today);
            for (auto t : targets) params.emplace_back(t);
            break;
        case Scope::kSite:
        case Scope::kSites:
        case Scope::kAll:
            break;
    }
}

// Family members of the children in the audience at one site, placed there today.
notify::Audience AudienceAt(Scope scope, const std::vector<std::int64_t>& targets, common::SiteId site,
                            const std::string& today) {
    notify::Audience a;
    a.accounts_sql =
        "SELECT l.account_id FROM guardian_account_child l JOIN child ch ON ch.id = l.child_id JOIN child_placement "
        "p ON p.child_id = l.child_id WHERE l.ended_at IS NULL AND ";
    AudienceFilter(a.accounts_sql, a.params, scope, targets, site, today);
    return a;
}

// The sites a message of this scope reaches.
std::vector<common::SiteId> SitesOf(db::ReadTx& tx, std::optional<common::SiteId> site, Scope scope,
                                    const std::vector<std::int64_t>& targets) {
    std::vector<common::SiteId> out;
    if (scope == Scope::kAll) {
        for (const auto& r : tx.Query("SELECT id FROM site WHERE deactivated_at IS NULL ORDER BY id"))
            out.push_back(r.Id<common::SiteId>(0));
    } else if (scope == Scope::kSites) {
        for (auto t : targets) out.push_back(common::SiteId(t));
    } else if (site) {
        out.push_back(*site);
    }
    return out;
}

std::int64_t PayloadId(const jobs::Job& job, std::string_view key) {
    auto it = job.payload.find(key);
    if (it == job.payload.end() || !it->value().is_int64())
        throw jobs::PermanentError("payload lacks " + std::string(key));
    return it->value().as_int64();
}

constexpr std::string_view kMessageColumns =
    "m.id, m.site_id, COALESCE(u.display_name, ''), m.scope, m.targets, m.subject, m.body, m.emergency, m.send_at, "
    "m.state, m.created_at, m.sent_at, m.reminded_at, (SELECT COUNT(*) FROM notification_recipient r JOIN "
    "notification n ON n.id = r.notification_id WHERE n.message_id = m.id), (SELECT COUNT(*) FROM "
    "notification_recipient r JOIN notification n ON n.id = r.notification_id WHERE n.message_id = m.id AND "
    "(r.email_state = 'sent' OR r.push_state = 'sent')), (SELECT COUNT(*) FROM notification_recipient r JOIN "
    "notification n ON n.id = r.notification_id WHERE n.message_id = m.id AND (r.email_state = 'failed' OR "
    "r.push_state = 'failed')), (SELECT COUNT(*) FROM notification_recipient r JOIN notification n ON n.id = "
    "r.notification_id WHERE n.message_id = m.id AND r.read_at IS NOT NULL) FROM message m LEFT JOIN staff_user u "
    "ON u.id = m.author_id ";

Message FromRow(const db::Row& r) {
    Message m;
    m.id = r.Id<common::MessageId>(0);
    if (!r.IsNull(1)) m.site = r.Id<common::SiteId>(1);
    m.author_name = r.Text(2);
    m.scope = ParseScope(r.Text(3)).value_or(Scope::kSite);
    m.targets = ParseTargets(r.Text(4));
    m.subject = r.Text(5);
    m.body = r.Text(6);
    m.emergency = r.Bool(7);
    m.send_at = common::CanonicalInstant(r.Text(8));
    m.state = r.Text(9);
    m.created_at = common::CanonicalInstant(r.Text(10));
    if (auto t = r.OptText(11)) m.sent_at = common::CanonicalInstant(*t);
    if (auto t = r.OptText(12)) m.reminded_at = common::CanonicalInstant(*t);
    m.recipients = static_cast<int>(r.Int(13));
    m.delivered = static_cast<int>(r.Int(14));
    m.failed = static_cast<int>(r.Int(15));
    m.read = static_cast<int>(r.Int(16));
    return m;
}

constexpr std::string_view kThreadColumns =
    "t.id, t.site_id, t.child_id, ch.family_name || ' ' || ch.given_name, s.name, t.last_post_at, t.waiting FROM "
    "message_thread t JOIN child ch ON ch.id = t.child_id JOIN site s ON s.id = t.site_id ";

Thread ThreadFromRow(const db::Row& r) {
    Thread t;
    t.id = r.Id<common::ThreadId>(0);
    t.site = r.Id<common::SiteId>(1);
    t.child = r.Id<common::ChildId>(2);
    t.child_name = r.Text(3);
    t.site_name = r.Text(4);
    t.last_post_at = common::CanonicalInstant(r.Text(5));
    t.waiting = r.Bool(6);
    return t;
}

}  // namespace

std::string_view TargetField(Scope s) {
    switch (s) {
        case Scope::kGrade:
            return "grade";
        case Scope::kGroup:
            return "group";
        case Scope::kChildren:
            return "child";
        case Scope::kSite:
        case Scope::kSites:
        case Scope::kAll:
            break;
    }
    return "site";
}

std::string_view ScopeName(Scope scope) { return kScopeNames[static_cast<std::size_t>(scope)]; }

std::optional<Scope> ParseScope(std::string_view name) {
    for (std::size_t i = 0; i < kScopeNames.size(); ++i) {
        if (kScopeNames[i] == name) return static_cast<Scope>(i);
    }
    return std::nullopt;
}

bool IsPdf(std::string_view content) {
    // A PDF starts with "%PDF-1.x" (or 2.0) and ends, after its last cross-reference, with "%%EOF" (possibly
    // followed by a line end or a few bytes of padding).
    if (content.size() < 16 || content.substr(0, 5) != "%PDF-") return false;
    const auto tail = content.substr(content.size() - std::min<std::size_t>(content.size(), 1024));
    return tail.find("%%EOF") != std::string_view::npos;
}

std::vector<std::pair<std::string, std::string>> Check(db::ReadTx& tx, const Draft& d, const common::Clock& clock) {
    std::vector<std::pair<std::string, std::string>> problems;
    auto add = [&](std::string field, std::string key) { problems.emplace_back(std::move(field), std::move(key)); };
    const bool blank_subject = d.subject.find_first_not_of(" \t\r\n　") == std::string::npos;
    if (blank_subject) add("subject", "error_required");
    if (Chars(d.subject) > kMaxSubjectChars) add("subject", "error_message_subject_long");
    if (d.body.find_first_not_of(" \t\r\n") == std::string::npos) add("body", "error_required");
    if (Chars(d.body) > kMaxBodyChars) add("body", "error_message_body_long");

    if (CityScope(d.scope) == d.site.has_value()) add("scope", "error_message_scope");
    const bool needs_targets =
        d.scope == Scope::kGrade || d.scope == Scope::kGroup || d.scope == Scope::kChildren || d.scope == Scope::kSites;
    std::vector<std::int64_t> unique = d.targets;
    std::sort(unique.begin(), unique.end());
    unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
    if (needs_targets && unique.empty()) {
        add("targets", "error_message_targets");
    } else if (needs_targets && unique.size() > 2000) {
        add("targets", "error_message_targets");
    } else if (needs_targets) {
        const auto today = common::FormatDate(common::TokyoDate(clock.Now()));
        std::int64_t found = 0;
        switch (d.scope) {
            case Scope::kGrade:
                found = static_cast<std::int64_t>(
                    std::count_if(unique.begin(), unique.end(), [](std::int64_t g) { return g >= 1 && g <= 6; }));
                break;
            case Scope::kGroup:
                found = CountExisting(
                    tx, "SELECT COUNT(*) FROM child_group WHERE site_id = ? AND deactivated_at IS NULL AND id", unique,
                    {db::Value(*d.site)});
                break;
            case Scope::kChildren:
                found = CountExisting(tx,
                                      "SELECT COUNT(DISTINCT p.child_id) FROM child_placement p WHERE p.site_id = ? "
                                      "AND p.start_date <= ? AND (p.end_date IS NULL OR p.end_date >= ?) AND "
                                      "p.child_id",
                                      unique, {db::Value(*d.site), db::Value(today), db::Value(today)});
                break;
            case Scope::kSites:
                found = CountExisting(tx, "SELECT COUNT(*) FROM site WHERE deactivated_at IS NULL AND id", unique, {});
                break;
            default:
                break;
        }
        if (found != static_cast<std::int64_t>(unique.size())) add("targets", "error_message_targets");
    }

    if (d.send_at) {
        const auto now = clock.Now();
        if (*d.send_at < now - std::chrono::minutes(1)) add("send_at", "error_message_send_past");
        if (*d.send_at > now + std::chrono::hours(24 * kMaxDaysAhead)) add("send_at", "error_message_send_far");
    }
    if (d.attachments.size() > kMaxAttachments) add("attachments", "error_attachment_count");
    for (const auto& a : d.attachments) {
        if (a.content.size() > kMaxAttachmentBytes) {
            add("attachments", "error_attachment_size");
        } else if (!IsPdf(a.content)) {
            add("attachments", "error_attachment_type");
        }
    }
    return problems;
}

common::MessageId Create(db::WriteTx& tx, const Draft& d, const common::Clock& clock) {
    const auto now = clock.Now();
    const auto stamp = common::FormatInstant(now);
    const auto send_at = d.send_at && *d.send_at > now ? *d.send_at : now;
    auto targets = d.targets;
    std::sort(targets.begin(), targets.end());
    targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
    if (d.scope == Scope::kSite || d.scope == Scope::kAll) targets.clear();
    auto id = tx.QueryOne(
                    "INSERT INTO message (site_id, author_id, scope, targets, subject, body, emergency, send_at, "
                    "state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?) RETURNING id",
                    d.site, d.author, ScopeName(d.scope), TargetsJson(targets), d.subject, d.body, d.emergency ? 1 : 0,
                    common::FormatInstant(send_at), stamp, stamp)
                  .Id<common::MessageId>(0);
    for (const auto& a : d.attachments) {
        std::string name = a.filename;
        // A file name for the download's header: no path and no line breaks.
        if (auto slash = name.find_last_of("/\\"); slash != std::string::npos) name = name.substr(slash + 1);
        std::erase_if(name, [](char c) { return c == '\r' || c == '\n' || c == '"'; });
        if (name.empty()) name = "attachment.pdf";
        tx.Exec(
            "INSERT INTO message_attachment (message_id, filename, size, sha256, content, created_at) VALUES (?, ?, ?, "
            "?, ?, ?)",
            id, name, static_cast<std::int64_t>(a.content.size()), common::Sha256Hex(a.content), Base64(a.content),
            stamp);
    }
    jobs::Plan(tx, kSendJob, {{"message", id.value}}, clock, {send_at, 10});
    return id;
}

bool Cancel(db::WriteTx& tx, common::MessageId id, const common::Clock& clock) {
    return tx.Exec("UPDATE message SET state = 'cancelled', updated_at = ? WHERE id = ? AND state = 'scheduled'",
                   common::FormatInstant(clock.Now()), id) > 0;
}

void RegisterJobs(jobs::Runner& runner, const common::Clock& clock) {
    // At the message's time: marks it sent and plans one fan-out per site it reaches.
    runner.RegisterTracked(
        std::string(kSendJob),
        [&clock](const jobs::Job& job) -> jobs::Finish {
            const common::MessageId id(PayloadId(job, "message"));
            return [id, &clock](db::WriteTx& tx) {
                auto m = tx.QueryOptional("SELECT site_id, scope, targets, state FROM message WHERE id = ?", id);
                if (!m || m->Text(3) != "scheduled") return;  // cancelled, or sent by an earlier run
                const auto scope = ParseScope(m->Text(1)).value_or(Scope::kSite);
                std::optional<common::SiteId> own;
                if (!m->IsNull(0)) own = m->Id<common::SiteId>(0);
                const auto sites = SitesOf(tx, own, scope, ParseTargets(m->Text(2)));
                const auto stamp = common::FormatInstant(clock.Now());
                tx.Exec("UPDATE message SET state = 'sent', sent_at = ?, updated_at = ? WHERE id = ?", stamp, stamp,
                        id);
                for (auto s : sites) jobs::Plan(tx, kFanOutJob, {{"message", id.value}, {"site", s.value}}, clock);
            };
        },
        {});
    // One site's share: a notification for the family members of the audience there.
    runner.RegisterTracked(
        std::string(kFanOutJob),
        [&clock](const jobs::Job& job) -> jobs::Finish {
            const common::MessageId id(PayloadId(job, "message"));
            const common::SiteId site(PayloadId(job, "site"));
            return [id, site, &clock](db::WriteTx& tx) {
                // Once per site: a rerun after a crash finds the notification there.
                if (tx.QueryOptional("SELECT 1 FROM notification WHERE message_id = ? AND site_id = ?", id, site))
                    return;
                auto m = tx.QueryOne("SELECT scope, targets, emergency FROM message WHERE id = ?", id);
                const auto scope = ParseScope(m.Text(0)).value_or(Scope::kSite);
                const auto today = common::FormatDate(common::TokyoDate(clock.Now()));
                notify::Notice notice{notify::Kind::kMessage, site, std::nullopt, {}, m.Bool(2)};
                notify::NotifyAudience(tx, notice, id, AudienceAt(scope, ParseTargets(m.Text(1)), site, today), clock);
            };
        },
        {});
}

std::optional<Message> Get(db::ReadTx& tx, common::MessageId id) {
    auto r = tx.QueryOptional("SELECT " + std::string(kMessageColumns) + "WHERE m.id = ?", id);
    if (!r) return std::nullopt;
    return FromRow(*r);
}

std::vector<Message> List(db::ReadTx& tx, std::optional<common::SiteId> site, int limit, int offset) {
    std::vector<Message> out;
    auto rows = site ? tx.Query("SELECT " + std::string(kMessageColumns) +
                                    "WHERE m.site_id = ? ORDER BY m.id DESC LIMIT ? OFFSET ?",
                                *site, limit, offset)
                     : tx.Query("SELECT " + std::string(kMessageColumns) +
                                    "WHERE m.site_id IS NULL ORDER BY m.id DESC LIMIT ? OFFSET ?",
                                limit, offset);
    for (const auto& r : rows) out.push_back(FromRow(r));
    return out;
}

std::int64_t Count(db::ReadTx& tx, std::optional<common::SiteId> site) {
    return site ? tx.QueryOne("SELECT COUNT(*) FROM message WHERE site_id = ?", *site).Int(0)
                : tx.QueryOne("SELECT COUNT(*) FROM message WHERE site_id IS NULL").Int(0);
}

std::vector<AttachmentInfo> Attachments(db::ReadTx& tx, common::MessageId id) {
    std::vector<AttachmentInfo> out;
    for (const auto& r :
         tx.Query("SELECT id, filename, size FROM message_attachment WHERE message_id = ? ORDER BY id", id)) {
        out.push_back({r.Id<common::AttachmentId>(0), r.Text(1), r.Int(2)});
    }
    return out;
}

std::optional<Attachment> LoadAttachment(db::ReadTx& tx, common::MessageId message, common::AttachmentId id) {
    auto r = tx.QueryOptional("SELECT filename, content FROM message_attachment WHERE id = ? AND message_id = ?", id,
                              message);
    if (!r) return std::nullopt;
    auto content = Unbase64(r->Text(1));
    if (!content) return std::nullopt;
    return Attachment{r->Text(0), std::move(*content)};
}

Reach ReachOf(db::ReadTx& tx, std::optional<common::SiteId> site, Scope scope, const std::vector<std::int64_t>& targets,
              bool urgent, const std::string& today, bool with_list) {
    Reach reach;
    // A scope that names its targets reaches nobody until some are chosen.
    if (targets.empty() && scope != Scope::kSite && scope != Scope::kAll) return reach;
    std::set<std::int64_t> members, mail, push, inbox;
    for (auto s : SitesOf(tx, site, scope, targets)) {
        ++reach.sites;
        std::string children = "SELECT ch.id FROM child ch JOIN child_placement p ON p.child_id = ch.id WHERE ";
        std::vector<db::Value> params;
        AudienceFilter(children, params, scope, targets, s, today);
        std::map<std::int64_t, bool> reached;  // child → someone gets it
        for (const auto& r : tx.QueryParams(children, params)) reached.emplace(r.Int(0), false);
        reach.children += static_cast<int>(reached.size());
        if (reached.empty()) continue;
        std::vector<db::Value> topic_params{db::Value(std::string(notify::TopicName(notify::Topic::kMessage)))};
        topic_params.insert(topic_params.end(), params.begin(), params.end());
        for (const auto& r : tx.QueryParams(
                 "SELECT l.child_id, a.id, c.email, c.push, EXISTS (SELECT 1 FROM push_subscription ps WHERE "
                 "ps.account_id = a.id) FROM guardian_account_child l JOIN guardian_account a ON a.id = l.account_id "
                 "LEFT JOIN notification_choice c ON c.account_id = a.id AND c.topic = ? WHERE l.ended_at IS NULL AND "
                 "a.deactivated_at IS NULL AND l.child_id IN (" +
                     children + ")",
                 topic_params)) {
            reached[r.Int(0)] = true;
            auto account = r.Int(1);
            if (!members.insert(account).second) continue;
            auto opt = [&](std::size_t i) { return r.IsNull(i) ? std::nullopt : std::optional<bool>(r.Bool(i)); };
            auto ch = notify::ChannelsFor(opt(2), opt(3), r.Bool(4), urgent);
            if (ch.mail) mail.insert(account);
            if (ch.push) push.insert(account);
            if (!ch.mail && !ch.push) inbox.insert(account);
        }
        int unreached_here = 0;
        for (const auto& [child, yes] : reached) (yes ? reach.families : unreached_here) += 1;
        reach.unreached_count += unreached_here;
        if (!with_list || unreached_here == 0) continue;
        // The families it misses, in the names' order, with their guardians on file: two queries a site.
        auto site_name = tx.QueryOne("SELECT name FROM site WHERE id = ?", s).Text(0);
        std::vector<Unreached> here;
        std::vector<common::ChildId> ids;
        for (const auto& r : tx.QueryParams("SELECT id, family_name || ' ' || given_name FROM child WHERE id IN (" +
                                                children + ") ORDER BY family_kana, given_kana, id",
                                            params)) {
            if (reached[r.Int(0)]) continue;
            here.push_back({common::ChildId(r.Int(0)), r.Text(1), site_name, {}});
            ids.push_back(here.back().child);
        }
        auto guardians = guardians::GuardiansOfChildren(tx, ids);
        for (auto& u : here) {
            u.guardians = std::move(guardians[u.child]);
            reach.unreached.push_back(std::move(u));
        }
    }
    reach.members = static_cast<int>(members.size());
    reach.by_mail = static_cast<int>(mail.size());
    reach.by_push = static_cast<int>(push.size());
    reach.inbox_only = static_cast<int>(inbox.size());
    return reach;
}

std::vector<SiteNotice> NoticesOf(db::ReadTx& tx, common::MessageId id) {
    std::vector<SiteNotice> out;
    for (const auto& r : tx.Query("SELECT n.id, s.name FROM notification n JOIN site s ON s.id = n.site_id WHERE "
                                  "n.message_id = ? ORDER BY n.site_id",
                                  id)) {
        out.push_back({r.Id<common::NotificationId>(0), r.Text(1)});
    }
    return out;
}

std::vector<Unread> NotRead(db::ReadTx& tx, common::MessageId id, int limit) {
    // One row per family member and child of theirs at the notice's site; folded per member below.
    auto rows = tx.Query(
        "SELECT r.id, a.display_name, s.name, COALESCE(ch.family_name || ' ' || ch.given_name, '') FROM "
        "notification_recipient r JOIN notification n ON n.id = r.notification_id JOIN guardian_account a ON a.id = "
        "r.account_id JOIN site s ON s.id = n.site_id LEFT JOIN guardian_account_child l ON l.account_id = a.id AND "
        "l.ended_at IS NULL LEFT JOIN child ch ON ch.id = l.child_id AND EXISTS (SELECT 1 FROM child_placement p WHERE "
        "p.child_id = ch.id AND p.site_id = n.site_id AND p.end_date IS NULL) WHERE n.message_id = ? AND r.read_at IS "
        "NULL AND a.deactivated_at IS NULL AND a.confirmed_at IS NOT NULL AND r.id IN (SELECT r2.id FROM "
        "notification_recipient r2 JOIN notification n2 ON n2.id = r2.notification_id WHERE n2.message_id = ? AND "
        "r2.read_at IS NULL ORDER BY r2.id LIMIT ?) ORDER BY r.id, ch.id",
        id, id, limit);
    std::vector<Unread> out;
    for (const auto& r : rows) {
        const auto rid = r.Id<common::RecipientId>(0);
        if (out.empty() || out.back().recipient != rid) out.push_back({rid, r.Text(1), "", r.Text(2)});
        const auto& child = r.Text(3);
        if (child.empty()) continue;
        auto& names = out.back().children;
        names += names.empty() ? child : "、" + child;
    }
    return out;
}

std::vector<Option> GroupsAt(db::ReadTx& tx, common::SiteId site) {
    std::vector<Option> out;
    for (const auto& r : tx.Query("SELECT id, name FROM child_group WHERE site_id = ? AND deactivated_at IS NULL ORDER "
                                  "BY kind, grade, name, id",
                                  site)) {
        out.push_back({r.Int(0), r.Text(1)});
    }
    return out;
}

std::vector<Option> ChildrenAt(db::ReadTx& tx, common::SiteId site, const std::string& today) {
    std::vector<Option> out;
    for (const auto& r : tx.Query("SELECT DISTINCT ch.id, ch.family_name || ' ' || ch.given_name, ch.family_kana, "
                                  "ch.given_kana FROM child_placement p JOIN child ch ON ch.id = p.child_id WHERE "
                                  "p.site_id = ? AND ch.deactivated_at IS NULL AND p.start_date <= ? AND (p.end_date "
                                  "IS NULL OR p.end_date >= ?) ORDER BY ch.family_kana, ch.given_kana, ch.id",
                                  site, today, today)) {
        out.push_back({r.Int(0), r.Text(1)});
    }
    return out;
}

std::vector<std::string> TargetNames(db::ReadTx& tx, const Message& m) {
    std::vector<std::string> out;
    if (m.targets.empty()) return out;
    std::vector<db::Value> ids;
    for (auto t : m.targets) ids.emplace_back(t);
    std::string sql;
    switch (m.scope) {
        case Scope::kGroup:
            sql = "SELECT name FROM child_group WHERE id IN (";
            break;
        case Scope::kChildren:
            sql = "SELECT family_name || ' ' || given_name FROM child WHERE id IN (";
            break;
        case Scope::kSites:
            sql = "SELECT name FROM site WHERE id IN (";
            break;
        default:
            for (auto t : m.targets) out.push_back(std::to_string(t));
            return out;
    }
    for (const auto& r : tx.QueryParams(sql + Placeholders(ids.size()) + ") ORDER BY id", ids))
        out.push_back(r.Text(0));
    return out;
}

std::optional<Thread> GetThread(db::ReadTx& tx, common::ThreadId id) {
    auto r = tx.QueryOptional("SELECT " + std::string(kThreadColumns) + "WHERE t.id = ?", id);
    if (!r) return std::nullopt;
    return ThreadFromRow(*r);
}

std::optional<Thread> FindThread(db::ReadTx& tx, common::SiteId site, common::ChildId child) {
    auto r = tx.QueryOptional("SELECT " + std::string(kThreadColumns) + "WHERE t.site_id = ? AND t.child_id = ?", site,
                              child);
    if (!r) return std::nullopt;
    return ThreadFromRow(*r);
}

std::vector<Thread> SiteThreads(db::ReadTx& tx, common::SiteId site, int limit, int offset) {
    std::vector<Thread> out;
    for (const auto& r : tx.Query("SELECT " + std::string(kThreadColumns) +
                                      "WHERE t.site_id = ? ORDER BY t.waiting DESC, t.last_post_at DESC, t.id DESC "
                                      "LIMIT ? OFFSET ?",
                                  site, limit, offset)) {
        out.push_back(ThreadFromRow(r));
    }
    return out;
}

std::vector<Post> Posts(db::ReadTx& tx, common::ThreadId id) {
    std::vector<Post> out;
    for (const auto& r : tx.Query("SELECT p.id, p.account_id IS NOT NULL, COALESCE(a.display_name, u.display_name, "
                                  "''), p.body, p.created_at FROM thread_post p LEFT JOIN guardian_account a ON a.id = "
                                  "p.account_id LEFT JOIN staff_user u ON u.id = p.staff_user_id WHERE p.thread_id = ? "
                                  "ORDER BY p.id",
                                  id)) {
        out.push_back({r.Int(0), r.Bool(1), r.Text(2), r.Text(3), common::CanonicalInstant(r.Text(4))});
    }
    return out;
}

common::ThreadId PostFromFamily(db::WriteTx& tx, common::SiteId site, common::ChildId child, common::AccountId account,
                                const std::string& body, const common::Clock& clock) {
    const auto stamp = common::FormatInstant(clock.Now());
    auto thread =
        tx.QueryOne(
              "INSERT INTO message_thread (site_id, child_id, last_post_at, waiting, created_at) VALUES (?, "
              "?, ?, 1, ?) ON CONFLICT (child_id, site_id) DO UPDATE SET last_post_at = excluded.last_post_at, "
              "waiting = 1 RETURNING id",
              site, child, stamp, stamp)
            .Id<common::ThreadId>(0);
    tx.Exec("INSERT INTO thread_post (thread_id, account_id, body, created_at) VALUES (?, ?, ?, ?)", thread, account,
            body, stamp);
    return thread;
}

void PostFromStaff(db::WriteTx& tx, common::ThreadId thread, common::UserId user, const std::string& body,
                   const common::Clock& clock) {
    const auto stamp = common::FormatInstant(clock.Now());
    auto t = tx.QueryOne("SELECT site_id, child_id FROM message_thread WHERE id = ?", thread);
    auto post = tx.QueryOne(
                      "INSERT INTO thread_post (thread_id, staff_user_id, body, created_at) VALUES (?, ?, ?, ?) "
                      "RETURNING id",
                      thread, user, body, stamp)
                    .Int(0);
    tx.Exec("UPDATE message_thread SET last_post_at = ?, waiting = 0 WHERE id = ?", stamp, thread);
    notify::Notify(tx,
                   {notify::Kind::kMessage, t.Id<common::SiteId>(0), t.Id<common::ChildId>(1),
                    boost::json::object{{"thread", thread.value}, {"post", post}}, false},
                   clock);
}

std::vector<std::pair<common::SiteId, std::string>> SitesOfChild(db::ReadTx& tx, common::ChildId child,
                                                                 const std::string& today) {
    std::vector<std::pair<common::SiteId, std::string>> out;
    for (const auto& r : tx.Query("SELECT DISTINCT s.id, s.name FROM child_placement p JOIN site s ON s.id = p.site_id "
                                  "WHERE p.child_id = ? AND p.start_date <= ? AND (p.end_date IS NULL OR p.end_date "
                                  ">= ?) ORDER BY s.id",
                                  child, today, today)) {
        out.emplace_back(r.Id<common::SiteId>(0), r.Text(1));
    }
    return out;
}

}  // namespace messages

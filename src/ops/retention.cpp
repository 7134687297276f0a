#include "ops/retention.hpp"

#include <boost/json.hpp>
#include <stdexcept>

#include "auth/audit.hpp"
#include "common/log.hpp"

namespace ops {

namespace {

namespace json = boost::json;

// One statement of a kind's removal. Tokens: :D the cutoff date, :I its instant (00:00 JST), :M its month.
struct Step {
    const char* kind;
    const char* table;
    const char* sql;
};

constexpr std::string_view kOldMessages =
    "(SELECT id FROM message WHERE state <> 'scheduled' AND COALESCE(sent_at, updated_at) < :I)";

// Ordered for the foreign keys: what points at a row goes before it.
const std::vector<Step>& Steps() {
    static const std::vector<Step> steps = [] {
        const std::string old_messages(kOldMessages);
        static const std::string m_recipients =
            "DELETE FROM notification_recipient WHERE notification_id IN (SELECT id FROM notification WHERE "
            "message_id IN " +
            old_messages + ")";
        static const std::string m_notifications = "DELETE FROM notification WHERE message_id IN " + old_messages;
        static const std::string m_files = "DELETE FROM message_attachment WHERE message_id IN " + old_messages;
        static const std::string m_messages = "DELETE FROM message WHERE id IN " + old_messages;
        return std::vector<Step>{
            {"attendance", "rollcall_child",
             "DELETE FROM rollcall_child WHERE rollcall_site_id IN (SELECT id FROM rollcall_site WHERE facility_date "
             "< :D)"},
            {"attendance", "rollcall_site", "DELETE FROM rollcall_site WHERE facility_date < :D"},
            {"attendance", "rollcall",
             "DELETE FROM rollcall WHERE started_at < :I AND NOT EXISTS (SELECT 1 FROM rollcall_site s WHERE "
             "s.rollcall_id = rollcall.id)"},
            {"attendance", "entrance_stamp",
             "DELETE FROM entrance_stamp WHERE event_id IN (SELECT id FROM attendance_event WHERE facility_date < "
             ":D)"},
            // A correction made later keeps what it corrects.
            {"attendance", "attendance_event",
             "DELETE FROM attendance_event WHERE facility_date < :D AND id NOT IN (SELECT corrects_id FROM "
             "attendance_event WHERE corrects_id IS NOT NULL AND facility_date >= :D)"},
            // Nap checks are kept as the register is: inspectors read both.
            {"attendance", "nap_overdue",
             "DELETE FROM nap_overdue WHERE nap_id IN (SELECT id FROM nap WHERE nap_date < :D)"},
            {"attendance", "nap_check",
             "DELETE FROM nap_check WHERE nap_id IN (SELECT id FROM nap WHERE nap_date < :D)"},
            {"attendance", "nap", "DELETE FROM nap WHERE nap_date < :D"},
            // Care journals too: the inspected records of the day.
            {"attendance", "journal_episode",
             "DELETE FROM journal_episode WHERE journal_id IN (SELECT id FROM journal WHERE journal_date < :D)"},
            {"attendance", "journal_stamp",
             "DELETE FROM journal_stamp WHERE journal_id IN (SELECT id FROM journal WHERE journal_date < :D)"},
            {"attendance", "journal", "DELETE FROM journal WHERE journal_date < :D"},
            // And the curriculum plans they were written to.
            {"attendance", "curriculum_stamp",
             "DELETE FROM curriculum_stamp WHERE plan_id IN (SELECT id FROM curriculum_plan WHERE period < :D)"},
            {"attendance", "curriculum_plan", "DELETE FROM curriculum_plan WHERE period < :D"},
            {"plans", "attendance_plan", "DELETE FROM attendance_plan WHERE plan_date < :D"},
            {"notebook", "photo_child",
             "DELETE FROM photo_child WHERE photo_id IN (SELECT id FROM photo WHERE entry_date < :D)"},
            {"notebook", "photo", "DELETE FROM photo WHERE entry_date < :D"},
            {"notebook", "notebook_entry", "DELETE FROM notebook_entry WHERE entry_date < :D"},
            {"notebook", "health_entry", "DELETE FROM health_entry WHERE entry_date < :D"},
            {"plans", "plan_contact", "DELETE FROM plan_contact WHERE plan_date < :D"},
            {"plans", "child_alert", "DELETE FROM child_alert WHERE alert_date < :D"},
            {"plans", "plan_reminder", "DELETE FROM plan_reminder WHERE plan_month < :M"},
            {"notifications", "notification_recipient",
             "DELETE FROM notification_recipient WHERE notification_id IN (SELECT id FROM notification WHERE "
             "created_at < :I)"},
            {"notifications", "notification", "DELETE FROM notification WHERE created_at < :I"},
            {"messages", "notification_recipient", m_recipients.c_str()},
            {"messages", "notification", m_notifications.c_str()},
            {"messages", "message_attachment", m_files.c_str()},
            {"messages", "message", m_messages.c_str()},
            {"messages", "thread_post", "DELETE FROM thread_post WHERE created_at < :I"},
            {"messages", "message_thread",
             "DELETE FROM message_thread WHERE last_post_at < :I AND NOT EXISTS (SELECT 1 FROM thread_post p WHERE "
             "p.thread_id = message_thread.id)"},
        };
    }();
    return steps;
}

const RetentionKind* FindKind(std::string_view name) {
    for (const auto& k : kRetentionKinds) {
        if (name == k.name) return &k;
    }
    return nullptr;
}

common::Date Cutoff(const common::Date& today, int months) {
    common::Date d = today - std::chrono::months{months};
    if (!d.ok()) d = d.year() / d.month() / std::chrono::last;  // 31 May minus a month: 30 April
    return d;
}

struct Cut {
    std::string date, instant, month;
};

std::int64_t RunKind(db::WriteTx& tx, const std::string& kind, const Cut& cut, RetentionRun& run,
                     const common::Clock& clock) {
    std::int64_t n = 0;
    if (kind == "audit") {
        auto last = tx.QueryOne("SELECT MAX(id) FROM audit_event WHERE created_at < ?", cut.instant).OptInt(0);
        if (last) {
            const auto removed = auth::TrimAuditChain(tx, *last, clock);
            if (removed > 0) run.rows["audit_event"] += removed;
            n += removed;
        }
        return n;
    }
    for (const auto& step : Steps()) {
        if (kind != step.kind) continue;
        std::string sql;
        std::vector<db::Value> params;
        for (std::string_view s = step.sql; !s.empty();) {
            if (s.starts_with(":D") || s.starts_with(":I") || s.starts_with(":M")) {
                params.emplace_back(s[1] == 'D' ? cut.date : s[1] == 'I' ? cut.instant : cut.month);
                sql += '?';
                s.remove_prefix(2);
            } else {
                sql += s.front();
                s.remove_prefix(1);
            }
        }
        const auto removed = tx.ExecParams(sql, params);
        if (removed > 0) run.rows[step.table] += removed;
        n += removed;
    }
    return n;
}

// Runs every kind in the caller's transaction, recorded as erasure `id`.
RetentionRun Remove(db::WriteTx& tx, const common::Clock& clock) {
    RetentionRun run;
    const auto now = common::FormatInstant(clock.Now());
    const auto today = common::TokyoDate(clock.Now());
    run.erasure_id = tx.QueryOne(
                           "INSERT INTO erasure (scope, reference, state, created_at) VALUES ('retention', ?, "
                           "'running', ?) RETURNING id",
                           "retention " + common::FormatDate(today), now)
                         .Int(0);
    if (tx.kind() == db::Kind::kSqlite) tx.Exec("PRAGMA secure_delete = ON");
    json::object cutoffs;
    for (const auto& s : RetentionSettings(tx, today)) {
        const auto date = common::FormatDate(s.cutoff);
        Cut cut{date, common::FormatInstant(common::TokyoInstant(s.cutoff, 0)), date.substr(0, 7)};
        RunKind(tx, s.kind, cut, run, clock);
        cutoffs[s.kind] = json::object{{"months", s.months}, {"before", date}};
    }
    if (tx.kind() == db::Kind::kSqlite) tx.Exec("PRAGMA secure_delete = OFF");
    if (run.total() == 0) {
        tx.Exec("DELETE FROM erasure WHERE id = ?", run.erasure_id);  // nothing went: no record of a run
        run.erasure_id = 0;
        return run;
    }
    json::object rows;
    for (const auto& [t, n] : run.rows) rows[t] = n;
    const std::string summary = json::serialize(
        json::object{{"format", "tadaima-retention-v1"}, {"run_at", now}, {"cutoffs", cutoffs}, {"rows", rows}});
    tx.Exec("UPDATE erasure SET state = 'done', finished_at = ?, certificate = ? WHERE id = ?", now, summary,
            run.erasure_id);
    auth::AuditEvent ev;
    ev.actor_role = "system";
    ev.action = "retention.done";
    ev.target_kind = "erasure";
    ev.target_id = run.erasure_id;
    ev.outcome = "ok";
    auth::WriteAudit(tx, ev, clock);
    return run;
}

// The next 03:00 in Tokyo after now.
common::Instant NextNight(const common::Clock& clock) {
    const auto now = clock.Now();
    auto at = common::TokyoInstant(common::TokyoDate(now), 3 * 60);
    if (at <= now)
        at = common::TokyoInstant(common::Date{std::chrono::sys_days{common::TokyoDate(now)} + std::chrono::days{1}},
                                  3 * 60);
    return at;
}

}  // namespace

std::int64_t RetentionRun::total() const {
    std::int64_t n = 0;
    for (const auto& [_, v] : rows) n += v;
    return n;
}

std::vector<RetentionSetting> RetentionSettings(db::ReadTx& tx, const common::Date& today) {
    std::map<std::string, int> set;
    for (const auto& r : tx.Query("SELECT kind, months FROM retention_setting")) {
        set[r.Text(0)] = static_cast<int>(r.Int(1));
    }
    std::vector<RetentionSetting> out;
    for (const auto& k : kRetentionKinds) {
        RetentionSetting s;
        s.kind = k.name;
        auto it = set.find(k.name);
        s.is_default = it == set.end();
        s.months = s.is_default ? k.default_months : it->second;
        s.cutoff = Cutoff(today, s.months);
        out.push_back(std::move(s));
    }
    return out;
}

void SetRetention(db::WriteTx& tx, std::string_view kind, int months, std::optional<common::UserId> by,
                  const common::Clock& clock) {
    const auto* k = FindKind(kind);
    if (!k) throw std::invalid_argument("unknown kind of record: " + std::string(kind));
    if (months < k->min_months || months > kRetentionMaxMonths) {
        throw std::invalid_argument(std::string(k->name) + " is kept " + std::to_string(k->min_months) + " to " +
                                    std::to_string(kRetentionMaxMonths) + " months");
    }
    const auto now = common::FormatInstant(clock.Now());
    tx.Exec(
        "INSERT INTO retention_setting (kind, months, updated_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (kind) DO UPDATE SET months = excluded.months, updated_by = excluded.updated_by, "
        "updated_at = excluded.updated_at",
        k->name, months, by, now, now);
    auth::AuditEvent ev;
    ev.actor = by;
    ev.actor_role = by ? "municipal_admin" : "operator";
    ev.action = std::string("retention.set:") + k->name;
    ev.target_kind = "retention";
    ev.target_id = months;
    ev.outcome = "ok";
    auth::WriteAudit(tx, ev, clock);
}

RetentionRun PreviewRetention(db::Database& db, const common::Clock& clock) {
    struct Rollback {};
    RetentionRun run;
    try {
        db.Write([&](db::WriteTx& tx) {
            run = Remove(tx, clock);
            throw Rollback{};
        });
    } catch (const Rollback&) {
    }
    run.erasure_id = 0;
    return run;
}

RetentionRun RunRetention(db::Database& db, const common::Clock& clock) {
    return db.Write([&](db::WriteTx& tx) { return Remove(tx, clock); });
}

void PlanRetentionJob(db::WriteTx& tx, const common::Clock& clock) {
    jobs::PlanRecurring(tx, kRetentionJob, NextNight(clock), clock);
}

void RegisterRetentionJob(jobs::Runner& runner, db::Database& db, const common::Clock& clock) {
    runner.Register(std::string(kRetentionJob), [&db, &clock](const jobs::Job&) {
        // The next night first: a run that fails is retried, and the nights after it still come.
        db.Write([&](db::WriteTx& tx) { PlanRetentionJob(tx, clock); });
        const auto run = RunRetention(db, clock);
        if (run.erasure_id) {
            common::LogInfo("retention removed records", {{"erasure_id", run.erasure_id}, {"rows", run.total()}});
        }
    });
}

}  // namespace ops

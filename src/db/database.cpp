#include "db/database.hpp"

#include <algorithm>
#include <charconv>

namespace db {

std::string_view KindName(Kind kind) { return kind == Kind::kSqlite ? "sqlite" : "postgresql"; }

std::string Value::ToText() const {
    if (auto* i = Int()) return std::to_string(*i);
    if (auto* s = Text()) return *s;
    return {};
}

const std::string& Row::Text(std::size_t i) const {
    const auto& c = cols_.at(i);
    if (!c) throw std::logic_error("Row::Text: column " + std::to_string(i) + " is NULL");
    return *c;
}

std::int64_t Row::Int(std::size_t i) const {
    const std::string& s = Text(i);
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size()) {
        throw std::logic_error("Row::Int: column " + std::to_string(i) + " is not an integer");
    }
    return v;
}

std::optional<std::int64_t> Row::OptInt(std::size_t i) const {
    if (IsNull(i)) return std::nullopt;
    return Int(i);
}

bool Row::Bool(std::size_t i) const {
    const std::string& s = Text(i);
    if (s == "1" || s == "t" || s == "true") return true;
    if (s == "0" || s == "f" || s == "false") return false;
    throw std::logic_error("Row::Bool: column " + std::to_string(i) + " is not a truth value");
}

std::unique_ptr<Database> Database::Open(const Options& options) {
    if (options.url.starts_with("postgresql://") || options.url.starts_with("postgres://")) {
        return OpenPostgresql(options);
    }
    return OpenSqlite(options);
}

std::string ToPostgresPlaceholders(std::string_view sql) {
    std::string out;
    out.reserve(sql.size() + 16);
    int n = 0;
    char quote = 0;
    for (char c : sql) {
        if (quote) {
            if (c == quote) quote = 0;
            out.push_back(c);
        } else if (c == '\'' || c == '"') {
            quote = c;
            out.push_back(c);
        } else if (c == '?') {
            out.push_back('$');
            out += std::to_string(++n);
        } else {
            out.push_back(c);
        }
    }
    return out;
}

// The first caller to find fewer than GroupedWriters() transactions being written leads: it takes the callers queued
// so far (up to kMaxBatch), runs each in a savepoint of one transaction, commits, and wakes them. Callers arriving
// meanwhile queue for the next one.
void Database::RunGrouped(const std::function<void(WriteTx&)>& f) {
    GroupedWrite self{&f, nullptr, false, false, {}};
    std::unique_lock lock(group_mutex_);
    group_queue_.push_back(&self);
    const int writers = GroupedWriters();
    while (!self.done) {
        if (self.taken || group_leaders_ >= writers) {
            self.wake.wait(lock);
            continue;
        }
        ++group_leaders_;
        std::vector<GroupedWrite*> batch;
        while (!group_queue_.empty() && batch.size() < kMaxBatch) {
            batch.push_back(group_queue_.front());
            group_queue_.pop_front();
            batch.back()->taken = true;
        }
        // More than one batch's worth waiting, and room for another writer: the next in line leads one too.
        if (!group_queue_.empty() && group_leaders_ < writers) group_queue_.front()->wake.notify_one();
        lock.unlock();
        if (kind() == Kind::kPostgresql) {
            WriteBatchOptimistically(batch);
        } else {
            WriteBatchWithSavepoints(batch);
        }
        lock.lock();
        for (GroupedWrite* w : batch) {
            w->done = true;
            if (w != &self) w->wake.notify_one();
        }
        --group_leaders_;
        // Whoever queued meanwhile: the first of them leads the next transaction (the others wait for it).
        if (!group_queue_.empty()) group_queue_.front()->wake.notify_one();
    }
    lock.unlock();
    if (self.error) std::rethrow_exception(self.error);
}

// SQLite: each caller in a savepoint (in-process, free), so one that throws undoes only its own changes.
void Database::WriteBatchWithSavepoints(const std::vector<GroupedWrite*>& batch) {
    try {
        RunWrite([&](WriteTx& tx) {
            if (batch.size() == 1) {
                (*batch.front()->f)(tx);  // alone: the transaction itself undoes a failure
                return;
            }
            for (GroupedWrite* w : batch) {
                const std::size_t feed_before = tx.feed().size();
                tx.Exec("SAVEPOINT grouped");
                try {
                    (*w->f)(tx);
                    tx.Exec("RELEASE SAVEPOINT grouped");
                } catch (...) {
                    w->error = std::current_exception();
                    tx.feed().resize(feed_before);
                    tx.Exec("ROLLBACK TO SAVEPOINT grouped");
                    tx.Exec("RELEASE SAVEPOINT grouped");
                }
            }
        });
    } catch (...) {
        // Nothing of the batch was committed: every caller hears of it (a lone caller, its own exception).
        for (GroupedWrite* w : batch) {
            if (!w->error) w->error = std::current_exception();
        }
    }
}

// PostgreSQL: a savepoint and its release are two round trips per caller, most of a scan's cost. So the batch runs
// without them; when a caller throws, that caller gets its exception, the transaction is rolled back, and the
// others run again in a new one (they do not depend on each other's changes). A failure outside every caller (the
// database away, the commit refused) reaches them all.
void Database::WriteBatchOptimistically(const std::vector<GroupedWrite*>& batch) {
    std::vector<GroupedWrite*> pending = batch;
    while (!pending.empty()) {
        GroupedWrite* failed = nullptr;
        try {
            RunWrite([&](WriteTx& tx) {
                for (GroupedWrite* w : pending) {
                    try {
                        (*w->f)(tx);
                    } catch (...) {
                        failed = w;
                        w->error = std::current_exception();
                        throw;
                    }
                }
            });
            return;
        } catch (...) {
            if (failed && pending.size() > 1) {
                std::erase(pending, failed);
                continue;
            }
            for (GroupedWrite* w : pending) {
                if (!w->error) w->error = std::current_exception();
            }
            return;
        }
    }
}

Database::Committing Database::BeforeCommit(WriteTx& tx) {
    Committing c;
    c.jobs_planned = tx.jobs_planned();
    auto& entries = tx.feed();
    if (entries.empty()) return c;
    // SQLite numbers here: its one writer commits in order, and the live_site rows cost nothing to hold. PostgreSQL
    // adds them unnumbered (seq 0 in the marks): numbering here would hold each site's row through the commit and
    // line the cluster's writers up behind it; SequenceFeed numbers them once committed.
    const bool number_now = kind() == Kind::kSqlite;
    std::stable_sort(entries.begin(), entries.end(),
                     [](const FeedEntry& a, const FeedEntry& b) { return a.site < b.site; });
    std::vector<std::optional<std::int64_t>> seqs(entries.size());
    for (std::size_t i = 0; i < entries.size();) {
        std::size_t j = i;
        while (j < entries.size() && entries[j].site == entries[i].site) ++j;
        std::int64_t top = 0;
        if (number_now) {
            const auto n = static_cast<std::int64_t>(j - i);
            top = tx.QueryOne(
                        "INSERT INTO live_site (site_id, seq, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT "
                        "(site_id) DO UPDATE SET seq = live_site.seq + excluded.seq, updated_at = excluded.updated_at "
                        "RETURNING seq",
                        entries[i].site, n, entries[i].at, entries[i].at)
                      .Int(0);
            for (std::size_t k = i; k < j; ++k) seqs[k] = top - n + 1 + static_cast<std::int64_t>(k - i);
        }
        c.feed.push_back(FeedMark{entries[i].site, top});
        i = j;
    }
    // Many rows a statement (SQLite takes at most 32,766 parameters: 7 a row).
    constexpr std::size_t kRows = 500;
    for (std::size_t i = 0; i < entries.size(); i += kRows) {
        const std::size_t end = std::min(entries.size(), i + kRows);
        std::string sql =
            "INSERT INTO live_event (site_id, seq, facility_date, kind, child_id, data, created_at) VALUES ";
        std::vector<Value> params;
        params.reserve((end - i) * 7);
        for (std::size_t k = i; k < end; ++k) {
            sql += k == i ? "(?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?)";
            const auto& e = entries[k];
            params.insert(params.end(), {Value(e.site), Value(seqs[k]), Value(e.date), Value(e.kind), Value(e.child),
                                         Value(e.data), Value(e.at)});
        }
        tx.ExecParams(sql, params);
    }
    entries.clear();
    return c;
}

std::string FeedPayload(const std::vector<FeedMark>& marks) {
    std::string out;
    for (const auto& m : marks) {
        if (!out.empty()) out += ',';
        out += std::to_string(m.site) + ':' + std::to_string(m.seq);
    }
    return out;
}

std::vector<FeedMark> ParseFeedPayload(std::string_view payload) {
    std::vector<FeedMark> out;
    while (!payload.empty()) {
        auto comma = payload.find(',');
        auto part = payload.substr(0, comma);
        payload = comma == std::string_view::npos ? std::string_view{} : payload.substr(comma + 1);
        auto colon = part.find(':');
        if (colon == std::string_view::npos) continue;
        FeedMark m;
        auto site = part.substr(0, colon), seq = part.substr(colon + 1);
        auto [p1, e1] = std::from_chars(site.data(), site.data() + site.size(), m.site);
        auto [p2, e2] = std::from_chars(seq.data(), seq.data() + seq.size(), m.seq);
        if (e1 != std::errc{} || e2 != std::errc{} || p1 != site.data() + site.size() || p2 != seq.data() + seq.size())
            continue;
        out.push_back(m);
    }
    return out;
}

}  // namespace db

#include "db/database.hpp"

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

// SQLite: the first caller to find no transaction being written leads: it takes every caller queued so far, runs each
// in a savepoint of one transaction, commits, and wakes them. Callers arriving meanwhile queue for the next one.
void Database::RunGrouped(const std::function<void(WriteTx&)>& f) {
    // PostgreSQL already shares WAL flushes between concurrent commits on the pool's connections; grouping would
    // only put every statement of the batch on one connection, one round trip after another.
    if (kind() == Kind::kPostgresql) {
        RunWrite(f);
        return;
    }
    GroupedWrite self{&f, nullptr, false, {}};
    std::unique_lock lock(group_mutex_);
    group_queue_.push_back(&self);
    while (!self.done) {
        if (group_leader_) {
            self.wake.wait(lock);
            continue;
        }
        group_leader_ = true;
        std::deque<GroupedWrite*> batch;
        batch.swap(group_queue_);
        lock.unlock();
        try {
            RunWrite([&](WriteTx& tx) {
                if (batch.size() == 1) {
                    (*batch.front()->f)(tx);  // alone: the transaction itself undoes a failure
                    return;
                }
                for (GroupedWrite* w : batch) {
                    tx.Exec("SAVEPOINT grouped");
                    try {
                        (*w->f)(tx);
                        tx.Exec("RELEASE SAVEPOINT grouped");
                    } catch (...) {
                        w->error = std::current_exception();
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
        lock.lock();
        for (GroupedWrite* w : batch) {
            w->done = true;
            if (w != &self) w->wake.notify_one();
        }
        group_leader_ = false;
        // Whoever queued meanwhile: the first of them leads the next transaction (the others wait for it).
        if (!group_queue_.empty()) group_queue_.front()->wake.notify_one();
    }
    lock.unlock();
    if (self.error) std::rethrow_exception(self.error);
}

}  // namespace db

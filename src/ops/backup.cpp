#include "ops/backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/url.hpp>
#include <cerrno>
#include <vector>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>

#include "common/files.hpp"
#include "common/random.hpp"

namespace ops {
namespace {

namespace fs = std::filesystem;

struct Handle {
    sqlite3* db = nullptr;
    ~Handle() { sqlite3_close(db); }
};

void Open(Handle& h, const std::string& path, int flags, const std::string& what) {
    if (sqlite3_open_v2(path.c_str(), &h.db, flags, nullptr) != SQLITE_OK) {
        throw std::runtime_error("cannot open " + what + " " + path + ": " +
                                 (h.db ? sqlite3_errmsg(h.db) : "out of memory"));
    }
    sqlite3_busy_timeout(h.db, 10000);
}

void Exec(Handle& h, const char* sql, const std::string& what) {
    char* error = nullptr;
    if (sqlite3_exec(h.db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
        std::string message = error ? error : sqlite3_errmsg(h.db);
        sqlite3_free(error);
        throw std::runtime_error(what + ": " + message);
    }
}

// The whole database at `from` (`what` it is, for messages) into a new file at `file`, in one step (one read
// snapshot of the source), left in `journal_mode`; errors name `target`, the file the user asked for.
void CopyDatabase(const std::string& from, const std::string& what, const std::string& file, const std::string& target,
                  const char* journal_mode) {
    Handle source, copy;
    Open(source, from, SQLITE_OPEN_READONLY, what);
    Open(copy, file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "the copy");
    sqlite3_backup* backup = sqlite3_backup_init(copy.db, "main", source.db, "main");
    if (!backup) throw std::runtime_error("cannot write " + target + ": " + sqlite3_errmsg(copy.db));
    const int rc = sqlite3_backup_step(backup, -1);
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
        const bool full = rc == SQLITE_FULL || sqlite3_extended_errcode(copy.db) == SQLITE_FULL;
        throw std::runtime_error("cannot write " + target + ": " +
                                 (full ? std::string("the disk is full") : std::string(sqlite3_errstr(rc))));
    }
    Exec(copy, (std::string("PRAGMA journal_mode=") + journal_mode).c_str(), "cannot write " + target);
}

// Runs a client tool (argv[0] found on PATH) without a shell; returns its exit status and standard error.
std::pair<int, std::string> RunTool(const std::vector<std::string>& args) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("cannot start " + args.front());
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("cannot start " + args.front());
    if (pid == 0) {
        ::dup2(pipe_fds[1], 2);
        const int null = ::open("/dev/null", O_WRONLY);
        if (null >= 0) ::dup2(null, 1);
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execvp(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(pipe_fds[1]);
    std::string err;
    char buffer[4096];
    for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) != 0;) {
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        err.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(pipe_fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    if (code == 127 && err.empty()) err = args.front() + " is not installed (Debian: postgresql-client)";
    while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
    return {code, err};
}

}  // namespace

std::string WithDatabase(const std::string& url, const std::string& name) {
    boost::urls::url u(url);
    u.set_path("/" + name);
    return std::string(u.buffer());
}

std::uintmax_t BackupPostgresql(const std::string& url, const std::string& to) {
    return common::WriteWhole(to, [&](const std::string& partial) {
        auto [status, err] =
            RunTool({"pg_dump", "--format=custom", "--no-owner", "--file=" + partial, "--dbname=" + url});
        if (status != 0) throw std::runtime_error("pg_dump failed: " + err);
    });
}

void CreatePostgresqlDatabase(const std::string& url, const std::string& name) {
    auto [status, err] = RunTool({"createdb", "--maintenance-db=" + url, name});
    if (status != 0)
        throw std::runtime_error("cannot make a scratch database to check the backup in (the role needs CREATEDB): " +
                                 err);
}

void DropPostgresqlDatabase(const std::string& url, const std::string& name) {
    RunTool({"dropdb", "--if-exists", "--maintenance-db=" + url, name});
}

void RestorePostgresql(const std::string& file, const std::string& url) {
    if (!fs::exists(file)) throw std::runtime_error("there is no file " + file);
    auto [status, err] =
        RunTool({"pg_restore", "--exit-on-error", "--single-transaction", "--no-owner", "--dbname=" + url, file});
    if (status != 0) throw std::runtime_error("pg_restore failed: " + err);
}

void RemoveDatabaseFiles(const std::string& path) {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path + suffix, ignored);
}

std::uintmax_t BackupSqlite(const std::string& from, const std::string& to) {
    if (!fs::exists(from)) throw std::runtime_error("there is no database at " + from);
    return common::WriteWhole(to, [&](const std::string& partial) {
        CopyDatabase(from, "the database", partial, to, "DELETE");  // one file: no WAL beside it
    });
}

void CopyBackup(const std::string& from, const std::string& to) {
    std::FILE* f = std::fopen(from.c_str(), "rb");
    if (!f) throw std::runtime_error("cannot read " + from);
    char head[16] = {};
    const auto got = std::fread(head, 1, sizeof head, f);
    std::fclose(f);
    if (got != sizeof head || std::string(head, 15) != "SQLite format 3") {
        throw std::runtime_error(from + " is not a tadaima backup (not an SQLite database)");
    }
    try {
        CopyDatabase(from, "the backup", to, to, "WAL");  // as the server runs it
    } catch (...) {
        RemoveDatabaseFiles(to);
        throw;
    }
}

bool SqliteFileIsEmpty(const std::string& path) {
    if (!fs::exists(path) || fs::file_size(path) == 0) return true;
    Handle h;
    Open(h, path, SQLITE_OPEN_READONLY, "the database");
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(h.db, "SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1", -1, &st, nullptr) !=
        SQLITE_OK) {
        throw std::runtime_error(path + " is not an SQLite database: " + sqlite3_errmsg(h.db));
    }
    const bool empty = sqlite3_step(st) != SQLITE_ROW;
    sqlite3_finalize(st);
    return empty;
}

}  // namespace ops

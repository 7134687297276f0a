#pragma once
// Backups of a SQLite database as one self-contained file. Taken with SQLite's online backup in one read snapshot,
// so the server goes on recording scans meanwhile and the copy holds exactly what was committed when it began.
// Nothing is ever left half-written under the name asked for: the copy is made beside it under a temporary name,
// synced, and renamed into place only when whole. Checking and restoring (app/main.cpp) work on a private copy, so
// the backup file itself is never changed.
#include <cstdint>
#include <string>

namespace ops {

// Copies the database at `from` to `to` (which must not exist); returns the size of the copy in bytes. The copy is
// in rollback-journal mode, so it is one file. Throws std::runtime_error with the reason (a full disk, a path that
// cannot be written, `to` already there), leaving nothing at `to`.
std::uintmax_t BackupSqlite(const std::string& from, const std::string& to);

// Copies the backup at `from` to a new working database at `to` (WAL mode, as the server runs it). Throws
// std::runtime_error when `from` is not an SQLite database.
void CopyBackup(const std::string& from, const std::string& to);

// `path` with its -wal and -shm beside it removed (missing ones are fine).
void RemoveDatabaseFiles(const std::string& path);

// True when `path` does not exist, is empty, or is an SQLite database without a single table.
bool SqliteFileIsEmpty(const std::string& path);

// PostgreSQL, with the server's own tools. A backup is pg_dump's custom format (one consistent snapshot while the
// server writes), written under a temporary name and renamed when whole; returns its size. Throws with pg_dump's
// own words when it fails, leaving nothing at `to`.
std::uintmax_t BackupPostgresql(const std::string& url, const std::string& to);
// pg_restore of a custom-format backup into the (empty) database at `url`, in one transaction, stopping at the first
// error. Throws with pg_restore's words.
void RestorePostgresql(const std::string& file, const std::string& url);
// `url` with its database name replaced.
std::string WithDatabase(const std::string& url, const std::string& name);
// createdb / dropdb of database `name` on the server of `url` (the role needs CREATEDB for the first).
void CreatePostgresqlDatabase(const std::string& url, const std::string& name);
void DropPostgresqlDatabase(const std::string& url, const std::string& name);

}  // namespace ops

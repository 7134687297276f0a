#pragma once
// Files written whole or not at all (backups, exports, key files).
#include <cstdint>
#include <functional>
#include <string>

namespace common {

// A name beside `path` that nothing uses yet: "<path>.<what>-<random>".
std::string TemporaryBeside(const std::string& path, const std::string& what);

// fsync of a file or a directory; throws std::runtime_error naming it.
void SyncPath(const std::string& path);

// Writes the file `to` whole or not at all: `write` fills a temporary file beside it, which is synced and renamed
// to `to` (and the directory synced) only when `write` returns. Refuses a missing directory, and an existing `to`
// unless `replace`; when `write` throws, nothing is left (neither the temporary file nor what the writer put beside
// it under its name). Returns the size written.
std::uintmax_t WriteWhole(const std::string& to, const std::function<void(const std::string& partial)>& write,
                          bool replace = false);

}  // namespace common

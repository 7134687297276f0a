#include "common/files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "common/random.hpp"

namespace common {

namespace fs = std::filesystem;

std::string TemporaryBeside(const std::string& path, const std::string& what) {
    return path + "." + what + "-" + RandomHex(6);
}

void SyncPath(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
        if (fd >= 0) ::close(fd);
        throw std::runtime_error("cannot sync " + path + " to disk");
    }
    ::close(fd);
}

std::uintmax_t WriteWhole(const std::string& to, const std::function<void(const std::string& partial)>& write,
                          bool replace) {
    if (!replace && fs::exists(to)) throw std::runtime_error(to + " already exists: it is never replaced");
    const fs::path dir = fs::absolute(to).parent_path();
    if (!fs::is_directory(dir))
        throw std::runtime_error("cannot write " + to + ": " + dir.string() + " is no directory");
    const std::string partial = TemporaryBeside(to, "partial");
    try {
        write(partial);
        SyncPath(partial);
        if (!replace && fs::exists(to)) throw std::runtime_error(to + " already exists: it is never replaced");
        fs::rename(partial, to);
        SyncPath(dir.string());
    } catch (...) {
        std::error_code ignored;
        const std::string name = fs::path(partial).filename().string();
        for (const auto& e : fs::directory_iterator(dir, ignored)) {
            if (e.path().filename().string().starts_with(name)) fs::remove(e.path(), ignored);  // -journal, -wal …
        }
        throw;
    }
    return fs::file_size(to);
}

}  // namespace common

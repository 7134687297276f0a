#include "auth/data_keys.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>

#include "common/base64.hpp"
#include "common/files.hpp"
#include "common/log.hpp"
#include "common/random.hpp"

namespace auth {

namespace {

namespace fs = std::filesystem;
constexpr std::string_view kLinePrefix = "tadaima-data-key v1 ";
constexpr std::string_view kSealedPrefix = "enc:v1:";
constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;

bool ValidId(std::string_view id) {
    if (id.size() < 8 || id.size() > 32) return false;
    for (char c : id) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

// The file written whole or not at all (mode 0600), replacing the one there.
void WriteKeyFile(const fs::path& file, const std::vector<std::pair<std::string, std::string>>& keys) {
    std::string text =
        "# tadaima data keys: keep this file with the server secret and its backups; without it the sealed fields "
        "cannot be read.\n# The last key seals; the others only open what they sealed.\n";
    for (const auto& [id, key] : keys) text += std::string(kLinePrefix) + id + " " + common::Base64Encode(key) + "\n";
    if (file.has_parent_path()) fs::create_directories(file.parent_path());
    common::WriteWhole(
        file.string(),
        [&](const std::string& partial) {
            const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
            const bool written = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
            if (fd >= 0) ::close(fd);
            if (!written) throw DataKeyError("cannot write the data key file " + file.string());
        },
        true);
}

// The key file's keys in its order (the one that seals last); throws DataKeyError naming the first bad line.
std::vector<std::pair<std::string, std::string>> ParseKeyFile(const fs::path& file) {
    std::ifstream in(file);
    if (!in) throw DataKeyError("the data key file " + file.string() + " cannot be read");
    std::vector<std::pair<std::string, std::string>> keys;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line.front() == '#') continue;
        std::istringstream fields(line.substr(std::min(line.size(), kLinePrefix.size())));
        std::string id, key_text;
        fields >> id >> key_text;
        auto key = common::Base64Decode(key_text);
        if (!line.starts_with(kLinePrefix) || !ValidId(id) || !key || key->size() != 32) {
            throw DataKeyError("the data key file " + file.string() + " has a line that is not a key (line " +
                               std::to_string(number) + ")");
        }
        keys.emplace_back(id, std::move(*key));
    }
    if (keys.empty()) throw DataKeyError("the data key file " + file.string() + " holds no key");
    return keys;
}

struct Stored {
    std::int64_t row;
    std::string value;
};

std::vector<Stored> Values(db::ReadTx& tx, const SealedField& f) {
    std::vector<Stored> out;
    for (const auto& r : tx.Query(std::string("SELECT ") + f.row + ", " + f.column + " FROM " + f.table + " WHERE " +
                                  f.column + " IS NOT NULL ORDER BY " + f.row)) {
        out.push_back({r.Int(0), r.Text(1)});
    }
    return out;
}

// Seals again, under the newest key, every value that is in plain text or sealed under another key; returns how
// many (a value changed meanwhile is left for the next pass).
int Reseal(db::WriteTx& tx, const DataKeys& keys, const SealedField& f) {
    int n = 0;
    const std::string current = keys.CurrentId();
    for (const auto& v : Values(tx, f)) {
        const std::string id = DataKeys::KeyIdOf(v.value);
        if (id == current) continue;
        const std::string place = PlaceOf(f, v.row);
        const std::string plain = id.empty() ? v.value : keys.Open(v.value, place);
        n += static_cast<int>(tx.Exec(std::string("UPDATE ") + f.table + " SET " + f.column + " = ? WHERE " + f.row +
                                          " = ? AND " + f.column + " = ?",
                                      keys.Seal(plain, place), v.row, v.value));
    }
    return n;
}

std::vector<std::string> Tables() {
    std::set<std::string> t;
    for (const auto& f : kSealedFields) t.insert(f.table);
    return {t.begin(), t.end()};
}

}  // namespace

DataKeys::DataKeys(fs::path file) : file_(std::move(file)) {
    common::InitCrypto();
    ring_ = std::make_shared<const Ring>(Read(file_));
}

DataKeys::Ring DataKeys::Read(const fs::path& file) {
    std::error_code ec;
    Ring ring;
    ring.written = fs::last_write_time(file, ec);
    if (ec) throw DataKeyError("the data key file " + file.string() + " cannot be read: " + ec.message());
    ring.size = fs::file_size(file, ec);
    for (const auto& [id, key] : ParseKeyFile(file)) {
        std::array<unsigned char, 32> bytes{};
        std::copy(key.begin(), key.end(), bytes.begin());
        ring.keys[id] = bytes;
        ring.current = id;
    }
    return ring;
}

std::shared_ptr<const DataKeys::Ring> DataKeys::Current() const {
    std::lock_guard lock(mutex_);
    std::error_code ec;
    const auto written = fs::last_write_time(file_, ec);
    const auto size = ec ? 0 : fs::file_size(file_, ec);
    // A changed file (a rotation) is read again; one gone or unreadable meanwhile leaves the keys as they were.
    if (!ec && (written != ring_->written || size != ring_->size)) {
        try {
            ring_ = std::make_shared<const Ring>(Read(file_));
        } catch (const DataKeyError& e) {
            common::LogWarn("data key file not reread", {{"error", e.what()}});
        }
    }
    return ring_;
}

std::string DataKeys::CurrentId() const { return Current()->current; }

bool DataKeys::Has(const std::string& id) const { return Current()->keys.contains(id); }

std::string DataKeys::KeyIdOf(std::string_view stored) {
    if (!stored.starts_with(kSealedPrefix)) return "";
    stored.remove_prefix(kSealedPrefix.size());
    const auto colon = stored.find(':');
    return colon == std::string_view::npos ? "" : std::string(stored.substr(0, colon));
}

std::string DataKeys::Seal(std::string_view plaintext, std::string_view place) const {
    const auto ring = Current();
    const auto& key = ring->keys.at(ring->current);
    std::string out = common::RandomBytes(kNonce);
    out.resize(kNonce + plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
    unsigned long long length = 0;
    auto* bytes = reinterpret_cast<unsigned char*>(out.data());
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        bytes + kNonce, &length, reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
        reinterpret_cast<const unsigned char*>(place.data()), place.size(), nullptr, bytes, key.data());
    out.resize(kNonce + length);
    return std::string(kSealedPrefix) + ring->current + ":" + common::Base64Encode(out);
}

std::string DataKeys::Open(std::string_view sealed, std::string_view place) const {
    const std::string id = KeyIdOf(sealed);
    if (id.empty()) throw DataKeyError("a field is not sealed");
    const auto ring = Current();
    auto key = ring->keys.find(id);
    if (key == ring->keys.end()) {
        throw DataKeyError("the data key " + id + " is not in " + file_.string() +
                           ": restore the key file kept with this database");
    }
    auto bytes = common::Base64Decode(sealed.substr(kSealedPrefix.size() + id.size() + 1));
    if (!bytes || bytes->size() < kNonce + crypto_aead_xchacha20poly1305_ietf_ABYTES) {
        throw DataKeyError("a sealed field is damaged");
    }
    std::string plain(bytes->size() - kNonce - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
    unsigned long long length = 0;
    const auto* in = reinterpret_cast<const unsigned char*>(bytes->data());
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            reinterpret_cast<unsigned char*>(plain.data()), &length, nullptr, in + kNonce, bytes->size() - kNonce,
            reinterpret_cast<const unsigned char*>(place.data()), place.size(), in, key->second.data()) != 0) {
        throw DataKeyError("a sealed field does not open: it was changed, or sealed for another place");
    }
    plain.resize(length);
    return plain;
}

std::string PlaceOf(const SealedField& f, std::int64_t row) {
    return std::string(f.table) + "." + f.column + ":" + std::to_string(row);
}

namespace {

// What the database holds, read once: every stored value, the sealed ones counted by key, and how many are from
// before sealing.
struct Census {
    struct Value {
        const SealedField* field;
        Stored stored;
    };
    std::vector<Value> values;
    std::map<std::string, int> sealed_by;
    int plain = 0;
};

Census Count(db::Database& db) {
    Census c;
    db.Read([&](db::ReadTx& tx) {
        for (const auto& f : kSealedFields) {
            for (auto& v : Values(tx, f)) {
                const auto id = DataKeys::KeyIdOf(v.value);
                if (id.empty()) {
                    ++c.plain;
                } else {
                    ++c.sealed_by[id];
                }
                c.values.push_back({&f, std::move(v)});
            }
        }
    });
    return c;
}

std::string MissingFile(const fs::path& file) {
    return "the data key file " + file.string() +
           " is missing, and this database holds fields sealed with it: restore the file from your backup (or point "
           "TADAIMA_DATA_KEYS_FILE at it). A new key would not open them, so none is made.";
}

// Every key the database names is in the file, and every sealed value opens (a damaged one is found now, not at
// someone's sign-in); else the first thing wrong.
std::string Problem(const DataKeys& keys, const Census& census) {
    for (const auto& [id, n] : census.sealed_by) {
        if (!keys.Has(id)) {
            return "the data key " + id + ", which sealed " + std::to_string(n) +
                   " fields of this database, is not in " + keys.file().string() +
                   ": use the data key file kept with this database";
        }
    }
    for (const auto& [f, v] : census.values) {
        if (DataKeys::KeyIdOf(v.value).empty()) continue;
        try {
            keys.Open(v.value, PlaceOf(*f, v.row));
        } catch (const DataKeyError& e) {
            return std::string(f->table) + "." + f->column + " of row " + std::to_string(v.row) + ": " + e.what();
        }
    }
    return "";
}

}  // namespace

std::string CheckDataKeys(const fs::path& file, db::Database& db) {
    const auto census = Count(db);
    if (census.sealed_by.empty()) return "";
    if (!fs::exists(file)) return MissingFile(file);
    try {
        return Problem(DataKeys(file), census);
    } catch (const DataKeyError& e) {
        return e.what();
    }
}

std::shared_ptr<DataKeys> DataKeysForDatabase(const fs::path& file, db::Database& db) {
    const auto census = Count(db);
    if (!fs::exists(file)) {
        if (!census.sealed_by.empty()) throw std::runtime_error(MissingFile(file));
        common::InitCrypto();
        WriteKeyFile(file, {{common::RandomHex(8), common::RandomBytes(32)}});
        common::LogInfo("data key file made", {{"file", file.string()}});
    }
    auto keys = std::make_shared<DataKeys>(file);
    if (auto problem = Problem(*keys, census); !problem.empty()) throw std::runtime_error(problem);
    if (census.plain > 0) {
        int sealed = 0;
        db.Write([&](db::WriteTx& tx) {
            for (const auto& f : kSealedFields) sealed += Reseal(tx, *keys, f);
        });
        db.Scrub(Tables());  // no copy of the plain values stays in the files
        common::LogInfo("fields sealed with the data key", {{"fields", sealed}});
    }
    return keys;
}

Rotation RotateDataKeys(const fs::path& file, db::Database& db) {
    if (!fs::exists(file)) {
        throw std::runtime_error("no data key file at " + file.string() +
                                 " (TADAIMA_DATA_KEYS_FILE): the server makes it at its first start; there is nothing "
                                 "to rotate");
    }
    auto keys = DataKeysForDatabase(file, db);  // every value opens before anything changes
    Rotation out;
    auto lines = ParseKeyFile(file);  // as it is, the one that seals last; then the new key
    for (const auto& [id, _] : lines) out.old_ids += (out.old_ids.empty() ? "" : ",") + id;
    out.new_id = common::RandomHex(8);
    lines.emplace_back(out.new_id, common::RandomBytes(32));
    WriteKeyFile(file, lines);
    if (keys->CurrentId() != out.new_id) throw std::runtime_error("the data key file did not take the new key");
    // Passes until nothing is left under an older key (a server that sealed with it just before it saw the file).
    for (int pass = 0; pass < 10; ++pass) {
        int n = 0;
        db.Write([&](db::WriteTx& tx) {
            for (const auto& f : kSealedFields) n += Reseal(tx, *keys, f);
        });
        out.resealed += n;
        bool left = false;
        db.Read([&](db::ReadTx& tx) {
            for (const auto& f : kSealedFields) {
                for (const auto& v : Values(tx, f)) left = left || DataKeys::KeyIdOf(v.value) != out.new_id;
            }
        });
        if (!left) {
            db.Scrub(Tables());
            WriteKeyFile(file, {lines.back()});
            return out;
        }
    }
    throw std::runtime_error(
        "fields kept being sealed under an older key; the key file keeps every key: run "
        "tadaima keys rotate again");
}

}  // namespace auth

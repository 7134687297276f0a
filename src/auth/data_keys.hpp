#pragma once
// Sensitive fields at rest (J5): the second factor's secrets now, and the health and family fields to come, are
// stored sealed — XChaCha20-Poly1305 (libsodium) under a data key kept outside the database, in its own file
// (TADAIMA_DATA_KEYS_FILE, mode 0600), apart from the server secret so that either can be rotated alone.
//
// The key file holds one key per line, `tadaima-data-key v1 <id> <base64 of 32 bytes>`; the last is the one that
// seals, the others still open what they sealed (during a rotation). A sealed value is text:
// `enc:v1:<key id>:<base64 of nonce and ciphertext>`, bound to its place (table, column and row) by the AEAD's
// associated data, so that a value copied to another row does not open there.
//
// A running server rereads the file when it changes, so `tadaima keys rotate` works under it.
#include <array>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.hpp"

namespace auth {

class DataKeyError : public std::runtime_error {
 public:
    using std::runtime_error::runtime_error;
};

class DataKeys {
 public:
    // Reads the key file; throws DataKeyError when it is missing, unreadable or holds no valid key.
    explicit DataKeys(std::filesystem::path file);

    // `plaintext` sealed for `place` (e.g. "staff_mfa.secret:7") under the newest key.
    std::string Seal(std::string_view plaintext, std::string_view place) const;
    // The plaintext of a sealed value for `place`; throws DataKeyError when its key is not in the file, or it was
    // changed or sealed for another place.
    std::string Open(std::string_view sealed, std::string_view place) const;
    // The id of the key a sealed value names; empty when the value is not sealed (plain text from before).
    static std::string KeyIdOf(std::string_view stored);

    std::string CurrentId() const;
    bool Has(const std::string& id) const;
    const std::filesystem::path& file() const { return file_; }

 private:
    struct Ring {
        std::map<std::string, std::array<unsigned char, 32>> keys;
        std::string current;
        std::filesystem::file_time_type written;
        std::uintmax_t size = 0;
    };
    static Ring Read(const std::filesystem::path& file);
    // The keys as the file holds them now (reread when it changed since).
    std::shared_ptr<const Ring> Current() const;

    std::filesystem::path file_;
    mutable std::mutex mutex_;
    mutable std::shared_ptr<const Ring> ring_;
};

// A column the keys seal, and the column whose value names its row in the associated data.
struct SealedField {
    const char* table;
    const char* column;
    const char* row;
};
inline constexpr SealedField kMfaSecretField{"staff_mfa", "secret", "user_id"};
inline constexpr SealedField kFamilyPinField{"family_entrance", "pin_sealed", "account_id"};
inline constexpr SealedField kNotebookHomeField{"notebook_entry", "home_sealed", "id"};
inline constexpr SealedField kNotebookNurseryField{"notebook_entry", "nursery_sealed", "id"};
inline constexpr SealedField kChildHealthField{"child_health", "record_sealed", "id"};
inline constexpr SealedField kHealthEntryField{"health_entry", "sealed", "id"};
inline constexpr SealedField kJournalField{"journal", "sealed", "id"};
inline constexpr SealedField kJournalEpisodeField{"journal_episode", "sealed", "id"};
inline constexpr SealedField kJournalStampField{"journal_stamp", "comment_sealed", "id"};
inline constexpr SealedField kCurriculumField{"curriculum_plan", "sealed", "id"};
inline constexpr SealedField kCurriculumStampField{"curriculum_stamp", "comment_sealed", "id"};
inline constexpr SealedField kCurriculumTemplateField{"curriculum_template", "sealed", "id"};
inline constexpr SealedField kSealedFields[] = {kMfaSecretField,       kFamilyPinField,       kNotebookHomeField,
                                                kNotebookNurseryField, kChildHealthField,     kHealthEntryField,
                                                kJournalField,         kJournalEpisodeField,  kJournalStampField,
                                                kCurriculumField,      kCurriculumStampField, kCurriculumTemplateField};
std::string PlaceOf(const SealedField& f, std::int64_t row);

// The database's own data keys: the file read and every sealed value's key found in it — or made (mode 0600)
// when the file is missing and nothing in the database is sealed yet; values still in plain text (from before
// sealing) are sealed, and the files scrubbed of them. Throws std::runtime_error saying what to do otherwise.
std::shared_ptr<DataKeys> DataKeysForDatabase(const std::filesystem::path& file, db::Database& db);

// Changing nothing: whether `file` opens every sealed field of the database (a backup's, say). Empty when it does
// (or nothing is sealed), else the first thing wrong, as one line.
std::string CheckDataKeys(const std::filesystem::path& file, db::Database& db);

struct Rotation {
    std::string old_ids, new_id;
    int resealed = 0;
};
// A new key appended to the file as the one that seals, every sealed value sealed again under it (one
// transaction per pass, compare-and-set so a concurrent change is not overwritten), the files scrubbed of the
// old ciphertexts, then the older keys dropped from the file. A crash at any point leaves every value openable.
Rotation RotateDataKeys(const std::filesystem::path& file, db::Database& db);

}  // namespace auth

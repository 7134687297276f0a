// Sealed fields at rest (J5) on both databases: a manager's second-factor secret is stored sealed under the data
// key, never in plain text (not in SQLite's files either); `tadaima keys rotate` seals it again under a new key while
// the app keeps running and signing in still works; secrets stored in plain text before are sealed at start and
// scrubbed from the files; a sealed value moved to another row does not open; and a database whose key file is
// missing or another installation's is refused with what to do, with nothing made or changed.
#include <fstream>

#include "auth/data_keys.hpp"
#include "harness.hpp"

namespace {

namespace fs = std::filesystem;
using testing_support::AppTest;

class DataKeys : public AppTest {
 protected:
    void SetUp() override {
        AppTest::SetUp();
        SeedSmallCity(2, 4);
    }
    std::string Stored(const std::string& login) {
        return Text("SELECT m.secret FROM staff_mfa m JOIN staff_user u ON u.id = m.user_id WHERE u.login_id = '" +
                    login + "'");
    }
    // Whether `text` occurs in the SQLite database's files (PostgreSQL's are checked by the erasure tests' scan).
    bool InSqliteFiles(const std::string& text) {
        for (const auto* suffix : {"", "-wal"}) {
            std::ifstream in(url_ + suffix, std::ios::binary);
            std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            if (bytes.find(text) != std::string::npos) return true;
        }
        return false;
    }
    std::vector<std::string> KeyLines() {
        std::ifstream in(config_.data_keys_file);
        std::vector<std::string> out;
        for (std::string line; std::getline(in, line);)
            if (line.starts_with("tadaima-data-key v1 ")) out.push_back(line);
        return out;
    }
    void SignInAgain(const std::string& login) {
        cookies_.clear();
        SignIn(login, "tadaima-demo");
        ASSERT_EQ(Get("/children").status, 200) << "signed in with the second factor";
    }
};

TEST_P(DataKeys, ASecondFactorSecretIsStoredSealedAndSignInWorksAcrossARotation) {
    SignIn("manager1", "tadaima-demo");
    ASSERT_EQ(Get("/children").status, 200);
    const std::string secret = totp_secrets_.at("manager1");
    const std::string stored = Stored("manager1");
    EXPECT_TRUE(stored.starts_with("enc:v1:")) << stored;
    EXPECT_EQ(stored.find(secret), std::string::npos);
    if (GetParam() == db::Kind::kSqlite) EXPECT_FALSE(InSqliteFiles(secret));
    const auto old_id = auth::DataKeys::KeyIdOf(stored);
    ASSERT_EQ(KeyLines().size(), 1u);

    if (!fs::exists(testing_support::ServerProcess::Binary()))
        GTEST_SKIP() << "no tadaima binary beside this test binary";
    auto rotated = Tadaima("keys rotate");
    ASSERT_EQ(rotated.status, 0) << rotated.output;
    EXPECT_NE(rotated.output.find("1 fields sealed again"), std::string::npos) << rotated.output;
    const auto new_id = auth::DataKeys::KeyIdOf(Stored("manager1"));
    EXPECT_NE(new_id, old_id);
    ASSERT_EQ(KeyLines().size(), 1u);
    EXPECT_NE(KeyLines()[0].find(new_id), std::string::npos);
    EXPECT_EQ(One("SELECT COUNT(*) FROM audit_event WHERE action = 'keys.rotated'"), 1);
    // The running app reads the new file by itself: the same phone's codes still work.
    SignInAgain("manager1");
    // A newly enrolled secret is sealed under the new key.
    SignIn("manager2", "tadaima-demo");
    EXPECT_EQ(auth::DataKeys::KeyIdOf(Stored("manager2")), new_id);
}

TEST_P(DataKeys, SecretsFromBeforeAreSealedAtStartAndScrubbedFromTheFiles) {
    const std::string plain = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXQ";
    database().Write([&](db::WriteTx& tx) {
        tx.Exec(
            "INSERT INTO staff_mfa (user_id, secret, confirmed_at, created_at) SELECT id, ?, ?, ? FROM staff_user "
            "WHERE login_id = 'staff1'",
            plain, common::FormatInstant(clock_.Now()), common::FormatInstant(clock_.Now()));
    });
    if (GetParam() == db::Kind::kSqlite) EXPECT_TRUE(InSqliteFiles(plain)) << "the test's premise";
    auto keys = auth::DataKeysForDatabase(config_.data_keys_file, database());
    const std::string stored = Stored("staff1");
    ASSERT_TRUE(stored.starts_with("enc:v1:")) << stored;
    const auto user = One("SELECT id FROM staff_user WHERE login_id = 'staff1'");
    EXPECT_EQ(keys->Open(stored, auth::PlaceOf(auth::kMfaSecretField, user)), plain);
    if (GetParam() == db::Kind::kSqlite) EXPECT_FALSE(InSqliteFiles(plain));
    // Moved to another account's row, it does not open there.
    EXPECT_THROW(keys->Open(stored, auth::PlaceOf(auth::kMfaSecretField, user + 1)), auth::DataKeyError);
    std::string changed = stored;
    changed[changed.size() - 3] = changed[changed.size() - 3] == 'A' ? 'B' : 'A';
    EXPECT_THROW(keys->Open(changed, auth::PlaceOf(auth::kMfaSecretField, user)), auth::DataKeyError);
}

TEST_P(DataKeys, AMissingOrForeignKeyFileIsRefusedAndNothingIsMade) {
    SignIn("manager1", "tadaima-demo");
    const std::string stored = Stored("manager1");
    const fs::path file = config_.data_keys_file;
    const fs::path kept = dir_ / "kept.keys";
    fs::rename(file, kept);
    try {
        auth::DataKeysForDatabase(file, database());
        ADD_FAILURE() << "a missing key file was accepted";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("is missing"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(file)) << "no new key beside a database that has sealed fields";
    // Another installation's key file.
    const fs::path foreign = dir_ / "other.keys";
    std::ofstream(foreign) << "tadaima-data-key v1 0123456789abcdef AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
    try {
        auth::DataKeysForDatabase(foreign, database());
        ADD_FAILURE() << "another installation's key file was accepted";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("is not in"), std::string::npos) << e.what();
    }
    EXPECT_EQ(Stored("manager1"), stored);
    if (fs::exists(testing_support::ServerProcess::Binary())) {
        auto rotate = Tadaima("keys rotate");
        EXPECT_EQ(rotate.status, 1);
        EXPECT_NE(rotate.output.find("no data key file"), std::string::npos) << rotate.output;
    }
    EXPECT_EQ(Stored("manager1"), stored);
}

INSTANTIATE_TEST_SUITE_P(Both, DataKeys, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

// The city's data as an operator exports it (J9), read back by an independent reader (python3's zipfile and csv):
// every exported table holds exactly the database's rows, no credential column is in any file, schema.json
// describes every file, NULL and empty text stay apart; a site's export holds its children, their guardians and
// their records at that site and nothing of another site's. Bad input (an unknown site, an existing file, a
// missing directory) is a line on stderr, exit 1 and no file.
#include <sys/wait.h>

#include <boost/json.hpp>
#include <fstream>

#include "attendance/attendance.hpp"
#include "demo/seed.hpp"
#include "harness.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

class Export : public testing_support::DbTest {
 protected:
    // The archive as python3 reads it: {"files": [...], "schema": {...}, "tables": {name: {"header": [...],
    // "rows": [[...]]}}, "raw": {name: text}} for the tables asked for in `raw`.
    json::object Read(const std::string& zip) {
        const std::string script = dir_ / "read.py";
        std::ofstream(script) << R"(import csv, io, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
out = {"files": z.namelist(), "schema": json.loads(z.read("schema.json")), "tables": {}, "raw": {}}
for t in out["schema"]["tables"]:
    text = z.read(t["file"]).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    out["tables"][t["name"]] = {"header": rows[0], "rows": rows[1:]}
    if t["name"] in ("site", "child"): out["raw"][t["name"]] = text
print(json.dumps(out))
)";
        int status = 0;
        auto text = testing_support::CommandOutput("python3 '" + script + "' '" + zip + "'", &status);
        EXPECT_EQ(status, 0) << text;
        return json::parse(text).as_object();
    }
    std::vector<std::string> Ids(const json::object& archive, const std::string& table) {
        std::vector<std::string> out;
        const auto& t = archive.at("tables").as_object().at(table).as_object();
        for (const auto& r : t.at("rows").as_array()) out.emplace_back(r.as_array().at(0).as_string());
        std::sort(out.begin(), out.end());
        return out;
    }
    std::vector<std::string> DbIds(const std::string& sql) {
        std::vector<std::string> out;
        database().Read([&](db::ReadTx& tx) {
            for (const auto& r : tx.Query(sql)) out.push_back(r.Text(0));
        });
        std::sort(out.begin(), out.end());
        return out;
    }
};

TEST_P(Export, TheCityLeavesWithEveryRowOfEveryTableAndNoCredential) {
    if (!fs::exists(testing_support::ServerProcess::Binary())) GTEST_SKIP() << "no tadaima binary";
    demo::SeedDemo(*db_, {2, 30, "tadaima-demo", false, 50, 0}, clock_);
    const auto staff = common::UserId(One("SELECT MIN(user_id) FROM staff_role WHERE site_id = 1"));
    database().Write([&](db::WriteTx& tx) {
        attendance::RecordByStaff(
            tx,
            {common::ChildId(One("SELECT MIN(child_id) FROM child_placement WHERE site_id = 1")), common::SiteId(1),
             attendance::Direction::kIn, clock_.Now(), staff, "a reason, with \"quotes\"\nand a line", false},
            clock_);
        tx.Exec("UPDATE site SET address = '' WHERE id = 2");
    });
    auto run = Tadaima("export --city --out city.zip");
    ASSERT_EQ(run.status, 0) << run.output;
    const auto archive = Read((dir_ / "city.zip").string());
    const auto& schema = archive.at("schema").as_object();
    EXPECT_EQ(schema.at("scope").as_string(), "city");
    for (const auto& t : schema.at("tables").as_array()) {
        const std::string name(t.as_object().at("name").as_string());
        const auto& got = archive.at("tables").as_object().at(name).as_object();
        EXPECT_EQ(static_cast<std::int64_t>(got.at("rows").as_array().size()),
                  One("SELECT COUNT(*) FROM " + name +
                      (name == "audit_event" ? " WHERE action <> 'export.taken'" : "")))  // written after the export
            << name;
        EXPECT_EQ(t.as_object().at("rows").as_int64(), static_cast<std::int64_t>(got.at("rows").as_array().size()));
        std::vector<std::string> described;
        for (const auto& c : t.as_object().at("columns").as_array())
            described.emplace_back(c.as_object().at("name").as_string());
        std::vector<std::string> header;
        for (const auto& h : got.at("header").as_array()) header.emplace_back(h.as_string());
        EXPECT_EQ(header, described) << name;
        for (const auto& h : header) {
            EXPECT_TRUE(h != "password_hash" && h != "token_hash" && h != "code_hash" && h != "csrf_token")
                << name << "." << h;
        }
    }
    EXPECT_EQ(Ids(archive, "child"), DbIds("SELECT id FROM child"));
    EXPECT_EQ(Ids(archive, "guardian_account"), DbIds("SELECT id FROM guardian_account"));
    EXPECT_GT(One("SELECT COUNT(*) FROM guardian_account"), 0);
    // The reason with a comma, quotes and a line end comes back whole.
    bool found = false;
    const auto& events = archive.at("tables").as_object().at("attendance_event").as_object();
    for (const auto& r : events.at("rows").as_array())
        for (const auto& f : r.as_array()) found = found || f.as_string() == "a reason, with \"quotes\"\nand a line";
    EXPECT_TRUE(found);
    // NULL is an empty field, empty text is "".
    const std::string site_csv(archive.at("raw").as_object().at("site").as_string());
    EXPECT_NE(site_csv.find(",\"\","), std::string::npos) << "site 2's empty address";
    const std::string child_csv(archive.at("raw").as_object().at("child").as_string());
    EXPECT_NE(child_csv.find(",,"), std::string::npos) << "NULL deactivated_at";
    // Credentials and internals are listed as not exported, and not there.
    std::vector<std::string> files;
    for (const auto& f : archive.at("files").as_array()) files.emplace_back(f.as_string());
    for (const char* absent : {"user_session.csv", "staff_mfa.csv", "server_key.csv", "job.csv"})
        EXPECT_EQ(std::count(files.begin(), files.end(), absent), 0) << absent;
    EXPECT_EQ(std::count(files.begin(), files.end(), "README.txt"), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM audit_event WHERE action = 'export.taken'"), 1);
}

TEST_P(Export, ASiteLeavesWithItsChildrenTheirFamiliesAndTheirRecordsThereOnly) {
    if (!fs::exists(testing_support::ServerProcess::Binary())) GTEST_SKIP() << "no tadaima binary";
    demo::SeedDemo(*db_, {2, 30, "tadaima-demo", false, 50, 0}, clock_);
    const auto staff = common::UserId(One("SELECT MIN(user_id) FROM staff_role WHERE site_id = 2"));
    database().Write([&](db::WriteTx& tx) {
        attendance::RecordByStaff(tx,
                                  {common::ChildId(One("SELECT MIN(child_id) FROM child_placement WHERE site_id = 2")),
                                   common::SiteId(2), attendance::Direction::kIn, clock_.Now(), staff, "", false},
                                  clock_);
    });
    ASSERT_EQ(Tadaima("export --site 1 --out site1.zip").status, 0);
    const auto archive = Read((dir_ / "site1.zip").string());
    EXPECT_EQ(Ids(archive, "site"), std::vector<std::string>{"1"});
    EXPECT_EQ(Ids(archive, "child"), DbIds("SELECT DISTINCT child_id FROM child_placement WHERE site_id = 1"));
    EXPECT_EQ(Ids(archive, "guardian"),
              DbIds("SELECT DISTINCT guardian_id FROM guardian_child WHERE child_id IN (SELECT child_id FROM "
                    "child_placement WHERE site_id = 1)"));
    EXPECT_EQ(Ids(archive, "attendance_event"), DbIds("SELECT id FROM attendance_event WHERE site_id = 1"));
    EXPECT_EQ(Ids(archive, "staff_user"), DbIds("SELECT DISTINCT user_id FROM staff_role WHERE site_id = 1"));
    EXPECT_GT(DbIds("SELECT id FROM attendance_event WHERE site_id = 2").size(), 0u);
}

TEST_P(Export, BadInputWritesNothing) {
    if (!fs::exists(testing_support::ServerProcess::Binary())) GTEST_SKIP() << "no tadaima binary";
    demo::SeedDemo(*db_, {1, 5, "tadaima-demo"}, clock_);
    auto unknown = Tadaima("export --site 99 --out x.zip");
    EXPECT_EQ(unknown.status, 1);
    EXPECT_NE(unknown.output.find("no site with id 99"), std::string::npos) << unknown.output;
    EXPECT_FALSE(fs::exists(dir_ / "x.zip"));
    std::ofstream(dir_ / "taken.zip") << "keep";
    auto taken = Tadaima("export --city --out taken.zip");
    EXPECT_EQ(taken.status, 1);
    EXPECT_NE(taken.output.find("already exists"), std::string::npos);
    std::ifstream in(dir_ / "taken.zip");
    EXPECT_EQ(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()), "keep");
    EXPECT_EQ(Tadaima("export --city --out missing/city.zip").status, 1);
    EXPECT_EQ(Tadaima("export --city --site 1 --out y.zip").status, 1);
    EXPECT_EQ(Tadaima("export --city").status, 1);
    for (const auto& e : fs::directory_iterator(dir_))
        EXPECT_TRUE(e.path().filename().string().find("partial") == std::string::npos &&
                    e.path().filename().string().find("export-files") == std::string::npos)
            << "left behind: " << e.path();
}

INSTANTIATE_TEST_SUITE_P(Both, Export, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

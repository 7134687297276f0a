// Photos on the contact notebook's pages, through the whole application on SQLite and PostgreSQL: what a phone sends
// (a JPEG and an iPhone HEIC carrying the place they were taken) is served as an image without it — checked with
// exiftool, a reader that is not ours; what is not a photo, too large or a decompression bomb is refused with
// nothing kept; who is served a photo, and how it leaves.
#include <vips/vips.h>

#include <boost/crc.hpp>
#include <cstdio>
#include <fstream>

#include "auth/passwords.hpp"
#include "families/families.hpp"
#include "harness.hpp"
#include "photos/photos.hpp"

namespace {

using testing_support::AppTest;

// A generated picture (a gradient: never a person), as JPEG.
std::string MakeJpeg(int width, int height) {
    if (VIPS_INIT("photos_test")) throw std::runtime_error("libvips");
    VipsImage* xyz = nullptr;
    VipsImage* band = nullptr;
    VipsImage* rgb = nullptr;
    VipsImage* out = nullptr;
    vips_xyz(&xyz, width, height, nullptr);
    vips_extract_band(xyz, &band, 0, nullptr);
    VipsImage* bands[3] = {band, band, band};
    vips_bandjoin(bands, &rgb, 3, nullptr);
    vips_cast_uchar(rgb, &out, nullptr);
    void* buffer = nullptr;
    std::size_t length = 0;
    vips_jpegsave_buffer(out, &buffer, &length, nullptr);
    std::string jpeg(static_cast<const char*>(buffer), length);
    g_free(buffer);
    for (auto* i : {xyz, band, rgb, out}) g_object_unref(i);
    return jpeg;
}

// A PNG that declares a 30000 × 30000 image in a few bytes: what a decompression bomb looks like to its reader.
std::string PngBomb() {
    auto chunk = [](const std::string& type, const std::string& data) {
        auto be = [](std::uint32_t v) {
            return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                               static_cast<char>(v)};
        };
        boost::crc_32_type crc;
        crc.process_bytes(type.data(), type.size());
        crc.process_bytes(data.data(), data.size());
        return be(static_cast<std::uint32_t>(data.size())) + type + data + be(crc.checksum());
    };
    const std::string side{'\0', '\0', '\x75', '\x30'};  // 30000
    return std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", side + side + std::string("\x08\x02\0\0\0", 5)) +
           chunk("IDAT", std::string("\x78\x9c\x63\x00\x00\x00\x01\x00\x01", 9)) + chunk("IEND", "");
}

std::string Capture(const std::string& command) {
    std::string out;
    if (FILE* p = popen(command.c_str(), "r")) {
        char buf[4096];
        while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
        pclose(p);
    }
    return out;
}

class Photos : public AppTest {
 protected:
    void SetUp() override {
        AppTest::SetUp();
        SeedSmallCity(3, 18);  // site 3 is a nursery
        clock_.Set(common::TokyoInstant(*common::ParseDate("2026-11-24"), *common::ParseTimeOfDay("10:30")));
        auto at_nursery = database().Read([](db::ReadTx& tx) {
            std::vector<common::ChildId> out;
            for (const auto& r : tx.Query("SELECT child_id FROM child_placement WHERE site_id = 3 ORDER BY child_id"))
                out.push_back(r.Id<common::ChildId>(0));
            return out;
        });
        ASSERT_GE(at_nursery.size(), 4u);
        children_.assign(at_nursery.begin(), at_nursery.begin() + 4);
        database().Write([&](db::WriteTx& tx) {
            auto mum = families::CreateConfirmedAccount(tx, "photo@example.test", "写真 花子",
                                                        auth::HashPassword("a photo passphrase"), "ja", clock_);
            families::LinkChild(tx, mum, children_[0], auth::FamilyRole::kFull, clock_);
            auto other = families::CreateConfirmedAccount(tx, "other@example.test", "別家 太郎",
                                                          auth::HashPassword("a photo passphrase"), "ja", clock_);
            families::LinkChild(tx, other, children_[3], auth::FamilyRole::kFull, clock_);
        });
    }
    std::string Page(int i) { return "/children/" + children_[i].ToString() + "/notebook"; }
    Result Upload(int i, const std::vector<FilePart>& files) {
        Get(Page(i));  // the form's CSRF token
        return PostFiles(Page(i) + "/photos", {{"date", "2026-11-24"}}, files);
    }
    std::int64_t Kept() { return One("SELECT COUNT(*) FROM photo") + One("SELECT COUNT(*) FROM photo_child"); }
    std::vector<std::int64_t> PhotoIds() {
        return database().Read([](db::ReadTx& tx) {
            std::vector<std::int64_t> out;
            for (const auto& r : tx.Query("SELECT id FROM photo ORDER BY id")) out.push_back(r.Int(0));
            return out;
        });
    }
    // exiftool's tags of a served file, one "Group:Tag: value" a line.
    std::string Tags(const std::string& bytes, const std::string& name) {
        const auto file = dir_ / name;
        std::ofstream(file, std::ios::binary) << bytes;
        return Capture("exiftool -G -s -a " + file.string());
    }
    // A JPEG with the place it was taken and the camera, and the same as an iPhone's HEIC (heif-enc keeps the EXIF).
    std::pair<std::string, std::string> PhoneFiles() {
        const auto jpeg = dir_ / "phone.jpg";
        std::ofstream(jpeg, std::ios::binary) << MakeJpeg(1600, 1200);
        Capture(
            "exiftool -q -overwrite_original -GPSLatitude=35.6895 -GPSLatitudeRef=N -GPSLongitude=139.6917 "
            "-GPSLongitudeRef=E -Make=TestCam -Model=Phone12 -Orientation#=6 " +
            jpeg.string());
        Capture("heif-enc -q 60 -o " + (dir_ / "phone.heic").string() + " " + jpeg.string() + " 2>&1");
        auto read = [](const std::filesystem::path& p) {
            std::ifstream in(p, std::ios::binary);
            return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        };
        return {read(jpeg), read(dir_ / "phone.heic")};
    }
    std::vector<common::ChildId> children_;
};

TEST_P(Photos, APhonesJpegAndHeicAreServedAsImagesWithoutThePlaceOrTheCamera) {
    auto [jpeg, heic] = PhoneFiles();
    // What was sent carries them (else this test proves nothing).
    ASSERT_NE(Tags(jpeg, "sent.jpg").find("GPSLatitude"), std::string::npos);
    auto sent_heic = Tags(heic, "sent.heic");
    ASSERT_NE(sent_heic.find("GPSLatitude"), std::string::npos) << sent_heic;
    ASSERT_NE(sent_heic.find("Phone12"), std::string::npos);
    SignIn("staff3", "tadaima-demo");
    auto up = Upload(0, {{"photos", "IMG_0001.JPG", jpeg}, {"photos", "IMG_0002.HEIC", heic}});
    ASSERT_EQ(up.status, 303) << up.body;
    auto ids = PhotoIds();
    ASSERT_EQ(ids.size(), 2u);
    EXPECT_EQ(AuditCount("notebook.photo_add"), 1);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        for (const std::string size : {"", "?size=thumb"}) {
            auto served = Get("/photos/" + std::to_string(ids[i]) + size);
            ASSERT_EQ(served.status, 200);
            EXPECT_EQ(served.raw.content_type, "image/jpeg");
            const auto tags = Tags(served.body, "served" + std::to_string(i) + ".jpg");
            EXPECT_NE(tags.find("[File]          FileType                        : JPEG"), std::string::npos) << tags;
            for (const char* gone : {"GPS", "Make", "Model", "Orientation", "Phone12", "TestCam", "[EXIF]"})
                EXPECT_EQ(tags.find(gone), std::string::npos) << gone << " in\n" << tags;
            // It decodes: libvips reads every pixel of it, and it is phone-sized (the JPEG turned upright by its tag).
            VipsImage* img = vips_image_new_from_buffer(served.body.data(), served.body.size(), "", "fail_on",
                                                        VIPS_FAIL_ON_TRUNCATED, nullptr);
            ASSERT_NE(img, nullptr);
            double avg = -1;
            EXPECT_EQ(vips_avg(img, &avg, nullptr), 0);
            const int longer = std::max(vips_image_get_width(img), vips_image_get_height(img));
            EXPECT_EQ(longer, size.empty() ? 1280 : 320);
            if (i == 0) EXPECT_GT(vips_image_get_height(img), vips_image_get_width(img));  // turned upright
            g_object_unref(img);
        }
    }
    // The page shows them, with a way to take one off.
    auto page = Get(Page(0));
    EXPECT_NE(page.body.find("/photos/" + std::to_string(ids[0]) + "?size=thumb"), std::string::npos);
    EXPECT_NE(page.body.find("data-qa=\"nb-photo-remove\""), std::string::npos);
}

TEST_P(Photos, WhatIsNoPhotoTooLargeOrABombIsRefusedAndNothingIsKept) {
    SignIn("staff3", "tadaima-demo");
    auto text = Upload(0, {{"photos", "notes.jpg", "これは写真ではありません"}});
    EXPECT_EQ(text.status, 415);
    EXPECT_NE(text.body.find("写真として読めない"), std::string::npos);
    // A PDF is no photo either, whatever libvips could make of it.
    EXPECT_EQ(Upload(0, {{"photos", "a.pdf", "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"}}).status, 415);
    auto bomb = Upload(0, {{"photos", "bomb.png", PngBomb()}});
    EXPECT_EQ(bomb.status, 422);
    EXPECT_NE(bomb.body.find("画素数が多すぎる"), std::string::npos);
    auto big = Upload(0, {{"photos", "big.jpg", MakeJpeg(64, 64) + std::string(photos::kMaxFileBytes, 'x')}});
    EXPECT_EQ(big.status, 413);
    EXPECT_NE(big.body.find("20MBまで"), std::string::npos);
    const auto whole = MakeJpeg(800, 600);
    auto cut = Upload(0, {{"photos", "cut.jpg", whole.substr(0, whole.size() / 2)}});
    EXPECT_EQ(cut.status, 422);
    EXPECT_NE(cut.body.find("壊れている"), std::string::npos);
    std::vector<FilePart> eleven(photos::kMaxPerUpload + 1, {"photos", "a.jpg", MakeJpeg(32, 32)});
    EXPECT_EQ(Upload(0, eleven).status, 422);
    // One good and one bad file: neither is kept.
    EXPECT_EQ(Upload(0, {{"photos", "good.jpg", whole}, {"photos", "bad.jpg", "nope"}}).status, 415);
    auto none = Upload(0, {});
    EXPECT_EQ(none.status, 422);
    EXPECT_NE(none.body.find("写真を選んでください"), std::string::npos);
    EXPECT_EQ(Kept(), 0);
    EXPECT_EQ(AuditCount("notebook.photo_add"), 0);
    // In English for a carer who reads English.
    Get("/lang/en");
    EXPECT_NE(Upload(0, {{"photos", "notes.jpg", "text"}}).body.find("cannot be read as a photo"), std::string::npos);
}

TEST_P(Photos, OnePhotoOnThreePagesIsSeenByThoseFamiliesOnceThePageIsPublishedAndByNobodyElse) {
    SignIn("staff3", "tadaima-demo");
    auto cls = Get("/sites/3/notebook");
    ASSERT_EQ(cls.status, 200);
    std::vector<std::pair<std::string, std::string>> form{{"date", "2026-11-24"}, {"action", "save"},
                                                          {"lunch", "all"},       {"nap_start", "12:30"},
                                                          {"nap_end", "14:00"},   {"mood", "good"}};
    for (int i = 0; i < 3; ++i) {
        form.push_back({"child", children_[i].ToString()});
        form.push_back({"version_" + children_[i].ToString(), "0"});
    }
    auto bulk = PostFiles("/sites/3/notebook", form, {{"photos", "outing.jpg", MakeJpeg(1024, 768)}});
    ASSERT_EQ(bulk.status, 303) << bulk.body;
    auto ids = PhotoIds();
    ASSERT_EQ(ids.size(), 1u);
    const std::string photo = std::to_string(ids[0]);
    EXPECT_EQ(One("SELECT COUNT(*) FROM photo_child"), 3);
    EXPECT_EQ(AuditCount("notebook.photo_add"), 3);
    EXPECT_NE(Get("/sites/3/notebook").body.find("写真1枚"), std::string::npos);
    // Staff of another site: not there. (Their own photo route, so the decision is the rights', not the page's.)
    cookies_.clear();
    SignIn("staff1", "tadaima-demo");
    EXPECT_EQ(Get("/photos/" + photo).status, 404);
    // The family: not before the page is published.
    cookies_.clear();
    SignInGuardian("photo@example.test", "a photo passphrase");
    EXPECT_EQ(Get("/family/photos/" + photo).status, 404);
    EXPECT_EQ(Get("/photos/" + photo).status, 303);  // the staff's route sends to the staff's sign-in
    cookies_.clear();
    SignIn("staff3", "tadaima-demo");
    Get(Page(0));
    ASSERT_EQ(Post(Page(0) + "/publish", {{"date", "2026-11-24"}}).status, 303);
    cookies_.clear();
    SignInGuardian("photo@example.test", "a photo passphrase");
    auto seen = Get("/family/photos/" + photo);
    ASSERT_EQ(seen.status, 200);
    EXPECT_EQ(seen.raw.content_type, "image/jpeg");
    EXPECT_NE(Get("/family/children/" + children_[0].ToString() + "/notebook").body.find("/family/photos/" + photo),
              std::string::npos);
    // Another family, whose child is not on the photo: not there, whatever they try.
    cookies_.clear();
    SignInGuardian("other@example.test", "a photo passphrase");
    EXPECT_EQ(Get("/family/photos/" + photo).status, 404);
    EXPECT_EQ(Get("/family/photos/" + photo + "?size=thumb").status, 404);
    // Taken off one page it stays on the others (and the published page says it changed); off the last, it is gone.
    cookies_.clear();
    SignIn("staff3", "tadaima-demo");
    Get(Page(0));
    ASSERT_EQ(Post(Page(0) + "/photos/" + photo + "/remove", {{"date", "2026-11-24"}}).status, 303);
    EXPECT_EQ(One("SELECT COUNT(*) FROM photo_child"), 2);
    EXPECT_EQ(One("SELECT COUNT(*) FROM notebook_entry WHERE edited_after_publish_at IS NOT NULL"), 1);
    // A second tap: nothing more to do, and nothing else taken off.
    EXPECT_EQ(Post(Page(0) + "/photos/" + photo + "/remove", {{"date", "2026-11-24"}}).status, 303);
    EXPECT_EQ(One("SELECT COUNT(*) FROM photo_child"), 2);
    // Not another child's page through this one's address: the photo is not on the fourth child's page.
    Get(Page(3));
    EXPECT_EQ(Post(Page(3) + "/photos/" + photo + "/remove", {{"date", "2026-11-24"}}).status, 303);
    EXPECT_EQ(One("SELECT COUNT(*) FROM photo_child"), 2);
    for (int i = 1; i < 3; ++i) {
        Get(Page(i));
        ASSERT_EQ(Post(Page(i) + "/photos/" + photo + "/remove", {{"date", "2026-11-24"}}).status, 303);
    }
    EXPECT_EQ(Kept(), 0);
    EXPECT_EQ(AuditCount("notebook.photo_remove"), 3);
}

INSTANTIATE_TEST_SUITE_P(Db, Photos, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

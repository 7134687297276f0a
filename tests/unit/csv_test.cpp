#include <gtest/gtest.h>

#include "roster/csv.hpp"

namespace {
roster::CsvFile Parse(std::string_view text) {
    auto r = roster::ParseCsv(text);
    EXPECT_TRUE(std::holds_alternative<roster::CsvFile>(r));
    return std::get<roster::CsvFile>(r);
}
}  // namespace

TEST(Csv, QuotedFieldsHoldCommasQuotesAndLineBreaksAndRecordsKnowTheirLine) {
    auto f = Parse("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\nlast,,\r\n\r\n");
    ASSERT_EQ(f.records.size(), 3u);
    EXPECT_EQ(f.records[1].fields, (std::vector<std::string>{"x, y", "say \"hi\"", "two\r\nlines"}));
    EXPECT_EQ(f.records[1].line, 2);
    EXPECT_EQ(f.records[2].line, 4) << "the record after a two-line field starts on line 4";
    EXPECT_EQ(f.records[2].fields, (std::vector<std::string>{"last", "", ""}));
    EXPECT_EQ(f.encoding, "UTF-8");
}

TEST(Csv, AByteOrderMarkIsDroppedAndLfAloneWorks) {
    auto f = Parse("\xEF\xBB\xBF名前,学年\n山田,1\n");
    ASSERT_EQ(f.records.size(), 2u);
    EXPECT_EQ(f.records[0].fields[0], "名前");
}

TEST(Csv, Cp932WithItsNecAndIbmExtensionsIsDecoded) {
    // 髙 (IBM extension FBFC), 﨑 (FAB1), ① (NEC special 8740), then ",ｱ" (half-width katakana B1).
    auto f = Parse("\xFB\xFC\xFA\xB1\x87\x40,\xB1\r\n");
    EXPECT_EQ(f.encoding, "CP932");
    ASSERT_EQ(f.records.size(), 1u);
    EXPECT_EQ(f.records[0].fields[0], "髙﨑①");
    EXPECT_EQ(f.records[0].fields[1], "ｱ");
}

TEST(Csv, BrokenQuotingIsAnErrorWithItsLine) {
    auto unterminated = roster::ParseCsv("a,b\n\"open,c\n");
    ASSERT_TRUE(std::holds_alternative<roster::CsvError>(unterminated));
    EXPECT_EQ(std::get<roster::CsvError>(unterminated).line, 2);
    EXPECT_EQ(std::get<roster::CsvError>(unterminated).message_key, "error_import_unterminated");
    auto stray = roster::ParseCsv("a\n\"x\"y\n");
    ASSERT_TRUE(std::holds_alternative<roster::CsvError>(stray));
    EXPECT_EQ(std::get<roster::CsvError>(stray).message_key, "error_import_quote");
}

TEST(Csv, BytesThatAreNeitherUtf8NorCp932AreRefused) {
    auto r = roster::ParseCsv("\x80\xFF\xFF");
    ASSERT_TRUE(std::holds_alternative<roster::CsvError>(r));
    EXPECT_EQ(std::get<roster::CsvError>(r).message_key, "error_import_encoding");
}

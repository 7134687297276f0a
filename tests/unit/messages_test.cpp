// What makes an attachment a PDF (its content, not its name), and the names of a message's audiences.
#include <gtest/gtest.h>

#include "messages/messages.hpp"

namespace {

TEST(Attachments, APdfIsKnownByItsHeaderAndItsEndOfFileMarker) {
    const std::string pdf = "%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
    EXPECT_TRUE(messages::IsPdf(pdf));
    EXPECT_TRUE(messages::IsPdf(pdf + std::string(200, '\0')));  // padding after the marker, as some writers add
    EXPECT_TRUE(messages::IsPdf("%PDF-2.0\n" + std::string(5000, 'x') + "\n%%EOF"));
}

TEST(Attachments, OtherContentIsNotAPdfWhateverItIsCalled) {
    EXPECT_FALSE(messages::IsPdf(""));
    EXPECT_FALSE(messages::IsPdf("%PDF-"));
    EXPECT_FALSE(messages::IsPdf(std::string("\x89PNG\r\n\x1a\n", 8) + std::string(100, 'x')));
    EXPECT_FALSE(messages::IsPdf("<html><body>%PDF-1.4 %%EOF</body></html>"));  // not at the start
    // A truncated upload: the header but no end.
    EXPECT_FALSE(messages::IsPdf("%PDF-1.4\n" + std::string(5000, 'x')));
    // The marker only far before the end (a PDF with something else appended).
    EXPECT_FALSE(messages::IsPdf("%PDF-1.4\n%%EOF\n" + std::string(4096, 'x')));
}

TEST(Scopes, NamesRoundTripAndOnlyTheCitysHaveNoSite) {
    using messages::Scope;
    for (auto s : {Scope::kSite, Scope::kGrade, Scope::kGroup, Scope::kChildren, Scope::kSites, Scope::kAll}) {
        EXPECT_EQ(messages::ParseScope(messages::ScopeName(s)), s);
    }
    EXPECT_EQ(messages::ParseScope("everyone"), std::nullopt);
    EXPECT_TRUE(messages::CityScope(Scope::kAll));
    EXPECT_TRUE(messages::CityScope(Scope::kSites));
    EXPECT_FALSE(messages::CityScope(Scope::kGrade));
}

}  // namespace

// The family pass, the PIN and the kiosk's ticket at a nursery's entrance, and the kiosk's requests, without a
// database.
#include <gtest/gtest.h>

#include "common/dates.hpp"
#include "entrance/pass.hpp"
#include "entrance/request.hpp"

namespace {

using entrance::Pass;
using entrance::PassProblem;

const std::string kSecret = "unit-test-secret-0123456789abcdef";

common::Instant T(const std::string& tokyo_hhmm) {
    return common::TokyoInstant(*common::ParseDate("2026-12-04"), *common::ParseTimeOfDay(tokyo_hhmm));
}

TEST(FamilyPass, NamesTheAccountUntilItsMinuteIsOver) {
    auto now = T("08:00");
    std::string pass = entrance::MakePass(kSecret, common::AccountId(42), now);
    EXPECT_TRUE(pass.starts_with("TDF1-42-"));
    EXPECT_EQ(pass.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567-0123456789"), std::string::npos);
    for (auto later : {std::chrono::seconds(0), std::chrono::seconds(30), std::chrono::seconds(60)}) {
        auto read = entrance::ReadPass(kSecret, pass, now + later);
        ASSERT_TRUE(std::holds_alternative<Pass>(read)) << later.count();
        EXPECT_EQ(std::get<Pass>(read).account.value, 42);
    }
    auto late = entrance::ReadPass(kSecret, pass, now + std::chrono::seconds(61));
    ASSERT_TRUE(std::holds_alternative<PassProblem>(late));
    EXPECT_EQ(std::get<PassProblem>(late), PassProblem::kExpired);
}

TEST(FamilyPass, CannotBeForgedAlteredOrMadeToLastLonger) {
    auto now = T("08:00");
    std::string pass = entrance::MakePass(kSecret, common::AccountId(42), now);
    auto unreadable = [&](const std::string& text) {
        auto r = entrance::ReadPass(kSecret, text, now);
        return std::holds_alternative<PassProblem>(r) && std::get<PassProblem>(r) == PassProblem::kUnreadable;
    };
    EXPECT_TRUE(unreadable(entrance::MakePass("another-secret-0123456789abcdef", common::AccountId(42), now)));
    std::string other_account = pass;
    other_account.replace(5, 2, "43");
    EXPECT_TRUE(unreadable(other_account));
    // The same account with an expiry an hour later, signed by nobody.
    auto dash = pass.find('-', 8);
    std::string expiry = pass.substr(8, dash - 8);
    std::string longer = pass;
    longer.replace(8, expiry.size(), std::to_string(std::stoll(expiry) + 3600));
    EXPECT_TRUE(unreadable(longer));
    EXPECT_TRUE(unreadable("TD1-42-K3J5QW7ZP2M4XAHB"));  // a child's card is not a pass
    EXPECT_TRUE(unreadable(""));
    EXPECT_TRUE(unreadable(pass + "A"));
    EXPECT_TRUE(unreadable(std::string(200, 'T')));
    // Case and surrounding space, as a reader types it, do not matter.
    std::string lower = pass;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_TRUE(std::holds_alternative<Pass>(entrance::ReadPass(kSecret, " " + lower + "\r\n", now)));
}

TEST(FamilyPin, IsSixDigitsAsTypedInHalfOrFullWidth) {
    EXPECT_EQ(entrance::NormalisePin("012345").value_or(""), "012345");
    EXPECT_EQ(entrance::NormalisePin(" 012 345 ").value_or(""), "012345");
    EXPECT_EQ(entrance::NormalisePin("０１２３４５").value_or(""), "012345");
    EXPECT_EQ(entrance::NormalisePin("012-345").value_or(""), "012345");
    EXPECT_FALSE(entrance::NormalisePin("12345"));
    EXPECT_FALSE(entrance::NormalisePin("1234567"));
    EXPECT_FALSE(entrance::NormalisePin("12345a"));
    EXPECT_FALSE(entrance::NormalisePin(""));
    for (int i = 0; i < 50; ++i) {
        auto pin = entrance::NewPin();
        EXPECT_EQ(entrance::NormalisePin(pin).value_or(""), pin);
    }
    EXPECT_EQ(entrance::PinKey(kSecret, "012345"), entrance::PinKey(kSecret, "012345"));
    EXPECT_NE(entrance::PinKey(kSecret, "012345"), entrance::PinKey(kSecret, "012346"));
    EXPECT_NE(entrance::PinKey(kSecret, "012345"), entrance::PinKey("another-secret-0123456789abcdef", "012345"));
}

TEST(EntranceTicket, IsGoodForItsKioskAndAccountForThreeMinutes) {
    auto now = T("16:30");
    auto ticket = entrance::MakeTicket(kSecret, common::KioskId(3), common::AccountId(42), now);
    EXPECT_EQ(entrance::ReadTicket(kSecret, ticket, common::KioskId(3), now + std::chrono::minutes(3))
                  .value_or(common::AccountId(0))
                  .value,
              42);
    EXPECT_FALSE(entrance::ReadTicket(kSecret, ticket, common::KioskId(3), now + std::chrono::seconds(181)));
    EXPECT_FALSE(entrance::ReadTicket(kSecret, ticket, common::KioskId(4), now));  // another kiosk's
    EXPECT_FALSE(entrance::ReadTicket("another-secret-0123456789abcdef", ticket, common::KioskId(3), now));
    std::string other = ticket;
    other.replace(0, 2, "43");
    EXPECT_FALSE(entrance::ReadTicket(kSecret, other, common::KioskId(3), now));
}

TEST(EntranceRequests, TakeAPassOrAPinAndChildrenWithTheirDirection) {
    auto lookup = entrance::ParseLookupBody(R"({"pin":"123456"})");
    ASSERT_TRUE(std::holds_alternative<entrance::LookupBody>(lookup));
    EXPECT_EQ(std::get<entrance::LookupBody>(lookup).pin.value_or(""), "123456");
    EXPECT_TRUE(std::holds_alternative<std::string>(entrance::ParseLookupBody(R"({"pin":"1","pass":"x"})")));
    EXPECT_TRUE(std::holds_alternative<std::string>(entrance::ParseLookupBody(R"({})")));
    EXPECT_TRUE(std::holds_alternative<std::string>(entrance::ParseLookupBody("not json")));

    auto stamp = entrance::ParseStampBody(
        R"({"ticket":"1.2.X","stamp_id":"ab12","children":[{"id":7,"direction":"out"},{"id":8,"direction":"in"}],"pickup":12})");
    ASSERT_TRUE(std::holds_alternative<entrance::StampBody>(stamp));
    const auto& s = std::get<entrance::StampBody>(stamp);
    ASSERT_EQ(s.children.size(), 2u);
    EXPECT_EQ(s.children[0].first.value, 7);
    EXPECT_EQ(s.children[0].second, attendance::Direction::kOut);
    EXPECT_TRUE(s.pickup_given);
    EXPECT_EQ(s.pickup.value_or(common::PickupPersonId(0)).value, 12);
    auto self = std::get<entrance::StampBody>(entrance::ParseStampBody(
        R"({"ticket":"t","stamp_id":"a","children":[{"id":7,"direction":"out"}],"pickup":"self"})"));
    EXPECT_TRUE(self.pickup_given);
    EXPECT_FALSE(self.pickup);
    auto none = std::get<entrance::StampBody>(
        entrance::ParseStampBody(R"({"ticket":"t","stamp_id":"a","children":[{"id":7,"direction":"in"}]})"));
    EXPECT_FALSE(none.pickup_given);
    for (const char* bad : {R"({"ticket":"t","stamp_id":"a b","children":[]})",
                            R"({"ticket":"t","stamp_id":"a","children":[{"id":-1,"direction":"in"}]})",
                            R"({"ticket":"t","stamp_id":"a","children":[{"id":7,"direction":"sideways"}]})",
                            R"({"ticket":"t","stamp_id":"a","children":[{"id":7,"direction":"in"}],"pickup":"mum"})",
                            R"({"stamp_id":"a","children":[]})"}) {
        EXPECT_TRUE(std::holds_alternative<std::string>(entrance::ParseStampBody(bad))) << bad;
    }
}

}  // namespace

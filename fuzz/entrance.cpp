// What a nursery's entrance kiosk is shown or sent: a family pass, a typed PIN, the kiosk's ticket and its two JSON
// bodies. Whatever is accepted is well-formed: a pass or ticket only as this server made it (for a positive id), a
// PIN as six ASCII digits, a stamp with at most twenty children of positive ids.
#include <cstdint>
#include <string>
#include <string_view>

#include "check.hpp"
#include "entrance/pass.hpp"
#include "entrance/request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string secret = "fuzzing-secret-0123456789abcdef0123456789";
    static const auto now = common::Instant(std::chrono::seconds(1'800'000'000));
    std::string_view text(reinterpret_cast<const char*>(data), size);

    auto pass = entrance::ReadPass(secret, text, now);
    if (auto* p = std::get_if<entrance::Pass>(&pass)) {
        FUZZ_CHECK(p->account.value > 0);
        // Only this server's own pass for the account, made within the last minute.
        bool ours = false;
        for (int back = 0; back <= 60 && !ours; ++back) {
            std::string made = entrance::MakePass(secret, p->account, now - std::chrono::seconds(back));
            std::string typed(text);
            for (char& c : typed) {
                if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
            }
            ours = typed.find(made) != std::string::npos;
        }
        FUZZ_CHECK(ours);
    }
    if (auto pin = entrance::NormalisePin(text)) {
        FUZZ_CHECK(pin->size() == entrance::kPinDigits);
        for (char c : *pin) FUZZ_CHECK(c >= '0' && c <= '9');
    }
    if (auto account = entrance::ReadTicket(secret, text, common::KioskId(7), now)) {
        FUZZ_CHECK(account->value > 0);
    }
    auto lookup = entrance::ParseLookupBody(text);
    if (auto* l = std::get_if<entrance::LookupBody>(&lookup)) FUZZ_CHECK(l->pass.has_value() != l->pin.has_value());
    auto stamp = entrance::ParseStampBody(text);
    if (auto* s = std::get_if<entrance::StampBody>(&stamp)) {
        FUZZ_CHECK(!s->stamp_id.empty() && s->stamp_id.size() <= 48);
        FUZZ_CHECK(s->children.size() <= 20);
        for (const auto& [id, direction] : s->children) FUZZ_CHECK(id.value > 0);
        FUZZ_CHECK(!s->pickup || (s->pickup_given && s->pickup->value > 0));
    } else {
        FUZZ_CHECK(std::get<std::string>(stamp) == "error_entrance_malformed");
    }
    return 0;
}

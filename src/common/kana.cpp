#include "common/kana.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <stdexcept>

namespace common {

std::string FoldForSearch(std::string_view text) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
    if (U_FAILURE(status)) throw std::runtime_error("ICU NFKC normaliser is unavailable");
    icu::UnicodeString in =
        icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
    icu::UnicodeString normal = nfkc->normalize(in, status);
    if (U_FAILURE(status)) return {};
    icu::UnicodeString out;
    for (int32_t i = 0; i < normal.length();) {
        UChar32 c = normal.char32At(i);
        i += U16_LENGTH(c);
        if (u_isUWhiteSpace(c)) continue;
        if (c >= 0x30A1 && c <= 0x30F6) c -= 0x60;  // katakana ァ..ヶ → hiragana ぁ..ゖ
        out.append(u_tolower(c));
    }
    std::string result;
    out.toUTF8String(result);
    return result;
}

bool IsKana(std::string_view text) {
    icu::UnicodeString s =
        icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
    for (int32_t i = 0; i < s.length();) {
        UChar32 c = s.char32At(i);
        i += U16_LENGTH(c);
        bool kana = (c >= 0x3041 && c <= 0x309F) || (c >= 0x30A0 && c <= 0x30FF) || (c >= 0xFF66 && c <= 0xFF9F) ||
                    c == 0x3000 || c == ' ';
        if (!kana) return false;
    }
    return true;
}

}  // namespace common

#pragma once
// Kana-aware search keys: a search in hiragana finds katakana and half-width katakana, and the reverse.
#include <string>
#include <string_view>

namespace common {

// NFKC (half-width → full-width, full-width latin → ASCII), katakana → hiragana, lower case,
// and all white space removed, so "ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ　タロウ" and "やまだたろう" fold to the same key.
std::string FoldForSearch(std::string_view text);

// True when the text is only kana (hiragana or katakana), prolonged sound marks and spaces.
bool IsKana(std::string_view text);

}  // namespace common

#pragma once
// Field checks shared by the forms. Each returns a catalogue key when the value is not acceptable.
#include <optional>
#include <string>
#include <string_view>

#include "app/context.hpp"

namespace app {

// Trimmed text of a form field; records "required" / "too long" errors as asked.
std::string TextField(const http::Params& form, const std::string& name, FormErrors& errors, bool required,
                      std::size_t max_chars = 100);
// A text area's text: like TextField, but line breaks are kept (a browser's CRLF made LF) and counted as one
// character each.
std::string TextAreaField(const http::Params& form, const std::string& name, FormErrors& errors, bool required,
                          std::size_t max_chars);
// Like TextField, and the value must be kana (hiragana, katakana or half-width katakana) when given.
std::string KanaField(const http::Params& form, const std::string& name, FormErrors& errors, bool required);
std::optional<std::string> DateField(const http::Params& form, const std::string& name, FormErrors& errors,
                                     bool required);
std::optional<int> IntField(const http::Params& form, const std::string& name, FormErrors& errors, int min, int max);
std::string EmailField(const http::Params& form, const std::string& name, FormErrors& errors, bool required);
std::string PhoneField(const http::Params& form, const std::string& name, FormErrors& errors);
std::size_t CharCount(std::string_view s);

}  // namespace app

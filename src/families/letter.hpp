#pragma once
// The registration letter: one A4 page per child, in Japanese (with a short English line), with the child's name,
// the site, a QR code of the registration URL and the one-time code with its last day.
#include <string>
#include <vector>

namespace families {

struct LetterContent {
    std::string child_name;
    std::string child_kana;
    std::string site_name;
    std::string site_phone;
    std::string code;          // XXXX-XXXX-XXXX
    std::string url;           // the registration URL with the code, for the QR code
    std::string register_url;  // the same without the code, for typing
    std::string expires_on;    // YYYY-MM-DD, Tokyo
    std::string issued_on;     // YYYY-MM-DD, Tokyo
};

// A PDF with one page per letter.
std::string RenderLetters(const std::vector<LetterContent>& letters);

}  // namespace families

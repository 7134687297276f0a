#pragma once
// Static assets embedded from src/web/static/, served at content-hashed URLs (/static/app.<hash>.css) with a
// one-year immutable cache: a new build changes the URL, never the content behind one.
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace web {

struct Asset {
    std::string url;  // /static/app.3f2a…c1.css
    std::string content_type;
    std::string_view data;
};

class Assets {
 public:
    Assets();
    // The hashed URL of a source file name such as "app.css"; throws when there is no such asset.
    const std::string& Url(std::string_view file) const;
    bool Has(std::string_view file) const;
    // The content of a source file (for the few served at a fixed URL, such as a service worker).
    std::string_view Data(std::string_view file) const;
    // The asset behind a hashed file name such as "app.3f2a…c1.css".
    const Asset* FindByHashedName(std::string_view hashed) const;

 private:
    std::map<std::string, Asset, std::less<>> by_file_;
    std::map<std::string, const Asset*, std::less<>> by_hashed_;
};

}  // namespace web

#pragma once
// Files compiled into the binary by cmake/embed.cmake: templates, static assets, catalogue, migrations.
#include <string_view>
#include <vector>

namespace web {

struct EmbeddedFile {
    std::string_view path;  // relative to the source root, e.g. "src/web/static/app.css"
    std::string_view data;
};

const std::vector<EmbeddedFile>& EmbeddedFiles();

}  // namespace web

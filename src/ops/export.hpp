#pragma once
// The city's data in an open format (J9), so that a city can leave with it: one ZIP holding a CSV file per table
// and a description of every table and column (schema.json, and README.txt for people). The whole city, or one
// site and what belongs to it (its children, their guardians, their records at this site). Read in one snapshot.
// Credentials (password and token hashes, second-factor secrets, sessions, keys) and the server's internal tables
// (the job queue, sign-in attempts) are not exported; schema.json lists them with the reason.
//
// CSV: UTF-8 without a byte-order mark, RFC 4180 quoting, CRLF, a header row of column names. An empty field is
// NULL; an empty text is "" (quoted). Facility dates are YYYY-MM-DD (Asia/Tokyo), instants UTC as the database
// writes them.
#include <cstdint>
#include <optional>
#include <string>

#include "auth/data_keys.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"

namespace ops {

struct ExportSummary {
    int tables = 0;
    std::int64_t rows = 0;
    std::uintmax_t bytes = 0;
};

// Writes the ZIP to `out`, which must not exist; nothing is left under that name when it fails (a temporary name
// beside it, renamed when whole). `site`: one site, else the city. `now` is written into schema.json.
// Throws std::runtime_error with the reason (an unknown site, a path that cannot be written).
// Sealed fields (auth/data_keys.hpp) are written opened, with `keys`; without keys a sealed value stops the export.
ExportSummary Export(db::Database& db, std::optional<common::SiteId> site, const std::string& out,
                     const std::string& now, const auth::DataKeys* keys = nullptr);

}  // namespace ops

#pragma once
// Named limits of the network path. Values are defaults; TADAIMA_* environment variables may change some.
#include <algorithm>
#include <chrono>
#include <cstddef>

namespace http {

struct Limits {
    std::size_t max_body_bytes = 1 << 20;           // 1 MiB: forms and JSON
    std::size_t max_upload_bytes = 8 << 20;         // 8 MiB: a multipart form with files (a message's PDFs)
    std::size_t max_photo_upload_bytes = 64 << 20;  // 64 MiB: photos from a phone (each at most 20 MB)
    // The largest body any route takes: what the parser allows before the route is known.
    std::size_t Largest() const { return std::max({max_body_bytes, max_upload_bytes, max_photo_upload_bytes}); }
    std::size_t max_header_bytes = 16 * 1024;     // request line + headers
    std::chrono::seconds read_timeout{30};        // to receive one whole request
    std::chrono::seconds keep_alive_timeout{75};  // idle between requests on one connection
    std::chrono::seconds write_timeout{30};
    int max_connections = 2048;                // beyond this new connections are closed at once
    std::chrono::seconds shutdown_grace{20};   // in-flight requests get this long after SIGTERM
    std::chrono::seconds event_heartbeat{15};  // a quiet event stream sends a comment this often
    // After refusing a request whose body is still coming, read and drop it for this long (or this much) before
    // closing, so that the client reads the refusal instead of a reset connection.
    std::chrono::seconds linger{2};
    std::size_t max_linger_bytes = 64 << 20;
};

}  // namespace http

#pragma once
// A photo as it arrives from a phone or a tablet (JPEG, PNG, or an iPhone's HEIC), made fit to keep and to serve:
// decoded by libvips (no parser of ours), turned upright, flattened onto white, resized for phones, and written
// again as JPEG without any of the original's metadata (the place it was taken, the camera, the time).
//
// Only the three loaders are open (libvips' others — SVG, PDF, TIFF, the untrusted ones — are blocked), and the
// size is read from the header before anything is decoded, so that a small file declaring a huge image (a
// decompression bomb) is refused without the memory it asks for.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace photos {

inline constexpr std::size_t kMaxFileBytes = 20u << 20;  // a 12-megapixel JPEG is 3–8 MB, a HEIC 2–4 MB
inline constexpr long long kMaxPixels = 50'000'000;      // a 48-megapixel iPhone photo, not more
inline constexpr int kMaxSide = 12'000;
inline constexpr int kDisplaySide = 1280;  // the longer side as served to a phone
inline constexpr int kThumbSide = 320;     // the longer side in a list

// Why a file was refused: `key` is the message's catalogue key, `status` the HTTP status.
class Refused : public std::runtime_error {
 public:
    Refused(const char* key, int status) : std::runtime_error(key), key_(key), status_(status) {}
    const char* key() const { return key_; }
    int status() const { return status_; }

 private:
    const char* key_;
    int status_;
};

struct Prepared {
    std::string display;        // JPEG, the longer side at most kDisplaySide, no metadata
    std::string thumb;          // JPEG, the longer side at most kThumbSide, no metadata
    int width = 0, height = 0;  // the display image's
    std::string format;         // what arrived: "jpeg", "png" or "heif"
};
// Throws Refused for a file that is not one of the three formats, is larger than kMaxFileBytes, declares more than
// kMaxPixels (or a side over kMaxSide), or does not decode to the end.
Prepared Prepare(std::string_view bytes);

}  // namespace photos

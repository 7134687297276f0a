#include "photos/image.hpp"

#include <vips/vips.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <semaphore>
#include <thread>

namespace photos {
namespace {

struct Unref {
    void operator()(VipsImage* image) const { g_object_unref(image); }
};
using Image = std::unique_ptr<VipsImage, Unref>;

// The loaders a photo may use: their libvips class, and the one the sniffer names for a buffer.
struct Loader {
    const char* type;
    const char* buffer_type;
    const char* format;
};
constexpr Loader kLoaders[] = {
    {"VipsForeignLoadJpeg", "VipsForeignLoadJpegBuffer", "jpeg"},
    {"VipsForeignLoadPng", "VipsForeignLoadPngBuffer", "png"},
    {"VipsForeignLoadHeif", "VipsForeignLoadHeifBuffer", "heif"},
};

void Start() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (VIPS_INIT("tadaima"))
            throw std::runtime_error(std::string("libvips did not start: ") + vips_error_buffer());
        // Each photo is new: nothing worth caching between requests; one thread per photo (the server's workers are
        // the parallelism).
        vips_cache_set_max(0);
        // A damaged file is refused with a message of ours; libvips' own warnings about it would be unstructured lines
        // in the server's log.
        g_log_set_handler(
            "VIPS", G_LOG_LEVEL_WARNING, [](const gchar*, GLogLevelFlags, const gchar*, gpointer) {}, nullptr);
        vips_concurrency_set(1);
        vips_block_untrusted_set(TRUE);
        vips_operation_block_set("VipsForeignLoad", TRUE);
        for (const auto& l : kLoaders) vips_operation_block_set(l.type, FALSE);
    });
}

// A 12-megapixel HEIC takes some 250 MB while it is decoded (measured in `make bench`): as many photos at once as
// there are cores, the others wait their turn, so that a class's worth of uploads cannot exhaust the memory.
class Slot {
 public:
    Slot() { Slots().acquire(); }
    ~Slot() { Slots().release(); }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

 private:
    static std::counting_semaphore<64>& Slots() {
        static std::counting_semaphore<64> slots(
            std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, 8));
        return slots;
    }
};

[[noreturn]] void Refuse(const char* key, int status) {
    vips_error_clear();
    throw Refused(key, status);
}

std::string Jpeg(VipsImage* image) {
    void* buffer = nullptr;
    std::size_t length = 0;
    if (vips_jpegsave_buffer(image, &buffer, &length, "Q", 80, "strip", TRUE, "optimize_coding", TRUE, nullptr))
        Refuse("error_photo_broken", 422);
    std::string out(static_cast<const char*>(buffer), length);
    g_free(buffer);
    return out;
}

// Upright (the thumbnail turns it by its orientation tag), without alpha (a PNG's transparency on white), in sRGB.
Image Ready(VipsImage* in) {
    Image image(in);
    if (vips_image_hasalpha(image.get())) {
        VipsArrayDouble* white = vips_array_double_newv(3, 255.0, 255.0, 255.0);
        VipsImage* flat = nullptr;
        const int rc = vips_flatten(image.get(), &flat, "background", white, nullptr);
        vips_area_unref(VIPS_AREA(white));
        if (rc) Refuse("error_photo_broken", 422);
        image.reset(flat);
    }
    if (vips_image_guess_interpretation(image.get()) != VIPS_INTERPRETATION_sRGB &&
        vips_image_guess_interpretation(image.get()) != VIPS_INTERPRETATION_B_W) {
        VipsImage* srgb = nullptr;
        if (vips_colourspace(image.get(), &srgb, VIPS_INTERPRETATION_sRGB, nullptr)) Refuse("error_photo_broken", 422);
        image.reset(srgb);
    }
    return image;
}

}  // namespace

Prepared Prepare(std::string_view bytes) {
    Start();
    if (bytes.size() > kMaxFileBytes) throw Refused("error_photo_too_large", 413);
    if (bytes.empty()) throw Refused("error_photo_not_image", 415);
    const char* found = vips_foreign_find_load_buffer(bytes.data(), bytes.size());
    const auto* loader = found ? std::find_if(std::begin(kLoaders), std::end(kLoaders),
                                              [&](const Loader& l) { return std::string_view(found) == l.buffer_type; })
                               : std::end(kLoaders);
    if (loader == std::end(kLoaders)) Refuse("error_photo_not_image", 415);
    Prepared out;
    out.format = loader->format;
    Slot slot;
    {
        // The header only: a lazy image decodes nothing until its pixels are asked for.
        Image header(
            vips_image_new_from_buffer(bytes.data(), bytes.size(), "", "access", VIPS_ACCESS_SEQUENTIAL, nullptr));
        if (!header) Refuse("error_photo_not_image", 415);
        const long long w = vips_image_get_width(header.get()), h = vips_image_get_height(header.get());
        if (w * h > kMaxPixels || std::max(w, h) > kMaxSide) Refuse("error_photo_pixels", 422);
    }
    VipsImage* shrunk = nullptr;
    if (vips_thumbnail_buffer(const_cast<char*>(bytes.data()), bytes.size(), &shrunk, kDisplaySide, "height",
                              kDisplaySide, "size", VIPS_SIZE_DOWN, "option_string", "fail_on=error", nullptr))
        Refuse("error_photo_broken", 422);
    Image display = Ready(shrunk);
    out.display = Jpeg(display.get());  // decodes the original, to the end
    out.width = vips_image_get_width(display.get());
    out.height = vips_image_get_height(display.get());
    VipsImage* small = nullptr;
    // From the JPEG just written: the original is not decoded twice.
    if (vips_thumbnail_buffer(out.display.data(), out.display.size(), &small, kThumbSide, "height", kThumbSide, "size",
                              VIPS_SIZE_DOWN, nullptr))
        Refuse("error_photo_broken", 422);
    Image thumb(small);
    out.thumb = Jpeg(thumb.get());
    return out;
}

}  // namespace photos

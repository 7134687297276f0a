#pragma once
// Server-sent events: a handler answers with an EventChannel; the server keeps the connection open and writes
// whatever is pushed into the channel, from any thread, as it arrives (text/event-stream, chunked).
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace http {

// One event in the text/event-stream format (an `id` lets a reconnecting client send Last-Event-ID).
std::string FormatEvent(std::string_view event, std::string_view data, std::optional<std::string> id = std::nullopt);

class EventChannel {
 public:
    // A client that does not read is cut off once this much is waiting, rather than filling memory.
    static constexpr std::size_t kMaxBufferedBytes = 1 << 20;

    // Queues an already formatted event; false when the channel is closed (the client has gone).
    bool Push(std::string formatted);
    // Ends the stream after what is queued has been written.
    void Close();
    bool closed() const;

    // For the server: everything queued so far, and whether the channel is closed.
    struct Batch {
        std::string data;
        bool closed = false;
    };
    Batch Take();
    // For the server: called (from the pushing thread) after each Push or Close. Empty to stop.
    void SetWaker(std::function<void()> waker);

 private:
    mutable std::mutex mutex_;
    std::string buffer_;
    bool closed_ = false;
    std::function<void()> waker_;
};

}  // namespace http

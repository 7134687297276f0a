#include "http/events.hpp"

namespace http {

std::string FormatEvent(std::string_view event, std::string_view data, std::optional<std::string> id) {
    std::string out;
    if (id) out += "id: " + *id + "\n";
    if (!event.empty()) out += "event: " + std::string(event) + "\n";
    // Every line of the payload gets its own data: field; the client joins them with newlines.
    std::size_t start = 0;
    for (;;) {
        auto nl = data.find('\n', start);
        out += "data: ";
        out += data.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
        out += "\n";
        if (nl == std::string_view::npos) break;
        start = nl + 1;
    }
    out += "\n";
    return out;
}

bool EventChannel::Push(std::string formatted) {
    std::function<void()> wake;
    {
        std::lock_guard lock(mutex_);
        if (closed_) return false;
        if (buffer_.size() + formatted.size() > kMaxBufferedBytes) {
            closed_ = true;  // a reader this far behind has stopped reading
        } else {
            buffer_ += formatted;
        }
        wake = waker_;
    }
    if (wake) wake();
    return true;
}

void EventChannel::Close() {
    std::function<void()> wake;
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        wake = waker_;
    }
    if (wake) wake();
}

bool EventChannel::closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
}

EventChannel::Batch EventChannel::Take() {
    std::lock_guard lock(mutex_);
    Batch b{std::move(buffer_), closed_};
    buffer_.clear();
    return b;
}

void EventChannel::SetWaker(std::function<void()> waker) {
    std::lock_guard lock(mutex_);
    waker_ = std::move(waker);
}

}  // namespace http

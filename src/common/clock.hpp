#pragma once
// Every piece of logic takes a Clock; tests pass a FixedClock.
#include <atomic>
#include <chrono>
#include <string>

namespace common {

using Instant = std::chrono::system_clock::time_point;

class Clock {
 public:
    virtual ~Clock() = default;
    virtual Instant Now() const = 0;
};

class SystemClock final : public Clock {
 public:
    Instant Now() const override { return std::chrono::system_clock::now(); }
};

// For browser tests only (TADAIMA_TEST_CLOCK_FILE): the system time moved by a number of seconds read from a file
// at every call, so a test can move the running server to another day and hour. A missing or unreadable file
// means no offset.
class OffsetFileClock final : public Clock {
 public:
    explicit OffsetFileClock(std::string path) : path_(std::move(path)) {}
    Instant Now() const override;

 private:
    std::string path_;
};

class FixedClock final : public Clock {
 public:
    explicit FixedClock(Instant now) : now_(now.time_since_epoch().count()) {}
    Instant Now() const override { return Instant(Instant::duration(now_.load())); }
    void Set(Instant now) { now_ = now.time_since_epoch().count(); }
    void Advance(std::chrono::seconds s) { now_ += std::chrono::duration_cast<Instant::duration>(s).count(); }

 private:
    std::atomic<Instant::rep> now_;
};

}  // namespace common

#pragma once
// A fixed set of connections handed out one at a time.
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "db/database.hpp"

namespace db {

class Pool {
 public:
    using Factory = std::function<std::unique_ptr<Connection>()>;
    Pool(Factory factory, int size) : factory_(std::move(factory)), capacity_(size) {}

    class Lease {
     public:
        Lease(Pool& p, std::unique_ptr<Connection> c) : pool_(p), conn_(std::move(c)) {}
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        ~Lease() { pool_.Return(std::move(conn_)); }
        Connection& operator*() { return *conn_; }
        Connection* operator->() { return conn_.get(); }
        // A broken connection is dropped instead of returned; the pool opens a new one when needed.
        void Discard() { conn_.reset(); }

     private:
        Pool& pool_;
        std::unique_ptr<Connection> conn_;
    };

    Lease Acquire() {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return !free_.empty() || open_ < capacity_; });
        if (!free_.empty()) {
            auto c = std::move(free_.back());
            free_.pop_back();
            return Lease(*this, std::move(c));
        }
        ++open_;
        lock.unlock();
        try {
            return Lease(*this, factory_());
        } catch (...) {
            std::lock_guard relock(mutex_);
            --open_;
            cv_.notify_one();
            throw;
        }
    }

 private:
    void Return(std::unique_ptr<Connection> c) {
        std::lock_guard lock(mutex_);
        if (c) {
            free_.push_back(std::move(c));
        } else {
            --open_;
        }
        cv_.notify_one();
    }

    Factory factory_;
    int capacity_;
    int open_ = 0;
    std::vector<std::unique_ptr<Connection>> free_;
    std::mutex mutex_;
    std::condition_variable cv_;
};

}  // namespace db

#pragma once
// HTTP/1.1 server on Boost.Beast with C++20 coroutines. Connections live on the io threads; each request is handed
// to a worker pool because handlers block on the database. Beast is confined to server.cpp.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "http/limits.hpp"
#include "http/message.hpp"

namespace http {

class Application {
 public:
    virtual ~Application() = default;
    // A complete, well-formed request. Runs on a worker thread. Must not throw.
    virtual Response Handle(Request& request) = 0;
    // The largest body this request may have, from its method, path and headers (the body is not read yet): the
    // route decides. Runs on an io thread; must be quick and must not throw.
    virtual std::size_t BodyLimit(const Request& request) = 0;
    // A request the server refused before it was complete: 400 (malformed), 413 (body), 431 (headers).
    // The request holds whatever was parsed (often the headers). Must not throw.
    virtual Response HandleRefused(int status, Request& request) = 0;
    // Every response passes here just before it is written: security headers, the log line, metrics.
    virtual void Finish(const Request& request, Response& response, std::chrono::nanoseconds elapsed) = 0;
};

struct ServerOptions {
    std::string address = "127.0.0.1";
    unsigned short port = 8080;  // 0: any free port (see Server::port)
    Limits limits;
    int io_threads = 1;
    int worker_threads = 8;
};

class Server {
 public:
    Server(ServerOptions options, Application& app);
    ~Server();
    // The bound port, after construction.
    unsigned short port() const;
    // Serves until SIGINT/SIGTERM or Stop(); then stops accepting, lets in-flight requests finish (up to the grace
    // period) and returns.
    void Run();
    void Stop();

 private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace http

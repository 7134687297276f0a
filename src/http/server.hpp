#pragma once
// HTTP/1.1 server on Boost.Beast with C++20 coroutines. Connections live on the io threads; each request is handed
// to a worker pool because handlers block on the database. Beast is confined to server.cpp.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

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

// HTTPS served by the server itself: a PEM certificate chain and its private key, read at start (a wrong, expired or
// not yet valid certificate, or a key that is not its own, stops the start with the reason) and again on SIGHUP
// (new connections get the new certificate, open ones keep theirs; a bad new pair is logged and the old one kept).
struct TlsOptions {
    std::string cert_file, key_file;
    // A plain-HTTP port that only redirects (308) to HTTPS: to `redirect_base` + the request's target when given,
    // else to https://<the request's host>:<the HTTPS port>.
    std::optional<std::pair<std::string, unsigned short>> redirect_listen;
    std::string redirect_base;
};

struct ServerOptions {
    std::string address = "127.0.0.1";
    unsigned short port = 8080;  // 0: any free port (see Server::port)
    Limits limits;
    int io_threads = 1;
    int worker_threads = 8;
    std::optional<TlsOptions> tls;  // TLS 1.2 and 1.3 only
};

class Server {
 public:
    Server(ServerOptions options, Application& app);
    ~Server();
    // The bound port, after construction (the HTTPS one with TLS), and the redirecting plain port (0: none).
    unsigned short port() const;
    unsigned short redirect_port() const;
    // Serves until SIGINT/SIGTERM or Stop(); then stops accepting, lets in-flight requests finish (up to the grace
    // period) and returns.
    void Run();
    void Stop();

 private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace http

#include "http/server.hpp"

#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include <array>
#include <atomic>
#include <cstdio>
#include <list>
#include <mutex>
#include <thread>

#include "common/log.hpp"
#include "common/random.hpp"
#include "http/events.hpp"
#include "http/multipart.hpp"

namespace http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

namespace {

// TLS 1.2 and 1.3 only; for 1.2, forward-secret AEAD suites (Mozilla's "intermediate" list); no renegotiation,
// no compression, the server's order of suites.
std::shared_ptr<ssl::context> LoadTls(const TlsOptions& tls) {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    SSL_CTX* native = ctx->native_handle();
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_cipher_list(native,
                            "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                            "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305");
    if (SSL_CTX_use_certificate_chain_file(native, tls.cert_file.c_str()) != 1) {
        throw std::runtime_error("TADAIMA_TLS_CERT: cannot read a PEM certificate from " + tls.cert_file);
    }
    // Read first, so that a key which is not the certificate's is told apart from one that cannot be read.
    EVP_PKEY* key = nullptr;
    if (std::FILE* f = std::fopen(tls.key_file.c_str(), "r")) {
        key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
        std::fclose(f);
    }
    if (!key) throw std::runtime_error("TADAIMA_TLS_KEY: cannot read a PEM private key from " + tls.key_file);
    const bool taken = SSL_CTX_use_PrivateKey(native, key) == 1 && SSL_CTX_check_private_key(native) == 1;
    EVP_PKEY_free(key);
    if (!taken) {
        throw std::runtime_error("TADAIMA_TLS_KEY: " + tls.key_file + " is not the key of the certificate in " +
                                 tls.cert_file);
    }
    X509* cert = SSL_CTX_get0_certificate(native);
    if (!cert || X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0) {
        throw std::runtime_error("TADAIMA_TLS_CERT: the certificate in " + tls.cert_file + " has expired");
    }
    if (X509_cmp_current_time(X509_get0_notBefore(cert)) >= 0) {
        throw std::runtime_error("TADAIMA_TLS_CERT: the certificate in " + tls.cert_file + " is not valid yet");
    }
    return ctx;
}

// Plain TCP, or TLS over it.
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

}  // namespace

struct Server::Impl {
    Impl(ServerOptions o, Application& a)
        : options(std::move(o)),
          app(a),
          ioc(options.io_threads),
          acceptor(ioc),
          redirect_acceptor(ioc),
          signals(ioc, SIGINT, SIGTERM),
          reload_signals(ioc, SIGHUP),
          workers(static_cast<std::size_t>(options.worker_threads)),
          grace_timer(ioc) {
        if (options.tls) tls = LoadTls(*options.tls);
        Listen(acceptor, options.address, options.port);
        if (options.tls && options.tls->redirect_listen) {
            Listen(redirect_acceptor, options.tls->redirect_listen->first, options.tls->redirect_listen->second);
        }
    }

    static void Listen(tcp::acceptor& a, const std::string& address, unsigned short port) {
        tcp::endpoint ep(asio::ip::make_address(address), port);
        a.open(ep.protocol());
        a.set_option(asio::socket_base::reuse_address(true));
        a.bind(ep);
        a.listen(asio::socket_base::max_listen_connections);
    }

    std::shared_ptr<ssl::context> CurrentTls() {
        std::lock_guard lock(tls_mutex);
        return tls;
    }

    // SIGHUP: the certificate and key read again; a pair that does not load leaves the one in use.
    void WaitForReload() {
        reload_signals.async_wait([this](boost::system::error_code ec, int) {
            if (ec || stopping) return;
            if (options.tls) {
                try {
                    auto fresh = LoadTls(*options.tls);
                    std::lock_guard lock(tls_mutex);
                    tls = std::move(fresh);
                    common::LogInfo("tls certificate reloaded");
                } catch (const std::exception& e) {
                    common::LogError("tls certificate not reloaded; the one in use stays", {{"error", e.what()}});
                }
            }
            WaitForReload();
        });
    }

    // One open connection; `idle` while it waits for the next request, when shutdown may close it at once;
    // `events` while it streams server-sent events, which shutdown ends.
    struct Conn {
        beast::tcp_stream* stream = nullptr;  // the TCP layer (under TLS, too)
        bool idle = true;
        std::shared_ptr<EventChannel> events;
    };

    ServerOptions options;
    Application& app;
    asio::io_context ioc;
    tcp::acceptor acceptor;
    tcp::acceptor redirect_acceptor;
    asio::signal_set signals;
    asio::signal_set reload_signals;
    std::mutex tls_mutex;
    std::shared_ptr<ssl::context> tls;  // null: plain HTTP
    asio::thread_pool workers;
    asio::steady_timer grace_timer;
    std::atomic<bool> stopping{false};
    std::atomic<int> open_connections{0};
    std::mutex conns_mutex;
    std::list<Conn> conns;

    static std::string NewRequestId() { return common::RandomHex(8); }

    // A request the peer sent but Beast could not parse (as opposed to a closed or timed-out connection).
    static bool IsParseError(const boost::system::error_code& ec) {
        return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
               ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
    }

    static void FillHeaders(const bhttp::request_parser<bhttp::string_body>& parser, Request& req) {
        const auto& msg = parser.get();
        req.method = std::string(msg.method_string());
        for (const auto& f : msg) {
            std::string name(f.name_string());
            for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            auto& slot = req.headers[name];
            if (!slot.empty()) slot += name == "cookie" ? "; " : ", ";
            slot += std::string(f.value());
        }
    }

    // Splits and decodes the target; false when it is not a valid origin-form target.
    static bool FillTarget(std::string_view target, Request& req) {
        auto url = boost::urls::parse_origin_form(target);
        if (url.has_error()) return false;
        req.path = std::string(url->path());
        if (!IsValidUtf8(req.path)) return false;
        if (url->has_query()) {
            auto q = ParseUrlEncoded(url->encoded_query());
            if (!q) return false;
            req.query = std::move(*q);
        }
        return true;
    }

    // Status line aside, every answer's head comes from the application's Response.
    template <class Message>
    static void SetHead(Message& m, const Response& res) {
        m.set(bhttp::field::server, "tadaima");
        m.set(bhttp::field::content_type, res.content_type);
        for (const auto& [k, v] : res.headers) m.insert(k, v);
        for (const auto& c : res.cookies) m.insert(bhttp::field::set_cookie, c.ToHeader());
    }

    template <class Stream>
    asio::awaitable<void> Write(Stream& stream, const Request& req, Response res, bool keep_alive,
                                std::chrono::steady_clock::time_point started) {
        app.Finish(req, res, std::chrono::steady_clock::now() - started);
        bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status), 11};
        SetHead(out, res);
        out.keep_alive(keep_alive);
        if (req.method != "HEAD") out.body() = std::move(res.body);
        out.prepare_payload();
        if (req.method == "HEAD") out.content_length(res.body.size());
        beast::get_lowest_layer(stream).expires_after(options.limits.write_timeout);
        bhttp::serializer<false, bhttp::string_body> sr(out);
        if (req.method == "HEAD") {
            co_await bhttp::async_write_header(stream, sr, kTuple);
        } else {
            co_await bhttp::async_write(stream, sr, kTuple);
        }
    }

    // A refusal before the body was read (too large, malformed): the answer, then a lingering close. The client may
    // still be sending; closing with its bytes unread would reset the connection and lose the answer, so the rest
    // is read and dropped for a moment first (as nginx's lingering_close), bounded in time and bytes.
    template <class Stream>
    asio::awaitable<void> Refuse(Stream& stream, Request& req, int status,
                                 std::chrono::steady_clock::time_point started) {
        co_await Write(stream, req, app.HandleRefused(status, req), false, started);
        beast::error_code ignored;
        beast::get_lowest_layer(stream).socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
        beast::get_lowest_layer(stream).expires_after(options.limits.linger);
        std::array<char, 16384> scratch{};
        for (std::size_t drained = 0; drained < options.limits.max_linger_bytes;) {
            auto [ec, n] = co_await beast::get_lowest_layer(stream).async_read_some(asio::buffer(scratch), kTuple);
            if (ec) break;
            drained += n;
        }
    }

    // Writes the head of a text/event-stream, then each batch of pushed events as a chunk, as it arrives; a
    // comment line when quiet, so dead clients are found and proxies keep the connection. Ends when the channel
    // is closed (by the producer or by shutdown) or the client goes away.
    template <class Stream>
    asio::awaitable<void> StreamEvents(Stream& stream, const Request& req, Response res,
                                       std::chrono::steady_clock::time_point started, std::list<Conn>::iterator self) {
        auto channel = res.events;
        res.content_type = "text/event-stream; charset=utf-8";
        app.Finish(req, res, std::chrono::steady_clock::now() - started);
        bhttp::response<bhttp::empty_body> head{static_cast<bhttp::status>(res.status), 11};
        SetHead(head, res);
        head.set("X-Accel-Buffering", "no");
        head.chunked(true);
        bhttp::response_serializer<bhttp::empty_body> sr(head);
        beast::get_lowest_layer(stream).expires_after(options.limits.write_timeout);
        auto [hec, hn] = co_await bhttp::async_write_header(stream, sr, kTuple);
        if (hec) co_return;
        {
            std::lock_guard lock(conns_mutex);
            self->events = channel;
        }
        // The waker runs on the pushing thread; it posts to this coroutine's strand, so it cannot slip in between
        // taking the queue and starting to wait.
        auto executor = co_await asio::this_coro::executor;
        auto wake = std::make_shared<asio::steady_timer>(executor);
        channel->SetWaker([wake, executor] { asio::post(executor, [wake] { wake->cancel(); }); });
        if (stopping) channel->Close();
        static const std::string kPing = ": ping\n\n";
        for (;;) {
            auto batch = channel->Take();
            if (!batch.data.empty()) {
                beast::get_lowest_layer(stream).expires_after(options.limits.write_timeout);
                auto [ec, n] = co_await asio::async_write(stream, bhttp::make_chunk(asio::buffer(batch.data)), kTuple);
                if (ec) break;
                continue;  // more may have come while writing
            }
            if (batch.closed) {
                beast::get_lowest_layer(stream).expires_after(options.limits.write_timeout);
                co_await asio::async_write(stream, bhttp::make_chunk_last(), kTuple);
                break;
            }
            wake->expires_after(options.limits.event_heartbeat);
            auto [tec] = co_await wake->async_wait(kTuple);
            if (!tec) {
                beast::get_lowest_layer(stream).expires_after(options.limits.write_timeout);
                auto [ec, n] = co_await asio::async_write(stream, bhttp::make_chunk(asio::buffer(kPing)), kTuple);
                if (ec) break;
            }
        }
        channel->SetWaker(nullptr);
        channel->Close();  // producers learn that nobody listens any more
    }

    asio::awaitable<void> Session(tcp::socket socket) {
        std::string remote;
        {
            boost::system::error_code ec;
            auto ep = socket.remote_endpoint(ec);
            if (!ec) remote = ep.address().to_string();
        }
        if (auto ctx = CurrentTls()) {
            // The context stays alive with this connection: a reload changes only the ones that come after.
            TlsStream stream(beast::tcp_stream(std::move(socket)), *ctx);
            beast::get_lowest_layer(stream).expires_after(options.limits.read_timeout);
            auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, kTuple);
            if (!ec) co_await Serve(stream, remote);
            boost::system::error_code ignored;
            beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_send, ignored);
        } else {
            PlainStream stream(std::move(socket));
            co_await Serve(stream, remote);
            boost::system::error_code ignored;
            stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        }
        // The last connection to close after shutdown began ends the grace period early.
        if (--open_connections == 0 && stopping) asio::post(ioc, [this] { grace_timer.cancel(); });
    }

    // Requests and answers on one connection, until it closes, times out or the server stops.
    template <class Stream>
    asio::awaitable<void> Serve(Stream& stream, const std::string& remote) {
        std::list<Conn>::iterator self;
        {
            std::lock_guard lock(conns_mutex);
            self = conns.insert(conns.end(), Conn{&beast::get_lowest_layer(stream), true, nullptr});
        }
        beast::flat_buffer buffer;
        const auto& limits = options.limits;
        for (bool first = true; !stopping; first = false) {
            bhttp::request_parser<bhttp::string_body> parser;
            parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
            // Beast checks a declared Content-Length against the body limit while it reads the header, before the
            // route is known: the largest limit any route has here, the route's own once the header is in.
            parser.body_limit(limits.Largest());
            beast::get_lowest_layer(stream).expires_after(first ? limits.read_timeout : limits.keep_alive_timeout);
            auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
            auto started = std::chrono::steady_clock::now();
            {
                std::lock_guard lock(conns_mutex);
                self->idle = false;
            }
            Request req;
            req.remote_address = remote;
            req.request_id = NewRequestId();
            if (ec) {
                if (ec == bhttp::error::header_limit) {
                    co_await Refuse(stream, req, 431, started);
                } else if (ec == bhttp::error::body_limit) {
                    FillHeaders(parser, req);
                    co_await Refuse(stream, req, 413, started);
                } else if (IsParseError(ec)) {
                    co_await Refuse(stream, req, 400, started);
                }
                break;  // end of stream, timeout, reset or shutdown: nothing to answer
            }
            FillHeaders(parser, req);
            if (!FillTarget(parser.get().target(), req)) {
                co_await Refuse(stream, req, 400, started);
                break;
            }
            // The route's limit, for a declared length and a chunked body alike.
            const std::size_t body_limit = app.BodyLimit(req);
            parser.body_limit(body_limit);
            auto declared = parser.content_length();
            if (declared && *declared > body_limit) {
                co_await Refuse(stream, req, 413, started);
                break;
            }
            if (bhttp::token_list{parser.get()[bhttp::field::expect]}.exists("100-continue")) {
                bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
                co_await bhttp::async_write(stream, cont, kTuple);
            }
            beast::get_lowest_layer(stream).expires_after(limits.read_timeout);
            std::tie(ec, n) = co_await bhttp::async_read(stream, buffer, parser, kTuple);
            if (ec == bhttp::error::body_limit) {
                co_await Refuse(stream, req, 413, started);
                break;
            }
            if (ec) {
                if (IsParseError(ec)) co_await Refuse(stream, req, 400, started);
                break;
            }
            auto msg = parser.release();
            req.body = std::move(msg.body());
            bool keep_alive = msg.keep_alive();
            // Handlers block on the database: run them on the worker pool, then come back to this connection.
            Response res = co_await asio::co_spawn(
                workers.get_executor(), [&]() -> asio::awaitable<Response> { co_return app.Handle(req); },
                asio::use_awaitable);
            if (res.events) {
                co_await StreamEvents(stream, req, std::move(res), started, self);
                break;
            }
            keep_alive = keep_alive && !stopping;
            co_await Write(stream, req, std::move(res), keep_alive, started);
            if (!keep_alive) break;
            std::lock_guard lock(conns_mutex);
            self->idle = true;
        }
        std::lock_guard lock(conns_mutex);
        conns.erase(self);
    }

    // The plain port beside HTTPS: one request read, answered with a permanent redirect to the same target over HTTPS.
    asio::awaitable<void> Redirect(tcp::socket socket) {
        PlainStream stream(std::move(socket));
        beast::flat_buffer buffer;
        bhttp::request_parser<bhttp::empty_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(options.limits.max_header_bytes));
        stream.expires_after(options.limits.read_timeout);
        auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
        if (!ec) {
            const auto& msg = parser.get();
            std::string target(msg.target());
            if (target.empty() || target.front() != '/') target = "/";
            std::string base = options.tls->redirect_base;
            if (base.empty()) {
                std::string host(msg[bhttp::field::host]);
                if (host.empty() || host.find_first_of("/\\@ ") != std::string::npos) host = options.address;
                if (host.front() == '[') {
                    host = host.substr(0, host.find(']') + 1);
                } else if (auto colon = host.find(':'); colon != std::string::npos) {
                    host.resize(colon);
                }
                base = "https://" + host + ":" + std::to_string(acceptor.local_endpoint().port());
            }
            bhttp::response<bhttp::string_body> out{bhttp::status::permanent_redirect, 11};
            out.set(bhttp::field::server, "tadaima");
            out.set(bhttp::field::location, base + target);
            out.set(bhttp::field::content_type, "text/plain; charset=utf-8");
            out.body() = "HTTPS: " + base + target + "\n";
            out.keep_alive(false);
            out.prepare_payload();
            stream.expires_after(options.limits.write_timeout);
            co_await bhttp::async_write(stream, out, kTuple);
        }
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        if (--open_connections == 0 && stopping) asio::post(ioc, [this] { grace_timer.cancel(); });
    }

    asio::awaitable<void> Accept(tcp::acceptor& from, bool redirect) {
        for (;;) {
            auto [ec, socket] = co_await from.async_accept(kTuple);
            if (ec) {
                if (ec == asio::error::operation_aborted || stopping) co_return;
                common::LogWarn("accept failed", {{"error", ec.message()}});
                continue;
            }
            if (open_connections.load() >= options.limits.max_connections) {
                boost::system::error_code ignored;
                socket.close(ignored);  // over the limit: refuse rather than degrade everyone
                continue;
            }
            ++open_connections;
            socket.set_option(tcp::no_delay(true));
            // Each connection runs on its own strand, so an event stream's waker is serialised with it.
            if (redirect) {
                asio::co_spawn(asio::make_strand(ioc), Redirect(std::move(socket)), asio::detached);
            } else {
                asio::co_spawn(asio::make_strand(ioc), Session(std::move(socket)), asio::detached);
            }
        }
    }

    void BeginShutdown() {
        if (stopping.exchange(true)) return;
        common::LogInfo("shutting down", {{"open_connections", open_connections.load()}});
        boost::system::error_code ignored;
        acceptor.close(ignored);
        redirect_acceptor.close(ignored);
        signals.cancel(ignored);
        reload_signals.cancel(ignored);
        {
            std::lock_guard lock(conns_mutex);
            for (auto& c : conns) {
                if (c.idle) c.stream->socket().cancel(ignored);  // busy ones close after their response
                if (c.events) c.events->Close();                 // event streams end now
            }
        }
        if (open_connections.load() == 0) return;
        grace_timer.expires_after(options.limits.shutdown_grace);
        grace_timer.async_wait([this](boost::system::error_code ec) {
            if (!ec) {
                common::LogWarn("shutdown grace period over; closing remaining connections");
                ioc.stop();
            }
        });
    }

    void Run() {
        signals.async_wait([this](boost::system::error_code ec, int) {
            if (!ec) BeginShutdown();
        });
        WaitForReload();
        asio::co_spawn(ioc, Accept(acceptor, false), asio::detached);
        if (redirect_acceptor.is_open()) asio::co_spawn(ioc, Accept(redirect_acceptor, true), asio::detached);
        std::vector<std::thread> threads;
        for (int i = 1; i < options.io_threads; ++i) threads.emplace_back([this] { ioc.run(); });
        ioc.run();
        for (auto& t : threads) t.join();
        workers.join();
    }
};

Server::Server(ServerOptions options, Application& app) : impl_(std::make_unique<Impl>(std::move(options), app)) {}
Server::~Server() = default;
unsigned short Server::port() const { return impl_->acceptor.local_endpoint().port(); }
unsigned short Server::redirect_port() const {
    return impl_->redirect_acceptor.is_open() ? impl_->redirect_acceptor.local_endpoint().port() : 0;
}
void Server::Run() { impl_->Run(); }
void Server::Stop() {
    asio::post(impl_->ioc, [this] { impl_->BeginShutdown(); });
}

}  // namespace http

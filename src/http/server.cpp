#include "http/server.hpp"

#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include <array>
#include <atomic>
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
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct Server::Impl {
    Impl(ServerOptions o, Application& a)
        : options(std::move(o)),
          app(a),
          ioc(options.io_threads),
          acceptor(ioc),
          signals(ioc, SIGINT, SIGTERM),
          workers(static_cast<std::size_t>(options.worker_threads)),
          grace_timer(ioc) {
        tcp::endpoint ep(asio::ip::make_address(options.address), options.port);
        acceptor.open(ep.protocol());
        acceptor.set_option(asio::socket_base::reuse_address(true));
        acceptor.bind(ep);
        acceptor.listen(asio::socket_base::max_listen_connections);
    }

    // One open connection; `idle` while it waits for the next request, when shutdown may close it at once;
    // `events` while it streams server-sent events, which shutdown ends.
    struct Conn {
        beast::tcp_stream* stream = nullptr;
        bool idle = true;
        std::shared_ptr<EventChannel> events;
    };

    ServerOptions options;
    Application& app;
    asio::io_context ioc;
    tcp::acceptor acceptor;
    asio::signal_set signals;
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

    asio::awaitable<void> Write(beast::tcp_stream& stream, const Request& req, Response res, bool keep_alive,
                                std::chrono::steady_clock::time_point started) {
        app.Finish(req, res, std::chrono::steady_clock::now() - started);
        bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status), 11};
        SetHead(out, res);
        out.keep_alive(keep_alive);
        if (req.method != "HEAD") out.body() = std::move(res.body);
        out.prepare_payload();
        if (req.method == "HEAD") out.content_length(res.body.size());
        stream.expires_after(options.limits.write_timeout);
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
    asio::awaitable<void> Refuse(beast::tcp_stream& stream, Request& req, int status,
                                 std::chrono::steady_clock::time_point started) {
        co_await Write(stream, req, app.HandleRefused(status, req), false, started);
        beast::error_code ignored;
        stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
        stream.expires_after(options.limits.linger);
        std::array<char, 16384> scratch{};
        for (std::size_t drained = 0; drained < options.limits.max_linger_bytes;) {
            auto [ec, n] = co_await stream.async_read_some(asio::buffer(scratch), kTuple);
            if (ec) break;
            drained += n;
        }
    }

    // Writes the head of a text/event-stream, then each batch of pushed events as a chunk, as it arrives; a
    // comment line when quiet, so dead clients are found and proxies keep the connection. Ends when the channel
    // is closed (by the producer or by shutdown) or the client goes away.
    asio::awaitable<void> StreamEvents(beast::tcp_stream& stream, const Request& req, Response res,
                                       std::chrono::steady_clock::time_point started, std::list<Conn>::iterator self) {
        auto channel = res.events;
        res.content_type = "text/event-stream; charset=utf-8";
        app.Finish(req, res, std::chrono::steady_clock::now() - started);
        bhttp::response<bhttp::empty_body> head{static_cast<bhttp::status>(res.status), 11};
        SetHead(head, res);
        head.set("X-Accel-Buffering", "no");
        head.chunked(true);
        bhttp::response_serializer<bhttp::empty_body> sr(head);
        stream.expires_after(options.limits.write_timeout);
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
                stream.expires_after(options.limits.write_timeout);
                auto [ec, n] = co_await asio::async_write(stream, bhttp::make_chunk(asio::buffer(batch.data)), kTuple);
                if (ec) break;
                continue;  // more may have come while writing
            }
            if (batch.closed) {
                stream.expires_after(options.limits.write_timeout);
                co_await asio::async_write(stream, bhttp::make_chunk_last(), kTuple);
                break;
            }
            wake->expires_after(options.limits.event_heartbeat);
            auto [tec] = co_await wake->async_wait(kTuple);
            if (!tec) {
                stream.expires_after(options.limits.write_timeout);
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
        beast::tcp_stream stream(std::move(socket));
        std::list<Conn>::iterator self;
        {
            std::lock_guard lock(conns_mutex);
            self = conns.insert(conns.end(), Conn{&stream, true, nullptr});
        }
        beast::flat_buffer buffer;
        const auto& limits = options.limits;
        for (bool first = true; !stopping; first = false) {
            bhttp::request_parser<bhttp::string_body> parser;
            parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
            // Beast checks a declared Content-Length against the body limit while it reads the header, before the
            // route is known: the largest limit any route has here, the route's own once the header is in.
            parser.body_limit(std::max(limits.max_upload_bytes, limits.max_body_bytes));
            stream.expires_after(first ? limits.read_timeout : limits.keep_alive_timeout);
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
            stream.expires_after(limits.read_timeout);
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
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        {
            std::lock_guard lock(conns_mutex);
            conns.erase(self);
        }
        // The last connection to close after shutdown began ends the grace period early.
        if (--open_connections == 0 && stopping) asio::post(ioc, [this] { grace_timer.cancel(); });
    }

    asio::awaitable<void> Accept() {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(kTuple);
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
            asio::co_spawn(asio::make_strand(ioc), Session(std::move(socket)), asio::detached);
        }
    }

    void BeginShutdown() {
        if (stopping.exchange(true)) return;
        common::LogInfo("shutting down", {{"open_connections", open_connections.load()}});
        boost::system::error_code ignored;
        acceptor.close(ignored);
        signals.cancel(ignored);
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
        asio::co_spawn(ioc, Accept(), asio::detached);
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
void Server::Run() { impl_->Run(); }
void Server::Stop() {
    asio::post(impl_->ioc, [this] { impl_->BeginShutdown(); });
}

}  // namespace http

// Server-sent events through the real server and a real socket, with a stub application: the transport the
// live roster builds on. Reads are bounded by a socket timeout; nothing sleeps.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <boost/asio.hpp>
#include <thread>

#include "http/events.hpp"
#include "http/server.hpp"

namespace {

namespace asio = boost::asio;

class StreamingApp : public http::Application {
 public:
    std::shared_ptr<http::EventChannel> channel = std::make_shared<http::EventChannel>();
    std::atomic<int> handled{0};
    http::Response Handle(http::Request& req) override {
        ++handled;
        if (req.path != "/stream") return http::Response::Text("plain", 200);
        http::Response r;
        r.events = channel;
        return r;
    }
    http::Response HandleRefused(int status, http::Request&) override { return http::Response::Text("no", status); }
    std::size_t BodyLimit(const http::Request&) override { return 1 << 20; }
    void Finish(const http::Request&, http::Response& res, std::chrono::nanoseconds) override {
        res.SetHeader("X-Finished", "1");
    }
};

class EventStream : public ::testing::Test {
 protected:
    void SetUp() override {
        http::ServerOptions o;
        o.port = 0;
        o.worker_threads = 2;
        server_ = std::make_unique<http::Server>(o, app_);
        thread_ = std::thread([this] { server_->Run(); });
        socket_.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
        timeval tv{5, 0};  // a broken stream fails the test after 5 s instead of hanging it
        setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    void TearDown() override {
        server_->Stop();
        thread_.join();
    }
    // Reads until `needle` has arrived (or the socket times out / closes); returns all read so far.
    std::string ReadUntil(const std::string& needle) {
        char buf[4096];
        while (received_.find(needle) == std::string::npos) {
            boost::system::error_code ec;
            auto n = socket_.read_some(asio::buffer(buf), ec);
            if (ec) break;
            received_.append(buf, n);
        }
        return received_;
    }

    StreamingApp app_;
    std::unique_ptr<http::Server> server_;
    std::thread thread_;
    asio::io_context io_;
    asio::ip::tcp::socket socket_{io_};
    std::string received_;
};

TEST(EventFormat, EachLineOfThePayloadIsADataField) {
    EXPECT_EQ(http::FormatEvent("scan", "{\"a\":1}", "42"), "id: 42\nevent: scan\ndata: {\"a\":1}\n\n");
    EXPECT_EQ(http::FormatEvent("", "one\ntwo"), "data: one\ndata: two\n\n");
}

TEST(EventChannelLimits, AReaderTooFarBehindIsCutOff) {
    http::EventChannel c;
    std::string big(http::EventChannel::kMaxBufferedBytes / 2 + 1, 'x');
    EXPECT_TRUE(c.Push(big));
    c.Push(big);
    EXPECT_TRUE(c.closed());
    EXPECT_FALSE(c.Push("more"));
}

TEST_F(EventStream, PushedEventsArriveAsTheyArePushedAndTheStreamEndsWhenClosed) {
    asio::write(socket_, asio::buffer(std::string("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")));
    auto head = ReadUntil("\r\n\r\n");
    EXPECT_NE(head.find("HTTP/1.1 200 OK"), std::string::npos);
    EXPECT_NE(head.find("Content-Type: text/event-stream"), std::string::npos);
    EXPECT_NE(head.find("Transfer-Encoding: chunked"), std::string::npos);
    EXPECT_NE(head.find("X-Finished: 1"), std::string::npos) << "security headers and logging still apply";

    app_.channel->Push(http::FormatEvent("arrival", "first", "1"));
    EXPECT_NE(ReadUntil("data: first").find("id: 1\nevent: arrival\ndata: first\n\n"), std::string::npos);
    // Pushed from another thread, as a committed scan would be.
    std::thread([&] { app_.channel->Push(http::FormatEvent("arrival", "second", "2")); }).join();
    EXPECT_NE(ReadUntil("data: second").find("data: second"), std::string::npos);

    app_.channel->Close();
    EXPECT_NE(ReadUntil("\r\n0\r\n\r\n").find("\r\n0\r\n\r\n"), std::string::npos) << "the last chunk ends the stream";
}

TEST_F(EventStream, ShutdownEndsOpenStreamsAndTheServerStops) {
    asio::write(socket_, asio::buffer(std::string("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")));
    ReadUntil("\r\n\r\n");
    server_->Stop();
    auto all = ReadUntil("\r\n0\r\n\r\n");
    EXPECT_NE(all.find("\r\n0\r\n\r\n"), std::string::npos);
    EXPECT_TRUE(app_.channel->closed()) << "the producer learns nobody listens any more";
}

TEST_F(EventStream, OrdinaryRequestsOnOtherConnectionsAreServedBesideAStream) {
    asio::write(socket_, asio::buffer(std::string("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")));
    ReadUntil("\r\n\r\n");
    asio::ip::tcp::socket other(io_);
    other.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
    asio::write(other, asio::buffer(std::string("GET /plain HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")));
    std::string reply;
    boost::system::error_code ec;
    asio::read(other, asio::dynamic_buffer(reply), ec);  // until the server closes
    EXPECT_NE(reply.find("200 OK"), std::string::npos);
    EXPECT_NE(reply.find("plain"), std::string::npos);
}

}  // namespace

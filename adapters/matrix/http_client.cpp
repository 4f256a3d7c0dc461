#include "http_client.hpp"

#include <atomic>
#include <optional>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace reframe::matrix {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

/// An initial /sync of a large account can be big; anything beyond this is refused.
constexpr std::uint64_t body_limit = 64ull * 1024 * 1024;

/// Errors that mean the server closed a kept-alive connection between our requests.
bool stale_connection(const beast::error_code& ec) {
    return ec == http::error::end_of_stream || ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
           ec == asio::error::eof || ec == ssl::error::stream_truncated;
}

}  // namespace

struct HttpClient::Impl {
    BaseUrl url;
    asio::io_context ioc;
    ssl::context ssl_ctx{ssl::context::tls_client};
    tcp::resolver resolver{ioc};
    std::unique_ptr<beast::tcp_stream> plain;
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
    bool connected = false;
    std::atomic<bool> cancelled{false};
    http::request<http::string_body> request;
    std::optional<http::response_parser<http::string_body>> parser;
    beast::flat_buffer buffer;
    beast::error_code error;
    const char* stage = "";
    std::chrono::milliseconds timeout{20000};

    explicit Impl(BaseUrl base) : url(std::move(base)) {
        ssl_ctx.set_default_verify_paths();
        ssl_ctx.set_verify_mode(ssl::verify_peer);
    }

    beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

    void fail(beast::error_code ec, const char* what) {
        error = ec;
        stage = what;
    }

    void close() {
        beast::error_code ignored;
        if (plain || tls) lowest().socket().close(ignored);
        plain.reset();
        tls.reset();
        connected = false;
        buffer.clear();
    }

    void start() {
        if (connected) return write();
        close();
        if (url.tls) {
            tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ioc, ssl_ctx);
        } else {
            plain = std::make_unique<beast::tcp_stream>(ioc);
        }
        resolver.async_resolve(url.host, url.port, [this](beast::error_code ec, const tcp::resolver::results_type& r) {
            if (ec) return fail(ec, "resolve");
            lowest().expires_after(timeout);
            lowest().async_connect(r, [this](beast::error_code ec2, const tcp::endpoint&) {
                if (ec2) return fail(ec2, "connect");
                if (!tls) {
                    connected = true;
                    return write();
                }
                handshake();
            });
        });
    }

    void handshake() {
        // SSL_set_tlsext_host_name is a macro with a C cast; this is what it expands to.
        if (SSL_ctrl(tls->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                     const_cast<char*>(url.host.c_str())) == 0) {
            return fail(beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()), "tls");
        }
        tls->set_verify_callback(ssl::host_name_verification(url.host));
        lowest().expires_after(timeout);
        tls->async_handshake(ssl::stream_base::client, [this](beast::error_code ec) {
            if (ec) return fail(ec, "tls handshake");
            connected = true;
            write();
        });
    }

    void write() {
        lowest().expires_after(timeout);
        auto done = [this](beast::error_code ec, std::size_t) {
            if (ec) return fail(ec, "write");
            read();
        };
        if (tls) {
            http::async_write(*tls, request, done);
        } else {
            http::async_write(*plain, request, done);
        }
    }

    void read() {
        lowest().expires_after(timeout);
        auto done = [this](beast::error_code ec, std::size_t) {
            if (ec) return fail(ec, "read");
        };
        if (tls) {
            http::async_read(*tls, buffer, *parser, done);
        } else {
            http::async_read(*plain, buffer, *parser, done);
        }
    }

    void build(const HttpRequest& r) {
        request = {};
        request.method(r.method == "POST" ? http::verb::post : r.method == "PUT" ? http::verb::put : http::verb::get);
        request.target(url.prefix + r.target);
        request.version(11);
        request.set(http::field::host, url.host);
        request.set(http::field::user_agent, "reframe-matrix");
        request.keep_alive(true);
        if (!r.bearer.empty()) request.set(http::field::authorization, "Bearer " + r.bearer);
        if (r.method != "GET") {
            request.set(http::field::content_type, "application/json");
            request.body() = r.body.empty() ? "{}" : r.body;
        }
        request.prepare_payload();
        timeout = r.timeout;
    }

    /// One attempt over the current (or a new) connection.
    void attempt() {
        error = {};
        stage = "";
        parser.emplace();
        parser->body_limit(body_limit);
        ioc.restart();
        start();
        ioc.run();
    }
};

HttpClient::HttpClient(BaseUrl url) : impl_(std::make_unique<Impl>(std::move(url))) {}
HttpClient::~HttpClient() = default;

tl::expected<HttpResponse, TransportError> HttpClient::perform(const HttpRequest& request) {
    auto& d = *impl_;
    if (d.cancelled) return tl::unexpected(TransportError{"cancelled", true});
    d.build(request);
    for (int tries = 0; tries < 2; ++tries) {
        const bool reused = d.connected;
        d.attempt();
        if (!d.error) break;
        d.close();
        if (d.cancelled) return tl::unexpected(TransportError{"cancelled", true});
        if (!reused || !stale_connection(d.error)) {
            return tl::unexpected(TransportError{std::string(d.stage) + ": " + d.error.message()});
        }
    }
    if (d.error) return tl::unexpected(TransportError{std::string(d.stage) + ": " + d.error.message()});
    auto response = d.parser->release();
    if (!response.keep_alive()) d.close();
    HttpResponse out;
    out.status = response.result_int();
    out.body = std::move(response.body());
    if (auto it = response.find(http::field::retry_after); it != response.end())
        out.retry_after = std::string(it->value());
    return out;
}

void HttpClient::cancel() {
    impl_->cancelled = true;
    asio::post(impl_->ioc, [d = impl_.get()] {
        d->resolver.cancel();
        if (d->plain || d->tls) d->lowest().cancel();
    });
}

}  // namespace reframe::matrix

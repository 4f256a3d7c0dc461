#pragma once
/// The server's stream types. Each connection lives on its own strand; naming the strand's
/// concrete type (instead of beast::tcp_stream's polymorphic any_io_executor) spares every
/// asynchronous operation a type-erased executor, which copies and frees a heap object
/// each time it is handed on: about 6% of the server's CPU under load (docs/benchmarks.md).

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace reframe::websocket {

using ConnectionStrand = boost::asio::strand<boost::asio::io_context::executor_type>;
using TcpSocket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, ConnectionStrand>;
using TcpStream = boost::beast::basic_stream<boost::asio::ip::tcp, ConnectionStrand>;
using TlsStream = boost::beast::ssl_stream<TcpStream>;

}  // namespace reframe::websocket

// The two real instantiations of WebsocketSession: plain TCP and TLS.
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "websocket_session_impl.hpp"

namespace reframe::websocket {

template class WebsocketSession<boost::beast::tcp_stream>;
template class WebsocketSession<boost::beast::ssl_stream<boost::beast::tcp_stream>>;

}  // namespace reframe::websocket

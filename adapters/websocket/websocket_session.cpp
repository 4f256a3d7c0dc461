// The two real instantiations of WebsocketSession: plain TCP and TLS.
#include <boost/beast/websocket/ssl.hpp>

#include "streams.hpp"
#include "websocket_session_impl.hpp"

namespace reframe::websocket {

template class WebsocketSession<TcpStream>;
template class WebsocketSession<TlsStream>;

}  // namespace reframe::websocket

#pragma once
/// fail(): how the sessions report a failed operation. Quiet (debug) for what happens every
/// day — a peer going away, a cancelled timer, a timeout — a warning for the rest. Only the
/// error's own text is logged, never data.

#include <spdlog/logger.h>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/error.hpp>

namespace reframe::websocket {

/// True for errors that end a connection normally.
inline bool is_routine_error(const boost::beast::error_code& ec) {
    namespace net = boost::asio;
    return ec == net::error::operation_aborted || ec == boost::beast::websocket::error::closed ||
           ec == net::error::eof || ec == boost::beast::http::error::end_of_stream ||
           ec == boost::beast::error::timeout || ec == net::error::connection_reset || ec == net::error::broken_pipe ||
           ec == net::ssl::error::stream_truncated;
}

inline void fail(spdlog::logger* logger, const boost::beast::error_code& ec, const char* what) {
    if (!logger) return;
    if (is_routine_error(ec)) {
        logger->debug("{}: {}", what, ec.message());
    } else {
        logger->warn("{}: {}", what, ec.message());
    }
}

}  // namespace reframe::websocket

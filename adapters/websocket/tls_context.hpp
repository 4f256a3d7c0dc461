#pragma once
/// The TLS context of `reframe serve` when the config names a certificate and a key.

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>
#include <tl/expected.hpp>

#include "server_config.hpp"

namespace reframe::websocket {

/// A TLS 1.2+ server context with `tls.cert` (PEM chain) and `tls.key` (PEM key); an error
/// names the file that could not be used.
tl::expected<std::shared_ptr<boost::asio::ssl::context>, std::string> make_tls_context(const TlsSettings& tls);

}  // namespace reframe::websocket

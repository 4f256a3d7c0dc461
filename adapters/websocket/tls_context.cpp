#include "tls_context.hpp"

namespace reframe::websocket {

namespace ssl = boost::asio::ssl;

tl::expected<std::shared_ptr<ssl::context>, std::string> make_tls_context(const TlsSettings& tls) {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                         ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    boost::system::error_code ec;
    context->use_certificate_chain_file(tls.cert.string(), ec);
    if (ec) return tl::unexpected("cannot use the TLS certificate " + tls.cert.string() + ": " + ec.message());
    context->use_private_key_file(tls.key.string(), ssl::context::pem, ec);
    if (ec) return tl::unexpected("cannot use the TLS key " + tls.key.string() + ": " + ec.message());
    if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
        return tl::unexpected("the TLS key " + tls.key.string() + " does not match the certificate " +
                              tls.cert.string());
    }
    return context;
}

}  // namespace reframe::websocket

#include "server.hpp"

#include <csignal>
#include <thread>
#include <vector>

#include <spdlog/logger.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "listener.hpp"
#include "shared_state.hpp"
#include "tls_context.hpp"

namespace reframe::websocket {

namespace net = boost::asio;

/// How often a shutdown looks whether every session has closed.
constexpr std::chrono::milliseconds shutdown_poll{20};

struct Server::Impl {
    // The shared state outlives the io_context: handlers destroyed with it refer to it.
    SharedState state;
    net::io_context ioc;
    std::shared_ptr<Listener> listener;
    // Signals and the shutdown run on one strand: stop() may come from any thread.
    net::strand<net::io_context::executor_type> control{ioc.get_executor()};
    net::signal_set signals{control};
    net::steady_timer shutdown_timer{control};
    std::function<void()> on_sighup;
    bool stopping = false;  // on `control` only

    Impl(Engine& engine, ServerConfig config, std::shared_ptr<spdlog::logger> logger)
        : state(engine, std::move(config), std::move(logger)), ioc(static_cast<int>(state.config().network_threads)) {}

    void begin_shutdown();
    void wait_for_sessions(std::chrono::steady_clock::time_point deadline);
    void wait_for_signal();
};

void Server::Impl::begin_shutdown() {
    if (stopping) return;
    stopping = true;
    if (auto* log = state.logger()) log->info("serve: shutting down ({} open connections)", state.open_sessions());
    if (listener) listener->stop();
    signals.cancel();
    state.shut_down_sessions();
    wait_for_sessions(std::chrono::steady_clock::now() + state.config().limits.shutdown_grace);
}

void Server::Impl::wait_for_sessions(std::chrono::steady_clock::time_point deadline) {
    if (state.open_sessions() == 0 || std::chrono::steady_clock::now() >= deadline) {
        ioc.stop();
        return;
    }
    shutdown_timer.expires_after(shutdown_poll);
    shutdown_timer.async_wait([this, deadline](boost::system::error_code) { wait_for_sessions(deadline); });
}

void Server::Impl::wait_for_signal() {
    signals.async_wait([this](boost::system::error_code ec, int signal) {
        if (ec) return;
        if (signal == SIGHUP) {
            if (on_sighup) net::post(state.turn_pool(), on_sighup);
            return wait_for_signal();
        }
        begin_shutdown();
    });
}

Server::Server(Engine& engine, ServerConfig config, std::shared_ptr<spdlog::logger> logger)
    : impl_(std::make_unique<Impl>(engine, std::move(config), std::move(logger))) {}

Server::~Server() = default;

tl::expected<void, std::string> Server::start() {
    const auto& config = impl_->state.config();
    std::shared_ptr<net::ssl::context> tls;
    if (config.tls.enabled()) {
        auto context = make_tls_context(config.tls);
        if (!context) return tl::unexpected(context.error());
        tls = std::move(*context);
    }
    boost::system::error_code ec;
    const auto address = net::ip::make_address(config.host, ec);
    if (ec) return tl::unexpected("cannot listen on '" + config.host + "': not an IP address");
    impl_->listener = std::make_shared<Listener>(impl_->ioc, impl_->state, std::move(tls));
    if (auto opened = impl_->listener->open({address, config.port}); !opened) return opened;
    impl_->listener->run();
    if (auto* log = impl_->state.logger()) {
        log->info("serve: listening on {}://{}:{}", config.tls.enabled() ? "https" : "http", config.host, port());
    }
    return {};
}

unsigned short Server::port() const { return impl_->listener ? impl_->listener->port() : 0; }

void Server::handle_signals(std::function<void()> on_sighup) {
    impl_->on_sighup = std::move(on_sighup);
    impl_->signals.add(SIGINT);
    impl_->signals.add(SIGTERM);
    impl_->signals.add(SIGHUP);
    impl_->wait_for_signal();
}

void Server::run() {
    std::vector<std::thread> threads;
    for (unsigned i = 1; i < impl_->state.config().network_threads; ++i) {
        threads.emplace_back([this] { impl_->ioc.run(); });
    }
    impl_->ioc.run();
    for (auto& thread : threads) thread.join();
    impl_->state.join_turns();
    if (auto* log = impl_->state.logger()) log->info("serve: stopped");
}

void Server::stop() {
    net::post(impl_->control, [this] { impl_->begin_shutdown(); });
}

const Metrics& Server::metrics() const { return impl_->state.metrics(); }

}  // namespace reframe::websocket

#include "signals.hpp"

#include <csignal>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

namespace reframe::matrix {
namespace {

namespace asio = boost::asio;

struct SignalLoop {
    SignalLoop(Bot& b, const std::function<void()>& hup, std::chrono::milliseconds g)
        : bot(b), on_sighup(hup), grace(g) {}

    Bot& bot;
    const std::function<void()>& on_sighup;
    std::chrono::milliseconds grace;
    asio::io_context ioc;
    asio::signal_set signals{ioc, SIGINT, SIGTERM, SIGHUP};
    asio::steady_timer deadline{ioc};
    bool stopping = false;

    void wait() {
        signals.async_wait([this](const boost::system::error_code& ec, int signal) {
            if (ec) return;  // cancelled: the bot has stopped
            if (signal == SIGHUP) {
                if (on_sighup) on_sighup();
            } else if (!stopping) {
                stopping = true;
                bot.stop();
                deadline.expires_after(grace);
                deadline.async_wait([this](const boost::system::error_code& e) {
                    if (!e) bot.abort();
                });
            } else {
                bot.abort();
            }
            wait();
        });
    }
};

}  // namespace

int run_with_signals(Bot& bot, const std::function<void()>& on_sighup, std::chrono::milliseconds grace) {
    SignalLoop loop{bot, on_sighup, grace};
    loop.wait();
    std::thread signal_thread([&loop] { loop.ioc.run(); });
    const int code = bot.run();
    asio::post(loop.ioc, [&loop] {
        boost::system::error_code ignored;
        loop.signals.cancel(ignored);
        loop.deadline.cancel();
    });
    signal_thread.join();
    return code;
}

}  // namespace reframe::matrix

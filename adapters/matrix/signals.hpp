#pragma once
/// Runs the bot under a signal_set: SIGINT/SIGTERM stop it (the reply in flight is
/// finished; a second signal, or `grace` later, aborts), SIGHUP calls `on_sighup` (a flow
/// reload) and waits for the next signal.
///
/// Thread-safety: call from the main thread; `on_sighup` runs on the signal thread.

#include <chrono>
#include <functional>

#include "bot.hpp"

namespace reframe::matrix {

int run_with_signals(Bot& bot, const std::function<void()>& on_sighup,
                     std::chrono::milliseconds grace = std::chrono::seconds(10));

}  // namespace reframe::matrix

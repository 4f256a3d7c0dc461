#pragma once
/// A chat in the terminal. With a TTY it shows the bot's prompt, numbered options and a
/// "> " prompt; without one it reads one message per line and prints the replies.

#include <istream>
#include <ostream>
#include <string>

#include "reframe/engine.hpp"

namespace reframe::console {

struct ConsoleOptions {
    std::string user = "console";
    bool json = false;         // one JSON line per turn (design.md's turn format)
    bool interactive = false;  // a person at a terminal
};

/// Runs until end of input. Returns the process exit code: 0, or 1 when a turn failed
/// (the error is written to `err`).
int run_console(Engine& engine, std::istream& in, std::ostream& out, std::ostream& err, const ConsoleOptions& options);

}  // namespace reframe::console

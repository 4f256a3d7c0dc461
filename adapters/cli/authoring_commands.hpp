#pragma once
// The `graph` and `explain` subcommands' options, registered apart from main.cpp.

#include <optional>

#include <CLI/CLI.hpp>

#include "authoring.hpp"

namespace reframe::cli {

struct AuthoringCommands {
    CLI::App* graph = nullptr;
    CLI::App* explain = nullptr;
    GraphArgs graph_args;
    ExplainArgs explain_args;
};

/// Adds `graph` and `explain` to `app`; `commands` must outlive parsing.
void add_authoring_commands(CLI::App& app, AuthoringCommands& commands);

/// The exit code of the authoring subcommand that was parsed, or nothing.
std::optional<int> run_authoring_command(const AuthoringCommands& commands);

}  // namespace reframe::cli

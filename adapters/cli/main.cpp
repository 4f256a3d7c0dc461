// The `reframe` command: argument parsing only; each subcommand lives in its own file.
#include <cstdlib>
#include <iostream>

#include <unistd.h>
#include <CLI/CLI.hpp>

#include "authoring_commands.hpp"
#include "commands.hpp"
#include "console.hpp"
#include "logging.hpp"
#include "serve.hpp"
#include "setup.hpp"

namespace {

struct Args {
    std::string flows;
    std::string db;
    std::string user = "console";
    std::string locale;
    bool json = false;
    bool yes = false;
    bool stats = false;
    std::vector<std::string> paths;
    reframe::cli::LintOptions lint;
    std::string lint_format = "text";
    reframe::cli::TestRunOptions test;
    reframe::cli::MatrixOptions matrix;
    reframe::cli::LogSettings log;
    std::shared_ptr<spdlog::logger> logger;  // made from `log` once the arguments are parsed
    double rate_limit = -1;                  // messages a minute per user; -1: the subcommand's default
    reframe::cli::ServeArgs serve;
};

void add_log_options(CLI::App& app, Args& args) {
    app.add_option("--log-level", args.log.level,
                   "trace|debug|info|warn|error|off (default: info with --log-file, else warn)")
        ->check(CLI::IsMember(reframe::cli::log_level_names()));
    app.add_option("--log-file", args.log.file, "Append the log to this file (default: stderr)");
    // The options may also follow the subcommand: `reframe replay --log-level info`.
    app.fallthrough();
}

void add_rate_option(CLI::App& cmd, Args& args, const char* help) {
    cmd.add_option("--rate-limit", args.rate_limit, help)->check(CLI::NonNegativeNumber);
}

void add_flows_option(CLI::App& cmd, Args& args) {
    cmd.add_option("--flows", args.flows, "Folder of flows (default: the bundled dialogues/)");
}

void add_db_option(CLI::App& cmd, Args& args) {
    cmd.add_option("--db", args.db,
                   "SQLite file for sessions, \":memory:\" to keep nothing "
                   "(default: $REFRAME_DB or ~/.local/share/reframe/reframe.db)");
}

void add_locale_option(CLI::App& cmd, Args& args) {
    cmd.add_option("--locale", args.locale,
                   "Locale of the safety resources in resources.yaml, e.g. gb or us "
                   "(default: $REFRAME_LOCALE, else the file's default)");
}

int console_command(const Args& args) {
    const bool interactive = isatty(STDIN_FILENO) != 0;
    // A person at a terminal gets the limit a chat service has; piped lines are a script.
    const double rate = args.rate_limit >= 0 ? args.rate_limit : interactive ? 30 : 0;
    auto engine = reframe::cli::make_engine({args.flows, args.db, args.locale, args.logger, rate}, std::cerr);
    if (!engine) return 1;
    reframe::console::ConsoleOptions options;
    options.user = args.user;
    options.json = args.json;
    options.interactive = interactive;
    return reframe::console::run_console(*engine, std::cin, std::cout, std::cerr, options);
}

int replay_command(const Args& args) {
    // Replay feeds recorded lines as fast as it can: no limit unless asked for.
    const double rate = args.rate_limit >= 0 ? args.rate_limit : 0;
    auto engine = reframe::cli::make_engine({args.flows, args.db, args.locale, args.logger, rate}, std::cerr);
    if (!engine) return 1;
    return reframe::cli::run_replay(*engine, std::cin, std::cout, std::cerr, args.stats);
}

int classify_command(const Args& args) {
    auto engine = reframe::cli::make_engine({args.flows, ":memory:", {}, args.logger, 0}, std::cerr);
    if (!engine) return 1;
    return reframe::cli::run_classify(*engine, std::cin, std::cout, args.json);
}

int data_command(const CLI::App& data, const Args& args) {
    auto engine = reframe::cli::make_engine({args.flows, args.db, {}, args.logger, 0}, std::cerr);
    if (!engine) return 1;
    if (data.got_subcommand("export")) return reframe::cli::run_data_export(*engine, args.user, std::cout, std::cerr);
    if (data.got_subcommand("forget")) {
        return reframe::cli::run_data_forget(*engine, args.user, args.yes, std::cout, std::cerr);
    }
    return reframe::cli::run_data_purge(*engine, std::cout, std::cerr);
}

CLI::App* add_serve_command(CLI::App& app, Args& args) {
    auto* serve = app.add_subcommand("serve", "HTTP + WebSocket (/ws) + the web chat page (/)");
    auto& s = args.serve;
    serve->add_option("--config", s.config, "YAML config file (docs/serve.example.yaml); flags override it");
    serve->add_option("--listen", s.listen, "HOST:PORT to listen on (default: 127.0.0.1:8080; port 0: any free one)");
    serve->add_option("--flows", s.flows, "Folder of flows (default: the bundled dialogues/)");
    serve->add_option("--db", s.db,
                      "SQLite file for sessions, \":memory:\" to keep nothing "
                      "(default: $REFRAME_DB or ~/.local/share/reframe/reframe.db)");
    serve->add_option("--locale", s.locale, "Locale of the safety resources, e.g. gb or us");
    serve->add_option("--allow-origin", s.origins,
                      "An origin (https://host[:port]) whose pages may open /ws, besides the server's own; repeatable");
    serve->add_option("--tls-cert", s.tls_cert, "PEM certificate chain: serve HTTPS and wss://");
    serve->add_option("--tls-key", s.tls_key, "PEM private key of --tls-cert");
    serve->add_flag("--no-watch", s.no_watch, "Do not reload the flows when their files change (SIGHUP still does)");
    return serve;
}

}  // namespace

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    CLI::App app{"reframe — a reflective dialogue engine for mindful self-compassion"};
    app.require_subcommand(1);
    Args args;
    add_log_options(app, args);

    auto* console = app.add_subcommand("console", "Chat in the terminal (one message per line without a TTY)");
    add_flows_option(*console, args);
    add_db_option(*console, args);
    add_locale_option(*console, args);
    console->add_option("--user", args.user, "Who is talking (default: console)");
    console->add_flag("--json", args.json, "Print one JSON line per turn");
    add_rate_option(*console, args,
                    "Messages a minute one user may send, in bursts of 10; 0: no limit "
                    "(default: 30 at a terminal, 0 for piped input)");

    auto* replay = app.add_subcommand("replay", "Replay JSON lines {\"user\",\"text\"} from stdin, one turn line each");
    add_flows_option(*replay, args);
    add_db_option(*replay, args);
    add_locale_option(*replay, args);
    replay->add_flag("--stats", args.stats, "At the end, print turns/s and p50/p99 turn latency (JSON) to stderr");
    add_rate_option(*replay, args, "Messages a minute one user may send, in bursts of 10 (default: 0, no limit)");

    auto* classify = app.add_subcommand("classify", "Classify one text per stdin line (stateless)");
    add_flows_option(*classify, args);
    classify->add_flag("--json", args.json, "Print one JSON line per text");

    auto* lint = app.add_subcommand(
        "lint", "Check flow folders or files: exit 0 when clean (warnings allowed), 1 on errors, 2 on bad usage");
    lint->add_option("paths", args.lint.paths, "Folders or files to check")->required();
    lint->add_option("--format", args.lint_format, "text (default) or json: one JSON document with every finding")
        ->check(CLI::IsMember({"text", "json"}));
    lint->add_flag("--strict", args.lint.strict, "Warnings fail too (exit 1)");
    lint->add_flag("--report", args.lint.report,
                   "Also show which parts of self-compassion each flow and each reframe path offers");

    auto* test = app.add_subcommand(
        "test", "Run YAML conversation tests (exit 0 all pass, 1 a failure, 2 bad usage or test file)");
    test->add_option("paths", args.paths, "Test files, or folders searched for `tests/` folders")->required();
    test->add_option("--min-coverage", args.test.min_coverage,
                     "Also report which states the tests reach; fail below this percentage (0-100)")
        ->check(CLI::Range(0.0, 100.0));
    test->add_option("--junit", args.test.junit, "Also write a JUnit XML report to this file");
    test->add_option("--filter", args.test.filter, "Run only the tests whose name contains this text (any case)");
    test->add_option("--flows", args.test.flows_dir,
                     "Folder of flows (default: the folder holding each file's tests/ folder, else the bundled "
                     "dialogues/)");

    auto* data = app.add_subcommand("data", "A person's stored data: export it, forget it, purge old transcripts");
    data->require_subcommand(1);
    auto* export_cmd = data->add_subcommand("export", "Print everything stored about a person, as JSON");
    auto* forget_cmd = data->add_subcommand("forget", "Erase every row about a person (needs --yes)");
    auto* purge_cmd = data->add_subcommand("purge", "Erase transcript lines older than settings.transcript_days");
    for (auto* cmd : {export_cmd, forget_cmd, purge_cmd}) {
        add_flows_option(*cmd, args);
        add_db_option(*cmd, args);
    }
    for (auto* cmd : {export_cmd, forget_cmd}) cmd->add_option("--user", args.user, "The person's user id")->required();
    forget_cmd->add_flag("--yes", args.yes, "Confirm: this cannot be undone");

    reframe::cli::AuthoringCommands authoring;
    reframe::cli::add_authoring_commands(app, authoring);
    auto* serve = add_serve_command(app, args);
    auto* matrix = app.add_subcommand("matrix", "The Matrix bot (docs/matrix.md); runs until SIGTERM");
    matrix->add_option("--config", args.matrix.config_path, "The bot's YAML config (docs/matrix.example.yaml)")
        ->required();
    matrix->add_flag("--check", args.matrix.check, "Validate the config and log in, then exit");
    matrix->add_flag("--no-watch", args.matrix.no_watch, "Do not reload the flows when their files change");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;  // --help is 0; any usage error is 2
    }
    if (lint->parsed()) {
        args.lint.json = args.lint_format == "json";
        return reframe::cli::run_lint(args.lint, std::cout, std::cerr);
    }
    if (auto status = reframe::cli::run_authoring_command(authoring)) return *status;
    if (test->parsed()) {
        // Colour only for a person at a terminal; NO_COLOR (no-color.org) turns it off.
        args.test.colour = isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;
        return reframe::cli::run_conversation_tests(args.paths, args.test, std::cout, std::cerr);
    }
    auto logger = reframe::cli::make_logger(args.log);
    if (!logger) {
        std::cerr << "reframe: error: " << logger.error() << '\n';
        return 1;
    }
    args.logger = std::move(*logger);
    if (console->parsed()) return console_command(args);
    if (replay->parsed()) return replay_command(args);
    if (serve->parsed()) {
        args.serve.logger = args.logger;
        return reframe::cli::run_serve(args.serve, std::cerr);
    }
    if (matrix->parsed()) return reframe::cli::run_matrix(args.matrix, args.logger, std::cout, std::cerr);
    if (data->parsed()) return data_command(*data, args);
    return classify_command(args);
}

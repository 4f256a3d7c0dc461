// The `reframe` command: argument parsing only; each subcommand lives in its own file.
#include <iostream>

#include <unistd.h>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "console.hpp"
#include "logging.hpp"
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
    std::optional<double> min_coverage;
    reframe::cli::MatrixOptions matrix;
    reframe::cli::LogSettings log;
    std::shared_ptr<spdlog::logger> logger;  // made from `log` once the arguments are parsed
    double rate_limit = -1;                  // messages a minute per user; -1: the subcommand's default
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

    auto* lint = app.add_subcommand("lint", "Check flow folders or files; exit 1 on any error");
    lint->add_option("paths", args.paths, "Folders or files to check")->required();

    auto* test = app.add_subcommand("test", "Run YAML conversation tests");
    test->add_option("paths", args.paths, "Test files or folders")->required();
    test->add_option("--min-coverage", args.min_coverage,
                     "Also report which states the tests reach; fail below this percentage (0-100)")
        ->check(CLI::Range(0.0, 100.0));
    add_flows_option(*test, args);

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

    auto* matrix = app.add_subcommand("matrix", "The Matrix bot (docs/matrix.md); runs until SIGTERM");
    matrix->add_option("--config", args.matrix.config_path, "The bot's YAML config (docs/matrix.example.yaml)")
        ->required();
    matrix->add_flag("--check", args.matrix.check, "Validate the config and log in, then exit");
    matrix->add_flag("--no-watch", args.matrix.no_watch, "Do not reload the flows when their files change");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    if (lint->parsed()) return reframe::cli::run_lint(args.paths, std::cout);
    if (test->parsed()) {
        return reframe::cli::run_conversation_tests(args.paths, args.flows, std::cout, std::cerr, args.min_coverage);
    }
    auto logger = reframe::cli::make_logger(args.log);
    if (!logger) {
        std::cerr << "reframe: error: " << logger.error() << '\n';
        return 1;
    }
    args.logger = std::move(*logger);
    if (console->parsed()) return console_command(args);
    if (replay->parsed()) return replay_command(args);
    if (matrix->parsed()) return reframe::cli::run_matrix(args.matrix, args.logger, std::cout, std::cerr);
    if (data->parsed()) return data_command(*data, args);
    return classify_command(args);
}

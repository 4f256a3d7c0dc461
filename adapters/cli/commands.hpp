#pragma once
/// The subcommands of `reframe`. Each returns the process exit code.

#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <memory>

#include <spdlog/fwd.h>

#include "reframe/engine.hpp"

namespace reframe::cli {

/// stdin: JSON lines {"user","text"}; stdout: one turn line per input line. A bad input
/// line gets an {"error":…,"line":N} line in its place and makes the exit code 1.
/// With `stats`, a JSON summary of throughput and per-turn latency goes to `err` at the end.
int run_replay(Engine& engine, std::istream& in, std::ostream& out, std::ostream& err, bool stats = false);

/// stdin: one text per line; stdout: one classification per line (JSON or readable).
int run_classify(const Engine& engine, std::istream& in, std::ostream& out, bool json);

struct LintOptions {
    std::vector<std::string> paths;
    bool json = false;    ///< one JSON document instead of text lines
    bool strict = false;  ///< warnings fail too
    bool report = false;  ///< add the self-compassion coverage report
};

/// Prints every diagnostic of the given folders/files. 0: no error (warnings allowed,
/// unless `strict`); 1: errors; 2: a path does not exist (the message goes to `err`).
int run_lint(const LintOptions& options, std::ostream& out, std::ostream& err);

/// How `reframe test` runs.
struct TestRunOptions {
    std::string flows_dir;               ///< empty: the folder holding each file's `tests/` folder, else the default
    std::optional<double> min_coverage;  ///< also report reached states; fail below this percentage
    std::string junit;                   ///< write a JUnit XML report here ("" = none)
    std::string filter;                  ///< run only tests whose name contains this (any case)
    bool colour = false;                 ///< ANSI colours in diffs (a terminal only)
};

/// Runs the YAML conversation tests in `paths`: files, or folders searched recursively for
/// `tests/` folders. Exit code: 0 all passed, 1 a test failed (or the flows do not load, or
/// coverage is below the bar), 2 a usage problem or a malformed test file.
int run_conversation_tests(const std::vector<std::string>& paths, const TestRunOptions& options, std::ostream& out,
                           std::ostream& err);

/// Prints everything stored about `user` as export JSON.
int run_data_export(Engine& engine, const std::string& user, std::ostream& out, std::ostream& err);

/// Erases every row about `user`; refuses (exit 2) unless `confirmed`.
int run_data_forget(Engine& engine, const std::string& user, bool confirmed, std::ostream& out, std::ostream& err);

/// Erases transcript lines older than the flows' transcript_days.
int run_data_purge(Engine& engine, std::ostream& out, std::ostream& err);

struct MatrixOptions {
    std::string config_path;
    bool check = false;     // validate the config and log in, then exit
    bool no_watch = false;  // do not poll the flows folder for changes
};

/// The Matrix bot until SIGTERM/SIGINT (docs/matrix.md); 1 on a bad config or a fatal error.
int run_matrix(const MatrixOptions& options, const std::shared_ptr<spdlog::logger>& logger, std::ostream& out,
               std::ostream& err);

}  // namespace reframe::cli

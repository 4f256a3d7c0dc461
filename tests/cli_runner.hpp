#pragma once
// Runs the built `reframe` binary as a separate process, as a user or another tool would.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>

#include "temp_dir.hpp"

namespace reframe::testing {

struct Run {
    int status = -1;
    std::string out;
    std::string err;
    std::vector<std::string> lines() const {
        std::vector<std::string> result;
        std::istringstream in(out);
        for (std::string line; std::getline(in, line);) result.push_back(line);
        return result;
    }
};

/// Runs `reframe ARGS` with `input` on stdin; never through a TTY.
inline Run run_reframe(const std::string& args, const std::string& input, const TempDir& dir) {
    const auto in = dir.file("stdin.txt").string();
    const auto out = dir.file("stdout.txt").string();
    const auto err = dir.file("stderr.txt").string();
    {
        std::ofstream f(in, std::ios::binary);
        f << input;
    }
    const std::string cmd =
        std::string{"'"} + REFRAME_BINARY + "' " + args + " < '" + in + "' > '" + out + "' 2> '" + err + "'";
    const int raw = std::system(cmd.c_str());
    Run run;
    run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    run.out = slurp(out);
    run.err = slurp(err);
    return run;
}

inline std::string fixture(const std::string& name) { return std::string{REFRAME_TEST_DATA} + "/fixtures/" + name; }

}  // namespace reframe::testing

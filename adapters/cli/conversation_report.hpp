#pragma once
/// What `reframe test` prints: a readable diff for a failed step (with the conversation so
/// far), and JUnit XML for CI systems.

#include <string>
#include <vector>

#include "conversation_check.hpp"
#include "reframe/diagnostic.hpp"

namespace reframe::cli {

/// One user line and what the engine answered.
struct Turn {
    std::string user;
    Reply reply;
};

/// How one conversation test went.
struct TestOutcome {
    std::string file;
    std::string name;
    int line = 0;
    bool passed = false;
    double seconds = 0;
    std::size_t step = 0;  ///< the failing step (1-based); 0 when it passed
    std::size_t step_count = 0;
    int step_line = 0;
    std::vector<Mismatch> mismatches;
    std::string problem;      ///< a turn that could not run at all (the engine's error)
    std::vector<Turn> turns;  ///< the conversation up to and including the failing step
};

/// One test file: its outcomes, or the diagnostics that kept it from running.
struct FileOutcome {
    std::string file;
    std::vector<TestOutcome> tests;
    Diagnostics problems;  ///< non-empty: the file is malformed and nothing in it ran
};

/// The diff of a failed test: where, the conversation so far, then expected vs got per
/// field. With `colour`, ANSI colours (only for a terminal).
std::string failure_text(const TestOutcome& outcome, bool colour);

/// A JUnit XML document: one <testsuite> per file, one <testcase> per conversation; a
/// failure carries the diff, a malformed file one <testcase> with an <error>.
std::string junit_xml(const std::vector<FileOutcome>& files);

/// `text` made safe for XML 1.0 character data and attributes.
std::string xml_escape(const std::string& text);

}  // namespace reframe::cli

#pragma once
/// Conversation test files (`reframe test`): reading and checking them before anything
/// runs. A malformed file is a list of `file:line:col: error: RTxxxx …` diagnostics.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "reframe/diagnostic.hpp"

namespace reframe::cli {

/// Stable codes of problems in a test file (docs: dialogues/README.md, "Conversation tests").
namespace test_code {
inline constexpr const char* cannot_read = "RT0101";
inline constexpr const char* unknown_key = "RT0102";
inline constexpr const char* yaml_syntax = "RT0103";
inline constexpr const char* wrong_type = "RT0107";
inline constexpr const char* missing_key = "RT0108";
inline constexpr const char* bad_value = "RT0111";
}  // namespace test_code

/// What one user line must lead to. An unset expectation is not checked.
struct StepExpect {
    std::optional<std::string> state;                 ///< "flow.state" afterwards
    std::optional<std::vector<std::string>> visits;   ///< states entered this turn (all of them)
    std::vector<std::string> says;                    ///< texts the reply contains
    std::vector<std::string> not_says;                ///< texts it must not contain
    std::vector<std::string> matches;                 ///< RE2 regexes the reply matches (searched)
    std::optional<std::vector<std::string>> intents;  ///< shown by the message; [] = none
    std::optional<std::vector<std::string>> traps;    ///< thinking traps; [] = none
    std::optional<std::string> safety;                ///< "" (null), "crisis" or "medical_urgent"
    std::optional<std::vector<std::string>> options;  ///< the quick replies offered, exactly
    std::vector<std::string> options_include;         ///< quick replies that must be among them
    std::optional<std::vector<std::string>> reply;    ///< the exact messages
    std::optional<std::string> error;                 ///< "" (null) or the reply's error code
};

struct TestStep {
    std::string user;  ///< what the person writes
    int line = 0;      ///< where the step starts in the file
    std::int64_t after_days = 0;
    StepExpect expect;
};

struct ConversationTest {
    std::string name;
    std::string user = "test-user";  ///< the user id (it seeds the variant choice)
    int line = 0;
    std::vector<TestStep> steps;
};

struct TestFile {
    std::string path;
    std::vector<ConversationTest> tests;
};

/// Reads a test file: one test (a mapping) or a list of them. Every problem is reported,
/// not just the first.
tl::expected<TestFile, Diagnostics> read_test_file(const std::filesystem::path& path);

/// The keys a test and a step accept (dialogues/schema/reframe-test.schema.json lists the same).
const std::vector<std::string>& test_keys();
const std::vector<std::string>& step_keys();

}  // namespace reframe::cli

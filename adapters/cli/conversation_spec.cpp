#include "conversation_spec.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

namespace reframe::cli {
namespace {

namespace fs = std::filesystem;
constexpr std::uintmax_t max_test_file_bytes = std::uintmax_t{1024} * 1024;

/// Reads one file's nodes, collecting every problem with its place.
class SpecReader {
public:
    explicit SpecReader(std::string path) : path_(std::move(path)) {}

    void error(const YAML::Node& at, const char* code, std::string message, std::string hint) {
        const auto mark = at.Mark();
        const bool known = mark.line >= 0 && mark.column >= 0;  // a missing document has no place
        errors_.push_back({Severity::error,
                           code,
                           {path_, known ? mark.line + 1 : 1, known ? mark.column + 1 : 1},
                           std::move(message),
                           std::move(hint)});
    }
    Diagnostics& errors() { return errors_; }

    /// Checks the keys of `node` against `allowed`; false when it is not a mapping.
    bool check_keys(const YAML::Node& node, const std::vector<std::string>& allowed, const std::string& what);
    std::optional<std::string> text(const YAML::Node& node, const std::string& key);
    std::vector<std::string> texts(const YAML::Node& node, const std::string& key);
    std::optional<std::string> nullable(const YAML::Node& node, const std::string& key,
                                        const std::vector<std::string>& allowed);
    std::optional<ConversationTest> test(const YAML::Node& node);
    std::optional<TestStep> step(const YAML::Node& node, std::size_t number);

private:
    void read_expectations(const YAML::Node& node, StepExpect& expect);
    void check_regexes(const YAML::Node& node, const std::vector<std::string>& sources);

    std::string path_;
    Diagnostics errors_;
};

std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
    return out;
}

bool SpecReader::check_keys(const YAML::Node& node, const std::vector<std::string>& allowed, const std::string& what) {
    if (!node.IsMap()) {
        error(node, test_code::wrong_type, what + " should be a mapping (`key: value` lines)",
              "write it as `" + allowed.front() + ": …` lines");
        return false;
    }
    for (const auto& pair : node) {
        const std::string key = pair.first.IsScalar() ? pair.first.Scalar() : "?";
        if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
        const auto close = did_you_mean(key, allowed);
        error(pair.first, test_code::unknown_key, "unknown key '" + key + "' in " + what,
              close.empty() ? "the keys allowed here are: " + join(allowed) : "did you mean '" + close + "'?");
    }
    return true;
}

std::optional<std::string> SpecReader::text(const YAML::Node& node, const std::string& key) {
    const YAML::Node value = node[key];
    if (!value) return std::nullopt;
    if (!value.IsScalar()) {
        error(value, test_code::wrong_type, "`" + key + "` should be a text", "write `" + key + ": \"…\"`");
        return std::nullopt;
    }
    return value.Scalar();
}

std::vector<std::string> SpecReader::texts(const YAML::Node& node, const std::string& key) {
    const YAML::Node value = node[key];
    std::vector<std::string> out;
    if (!value) return out;
    if (value.IsScalar()) return {value.Scalar()};
    if (value.IsSequence()) {
        for (const auto& item : value) {
            if (item.IsScalar()) {
                out.push_back(item.Scalar());
            } else {
                error(item, test_code::wrong_type, "each item of `" + key + "` should be a text",
                      "write one text per `- ` line");
            }
        }
        return out;
    }
    if (value.IsNull()) return out;
    error(value, test_code::wrong_type, "`" + key + "` should be a text or a list of texts",
          "write `" + key + ": \"…\"` or `" + key + ": [\"…\", \"…\"]`");
    return out;
}

/// `safety:` / `error:` — null (nothing) or one of `allowed`, as "" or the word.
std::optional<std::string> SpecReader::nullable(const YAML::Node& node, const std::string& key,
                                                const std::vector<std::string>& allowed) {
    const YAML::Node value = node[key];
    if (!value) return std::nullopt;
    if (value.IsNull()) return std::string{};
    if (value.IsScalar() && std::find(allowed.begin(), allowed.end(), value.Scalar()) != allowed.end()) {
        return value.Scalar();
    }
    error(value, test_code::bad_value, "`" + key + "` should be null or one of: " + join(allowed),
          "write `" + key + ": null` for none");
    return std::nullopt;
}

void SpecReader::check_regexes(const YAML::Node& node, const std::vector<std::string>& sources) {
    for (const auto& source : sources) {
        RE2 re(source, RE2::Quiet);
        if (!re.ok()) {
            error(node["matches"], test_code::bad_value,
                  "`matches: " + source + "` is not a valid regex: " + re.error(),
                  "write an RE2 regular expression, e.g. \"(tired|exhausted)\"");
        }
    }
}

void SpecReader::read_expectations(const YAML::Node& node, StepExpect& expect) {
    const auto optional_list = [&](const char* key, std::optional<std::vector<std::string>>& into) {
        if (node[key]) into = texts(node, key);
    };
    expect.state = text(node, "state");
    optional_list("visits", expect.visits);
    expect.says = texts(node, "says");
    expect.not_says = texts(node, "not_says");
    expect.matches = texts(node, "matches");
    check_regexes(node, expect.matches);
    optional_list("intents", expect.intents);
    optional_list("traps", expect.traps);
    expect.safety = nullable(node, "safety", {"crisis", "medical_urgent"});
    optional_list("options", expect.options);
    expect.options_include = texts(node, "options_include");
    optional_list("reply", expect.reply);
    expect.error = nullable(node, "error", {"message_too_long", "rate_limited"});
}

std::optional<TestStep> SpecReader::step(const YAML::Node& node, std::size_t number) {
    const std::string what = "step " + std::to_string(number);
    if (!check_keys(node, step_keys(), what)) return std::nullopt;
    TestStep step;
    step.line = node.Mark().line + 1;
    if (auto user = text(node, "user")) {
        step.user = *user;
    } else if (!node["user"]) {
        error(node, test_code::missing_key, what + " has no `user` message", "add `user: \"what the person writes\"`");
    }
    if (const YAML::Node days = node["after_days"]) {
        const std::string s = days.IsScalar() ? days.Scalar() : "";
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), step.after_days);
        if (ec != std::errc{} || end != s.data() + s.size() || s.empty() || step.after_days < 0 ||
            step.after_days > 3650) {
            error(days, test_code::bad_value, "`after_days` should be a whole number of days from 0 to 3650",
                  "write e.g. `after_days: 1` to send this message a day later");
        }
    }
    read_expectations(node, step.expect);
    return step;
}

std::optional<ConversationTest> SpecReader::test(const YAML::Node& node) {
    if (!check_keys(node, test_keys(), "a test")) return std::nullopt;
    ConversationTest test;
    test.line = node.Mark().line + 1;
    if (auto name = text(node, "test")) {
        test.name = *name;
    } else if (!node["test"]) {
        error(node, test_code::missing_key, "this test has no name", "add `test: what it shows` as its first line");
    }
    if (auto user = text(node, "user")) test.user = *user;
    const YAML::Node steps = node["steps"];
    if (!steps || !steps.IsSequence() || steps.size() == 0) {
        error(steps ? steps : node, steps ? test_code::wrong_type : test_code::missing_key,
              "test '" + test.name + "' needs a list of `steps`", "add `steps:` with `- user: \"…\"` lines below it");
        return test;
    }
    std::size_t number = 0;
    for (const auto& item : steps) {
        if (auto step = this->step(item, ++number)) test.steps.push_back(std::move(*step));
    }
    return test;
}

std::optional<std::string> read_whole(const fs::path& path, Diagnostics& errors) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    const std::string shown = path.string();
    if (ec || size > max_test_file_bytes) {
        errors.push_back({Severity::error,
                          test_code::cannot_read,
                          {shown, 0, 0},
                          ec ? "cannot read this test file: " + ec.message() : "this test file is larger than 1 MiB",
                          ec ? "check that the path is right and readable" : "split it into several files"});
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

const std::vector<std::string>& test_keys() {
    static const std::vector<std::string> keys{"test", "user", "steps"};
    return keys;
}

const std::vector<std::string>& step_keys() {
    static const std::vector<std::string> keys{"user",     "after_days",      "state",   "visits", "says",
                                               "not_says", "matches",         "intents", "traps",  "safety",
                                               "options",  "options_include", "reply",   "error"};
    return keys;
}

tl::expected<TestFile, Diagnostics> read_test_file(const fs::path& path) {
    Diagnostics errors;
    auto text = read_whole(path, errors);
    if (!text) return tl::unexpected(std::move(errors));
    YAML::Node root;
    try {
        root = YAML::Load(*text);
    } catch (const YAML::Exception& e) {
        errors.push_back({Severity::error,
                          test_code::yaml_syntax,
                          {path.string(), e.mark.line + 1, e.mark.column + 1},
                          "the YAML cannot be read: " + e.msg,
                          "check quotes, brackets, colons and indentation"});
        return tl::unexpected(std::move(errors));
    }
    SpecReader reader(path.string());
    TestFile file{path.string(), {}};
    if (!root || root.IsNull() || (root.IsSequence() && root.size() == 0)) {
        reader.error(root, test_code::missing_key, "this test file holds no test",
                     "write `- test: name` with `steps:`, or remove the file");
    } else if (root.IsSequence()) {
        for (const auto& node : root) {
            if (auto test = reader.test(node)) file.tests.push_back(std::move(*test));
        }
    } else if (auto test = reader.test(root)) {
        file.tests.push_back(std::move(*test));
    }
    if (!reader.errors().empty()) return tl::unexpected(std::move(reader.errors()));
    return file;
}

}  // namespace reframe::cli

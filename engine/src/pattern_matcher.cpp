#include "pattern_matcher.hpp"

#include <stdexcept>
#include <utility>

#include "pattern_size.hpp"

namespace reframe::detail {

RE2::Options regex_options(std::int64_t max_mem) {
    RE2::Options options;
    options.set_encoding(RE2::Options::EncodingUTF8);
    options.set_log_errors(false);
    options.set_max_mem(max_mem);
    return options;
}

void padded_subject(const Clause& clause, std::string& out) {
    out.assign(1, ' ');
    for (const Token& token : clause.tokens) {
        out += token.text;
        out += ' ';
    }
}

PatternMatcher::PatternMatcher(Strategy strategy, std::int64_t max_mem_per_set)
    : strategy_(strategy), max_mem_per_set_(max_mem_per_set) {}

tl::expected<std::unique_ptr<RE2>, std::string> compile_regex(const std::string& regex) {
    auto compiled = std::make_unique<RE2>(regex, regex_options(pattern_max_mem));
    if (!compiled->ok()) return tl::make_unexpected(compiled->error());
    return compiled;
}

PatternId PatternMatcher::add(std::string set_regex, std::string regex, Subject subject) {
    if (compiled_) throw std::logic_error("PatternMatcher::add() after compile()");
    auto pattern = std::make_unique<Pattern>();
    pattern->set_regex = std::move(set_regex);
    pattern->regex_source = std::move(regex);
    pattern->subject = subject;
    patterns_.push_back(std::move(pattern));
    return patterns_.size() - 1;
}

PatternId PatternMatcher::add(std::string regex, std::unique_ptr<RE2> compiled, Subject subject) {
    const PatternId id = add(regex, regex, subject);
    patterns_[id]->regex = std::move(compiled);
    return id;
}

const RE2& PatternMatcher::regex(const Pattern& pattern) const {
    std::call_once(pattern.compiled, [this, &pattern] {
        if (pattern.regex) return;  // compiled by add() already
        pattern.regex = std::make_unique<RE2>(pattern.regex_source, regex_options(pattern_max_mem));
        // Its set, which holds this pattern and others, compiled within set_max_mem, so a
        // pattern too big for RE2's default budget still fits in that one.
        if (!pattern.regex->ok()) {
            pattern.regex = std::make_unique<RE2>(pattern.regex_source, regex_options(max_mem_per_set_));
        }
    });
    return *pattern.regex;
}

tl::expected<void, std::string> PatternMatcher::compile() {
    if (auto built = build(padded_, Subject::padded); !built) return built;
    if (auto built = build(joined_, Subject::joined); !built) return built;
    compiled_ = true;
    return {};
}

tl::expected<void, std::string> PatternMatcher::check_fits() {
    if (compiled_) return {};
    // A third of instruction_budget(): the compile's own limit is at least that budget,
    // and the set's DFA, which must start inside Compile(), needs about 120 bytes per
    // instruction of its program (queues, stack, 20 states) besides the program's own 16,
    // so it would not start above about half of it. A third keeps a margin of 1.6.
    const std::size_t limit = instruction_budget(max_mem_per_set_) / 3;
    const auto padded = size_bound(Subject::padded);
    const auto joined = size_bound(Subject::joined);
    if (padded && joined && *padded <= limit && *joined <= limit) return {};
    return compile();
}

std::optional<std::size_t> PatternMatcher::size_bound(Subject subject) const {
    std::size_t total = 64;  // the unanchored `.*?` prefix and the set's own instructions
    for (const auto& pattern : patterns_) {
        if (pattern->subject != subject) continue;
        auto size = program_size_bound(pattern->set_regex);
        if (!size && pattern->regex != nullptr) {
            // A user regex, compiled at load: its own program, plus its length for the
            // literal prefix RE2 may have taken out of it, and a factor for flattening.
            size = 2 * static_cast<std::size_t>(pattern->regex->ProgramSize()) + pattern->set_regex.size() + 16;
        }
        if (!size) return std::nullopt;
        total += *size + 2;  // its match instruction and the Alt that joins it to the set
    }
    return total;
}

tl::expected<void, std::string> PatternMatcher::build(SubjectSet& target, Subject subject) {
    target = SubjectSet{};
    for (PatternId id = 0; id < patterns_.size(); ++id) {
        if (patterns_[id]->subject == subject) target.ids.push_back(id);
    }
    // An empty set is not worth a program; match_set() skips it.
    if (target.ids.empty() || strategy_ == Strategy::single_regexes) return {};
    auto set = std::make_unique<RE2::Set>(regex_options(max_mem_per_set_), RE2::UNANCHORED);
    for (const PatternId id : target.ids) {
        std::string error;
        if (set->Add(patterns_[id]->set_regex, &error) < 0) {
            return tl::make_unexpected("pattern " + std::to_string(id) + ": " + error);
        }
    }
    if (!set->Compile()) return tl::make_unexpected(std::string("patterns too large to compile together"));
    target.set = std::move(set);
    return {};
}

void PatternMatcher::match(const Clause& clause, std::string& scratch, std::vector<PatternId>& out) const {
    padded_subject(clause, scratch);
    match_set(padded_, scratch, out);
    match_set(joined_, clause.joined, out);
}

void PatternMatcher::match_set(const SubjectSet& target, const std::string& subject,
                               std::vector<PatternId>& out) const {
    if (target.ids.empty()) return;
    if (target.set) {
        // Reused by this thread's calls: RE2 clears it, and keeps its capacity.
        thread_local std::vector<int> hits;
        RE2::Set::ErrorInfo info{RE2::Set::kNoError};
        const bool matched = target.set->Match(subject, &hits, &info);
        if (matched || info.kind == RE2::Set::kNoError) {
            for (const int hit : hits) out.push_back(target.ids[static_cast<std::size_t>(hit)]);
            return;
        }
        // The DFA gave up. RE2 2022-06-01 cannot get here once Compile() succeeded (a set's
        // DFA flushes its cache rather than fail), but a "no match" must never be a guess.
        fallbacks_.fetch_add(1, std::memory_order_relaxed);
    }
    for (const PatternId id : target.ids) {
        if (RE2::PartialMatch(subject, regex(*patterns_[id]))) out.push_back(id);
    }
}

Captures PatternMatcher::captures(PatternId id, const Clause& clause) const {
    const Pattern& pattern = *patterns_.at(id);
    std::string padded;
    if (pattern.subject == Subject::padded) padded_subject(clause, padded);
    const std::string& subject = pattern.subject == Subject::padded ? padded : clause.joined;
    const RE2& compiled = regex(pattern);
    const auto groups = static_cast<std::size_t>(compiled.NumberOfCapturingGroups()) + 1;
    std::vector<re2::StringPiece> values(groups);
    if (!compiled.Match(subject, 0, subject.size(), RE2::UNANCHORED, values.data(), static_cast<int>(groups))) {
        return {};
    }
    Captures result;
    for (const auto& [name, index] : compiled.NamedCapturingGroups()) {
        const re2::StringPiece value = values[static_cast<std::size_t>(index)];
        if (value.data() == nullptr) continue;  // inside an optional part that did not match
        std::string text(value.data(), value.size());
        if (pattern.subject == Subject::padded && !text.empty() && text.back() == ' ') text.pop_back();
        result.emplace(name, std::move(text));
    }
    return result;
}

}  // namespace reframe::detail

// libFuzzer harness: the input is one message. It is normalised, canonicalised and
// matched against every pattern of the bundled dialogues, and the captures of every
// pattern that matched are extracted. Never a crash, a sanitizer report or an exception.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "reframe/loader.hpp"
#include "reframe/pattern_set.hpp"
#include "reframe/text.hpp"

namespace {

const reframe::FlowSet& bundled() {
    static const std::shared_ptr<const reframe::FlowSet> flows = [] {
        auto loaded = reframe::load_flow_dir(REFRAME_SOURCE_DIR "/dialogues");
        if (!loaded.has_value() || loaded->flows == nullptr) __builtin_trap();  // the dialogues must load
        return loaded->flows;
    }();
    return *flows;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const reframe::PatternSet& patterns = bundled().patterns;
    const std::string_view raw(reinterpret_cast<const char*>(data), size);

    reframe::NormalizedText text = reframe::normalize(raw);
    patterns.canonicalize(text);
    const reframe::PatternMatches matches = patterns.match(text);
    if (matches.by_clause.size() != text.clauses.size()) __builtin_trap();

    for (std::size_t c = 0; c < matches.by_clause.size(); ++c) {
        for (const reframe::PatternId id : matches.by_clause[c]) {
            if (id >= patterns.size()) __builtin_trap();
            if (!matches.matched(id, c)) __builtin_trap();
            const reframe::Captures captures = patterns.captures(id, text.clauses[c]);
            for (const auto& [name, value] : captures) {
                if (name.empty()) __builtin_trap();
                (void)value;
            }
        }
    }
    return 0;
}

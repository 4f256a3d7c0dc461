#include "key_tables.hpp"

#include <algorithm>
#include <array>

#include "reframe/yaml_keys.hpp"

namespace reframe::loader_detail {
namespace {

using Keys = std::vector<std::string>;

/// `base` followed by the keys of `more` it does not have yet.
Keys joined(Keys base, const Keys& more) {
    for (const auto& key : more) {
        if (std::find(base.begin(), base.end(), key) == base.end()) base.push_back(key);
    }
    return base;
}

Keys document_keys() {
    return joined(joined(flow_keys(), {"intents", "interrupts", "settings", "resources"}), questionnaire_keys());
}

}  // namespace

const Keys& flow_keys() {
    static const Keys keys{"flow", "description", "start", "vars", "tags", "serves", "states", "fallback"};
    return keys;
}

const Keys& questionnaire_keys() {
    static const Keys keys{"questionnaire", "description", "intro", "scale", "items", "done"};
    return keys;
}

const Keys& when_keys() {
    static const Keys keys{"intent", "tag", "pattern", "unless", "option", "if"};
    return keys;
}

const Keys& then_keys() {
    static const Keys keys{"say", "set", "record", "do", "goto", "call", "then", "return", "end", "again"};
    return keys;
}

const Keys& keys_of(Mapping kind) {
    static const std::array<Keys, 13> tables{
        document_keys(),
        Keys{"say", "options", "on", "fallback", "set", "next", "end", "tags", "serves"},
        joined(when_keys(), then_keys()),
        then_keys(),
        joined(joined({"id", "priority", "safety"}, when_keys()), then_keys()),
        Keys{"description", "tags", "scope", "patterns", "unless"},
        Keys{"entry", "first_contact", "transcript_days", "pacing", "quiet", "fallback"},
        Keys{"ms_per_word", "min_ms", "max_ms"},
        Keys{"default", "locales"},
        Keys{"id", "text", "reverse"},
        Keys{"tone"},
        Keys{"replace", "allow", "phrases"},
        Keys{"phrase", "why", "instead"},
    };
    return tables.at(static_cast<std::size_t>(kind));
}

}  // namespace reframe::loader_detail

namespace reframe {

const std::vector<MappingKeys>& loader_mappings() {
    using loader_detail::keys_of;
    using loader_detail::Mapping;
    static const std::vector<MappingKeys> mappings{
        {"document", "a file's top level", keys_of(Mapping::document)},
        {"state", "a state (under `states:`)", keys_of(Mapping::state)},
        {"rule", "a rule (an item of a state's `on:`)", keys_of(Mapping::rule)},
        {"fallback", "a state's or a flow's `fallback:`", keys_of(Mapping::fallback)},
        {"interrupt", "an interrupt (an item of `interrupts:`)", keys_of(Mapping::interrupt)},
        {"intent", "an intent (under `intents:`)", keys_of(Mapping::intent)},
        {"settings", "`settings:`", keys_of(Mapping::settings)},
        {"pacing", "`settings:` → `pacing:`", keys_of(Mapping::pacing)},
        {"resources", "`resources:`", keys_of(Mapping::resources)},
        {"questionnaire_item", "a questionnaire item (an item of `items:`)", keys_of(Mapping::questionnaire_item)},
        {"tone_file", "the top level of lint/tone.yaml", keys_of(Mapping::tone_file)},
        {"tone", "lint/tone.yaml → `tone:`", keys_of(Mapping::tone)},
        {"tone_phrase", "a phrase of the tone list (an item of `phrases:`)", keys_of(Mapping::tone_phrase)},
    };
    return mappings;
}

const std::vector<std::string>& loader_keys(std::string_view kind) {
    static const std::vector<std::string> none;
    for (const auto& mapping : loader_mappings()) {
        if (mapping.kind == kind) return mapping.keys;
    }
    return none;
}

}  // namespace reframe

#pragma once
// Private: the stable diagnostic codes of the loader. Every code here has a row in
// docs/diagnostics.md and a fixture under tests/fixtures/loader/<code>/.
//
//   RF01xx  the file itself: reading, YAML syntax, keys, types, names
//   RF02xx  references between things: states, flows, intents, lexicons, variables
//   RF03xx  the small languages inside strings: patterns, regexes, templates, conditions
//   RF04xx  safety: nothing may shadow a safety interrupt
//   RF09xx  warnings: the folder loads, but something looks unintended

namespace reframe::loader_detail::code {

inline constexpr const char* cannot_read = "RF0101";
inline constexpr const char* unknown_key = "RF0102";
inline constexpr const char* yaml_syntax = "RF0103";
inline constexpr const char* tab_indent = "RF0104";
inline constexpr const char* too_large = "RF0105";
inline constexpr const char* too_deep = "RF0106";
inline constexpr const char* wrong_type = "RF0107";
inline constexpr const char* missing_key = "RF0108";
inline constexpr const char* bad_name = "RF0109";
inline constexpr const char* conflicting_target = "RF0110";
inline constexpr const char* bad_value = "RF0111";
inline constexpr const char* duplicate_key = "RF0112";
inline constexpr const char* no_entry = "RF0113";
inline constexpr const char* interrupt_without_condition = "RF0114";
inline constexpr const char* bad_scope = "RF0115";
inline constexpr const char* unknown_component = "RF0116";

inline constexpr const char* undefined_state = "RF0201";
inline constexpr const char* undefined_flow = "RF0202";
inline constexpr const char* undefined_intent = "RF0203";
inline constexpr const char* undefined_lexicon = "RF0204";
inline constexpr const char* undefined_tag = "RF0205";
inline constexpr const char* undefined_variable = "RF0206";
inline constexpr const char* duplicate_flow = "RF0207";
inline constexpr const char* duplicate_state = "RF0208";
inline constexpr const char* duplicate_intent = "RF0209";
inline constexpr const char* duplicate_interrupt = "RF0210";
inline constexpr const char* duplicate_lexicon = "RF0211";
inline constexpr const char* duplicate_settings = "RF0212";
inline constexpr const char* option_out_of_range = "RF0213";

inline constexpr const char* bad_pattern = "RF0301";
inline constexpr const char* bad_regex = "RF0302";
inline constexpr const char* bad_template = "RF0303";
inline constexpr const char* bad_condition = "RF0304";

inline constexpr const char* shadows_safety = "RF0401";
inline constexpr const char* outranks_safety = "RF0402";

inline constexpr const char* unreachable_state = "RF0901";
inline constexpr const char* stuck_state = "RF0902";
inline constexpr const char* unreachable_flow = "RF0903";
inline constexpr const char* empty_lexicon_entry = "RF0904";
inline constexpr const char* misspelt_trap = "RF0905";
inline constexpr const char* no_end_reachable = "RF0906";
inline constexpr const char* maybe_unset_variable = "RF0907";
inline constexpr const char* shadowed_rule = "RF0908";
inline constexpr const char* unmatchable_word = "RF0909";
inline constexpr const char* empty_lexicon = "RF0910";
inline constexpr const char* unkind_phrase = "RF0911";
inline constexpr const char* path_misses_component = "RF0912";

}  // namespace reframe::loader_detail::code

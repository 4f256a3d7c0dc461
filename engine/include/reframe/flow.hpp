#pragma once
/// The compiled flow model: what therapists wrote, checked and immutable.
///
/// A FlowSet is built once by the loader and then shared read-only between threads
/// (`std::shared_ptr<const FlowSet>`); a reload builds a new one and swaps the pointer.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "reframe/diagnostic.hpp"
#include "reframe/pattern_set.hpp"
#include "reframe/session.hpp"
#include "reframe/template.hpp"

namespace reframe {

/// The thinking-trap vocabulary of design.md.
const std::vector<std::string>& thinking_traps();
bool is_thinking_trap(const std::string& tag);

/// The three parts of mindful self-compassion a say-line can serve (`serves:` in YAML):
/// `mindfulness`, `common_humanity`, `self_kindness`.
const std::vector<std::string>& self_compassion_components();
bool is_self_compassion_component(const std::string& name);

/// Intents tagged with these decide the `classify` booleans.
inline constexpr const char* tag_self_critical = "self_critical";
inline constexpr const char* tag_crisis = "crisis";
inline constexpr const char* tag_medical_urgent = "medical_urgent";

/// Where an intent's patterns and guards look.
enum class IntentScope {
    clause,   ///< inside one clause at a time (the default)
    message,  ///< the whole message as one piece: every clause's words in order
};

/// A named meaning: it matches a clause when one of its patterns does and none of its
/// `unless` patterns (negation guards) matches that same clause. With `scope: message`
/// the piece is the whole message instead, so a meaning split by punctuation or "but"
/// ("i have been saving my pills. for when it gets too much") is still seen.
struct Intent {
    std::string id;
    std::string description;
    std::vector<std::string> tags;
    std::vector<PatternId> patterns;
    std::vector<PatternId> unless;
    IntentScope scope = IntentScope::clause;
    SourceLocation where;
};

/// `var op value`; `op` empty means "the variable is set and not empty".
struct Condition {
    enum class Op { is_set, is_unset, eq, ne, lt, le, gt, ge };
    std::string var;
    Op op = Op::is_set;
    std::string value;
    std::string source;  // as written, for explain
};

struct Assignment {
    std::string var;
    Template value;
};

/// Where a transition leads. `flow` is always filled in by the loader (a bare state name
/// means the current flow).
struct Target {
    enum class Kind { stay, go, call, ret, end };
    Kind kind = Kind::stay;
    std::string flow;
    std::string state;
    /// For `call`: the state of the calling flow to come back to (default: the caller's
    /// current state).
    std::string then_state;
    /// Where the target is written (the `goto:`/`call:`/`next:` value), for diagnostics.
    SourceLocation where;
};

/// What a rule does about the person's data, besides what it says (`do:` in YAML).
/// The engine carries these out; flows only decide when.
enum class DataAction {
    none,
    grant_transcripts,    // store a transcript of the conversation from the next message on
    decline_transcripts,  // store none, and erase any stored so far
    forget_me,            // after this reply, erase every row about the person
    export_my_data,       // append everything stored about the person, as JSON
};

/// The YAML name of `action` ("forget_me"), and the action a name stands for.
std::string_view data_action_name(DataAction action);
std::optional<DataAction> data_action_named(std::string_view name);
const std::vector<std::string>& data_action_names();

/// A questionnaire's score, computed when its last item is answered: the mean of the
/// item variables, kept as variable `<name>.score` and as the check-in measure `<name>`.
struct Scoring {
    std::string name;                    // the questionnaire
    std::vector<std::string> item_vars;  // "<name>.<item>"
};

/// One ordered rule of a state: all its conditions must hold.
struct Transition {
    // --- when ---
    std::vector<std::string> intents;   // any of these intents matched
    std::vector<std::string> tags;      // any matched intent carries one of these tags
    std::vector<PatternId> patterns;    // any of these inline patterns matched
    std::vector<PatternId> unless;      // ...and none of these matched the same clause
    std::optional<std::size_t> option;  // the person chose option N (0-based) of the state
    std::vector<Condition> conditions;  // every condition holds
    bool always = false;                // no condition at all (a fallback)
    // --- then ---
    std::vector<Assignment> set;
    std::vector<Assignment> record;          // check-in measures to keep: name -> value
    std::optional<Scoring> score;            // a questionnaire's last answer: compute its score
    std::vector<std::vector<Template>> say;  // variants, each one or more messages
    DataAction action = DataAction::none;
    Target target;
    /// With `goto`: the same message is handled again by the target state's rules (its
    /// prompt is not said), e.g. a new self-critical statement in the middle of a practice.
    /// With `end`: the conversation rests, then the entry state's rules handle the message.
    bool again = false;
    SourceLocation where;
    std::string label;  // human description for explain ("intent self_critical -> reflect")
};

struct State {
    std::string id;
    std::vector<std::vector<Template>> say;  // variants, each one or more messages
    std::vector<Template> options;
    /// Each option as a message would normalise to, when it has no variables (filled by
    /// index_intents(); empty for options that must be rendered first).
    std::vector<std::string> option_keys;
    std::vector<Assignment> set;  // applied on entry
    std::vector<Transition> on;   // ordered
    std::optional<Transition> fallback;
    std::optional<Target> next;  // continue at once, without waiting
    bool end = false;
    std::vector<std::string> tags;
    /// The self-compassion components what this state says offers (`serves:`).
    std::vector<std::string> serves;
    SourceLocation where;
};

struct Flow {
    std::string id;
    std::string description;
    std::string start;
    std::vector<State> states;
    std::unordered_map<std::string, std::size_t> state_index;
    std::map<std::string, std::string> vars;  // declared variables and their defaults
    std::vector<std::string> tags;
    std::optional<Transition> fallback;  // when the state has none
    /// Components every path through this flow should offer (`serves:` on the flow); the
    /// coverage report warns about a path that misses one. Empty: no expectation.
    std::vector<std::string> serves;
    SourceLocation where;

    const State* find_state(const std::string& state_id) const;
};

/// A global rule checked before any state's transitions, highest priority first.
/// Interrupts with `safety` set are always checked before every other interrupt.
struct Interrupt {
    std::string id;
    int priority = 0;
    std::string safety;  // "", "crisis" or "medical_urgent"
    Transition rule;
    SourceLocation where;
};

/// Helplines and emergency numbers for one deployment (resources.yaml): every locale
/// gives the same keys; templates read them as `{resources.key}`.
struct Resources {
    std::string default_locale;
    std::map<std::string, std::map<std::string, std::string>> locales;

    /// The text of `key` for `locale` (unknown or empty locale: the default one).
    std::optional<std::string_view> find(std::string_view locale, std::string_view key) const;
};

struct FlowSet {
    std::vector<Flow> flows;
    std::unordered_map<std::string, std::size_t> flow_index;
    std::vector<Intent> intents;
    std::unordered_map<std::string, std::size_t> intent_index;
    std::vector<Interrupt> interrupts;  // sorted: safety first, then by priority descending
    LexiconTable lexicons;
    PatternSet patterns;
    /// For each pattern id, the intents (indices into `intents`) that list it under
    /// `patterns`; filled by index_intents() so a turn looks up only what matched.
    std::vector<std::vector<std::size_t>> intents_by_pattern;
    /// For each intent (by index), the interrupts (indices into `interrupts`, ascending)
    /// whose rule names it or one of its tags; and, ascending, the interrupts whose rule
    /// names no intent nor tag, which any message may set off. Filled by index_intents(): a
    /// turn tries only the interrupts the message's intents call for, not all of them.
    std::vector<std::vector<std::size_t>> interrupts_by_intent;
    std::vector<std::size_t> interrupts_without_intent;
    bool interrupts_indexed = false;  // the two above are filled (else every interrupt is tried)
    /// Every variable some template or condition reads; a capture into any other name
    /// is never computed nor stored (less work, and less of what a person wrote kept).
    std::vector<std::string> used_variables;
    std::string entry_flow;  // where a new session starts
    /// Where a person's very first conversation starts instead (the privacy notice);
    /// its flow returns to the entry. Empty flow: straight to the entry.
    Frame first_contact;
    /// Safety and help resources per locale: `{resources.key}` in templates.
    Resources resources;
    /// Typing pauses adapters show before each message (settings.pacing); 0: none.
    int pace_ms_per_word = 0;
    int pace_min_ms = 0;
    int pace_max_ms = 0;
    /// What to say when a person goes quiet in the middle of something (settings.quiet).
    std::vector<Template> quiet;
    /// How many days transcript lines are kept (settings.transcript_days).
    int transcript_days = 30;
    /// Settings templates may read, by their template name ("settings.transcript_days").
    std::map<std::string, std::string, std::less<>> setting_vars;
    std::vector<Template> global_fallback;  // when nothing in the flow applies
    /// Names this set: 16 hex digits of a hash over the files it was loaded from (their
    /// paths relative to the folder and their bytes). The same files give the same version.
    std::string version;

    const Flow* find_flow(const std::string& flow_id) const;
    const Intent* find_intent(const std::string& intent_id) const;
    bool uses_variable(const std::string& name) const;
};

/// Fills `intents_by_pattern`, the interrupt tables and `used_variables`; the loader calls
/// it last.
void index_intents(FlowSet& flows);

}  // namespace reframe

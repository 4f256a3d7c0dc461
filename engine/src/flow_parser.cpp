#include "flow_parser.hpp"

#include <algorithm>
#include <set>

#include "loader_codes.hpp"
#include "say_parser.hpp"
#include "transition_parser.hpp"

namespace reframe::loader_detail {
namespace {

KeyRules state_key_rules(const std::string& what) {
    const std::string rule_hint =
        "conditions and places to go belong in a rule under `on:`, e.g. "
        "`on: [{pattern: \"…\", goto: next_state}]`";
    KeyRules rules{what, Mapping::state, {}};
    for (const auto& key : when_keys()) rules.misplaced[key] = rule_hint;
    rules.misplaced["goto"] =
        "`goto` belongs in a rule under `on:`; to move on at once without waiting "
        "for an answer, use `next:`";
    rules.misplaced["call"] = rule_hint;
    rules.misplaced["return"] = rule_hint;
    rules.misplaced["start"] = "`start` belongs to the flow, not to a state";
    return rules;
}

/// `serves: [mindfulness, …]`: self-compassion components, each checked (RF0116).
std::optional<std::vector<std::string>> read_serves(const Field& field, FileContext& ctx) {
    auto items = read_text_list(field, ctx);
    if (!items) return std::nullopt;
    std::vector<std::string> serves;
    for (const auto& item : *items) {
        const std::string& name = item.Scalar();
        if (is_self_compassion_component(name)) {
            if (std::find(serves.begin(), serves.end(), name) == serves.end()) serves.push_back(name);
            continue;
        }
        const auto close = did_you_mean(name, self_compassion_components());
        ctx.error(
            code::unknown_component, ctx.at(item), "'" + name + "' is not a part of self-compassion",
            close.empty() ? "write one of: " + join(self_compassion_components()) : "did you mean '" + close + "'?");
    }
    return serves;
}

/// Reads one flow: keeps the flow's state names so rules can check `then:` at once.
class FlowReader {
public:
    FlowReader(FileContext& ctx, Flow& flow) : ctx_(ctx), flow_(flow) {}

    void read(const Fields& document);

private:
    void read_header(const Fields& document);
    void read_vars(const Field& field);
    void read_states(const Field& field);
    State read_state(const Field& entry);
    void read_rules(const Field& field, State& state);
    void read_state_fields(const Fields& fields, State& state);
    void check_start(const Fields& document);

    template <typename T, typename Read>
    void read(const Fields& fields, std::string_view key, Read read_fn, T& into) {
        if (const Field* field = fields.get(key)) {
            if (auto value = read_fn(*field, ctx_)) into = std::move(*value);
        }
    }

    FileContext& ctx_;
    Flow& flow_;
    std::set<std::string> state_names_;
};

void FlowReader::read(const Fields& document) {
    read_header(document);
    if (const Field* vars = document.get("vars")) read_vars(*vars);
    if (const Field* states = document.get("states")) read_states(*states);
    if (const Field* fallback = document.get("fallback")) {
        RuleScope scope{"fallback of flow '" + flow_.id + "'", flow_.id, &state_names_, 0, true, false};
        if (auto rule = parse_rule(fallback->value, value_at(*fallback, ctx_), ctx_, scope)) {
            flow_.fallback = std::move(*rule);
        }
    }
    check_start(document);
}

void FlowReader::read_header(const Fields& document) {
    const Field& name = *document.get("flow");
    flow_.where = value_at(name, ctx_);
    for (const char* key : {"start", "states"}) {
        if (document.has(key)) continue;
        ctx_.error(code::missing_key, flow_.where, "flow '" + flow_.id + "' has no `" + key + "`",
                   std::string(key) == "start" ? "add `start: first_state` to name the state it begins in"
                                               : "add `states:` with at least one state below it");
    }
    read(document, "description", read_text, flow_.description);
    read(document, "tags", read_words, flow_.tags);
    read(document, "serves", read_serves, flow_.serves);
    read(document, "start", read_text, flow_.start);
}

void FlowReader::read_vars(const Field& field) {
    auto entries = read_named(field, ctx_, "variable", code::duplicate_key);
    if (!entries) return;
    for (const auto& entry : *entries) {
        ctx_.state().declared_vars.insert(entry.name);
        if (entry.value.IsNull()) {
            flow_.vars[entry.name] = "";
        } else if (entry.value.IsScalar()) {
            flow_.vars[entry.name] = entry.value.Scalar();
        } else {
            wrong_type(entry, ctx_, "a text (the variable's starting value)");
        }
    }
}

void FlowReader::read_states(const Field& field) {
    auto entries = read_named(field, ctx_, "state", code::duplicate_state);
    if (!entries) return;
    if (entries->empty()) {
        ctx_.error(code::missing_key, value_at(field, ctx_), "flow '" + flow_.id + "' has no states",
                   "add at least one state below `states:`");
    }
    for (const auto& entry : *entries) state_names_.insert(entry.name);
    // A state with problems is still added, so rules that go to it do not also fail.
    for (const auto& entry : *entries) {
        flow_.state_index[entry.name] = flow_.states.size();
        flow_.states.push_back(read_state(entry));
    }
}

State FlowReader::read_state(const Field& entry) {
    State state;
    state.id = entry.name;
    state.where = ctx_.at(entry.key);
    const std::string what = "state '" + entry.name + "'";
    if (entry.value.IsNull()) {
        ctx_.error(code::wrong_type, state.where, what + " is empty",
                   "give it at least `say:` and `on:`, or `end: true`");
        return state;
    }
    if (auto fields = read_fields(entry.value, state.where, ctx_, state_key_rules(what))) {
        read_state_fields(*fields, state);
    }
    return state;
}

void FlowReader::read_state_fields(const Fields& fields, State& state) {
    read(fields, "say", read_say, state.say);
    read(fields, "options", read_templates, state.options);
    read(fields, "set", read_assignments, state.set);
    if (const Field* on = fields.get("on")) read_rules(*on, state);
    if (const Field* fallback = fields.get("fallback")) {
        RuleScope scope{
            "fallback of state '" + state.id + "'", flow_.id, &state_names_, state.options.size(), true, false};
        if (auto rule = parse_rule(fallback->value, value_at(*fallback, ctx_), ctx_, scope)) {
            state.fallback = std::move(*rule);
        }
    }
    read(
        fields, "next", [](const Field& f, FileContext& c) { return parse_target(f, Target::Kind::go, c); },
        state.next);
    read(fields, "end", read_bool, state.end);
    read(fields, "tags", read_words, state.tags);
    read(fields, "serves", read_serves, state.serves);
    if (state.end && state.next) {
        ctx_.error(code::conflicting_target, ctx_.at(fields.get("next")->key),
                   "state '" + state.id + "' has both `end: true` and `next`",
                   "keep `end: true` to rest here, or `next` to go on at once — not both");
    }
}

void FlowReader::read_rules(const Field& field, State& state) {
    if (!field.value.IsSequence()) {
        wrong_type(field, ctx_, "a list of rules, each starting with `- `");
        return;
    }
    std::size_t number = 0;
    for (const auto& item : field.value) {
        ++number;
        RuleScope scope{"rule " + std::to_string(number) + " of state '" + state.id + "'",
                        flow_.id,
                        &state_names_,
                        state.options.size(),
                        false,
                        false};
        auto rule = parse_rule(item, value_at(field, ctx_), ctx_, scope);
        if (rule) {
            state.on.push_back(std::move(*rule));
        }
    }
}

void FlowReader::check_start(const Fields& document) {
    const Field* start = document.get("start");
    if (!start || flow_.start.empty() || state_names_.empty() || state_names_.contains(flow_.start)) return;
    const std::vector<std::string> names(state_names_.begin(), state_names_.end());
    const auto close = did_you_mean(flow_.start, names);
    ctx_.error(code::undefined_state, value_at(*start, ctx_),
               "flow '" + flow_.id + "' starts in state '" + flow_.start + "', which it does not have",
               close.empty() ? "name one of its states: " + join(names) : "did you mean '" + close + "'?");
}

}  // namespace

void parse_flow(const Fields& document, FileContext& ctx) {
    const Field* name = document.get("flow");
    if (!name) {
        if (document.has("questionnaire")) return;  // it has a `description` of its own
        for (const auto& field : document.all()) {
            if (std::find(flow_keys().begin(), flow_keys().end(), field.name) == flow_keys().end()) continue;
            ctx.error(code::missing_key, ctx.at(field.key),
                      "`" + field.name + "` belongs to a flow, but this file has no `flow:` name",
                      "add `flow: name` at the top of the file");
            return;
        }
        return;
    }
    Flow flow;
    auto id = read_text(*name, ctx);
    if (!id || !check_name(*id, value_at(*name, ctx), ctx, "flow")) return;
    flow.id = *id;
    FlowReader reader(ctx, flow);
    // A flow with problems is still added, so references to it do not also fail.
    reader.read(document);
    add_flow(std::move(flow), ctx);
}

void add_flow(Flow flow, FileContext& ctx) {
    FlowSet& set = ctx.state().set;
    if (auto it = set.flow_index.find(flow.id); it != set.flow_index.end()) {
        ctx.error(code::duplicate_flow, flow.where,
                  "flow '" + flow.id + "' is already defined at " + first_at(set.flows[it->second].where, flow.where),
                  "flow names are shared by the whole folder; rename one of them");
        return;
    }
    set.flow_index[flow.id] = set.flows.size();
    set.flows.push_back(std::move(flow));
}

}  // namespace reframe::loader_detail

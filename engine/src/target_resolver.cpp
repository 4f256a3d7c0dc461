#include "target_resolver.hpp"

#include "loader_codes.hpp"
#include "yaml_fields.hpp"

namespace reframe::loader_detail {
namespace {

class Resolver {
public:
    explicit Resolver(LoadState& state) : state_(state), set_(state.set) {
        for (const auto& flow : set_.flows) flow_names_.push_back(flow.id);
    }

    /// `flow` and `from` are null inside an interrupt.
    void resolve(Target& target, const Flow* flow, const State* from) {
        switch (target.kind) {
            case Target::Kind::stay:
                target.flow = flow ? flow->id : "";
                target.state = from ? from->id : "";
                return;
            case Target::Kind::ret:
            case Target::Kind::end:
                target.flow = flow ? flow->id : "";
                return;
            case Target::Kind::go:
            case Target::Kind::call:
                break;
        }
        if (!target.flow.empty()) {
            resolve_dotted(target);
        } else {
            resolve_bare(target, flow);
        }
    }

private:
    void resolve_dotted(Target& target) {
        const Flow* other = set_.find_flow(target.flow);
        if (!other) {
            report_flow(target, target.flow);
            return;
        }
        if (other->find_state(target.state)) return;
        std::vector<std::string> names;
        for (const auto& s : other->states) names.push_back(s.id);
        const auto close = did_you_mean(target.state, names);
        state_.error(
            code::undefined_state, target.where, "flow '" + other->id + "' has no state '" + target.state + "'",
            close.empty() ? "its states are: " + join(names) : "did you mean '" + other->id + "." + close + "'?");
    }

    void resolve_bare(Target& target, const Flow* flow) {
        const std::string name = target.state;
        const bool own_state = flow && flow->find_state(name);
        const Flow* named_flow = set_.find_flow(name);
        // `goto: x` prefers a state of this flow; `call: x` prefers a flow.
        const bool use_flow = named_flow && (target.kind == Target::Kind::call || !own_state);
        if (use_flow) {
            target.flow = named_flow->id;
            target.state = named_flow->start;
        } else if (own_state) {
            target.flow = flow->id;
        } else if (!flow) {
            report_flow(target, name);
        } else {
            report_bare(target, *flow);
        }
    }

    void report_flow(const Target& target, const std::string& name) {
        const auto close = did_you_mean(name, flow_names_);
        state_.error(code::undefined_flow, target.where, "there is no flow '" + name + "'",
                     close.empty() ? "the flows are: " + join(flow_names_) : "did you mean '" + close + "'?");
    }

    void report_bare(const Target& target, const Flow& flow) {
        std::vector<std::string> names;
        for (const auto& s : flow.states) names.push_back(s.id);
        const std::string states = join(names);
        names.insert(names.end(), flow_names_.begin(), flow_names_.end());
        const auto close = did_you_mean(target.state, names);
        state_.error(code::undefined_state, target.where,
                     "flow '" + flow.id + "' has no state '" + target.state + "', and there is no flow of that name",
                     close.empty() ? "name one of its states (" + states + "), a flow, or `flow.state`"
                                   : "did you mean '" + close + "'?");
    }

    LoadState& state_;
    FlowSet& set_;
    std::vector<std::string> flow_names_;
};

std::string describe_target(const Target& target) {
    std::string place = target.flow.empty() ? target.state : target.flow + "." + target.state;
    switch (target.kind) {
        case Target::Kind::stay:
            return "stay";
        case Target::Kind::go:
            return place;
        case Target::Kind::call:
            return "call " + place + (target.then_state.empty() ? "" : " then " + target.then_state);
        case Target::Kind::ret:
            return "return";
        case Target::Kind::end:
            return "end";
    }
    return "";
}

void resolve_rule(Resolver& resolver, Transition& rule, const Flow* flow, const State* from,
                  const PatternSet& patterns) {
    resolver.resolve(rule.target, flow, from);
    rule.label = describe_rule(rule, patterns);
}

}  // namespace

std::string describe_rule(const Transition& rule, const PatternSet& patterns) {
    std::vector<std::string> when;
    if (!rule.intents.empty()) when.push_back("intent " + join(rule.intents, "|"));
    if (!rule.tags.empty()) when.push_back("tag " + join(rule.tags, "|"));
    for (const PatternId id : rule.patterns) {
        if (id < patterns.size()) when.push_back("pattern \"" + patterns.source(id) + "\"");
    }
    if (rule.option) when.push_back("option " + std::to_string(*rule.option + 1));
    for (const auto& condition : rule.conditions) when.push_back("if " + condition.source);
    const std::string condition = when.empty() ? "always" : join(when, " and ");
    return condition + " -> " + describe_target(rule.target);
}

void resolve_targets(LoadState& state) {
    Resolver resolver(state);
    const PatternSet& patterns = state.set.patterns;
    for (auto& flow : state.set.flows) {
        for (auto& s : flow.states) {
            for (auto& rule : s.on) resolve_rule(resolver, rule, &flow, &s, patterns);
            if (s.fallback) resolve_rule(resolver, *s.fallback, &flow, &s, patterns);
            if (s.next) resolver.resolve(*s.next, &flow, &s);
        }
        if (flow.fallback) resolve_rule(resolver, *flow.fallback, &flow, nullptr, patterns);
    }
    for (auto& interrupt : state.set.interrupts) {
        resolve_rule(resolver, interrupt.rule, nullptr, nullptr, patterns);
    }
}

}  // namespace reframe::loader_detail

// RF0907: a variable read where some path into the place has not set or captured it.
//
// A forward "must" data-flow over the flow graph: for each state, the variables every
// path from a conversation's beginning has given a value on the way in. Only variables
// that some rule sets or captures, and that the reading flow does not declare under
// `vars:` (which gives them a default), are followed; `{x|default:'…'}` reads are fine.
#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "flow_lint.hpp"
#include "lint_graph.hpp"
#include "loader_codes.hpp"

namespace reframe::loader_detail {
namespace {

using VarSet = std::vector<bool>;  // by candidate index

class Candidates {
public:
    explicit Candidates(const FlowSet& set) {
        for (const auto& flow : set.flows) {
            for (const auto& state : flow.states) {
                add_all(state.set);
                for (const Transition* rule : FlowGraph::rules_of(flow, state)) add_all(rule->set);
            }
        }
        for (PatternId id = 0; id < set.patterns.size(); ++id) {
            for (const auto& name : set.patterns.capture_names(id)) add(name);
        }
    }
    std::optional<std::size_t> find(const std::string& name) const {
        const auto it = index_.find(name);
        return it == index_.end() ? std::nullopt : std::optional<std::size_t>(it->second);
    }
    std::size_t size() const { return index_.size(); }

private:
    void add(const std::string& name) {
        if (name.find('.') == std::string::npos) index_.emplace(name, index_.size());
    }
    void add_all(const std::vector<Assignment>& assignments) {
        for (const auto& a : assignments) add(a.var);
    }
    std::map<std::string, std::size_t> index_;
};

class MaybeUnset {
public:
    explicit MaybeUnset(LoadState& state) : state_(state), set_(state.set), graph_(set_), vars_(set_) {}
    void run();

private:
    VarSet empty() const { return VarSet(vars_.size(), false); }
    void mark(VarSet& into, const std::string& name) const {
        if (const auto i = vars_.find(name)) into[*i] = true;
    }
    void mark(VarSet& into, const std::vector<Assignment>& assignments) const {
        for (const auto& a : assignments) mark(into, a.var);
    }
    const VarSet& captures(const Transition& rule) const;
    VarSet compute_captures(const Transition& rule) const;
    VarSet on_entry(std::size_t node) const;
    VarSet after(std::size_t node, const Transition* rule) const;
    void flow_through();
    void check_reads(std::size_t node);
    void check_template(std::size_t node, const Template& t, const VarSet& known, const SourceLocation& from);
    SourceLocation read_at(const std::string& name, const SourceLocation& from) const;

    LoadState& state_;
    const FlowSet& set_;
    FlowGraph graph_;
    Candidates vars_;
    std::vector<std::optional<VarSet>> in_;
    std::set<std::pair<std::size_t, std::string>> reported_;
    mutable std::map<const Transition*, VarSet> captures_;  // computed once per rule
};

const VarSet& MaybeUnset::captures(const Transition& rule) const {
    auto it = captures_.find(&rule);
    if (it == captures_.end()) it = captures_.emplace(&rule, compute_captures(rule)).first;
    return it->second;
}

/// What every pattern that could fire `rule` captures (the one that fired is not known).
VarSet MaybeUnset::compute_captures(const Transition& rule) const {
    std::vector<PatternId> patterns = rule.patterns;
    if (patterns.empty()) {
        for (const auto& intent : set_.intents) {
            const bool named = std::find(rule.intents.begin(), rule.intents.end(), intent.id) != rule.intents.end();
            const bool tagged = std::any_of(intent.tags.begin(), intent.tags.end(), [&](const std::string& t) {
                return std::find(rule.tags.begin(), rule.tags.end(), t) != rule.tags.end();
            });
            if (rule.intents.empty() ? tagged : named)
                patterns.insert(patterns.end(), intent.patterns.begin(), intent.patterns.end());
        }
    }
    VarSet all = empty();
    if (patterns.empty()) return all;
    std::fill(all.begin(), all.end(), true);
    for (const PatternId id : patterns) {
        VarSet these = empty();
        for (const auto& name : set_.patterns.capture_names(id)) mark(these, name);
        for (std::size_t i = 0; i < all.size(); ++i) all[i] = all[i] && these[i];
    }
    return all;
}

VarSet MaybeUnset::on_entry(std::size_t node) const {
    VarSet known = in_[node] ? *in_[node] : empty();
    mark(known, graph_.state(node).set);
    return known;
}

/// What is known once `rule` (nullptr: `next`) has fired in `node`.
VarSet MaybeUnset::after(std::size_t node, const Transition* rule) const {
    VarSet known = on_entry(node);
    if (rule == nullptr) return known;
    const VarSet& captured = captures(*rule);
    for (std::size_t i = 0; i < known.size(); ++i) known[i] = known[i] || captured[i];
    for (const auto& c : rule->conditions) {
        if (c.op != Condition::Op::is_unset && c.op != Condition::Op::ne) mark(known, c.var);
    }
    mark(known, rule->set);
    return known;
}

void MaybeUnset::flow_through() {
    in_.assign(graph_.size(), std::nullopt);
    std::deque<std::size_t> todo;
    for (const std::size_t root : graph_.roots()) {
        in_[root] = empty();
        todo.push_back(root);
    }
    while (!todo.empty()) {
        const std::size_t n = todo.front();
        todo.pop_front();
        for (const auto& edge : graph_.edges(n)) {
            VarSet out = after(n, edge.rule);
            if (edge.kind == FlowEdge::Kind::ret) {
                // Back in the caller: what it knew at the call still holds.
                const VarSet before = after(edge.caller, edge.call_rule);
                for (std::size_t i = 0; i < out.size(); ++i) out[i] = out[i] || before[i];
            }
            auto& target = in_[edge.to];
            if (!target) {
                target = std::move(out);
            } else {
                VarSet meet = *target;
                for (std::size_t i = 0; i < meet.size(); ++i) meet[i] = meet[i] && out[i];
                if (meet == *target) continue;
                target = std::move(meet);
            }
            todo.push_back(edge.to);
        }
    }
}

/// The place of the first `{name` at or after `from` in the same file.
SourceLocation MaybeUnset::read_at(const std::string& name, const SourceLocation& from) const {
    const NameUse* best = nullptr;
    for (const auto& use : state_.var_uses) {
        if (use.name != name || use.where.file != from.file || use.where.line < from.line) continue;
        if (best == nullptr || use.where.line < best->where.line) best = &use;
    }
    return best != nullptr ? best->where : from;
}

void MaybeUnset::check_template(std::size_t node, const Template& t, const VarSet& known, const SourceLocation& from) {
    const Flow& flow = graph_.flow(node);
    for (const auto& part : t.parts()) {
        if (part.var.empty() || flow.vars.contains(part.var)) continue;
        const bool defaulted = std::any_of(part.filters.begin(), part.filters.end(), [](const TemplateFilter& f) {
            return f.kind == TemplateFilter::Kind::default_value;
        });
        const auto i = vars_.find(part.var);
        if (defaulted || !i || known[*i] || !reported_.insert({node, part.var}).second) continue;
        state_.warning(code::maybe_unset_variable, read_at(part.var, from),
                       "'{" + part.var + "}' may be empty in state '" + graph_.state(node).id + "' of flow '" +
                           flow.id + "': some ways into it never set or capture '" + part.var + "'",
                       "write {" + part.var +
                           "|default:'…'}, declare it under `vars:` with a starting value, or "
                           "set it on every way in");
    }
}

void MaybeUnset::check_reads(std::size_t node) {
    const State& s = graph_.state(node);
    const VarSet entered = in_[node] ? *in_[node] : empty();
    for (const auto& a : s.set) check_template(node, a.value, entered, s.where);
    const VarSet known = on_entry(node);
    for (const auto& variant : s.say) {
        for (const auto& message : variant) check_template(node, message, known, s.where);
    }
    for (const auto& option : s.options) check_template(node, option, known, s.where);
    for (const Transition* rule : FlowGraph::rules_of(graph_.flow(node), s)) {
        const VarSet fired = after(node, rule);
        for (const auto& variant : rule->say) {
            for (const auto& message : variant) check_template(node, message, fired, rule->where);
        }
        for (const auto& a : rule->record) check_template(node, a.value, fired, rule->where);
    }
}

void MaybeUnset::run() {
    if (vars_.size() == 0) return;
    flow_through();
    for (std::size_t n = 0; n < graph_.size(); ++n) {
        if (in_[n]) check_reads(n);
    }
}

}  // namespace

void warn_maybe_unset(LoadState& state) { MaybeUnset(state).run(); }

}  // namespace reframe::loader_detail

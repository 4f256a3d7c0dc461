#include "transition_parser.hpp"

#include <algorithm>
#include "condition_parser.hpp"

#include "loader_codes.hpp"
#include "pattern_source.hpp"
#include "say_parser.hpp"

namespace reframe::loader_detail {
namespace {

/// Collects the parts of a rule; `ok` turns false at the first problem but reading goes
/// on, so one pass reports everything.
struct RuleReader {
    const Fields& fields;
    FileContext& ctx;
    const RuleScope& scope;
    Transition rule;
    bool ok = true;

    template <typename T, typename Read>
    void read(std::string_view key, Read read_fn, T& into) {
        const Field* field = fields.get(key);
        if (!field) return;
        auto value = read_fn(*field, ctx);
        if (value) {
            into = std::move(*value);
        } else {
            ok = false;
        }
    }

    void read_names(std::string_view key, std::vector<std::string>& into, std::vector<NameUse>& uses) {
        const Field* field = fields.get(key);
        if (!field) return;
        auto items = read_text_list(*field, ctx);
        if (!items) {
            ok = false;
            return;
        }
        for (const auto& item : *items) {
            into.push_back(item.Scalar());
            uses.push_back({item.Scalar(), ctx.at(item), scope.safety});
        }
    }

    void read_option() {
        const Field* field = fields.get("option");
        if (!field) return;
        auto number = read_integer(*field, ctx);
        if (!number) {
            ok = false;
        } else if (*number < 1) {
            ctx.error(code::bad_value, value_at(*field, ctx),
                      "options count from 1, so `option: " + std::to_string(*number) + "` can never be chosen",
                      "write `option: 1` for the first option");
            ok = false;
        } else if (static_cast<unsigned long long>(*number) > scope.option_count) {
            ctx.error(code::option_out_of_range, value_at(*field, ctx),
                      "`option: " + std::to_string(*number) + "` but " +
                          (scope.option_count == 0
                               ? std::string("there are no `options` here")
                               : "the state has only " + std::to_string(scope.option_count) + " option(s)"),
                      "add the option to the state's `options`, or fix the number");
            ok = false;
        } else {
            rule.option = static_cast<std::size_t>(*number - 1);
        }
    }

    void read_when() {
        read_names("intent", rule.intents, ctx.state().intent_uses);
        read_names("tag", rule.tags, ctx.state().tag_uses);
        read("pattern", read_patterns, rule.patterns);
        read("unless", read_patterns, rule.unless);
        read_option();
        read("if", read_conditions, rule.conditions);
        rule.always = std::none_of(when_keys().begin(), when_keys().end(),
                                   [&](const std::string& key) { return fields.has(key); });
    }

    void read_then() {
        read("say", read_say, rule.say);
        read("set", read_assignments, rule.set);
        read("record", read_records, rule.record);
        read_action();
        read_target();
        read_again();
    }

    void read_again() {
        const Field* field = fields.get("again");
        if (!field) return;
        auto flag = read_bool(*field, ctx);
        if (!flag) {
            ok = false;
            return;
        }
        if (*flag && rule.target.kind != Target::Kind::go && rule.target.kind != Target::Kind::end) {
            ctx.error(code::conflicting_target, ctx.at(field->key),
                      "`again` is only used together with `goto` or `end`",
                      "write `goto: state` (or `end: true`) and `again: true` to hand the same message to that "
                      "state's (or the entry's) rules");
            ok = false;
            return;
        }
        rule.again = *flag;
    }

    void read_action() {
        const Field* field = fields.get("do");
        if (!field) return;
        auto name = read_text(*field, ctx);
        if (!name) {
            ok = false;
            return;
        }
        if (auto action = data_action_named(*name)) {
            rule.action = *action;
            return;
        }
        const auto close = did_you_mean(*name, data_action_names());
        ctx.error(code::bad_value, value_at(*field, ctx), "`do: " + *name + "` is not something reframe can do",
                  close.empty() ? "`do` is one of " + join(data_action_names()) : "did you mean '" + close + "'?");
        ok = false;
    }

    std::optional<Target> read_flag_target(std::string_view key, Target::Kind kind) {
        const Field* field = fields.get(key);
        if (!field) return std::nullopt;
        auto flag = read_bool(*field, ctx);
        if (!flag) ok = false;
        if (!flag || !*flag) return std::nullopt;
        Target target;
        target.kind = kind;
        target.where = ctx.at(field->key);
        return target;
    }

    std::optional<Target> read_named_target(std::string_view key, Target::Kind kind) {
        const Field* field = fields.get(key);
        if (!field) return std::nullopt;
        auto target = parse_target(*field, kind, ctx);
        if (!target) ok = false;
        return target;
    }

    void read_target();
    void read_then_state(Target& target);
};

void RuleReader::read_target() {
    std::vector<std::pair<const char*, std::optional<Target>>> targets;
    targets.emplace_back("goto", read_named_target("goto", Target::Kind::go));
    targets.emplace_back("call", read_named_target("call", Target::Kind::call));
    targets.emplace_back("return", read_flag_target("return", Target::Kind::ret));
    targets.emplace_back("end", read_flag_target("end", Target::Kind::end));
    const char* chosen = nullptr;
    for (auto& [key, target] : targets) {
        if (!target) continue;
        if (chosen) {
            ctx.error(code::conflicting_target, target->where,
                      "this rule has both `" + std::string(chosen) + "` and `" + key + "`",
                      "a rule leads to one place: keep one of goto, call, return and end");
            ok = false;
            continue;
        }
        chosen = key;
        rule.target = std::move(*target);
    }
    if (rule.target.kind == Target::Kind::stay) {
        rule.target.flow = scope.flow;
        rule.target.where = ctx.at(fields.all().empty() ? YAML::Node() : fields.all().front().key);
    }
    read_then_state(rule.target);
}

void RuleReader::read_then_state(Target& target) {
    const Field* field = fields.get("then");
    if (!field) return;
    auto name = read_text(*field, ctx);
    if (!name) {
        ok = false;
    } else if (target.kind != Target::Kind::call) {
        ctx.error(code::conflicting_target, ctx.at(field->key), "`then` is only used together with `call`",
                  "write `call: flow` and `then: state`, or use `goto:` to go somewhere directly");
        ok = false;
    } else if (scope.states == nullptr) {
        ctx.error(code::conflicting_target, ctx.at(field->key),
                  "an interrupt belongs to no flow, so `then` cannot name a state",
                  "leave `then` out: after the call the person comes back where they were");
        ok = false;
    } else if (!scope.states->contains(*name)) {
        const std::vector<std::string> names(scope.states->begin(), scope.states->end());
        const auto close = did_you_mean(*name, names);
        ctx.error(code::undefined_state, value_at(*field, ctx),
                  "flow '" + scope.flow + "' has no state '" + *name + "'",
                  close.empty() ? "`then` names a state of this flow: one of " + join(names)
                                : "did you mean '" + close + "'?");
        ok = false;
    } else {
        target.then_state = *name;
    }
}

std::map<std::string, std::string> misplaced_rule_keys(const RuleScope& scope) {
    std::map<std::string, std::string> misplaced{
        {"next", "`next` belongs to a state; in a rule, write `goto:`"},
        {"options", "`options` belong to the state, not to one of its rules"},
        {"fallback", "`fallback` belongs to the state (or the flow), not to one of its rules"},
    };
    if (scope.fallback) {
        for (const auto& key : when_keys()) {
            misplaced[key] = "a fallback is used when no rule fits, so it takes no condition like `" + key +
                             "`; put this rule under `on:` instead";
        }
    }
    return misplaced;
}

}  // namespace

KeyRules rule_key_rules(const RuleScope& scope) {
    return KeyRules{scope.what, scope.fallback ? Mapping::fallback : Mapping::rule, misplaced_rule_keys(scope)};
}

std::optional<Transition> parse_rule(const YAML::Node& node, const SourceLocation& where, FileContext& ctx,
                                     const RuleScope& scope) {
    auto fields = read_fields(node, where, ctx, rule_key_rules(scope));
    if (!fields) return std::nullopt;
    return parse_rule_fields(*fields, ctx.at(node, where), ctx, scope);
}

std::optional<Transition> parse_rule_fields(const Fields& fields, const SourceLocation& where, FileContext& ctx,
                                            const RuleScope& scope) {
    RuleReader reader{fields, ctx, scope, Transition{}};
    reader.rule.where = where;
    reader.read_when();
    reader.read_then();
    if (!reader.ok) return std::nullopt;
    return std::move(reader.rule);
}

std::optional<Target> parse_target(const Field& field, Target::Kind kind, FileContext& ctx) {
    auto text = read_text(field, ctx);
    if (!text) return std::nullopt;
    Target target;
    target.kind = kind;
    target.where = value_at(field, ctx);
    const auto dot = text->find('.');
    const bool dotted = dot != std::string::npos;
    if (dotted) {
        target.flow = text->substr(0, dot);
        target.state = text->substr(dot + 1);
    } else {
        target.state = *text;
    }
    const bool valid = (!dotted || is_name(target.flow)) && is_name(target.state);
    if (!valid) {
        ctx.error(code::bad_name, target.where, "'" + *text + "' is not a valid place to go",
                  "write `state`, `flow` or `flow.state` using letters, digits and `_`");
        return std::nullopt;
    }
    return target;
}

}  // namespace reframe::loader_detail

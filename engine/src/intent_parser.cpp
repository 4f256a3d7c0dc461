#include "intent_parser.hpp"

#include <algorithm>
#include <limits>

#include "loader_codes.hpp"
#include "pattern_source.hpp"
#include "transition_parser.hpp"

namespace reframe::loader_detail {
namespace {

/// A tag that is almost, but not quite, one with a fixed meaning is likely a typo.
void check_tag_spelling(const std::string& tag, const SourceLocation& where, FileContext& ctx) {
    std::vector<std::string> known = thinking_traps();
    known.insert(known.end(), {tag_self_critical, tag_crisis, tag_medical_urgent});
    if (std::find(known.begin(), known.end(), tag) != known.end()) return;
    const auto close = did_you_mean(tag, known);
    if (close.empty()) return;
    ctx.warning(code::misspelt_trap, where, "tag '" + tag + "' is not a known tag, but looks like '" + close + "'",
                "write '" + close + "' if that is meant; tags with a fixed meaning must be spelt exactly");
}

void read_intent_tags(const Field& field, FileContext& ctx, Intent& intent) {
    auto items = read_text_list(field, ctx);
    if (!items) return;
    for (const auto& item : *items) {
        intent.tags.push_back(item.Scalar());
        check_tag_spelling(item.Scalar(), ctx.at(item), ctx);
    }
}

/// `scope: clause` (the default) or `scope: message`.
void read_intent_scope(const Field& field, FileContext& ctx, Intent& intent) {
    auto scope = read_text(field, ctx);
    if (!scope) return;
    if (*scope == "clause" || *scope == "message") {
        intent.scope = *scope == "message" ? IntentScope::message : IntentScope::clause;
        return;
    }
    const auto close = did_you_mean(*scope, {"clause", "message"});
    ctx.error(
        code::bad_scope, value_at(field, ctx), "`scope: " + *scope + "` is not a scope of intent '" + intent.id + "'",
        close.empty() ? "write `scope: message` to match across the whole message, or `scope: clause` (the default)"
                      : "did you mean '" + close + "'?");
}

void parse_intent(const Field& entry, FileContext& ctx) {
    Intent intent;
    intent.id = entry.name;
    intent.where = ctx.at(entry.key);
    KeyRules rules{"intent '" + entry.name + "'", Mapping::intent, {}};
    rules.misplaced["pattern"] = "an intent lists its patterns under `patterns:` (with an s)";
    auto fields = read_fields(entry.value, intent.where, ctx, rules);
    if (!fields) return;
    if (const Field* f = fields->get("description")) intent.description = read_text(*f, ctx).value_or("");
    if (const Field* f = fields->get("tags")) read_intent_tags(*f, ctx, intent);
    if (const Field* f = fields->get("scope")) read_intent_scope(*f, ctx, intent);
    if (const Field* f = fields->get("patterns")) {
        intent.patterns = read_patterns(*f, ctx).value_or(std::vector<PatternId>{});
    } else {
        ctx.error(code::missing_key, intent.where, "intent '" + intent.id + "' has no `patterns`",
                  "add `patterns:` with at least one pattern that recognises it");
    }
    if (const Field* f = fields->get("unless")) {
        intent.unless = read_patterns(*f, ctx).value_or(std::vector<PatternId>{});
    }
    FlowSet& set = ctx.state().set;
    if (auto it = set.intent_index.find(intent.id); it != set.intent_index.end()) {
        ctx.error(
            code::duplicate_intent, intent.where,
            "intent '" + intent.id + "' is already defined at " + first_at(set.intents[it->second].where, intent.where),
            "intent names are shared by the whole folder; rename one of them or merge them");
        return;
    }
    set.intent_index[intent.id] = set.intents.size();
    set.intents.push_back(std::move(intent));
}

KeyRules interrupt_key_rules(const RuleScope& scope) {
    KeyRules rules = rule_key_rules(scope);
    rules.kind = Mapping::interrupt;
    return rules;
}

void read_interrupt_header(const Fields& fields, FileContext& ctx, Interrupt& interrupt) {
    if (const Field* f = fields.get("priority")) {
        if (auto number = read_integer(*f, ctx)) {
            if (*number < std::numeric_limits<int>::min() || *number > std::numeric_limits<int>::max()) {
                ctx.error(code::bad_value, value_at(*f, ctx), "priority " + std::to_string(*number) + " is too large",
                          "use a number between -1000000 and 1000000");
            } else {
                interrupt.priority = static_cast<int>(*number);
            }
        }
    }
    const Field* f = fields.get("safety");
    if (!f) return;
    auto kind = read_text(*f, ctx);
    if (!kind) return;
    if (*kind == tag_crisis || *kind == tag_medical_urgent) {
        interrupt.safety = *kind;
        return;
    }
    const auto close = did_you_mean(*kind, {tag_crisis, tag_medical_urgent});
    ctx.error(code::bad_value, value_at(*f, ctx), "`safety: " + *kind + "` is not a kind of safety interrupt",
              close.empty() ? "write `safety: crisis` or `safety: medical_urgent`, or leave it out"
                            : "did you mean '" + close + "'?");
}

void add_interrupt(Interrupt interrupt, FileContext& ctx) {
    auto& interrupts = ctx.state().set.interrupts;
    auto first = std::find_if(interrupts.begin(), interrupts.end(),
                              [&](const Interrupt& other) { return other.id == interrupt.id; });
    if (first != interrupts.end()) {
        ctx.error(code::duplicate_interrupt, interrupt.where,
                  "interrupt '" + interrupt.id + "' is already defined at " + first_at(first->where, interrupt.where),
                  "interrupt ids are shared by the whole folder; rename one of them");
        return;
    }
    interrupts.push_back(std::move(interrupt));
}

void parse_interrupt(const YAML::Node& item, const SourceLocation& list_where, FileContext& ctx) {
    Interrupt interrupt;
    interrupt.where = ctx.at(item, list_where);
    const YAML::Node safety_node = find_key(item, "safety");
    const YAML::Node id_node = find_key(item, "id");
    const bool safety = safety_node.IsDefined();
    const std::string id = id_node.IsDefined() && id_node.IsScalar() ? id_node.Scalar() : std::string("?");
    RuleScope scope{"interrupt '" + id + "'", "", nullptr, 0, false, safety};
    auto fields = read_fields(item, interrupt.where, ctx, interrupt_key_rules(scope));
    if (!fields) return;
    const Field* id_field = fields->get("id");
    if (!id_field) {
        ctx.error(code::missing_key, interrupt.where, "this interrupt has no `id`",
                  "add `id: name` so reports and tests can say which interrupt fired");
        return;
    }
    auto name = read_text(*id_field, ctx);
    if (!name || !check_name(*name, value_at(*id_field, ctx), ctx, "interrupt")) return;
    interrupt.id = *name;
    read_interrupt_header(*fields, ctx, interrupt);
    auto rule = parse_rule_fields(*fields, interrupt.where, ctx, scope);
    if (!rule) return;
    if (rule->always) {
        ctx.error(code::interrupt_without_condition, interrupt.where,
                  "interrupt '" + interrupt.id + "' has no condition, so it would answer every message",
                  "add `intent:`, `tag:` or `pattern:` to say which messages it answers");
        return;
    }
    interrupt.rule = std::move(*rule);
    add_interrupt(std::move(interrupt), ctx);
}

}  // namespace

void parse_intents(const Field& field, FileContext& ctx) {
    auto entries = read_named(field, ctx, "intent", code::duplicate_intent);
    if (!entries) return;
    for (const auto& entry : *entries) parse_intent(entry, ctx);
}

void parse_interrupts(const Field& field, FileContext& ctx) {
    if (!field.value.IsSequence()) {
        wrong_type(field, ctx, "a list of interrupts, each starting with `- id: …`");
        return;
    }
    for (const auto& item : field.value) parse_interrupt(item, value_at(field, ctx), ctx);
}

}  // namespace reframe::loader_detail

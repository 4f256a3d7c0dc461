#include "document_parser.hpp"

#include "flow_parser.hpp"
#include "intent_parser.hpp"
#include "loader_codes.hpp"
#include "say_parser.hpp"

namespace reframe::loader_detail {
namespace {

KeyRules top_level_rules() {
    KeyRules rules{"this file", flow_keys(), {}};
    rules.allowed.insert(rules.allowed.end(), {"intents", "interrupts", "settings"});
    const std::string state_hint = "belongs to a state: write it under `states:` → the state's name";
    for (const char* key : {"say", "on", "options", "next", "end"}) {
        rules.misplaced[key] = "`" + std::string(key) + "` " + state_hint;
    }
    rules.misplaced["entry"] = "`entry` belongs under `settings:`";
    return rules;
}

void parse_settings(const Field& field, FileContext& ctx) {
    SettingsFacts& settings = ctx.state().settings;
    const SourceLocation where = ctx.at(field.key);
    if (settings.where) {
        ctx.error(code::duplicate_settings, where,
                  "`settings` are already given at " + first_at(*settings.where, where),
                  "keep one `settings:` for the whole folder (usually in settings.yaml)");
        return;
    }
    settings.where = where;
    auto fields = read_fields(field.value, where, ctx, KeyRules{"settings", {"entry", "fallback"}, {}});
    if (!fields) return;
    if (const Field* entry = fields->get("entry")) {
        settings.entry = read_text(*entry, ctx).value_or("");
        settings.entry_where = value_at(*entry, ctx);
    } else {
        ctx.error(code::missing_key, where, "`settings` have no `entry`",
                  "add `entry: flow_name`: the flow a new conversation starts in");
    }
    if (const Field* fallback = fields->get("fallback")) {
        ctx.state().set.global_fallback = read_templates(*fallback, ctx).value_or(std::vector<Template>{});
    }
}

}  // namespace

void parse_document(const YAML::Node& document, FileContext& ctx) {
    if (!document || document.IsNull()) return;
    auto fields = read_fields(document, ctx.at(document, {ctx.path(), 1, 1}), ctx, top_level_rules());
    if (!fields) return;
    parse_flow(*fields, ctx);
    if (const Field* intents = fields->get("intents")) parse_intents(*intents, ctx);
    if (const Field* interrupts = fields->get("interrupts")) parse_interrupts(*interrupts, ctx);
    if (const Field* settings = fields->get("settings")) parse_settings(*settings, ctx);
}

}  // namespace reframe::loader_detail

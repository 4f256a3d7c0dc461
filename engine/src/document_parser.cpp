#include "document_parser.hpp"

#include "flow_parser.hpp"
#include "intent_parser.hpp"
#include "loader_codes.hpp"
#include "questionnaire_parser.hpp"
#include "resources_parser.hpp"
#include "say_parser.hpp"

namespace reframe::loader_detail {
namespace {

KeyRules top_level_rules() {
    KeyRules rules{"this file", Mapping::document, {}};
    const std::string state_hint = "belongs to a state: write it under `states:` → the state's name";
    for (const char* key : {"say", "on", "options", "next", "end"}) {
        rules.misplaced[key] = "`" + std::string(key) + "` " + state_hint;
    }
    rules.misplaced["entry"] = "`entry` belongs under `settings:`";
    return rules;
}

void read_transcript_days(const Field& field, FileContext& ctx) {
    const auto days = read_integer(field, ctx);
    if (!days) return;
    if (*days < 1 || *days > max_transcript_days) {
        ctx.error(code::bad_value, value_at(field, ctx),
                  "`transcript_days: " + std::to_string(*days) + "` is out of range",
                  "keep transcripts between 1 and " + std::to_string(max_transcript_days) + " days");
        return;
    }
    ctx.state().set.transcript_days = static_cast<int>(*days);
}

/// `pacing: {ms_per_word: 150, min_ms: 400, max_ms: 2500}`: typing pauses for adapters.
void read_pacing(const Field& field, FileContext& ctx) {
    auto fields = read_fields(field.value, ctx.at(field.key), ctx, KeyRules{"pacing", Mapping::pacing, {}});
    if (!fields) return;
    int values[3] = {0, 0, 0};
    const char* names[3] = {"ms_per_word", "min_ms", "max_ms"};
    for (int i = 0; i < 3; ++i) {
        const Field* f = fields->get(names[i]);
        if (!f) continue;
        const auto number = read_integer(*f, ctx);
        if (!number) return;
        if (*number < 0 || *number > 10'000) {
            ctx.error(code::bad_value, value_at(*f, ctx),
                      "`" + std::string(names[i]) + ": " + std::to_string(*number) + "` is out of range",
                      "pauses are milliseconds between 0 and 10000");
            return;
        }
        values[i] = static_cast<int>(*number);
    }
    if (values[2] < values[1]) {
        ctx.error(code::bad_value, value_at(field, ctx), "`max_ms` is below `min_ms`",
                  "the longest pause must be at least the shortest");
        return;
    }
    auto& set = ctx.state().set;
    set.pace_ms_per_word = values[0];
    set.pace_min_ms = values[1];
    set.pace_max_ms = values[2] == 0 ? values[1] : values[2];
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
    auto fields = read_fields(field.value, where, ctx, KeyRules{"settings", Mapping::settings, {}});
    if (!fields) return;
    if (const Field* entry = fields->get("entry")) {
        settings.entry = read_text(*entry, ctx).value_or("");
        settings.entry_where = value_at(*entry, ctx);
    } else {
        ctx.error(code::missing_key, where, "`settings` have no `entry`",
                  "add `entry: flow_name`: the flow a new conversation starts in");
    }
    if (const Field* first = fields->get("first_contact")) {
        settings.first_contact = read_text(*first, ctx).value_or("");
        settings.first_contact_where = value_at(*first, ctx);
    }
    if (const Field* days = fields->get("transcript_days")) read_transcript_days(*days, ctx);
    if (const Field* pacing = fields->get("pacing")) read_pacing(*pacing, ctx);
    if (const Field* quiet = fields->get("quiet")) {
        ctx.state().set.quiet = read_templates(*quiet, ctx).value_or(std::vector<Template>{});
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
    parse_questionnaire(*fields, ctx);
    if (const Field* intents = fields->get("intents")) parse_intents(*intents, ctx);
    if (const Field* interrupts = fields->get("interrupts")) parse_interrupts(*interrupts, ctx);
    if (const Field* settings = fields->get("settings")) parse_settings(*settings, ctx);
    if (const Field* resources = fields->get("resources")) parse_resources(*resources, ctx);
}

}  // namespace reframe::loader_detail

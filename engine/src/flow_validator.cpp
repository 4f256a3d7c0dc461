#include "flow_validator.hpp"

#include <algorithm>
#include <set>

#include "loader_codes.hpp"
#include "reframe/history.hpp"
#include "yaml_fields.hpp"

namespace reframe::loader_detail {
namespace {

bool is_safety_tag(const std::string& tag) { return tag == tag_crisis || tag == tag_medical_urgent; }

const char* const safety_hint =
    "a flow cannot shadow a safety interrupt: crisis and urgent medical messages are answered by the "
    "interrupts with `safety:` in settings.yaml; remove this rule";

void check_intent_uses(LoadState& state) {
    std::vector<std::string> ids;
    for (const auto& intent : state.set.intents) ids.push_back(intent.id);
    for (const auto& use : state.intent_uses) {
        const Intent* intent = state.set.find_intent(use.name);
        if (!intent) {
            const auto close = did_you_mean(use.name, ids);
            state.error(code::undefined_intent, use.where, "there is no intent '" + use.name + "'",
                        close.empty() ? "define it under `intents:`, or use one of: " + join(ids)
                                      : "did you mean '" + close + "'?");
            continue;
        }
        const auto tag = std::find_if(intent->tags.begin(), intent->tags.end(), is_safety_tag);
        if (!use.from_safety && tag != intent->tags.end()) {
            state.error(code::shadows_safety, use.where,
                        "only a safety interrupt may answer crisis: intent '" + use.name + "' is tagged '" + *tag + "'",
                        safety_hint);
        }
    }
}

void check_tag_uses(LoadState& state) {
    std::vector<std::string> tags;
    for (const auto& intent : state.set.intents) {
        for (const auto& tag : intent.tags) {
            if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
        }
    }
    for (const auto& use : state.tag_uses) {
        if (is_safety_tag(use.name) && !use.from_safety) {
            state.error(code::shadows_safety, use.where,
                        "only a safety interrupt may answer crisis: `tag: " + use.name + "` is reserved for it",
                        safety_hint);
        } else if (std::find(tags.begin(), tags.end(), use.name) == tags.end()) {
            const auto close = did_you_mean(use.name, tags);
            state.error(code::undefined_tag, use.where, "no intent carries the tag '" + use.name + "'",
                        close.empty() ? "add the tag to an intent's `tags:`, or fix the name"
                                      : "did you mean '" + close + "'?");
        }
    }
}

void check_var_uses(LoadState& state) {
    std::set<std::string> known = state.declared_vars;
    known.insert({"text", "clause", "consent"});
    state.set.setting_vars["settings.transcript_days"] = std::to_string(state.set.transcript_days);
    for (const auto& entry : state.set.setting_vars) known.insert(entry.first);
    known.insert("history.days");
    for (const auto& measure : state.measure_names) {
        for (const auto& field : history_fields()) known.insert("history." + measure + "." + field);
    }
    const auto& resources = state.set.resources;
    if (const auto it = resources.locales.find(resources.default_locale); it != resources.locales.end()) {
        for (const auto& entry : it->second) known.insert("resources." + entry.first);
    }
    for (PatternId id = 0; id < state.set.patterns.size(); ++id) {
        for (const auto& name : state.set.patterns.capture_names(id)) known.insert(name);
    }
    const std::vector<std::string> names(known.begin(), known.end());
    for (const auto& use : state.var_uses) {
        if (known.contains(use.name)) continue;
        const auto close = did_you_mean(use.name, names);
        state.error(
            code::undefined_variable, use.where, "variable '" + use.name + "' is never declared, set or captured",
            close.empty()
                ? "declare it under the flow's `vars:`, `set` it, or capture it with `*" + use.name + "` in a pattern"
                : "did you mean '" + close + "'?");
    }
}

/// The flow `settings` name as `role`, or nullptr after reporting that it does not exist.
const Flow* find_settings_flow(LoadState& state, const std::string& name, const SourceLocation& where,
                               const std::string& role) {
    if (const Flow* flow = state.set.find_flow(name)) return flow;
    std::vector<std::string> names;
    for (const auto& flow : state.set.flows) names.push_back(flow.id);
    const auto close = did_you_mean(name, names);
    state.error(code::undefined_flow, where, "the " + role + " flow '" + name + "' does not exist",
                close.empty() ? "the flows are: " + join(names) : "did you mean '" + close + "'?");
    return nullptr;
}

void check_entry(LoadState& state) {
    const SettingsFacts& settings = state.settings;
    if (!settings.where) {
        state.error(code::no_entry, {state.origin, 0, 0}, "no `settings:` with an `entry` flow was found",
                    "add settings.yaml with `settings:` and `entry: flow_name` (the flow a conversation "
                    "starts in)");
        return;
    }
    if (!settings.first_contact.empty()) {
        if (const Flow* first =
                find_settings_flow(state, settings.first_contact, settings.first_contact_where, "first-contact")) {
            state.set.first_contact = Frame{first->id, first->start};
        }
    }
    if (settings.entry.empty()) return;  // already reported as a missing key
    if (find_settings_flow(state, settings.entry, settings.entry_where, "entry")) state.set.entry_flow = settings.entry;
}

}  // namespace

void check_references(LoadState& state) {
    check_intent_uses(state);
    check_tag_uses(state);
    check_var_uses(state);
    check_entry(state);
}

void order_interrupts(LoadState& state) {
    auto& interrupts = state.set.interrupts;
    std::stable_sort(interrupts.begin(), interrupts.end(), [](const Interrupt& a, const Interrupt& b) {
        const bool a_safe = !a.safety.empty();
        const bool b_safe = !b.safety.empty();
        if (a_safe != b_safe) return a_safe;
        return a.priority > b.priority;
    });
    const Interrupt* lowest_safety = nullptr;
    for (const auto& interrupt : interrupts) {
        if (!interrupt.safety.empty()) lowest_safety = &interrupt;
    }
    if (!lowest_safety) return;
    for (const auto& interrupt : interrupts) {
        if (!interrupt.safety.empty() || interrupt.priority < lowest_safety->priority) continue;
        state.error(code::outranks_safety, interrupt.where,
                    "interrupt '" + interrupt.id + "' has priority " + std::to_string(interrupt.priority) +
                        ", as high as the safety interrupt '" + lowest_safety->id + "' (" +
                        std::to_string(lowest_safety->priority) + ")",
                    "give it a priority below " + std::to_string(lowest_safety->priority) +
                        ": safety interrupts always come first");
    }
}

}  // namespace reframe::loader_detail

// `reframe explain`: loads the flows, asks the engine to explain, prints words or JSON.
#include <nlohmann/json.hpp>

#include "authoring.hpp"
#include "explain_words.hpp"
#include "flow_graph.hpp"
#include "setup.hpp"

namespace reframe::cli {
namespace {

using nlohmann::json;

json part_json(const Explanation& e, std::size_t piece) {
    return piece >= e.whole_message() ? json("message") : json(piece + 1);
}

json pairs_json(const std::vector<std::pair<std::string, std::string>>& pairs) {
    json object = json::object();
    for (const auto& [name, value] : pairs) object[name] = value;
    return object;
}

json hit_json(const Explanation& e, const PatternHit& hit) {
    return json{{"pattern", hit.source},
                {"part", part_json(e, hit.piece)},
                {"captures", pairs_json(hit.captures)},
                {"lexicon_entries", pairs_json(hit.lexicon_entries)},
                {"intent_of", hit.intent_of},
                {"guard_of", hit.guard_of},
                {"rule_of", hit.rule_of}};
}

json intent_json(const Explanation& e, const IntentFinding& f) {
    json j{{"intent", f.intent->id},
           {"found", f.found},
           {"part", part_json(e, f.piece)},
           {"pattern", f.pattern},
           {"tags", f.intent->tags}};
    if (!f.found) j["guard"] = f.guard;
    return j;
}

const char* outcome_name(RuleCheck::Outcome outcome) {
    switch (outcome) {
        case RuleCheck::Outcome::fired:
            return "fired";
        case RuleCheck::Outcome::no_fit:
            return "no_fit";
        case RuleCheck::Outcome::skipped:
            return "skipped";
        case RuleCheck::Outcome::lost:
            return "lost";
    }
    return "";
}

const char* kind_name(RuleCheck::Kind kind) {
    switch (kind) {
        case RuleCheck::Kind::interrupt:
            return "interrupt";
        case RuleCheck::Kind::rule:
            return "rule";
        case RuleCheck::Kind::state_fallback:
            return "state_fallback";
        case RuleCheck::Kind::flow_fallback:
            return "flow_fallback";
        case RuleCheck::Kind::global_fallback:
            return "global_fallback";
    }
    return "";
}

json check_json(const RuleCheck& check) {
    json j{{"kind", kind_name(check.kind)},
           {"at", check.at},
           {"outcome", outcome_name(check.outcome)},
           {"name", rule_name(check)}};
    if (check.kind == RuleCheck::Kind::rule) j["rule"] = check.index + 1;
    if (check.interrupt != nullptr) j["interrupt"] = check.interrupt->id;
    if (check.miss.reason != MissReason::none) j["why"] = miss_words(check.miss);
    return j;
}

}  // namespace

void write_explanation_json(const Explanation& e, std::ostream& out) {
    json j{{"text", e.text}, {"from", e.from}, {"clauses", e.clauses}, {"traps", e.traps}};
    j["patterns"] = json::array();
    for (const auto& hit : e.patterns) j["patterns"].push_back(hit_json(e, hit));
    j["intents"] = json::array();
    for (const auto& f : e.intents) j["intents"].push_back(intent_json(e, f));
    j["safety"] = e.reply.safety.empty() ? json(nullptr) : json(e.reply.safety);
    j["rules"] = json::array();
    for (const auto& check : e.rules) j["rules"].push_back(check_json(check));
    const RuleCheck* fired = e.fired();
    j["fired"] = fired != nullptr ? json(rule_name(*fired)) : json(nullptr);
    j["reply"] = json{{"messages", e.reply.messages}, {"options", e.reply.options}, {"state", e.reply.state}};
    out << j.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

int run_explain(const ExplainArgs& args, std::ostream& out, std::ostream& err) {
    auto flows = load_flows_or_report(args.flows_dir, err);
    if (!flows) return 1;
    auto locale = choose_locale(*flows, args.locale, err);
    if (!locale) return 1;
    ExplainOptions options;
    options.state = args.state;
    options.locale = *locale;
    auto explained = explain(flows, args.text, options);
    if (!explained) {
        err << "reframe: error: " << explained.error().message << '\n';
        return 1;
    }
    if (args.json) {
        write_explanation_json(*explained, out);
    } else {
        write_explanation_words(*explained, out);
    }
    return 0;
}

}  // namespace reframe::cli

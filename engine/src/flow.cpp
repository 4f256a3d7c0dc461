#include "reframe/flow.hpp"

#include <algorithm>

namespace reframe {

const std::vector<std::string>& thinking_traps() {
    static const std::vector<std::string> traps{
        "labeling",     "should_statements", "overgeneralizing", "catastrophizing",      "personalizing",
        "mind_reading", "fortune_telling",   "all_or_nothing",   "discounting_positive", "emotional_reasoning",
        "comparing"};
    return traps;
}

bool is_thinking_trap(const std::string& tag) {
    const auto& traps = thinking_traps();
    return std::find(traps.begin(), traps.end(), tag) != traps.end();
}

const std::vector<std::string>& self_compassion_components() {
    static const std::vector<std::string> components{"mindfulness", "common_humanity", "self_kindness"};
    return components;
}

bool is_self_compassion_component(const std::string& name) {
    const auto& components = self_compassion_components();
    return std::find(components.begin(), components.end(), name) != components.end();
}

const State* Flow::find_state(const std::string& state_id) const {
    const auto it = state_index.find(state_id);
    return it == state_index.end() ? nullptr : &states[it->second];
}

const Flow* FlowSet::find_flow(const std::string& flow_id) const {
    const auto it = flow_index.find(flow_id);
    return it == flow_index.end() ? nullptr : &flows[it->second];
}

const Intent* FlowSet::find_intent(const std::string& intent_id) const {
    const auto it = intent_index.find(intent_id);
    return it == intent_index.end() ? nullptr : &intents[it->second];
}

}  // namespace reframe

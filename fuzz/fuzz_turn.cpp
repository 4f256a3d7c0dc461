// libFuzzer harness: whole turns through reframe::Engine over the bundled dialogues and a
// fresh in-memory store. The first byte picks the user; the rest is split on '\n' into
// messages, each answered with respond(), plus greet() and classify(). Invariants every
// reply must satisfy are checked with __builtin_trap().

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "reframe/engine.hpp"
#include "reframe/loader.hpp"
#include "reframe/session_store.hpp"

namespace {

// Small, so that the over-long path (and the safety scan it must still do) is reached.
constexpr std::size_t max_message_bytes = 2048;

struct Bundled {
    std::shared_ptr<const reframe::FlowSet> flows;
    bool crisis_interrupt = false;   // some safety interrupt fires on the "crisis" tag
    bool medical_interrupt = false;  // ...and on the "medical_urgent" tag
};

bool has(const std::vector<std::string>& list, const std::string& item) {
    for (const auto& x : list) {
        if (x == item) return true;
    }
    return false;
}

const Bundled& bundled() {
    static const Bundled set = [] {
        auto loaded = reframe::load_flow_dir(REFRAME_SOURCE_DIR "/dialogues");
        if (!loaded.has_value() || loaded->flows == nullptr) __builtin_trap();  // the dialogues must load
        Bundled b;
        b.flows = loaded->flows;
        for (const auto& interrupt : b.flows->interrupts) {
            if (interrupt.safety.empty() || !interrupt.rule.conditions.empty()) continue;
            if (has(interrupt.rule.tags, reframe::tag_crisis)) b.crisis_interrupt = true;
            if (has(interrupt.rule.tags, reframe::tag_medical_urgent)) b.medical_interrupt = true;
        }
        return b;
    }();
    return set;
}

bool blank(std::string_view text) { return text.find_first_not_of(" \t\n\r\v\f") == std::string_view::npos; }

/// `state` is "flow.state" and names a state of `flows`.
bool valid_state(const reframe::FlowSet& flows, const std::string& state) {
    const auto dot = state.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == state.size()) return false;
    const reframe::Flow* flow = flows.find_flow(state.substr(0, dot));
    return flow != nullptr && flow->find_state(state.substr(dot + 1)) != nullptr;
}

void check(const reframe::FlowSet& flows, const reframe::Reply& reply, const std::string& user) {
    if (reply.user != user) __builtin_trap();
    if (!valid_state(flows, reply.state)) __builtin_trap();
    if (reply.safety != "" && reply.safety != "crisis" && reply.safety != "medical_urgent") __builtin_trap();
    if (reply.error != "" && reply.error != "message_too_long") __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const Bundled& b = bundled();
    const std::string user = "user-" + std::to_string(data[0] % 8);
    const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);

    auto store = reframe::open_session_store({":memory:"});
    if (!store.has_value()) __builtin_trap();
    reframe::EngineOptions options;
    options.max_message_bytes = max_message_bytes;
    options.rate_per_minute = 0;  // every line is a turn to explore, however fast it comes
    reframe::Engine engine(b.flows, std::move(*store), options);

    const auto greeting = engine.greet(user);
    if (!greeting.has_value()) __builtin_trap();
    check(*b.flows, *greeting, user);
    if (!greeting->safety.empty() || !greeting->error.empty()) __builtin_trap();

    std::size_t begin = 0;
    while (begin <= rest.size()) {
        std::size_t end = rest.find('\n', begin);
        if (end == std::string_view::npos) end = rest.size();
        const std::string_view message = rest.substr(begin, end - begin);
        begin = end + 1;

        const auto reply = engine.respond(user, message);
        if (blank(message)) {
            if (reply.has_value()) __builtin_trap();  // blank messages are not turns
            continue;
        }
        if (!reply.has_value()) __builtin_trap();  // every other message gets a reply
        check(*b.flows, *reply, user);
        if (reply->error == "message_too_long" && message.size() <= max_message_bytes) __builtin_trap();
        if (reply->error.empty() && message.size() > max_message_bytes && reply->safety.empty()) __builtin_trap();

        // Safety first: what classify() calls a crisis (or a medical emergency) is answered
        // by a safety interrupt, whatever the state and however long the message.
        const reframe::Classification c = engine.classify(message);
        if (c.text != message) __builtin_trap();
        if (c.crisis && b.crisis_interrupt && reply->safety.empty()) __builtin_trap();
        if (c.medical_urgent && b.medical_interrupt && reply->safety.empty()) __builtin_trap();
    }

    const auto again = engine.greet(user);
    if (!again.has_value()) __builtin_trap();
    check(*b.flows, *again, user);
    return 0;
}

#include "reframe/engine.hpp"

#include <algorithm>
#include <mutex>
#include <stdexcept>

#include "analysis.hpp"
#include "engine_log.hpp"
#include "rate_limiter.hpp"
#include "turn_runner.hpp"

namespace reframe {
namespace {

bool blank(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
    });
}

/// Whether a safety interrupt fits `analysis`, judged exactly as a turn would judge it.
bool safety_interrupt_fits(const FlowSet& flows, const Analysis& analysis) {
    SessionState scratch;
    return TurnRunner(flows, scratch, analysis, 0).safety_interrupt_fits();
}

}  // namespace

struct Engine::Impl {
    explicit Impl(const EngineOptions& o)
        : options(o), log(o.logger, o.log_pseudonym_key), limiter(o.rate_per_minute, o.rate_burst, o.clock) {}

    mutable std::mutex flows_mutex;
    std::shared_ptr<const FlowSet> flows;
    std::unique_ptr<SessionStore> store;
    EngineOptions options;
    EngineLog log;
    RateLimiter limiter;

    std::shared_ptr<const FlowSet> snapshot() const {
        std::lock_guard lock(flows_mutex);
        return flows;
    }

    /// One turn against `set`, the same flow set the message was analysed with: a reload
    /// in between must not mix two versions (the analysis points into its set).
    tl::expected<Reply, EngineError> run(const std::shared_ptr<const FlowSet>& set, const std::string& user,
                                         const Analysis* analysis, TurnLog& turn_log);
    tl::expected<Reply, EngineError> respond(const std::string& user, std::string_view text, TurnLog& turn_log);
    tl::expected<Reply, EngineError> greet(const std::string& user, TurnLog& turn_log);
    tl::expected<Reply, EngineError> too_long(const FlowSet& set, const std::string& user);
    tl::expected<Reply, EngineError> rate_limited(const FlowSet& set, const std::string& user);
    /// A reply that does not run the turn: `message` and `error`, the session unchanged.
    tl::expected<Reply, EngineError> decline(const FlowSet& set, const std::string& user, std::string error,
                                             std::string message);
};

Engine::Engine(std::shared_ptr<const FlowSet> flows, std::unique_ptr<SessionStore> store, EngineOptions options)
    : impl_(std::make_unique<Impl>(options)) {
    if (!flows || !store) throw std::invalid_argument("engine needs a flow set and a session store");
    impl_->flows = std::move(flows);
    impl_->store = std::move(store);
}

Engine::~Engine() = default;

void Engine::reload(std::shared_ptr<const FlowSet> flows) {
    if (!flows) throw std::invalid_argument("engine needs a flow set");
    impl_->log.reloaded(*flows);
    std::lock_guard lock(impl_->flows_mutex);
    impl_->flows = std::move(flows);
}

std::shared_ptr<const FlowSet> Engine::flows() const { return impl_->snapshot(); }
SessionStore& Engine::store() { return *impl_->store; }

tl::expected<Reply, EngineError> Engine::Impl::run(const std::shared_ptr<const FlowSet>& set, const std::string& user,
                                                   const Analysis* analysis, TurnLog& turn_log) {
    Reply reply;
    reply.user = user;
    auto saved = store->update(user, [&](SessionState& session, bool is_new) {
        turn_log.before(session.at, is_new);
        if (is_new) TurnRunner::start_session(*set, session, options.seed);
        static const Analysis nothing;
        TurnRunner runner(*set, session, analysis ? *analysis : nothing, options.max_hops);
        if (analysis) {
            runner.handle_message(reply);
        } else {
            runner.greet(reply);
        }
    });
    if (!saved) return tl::unexpected(EngineError{"session store: " + saved.error().message});
    return reply;
}

tl::expected<Reply, EngineError> Engine::Impl::too_long(const FlowSet& set, const std::string& user) {
    return decline(set, user, "message_too_long",
                   "That is a lot to take in at once. Could you send it as a few shorter messages, so I can follow "
                   "each part?");
}

tl::expected<Reply, EngineError> Engine::Impl::rate_limited(const FlowSet& set, const std::string& user) {
    return decline(set, user, "rate_limited",
                   "Let's slow down a little, so I can give each of your messages the attention it deserves. Take "
                   "a breath, and send your next message in a moment. I'm still here.");
}

tl::expected<Reply, EngineError> Engine::Impl::decline(const FlowSet& set, const std::string& user, std::string error,
                                                       std::string message) {
    Reply reply;
    reply.user = user;
    reply.error = std::move(error);
    reply.messages.push_back(std::move(message));
    auto saved = store->load(user);
    if (!saved) return tl::unexpected(EngineError{"session store: " + saved.error().message});
    const Frame at = *saved ? (*saved)->at : TurnRunner::entry_frame(set);
    reply.state = at.flow + "." + at.state;
    return reply;
}

tl::expected<Reply, EngineError> Engine::respond(const std::string& user, std::string_view text) {
    TurnLog log(impl_->log, "turn", user);
    return log.done(impl_->respond(user, text, log));
}

tl::expected<Reply, EngineError> Engine::greet(const std::string& user) {
    TurnLog log(impl_->log, "greet", user);
    return log.done(impl_->greet(user, log));
}

tl::expected<Reply, EngineError> Engine::Impl::respond(const std::string& user, std::string_view text,
                                                       TurnLog& turn_log) {
    if (user.empty()) return tl::unexpected(EngineError{"user id must not be empty"});
    if (blank(text)) return tl::unexpected(EngineError{"empty message"});
    const auto set = snapshot();
    const Analysis analysis = analyze(*set, text);
    // Every message counts against the rate limit, but a crisis is answered however fast
    // the messages come.
    if (!limiter.allow(user) && !safety_interrupt_fits(*set, analysis)) return rate_limited(*set, user);
    // Over-long messages are still scanned for safety: a crisis at the end of a long
    // message must not be missed because of its length.
    if (text.size() > options.max_message_bytes && !safety_interrupt_fits(*set, analysis)) {
        return too_long(*set, user);
    }
    try {
        return run(set, user, &analysis, turn_log);
    } catch (const std::exception& e) {
        return tl::unexpected(EngineError{std::string{"turn failed: "} + e.what()});
    }
}

tl::expected<Reply, EngineError> Engine::Impl::greet(const std::string& user, TurnLog& turn_log) {
    if (user.empty()) return tl::unexpected(EngineError{"user id must not be empty"});
    try {
        return run(snapshot(), user, nullptr, turn_log);
    } catch (const std::exception& e) {
        return tl::unexpected(EngineError{std::string{"turn failed: "} + e.what()});
    }
}

Classification Engine::classify(std::string_view text) const {
    const auto set = impl_->snapshot();
    const Analysis analysis = analyze(*set, text);
    Classification c;
    c.text = std::string{text};
    c.intents = analysis.intent_ids();
    c.traps = analysis.traps();
    c.self_critical = analysis.has_tag(tag_self_critical);
    c.crisis = analysis.has_tag(tag_crisis);
    c.medical_urgent = analysis.has_tag(tag_medical_urgent);
    return c;
}

}  // namespace reframe

#include "reframe/engine.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <limits>
#include <mutex>
#include <stdexcept>

#include "analysis.hpp"
#include "engine_log.hpp"
#include "rate_limiter.hpp"
#include "reframe/data_export.hpp"
#include "reframe/explain.hpp"
#include "turn_runner.hpp"
#include "word_count.hpp"

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

std::int64_t system_unix_seconds() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return std::chrono::duration_cast<std::chrono::seconds>(now).count();
}

constexpr std::int64_t seconds_per_day = 86'400;
constexpr std::int64_t purge_interval_seconds = 3'600;

/// The lines a consenting person's turn adds to their transcript.
void record(TurnWrites& writes, const SessionState& session, std::int64_t now, std::string_view text,
            const Reply& reply) {
    if (!text.empty()) writes.transcript.push_back(TranscriptLine{now, session.turns, "person", std::string{text}});
    for (const auto& message : reply.messages) {
        writes.transcript.push_back(TranscriptLine{now, session.turns, "bot", message});
    }
}

/// The typing pause before each message: words × ms_per_word, within [min_ms, max_ms].
void pace(const FlowSet& set, Reply& reply) {
    reply.pauses_ms.clear();
    for (const auto& message : reply.messages) {
        if (set.pace_ms_per_word == 0) {
            reply.pauses_ms.push_back(0);
            continue;
        }
        const auto words = static_cast<std::int64_t>(count_words(message));
        reply.pauses_ms.push_back(
            static_cast<int>(std::clamp<std::int64_t>(words * set.pace_ms_per_word, set.pace_min_ms, set.pace_max_ms)));
    }
}

}  // namespace

struct PreparedMessage {
    Message message;
    std::shared_ptr<const FlowSet> set;
    std::optional<Analysis> analysis;  // none for an empty user or a blank message
};

namespace {

/// A turn between its run in the store and its reply.
struct PendingTurn {
    Reply reply;
    DataAction action = DataAction::none;
    std::int64_t at = 0;
    std::optional<std::string> thrown;  // what the turn threw, when it did
};

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
    std::atomic<std::int64_t> last_purge{std::numeric_limits<std::int64_t>::min()};

    std::int64_t now() const { return options.unix_clock ? options.unix_clock() : system_unix_seconds(); }
    tl::expected<std::int64_t, EngineError> purge(const FlowSet& set);
    void purge_now_and_then(const FlowSet& set);

    std::shared_ptr<const FlowSet> snapshot() const {
        std::lock_guard lock(flows_mutex);
        return flows;
    }

    /// One turn against `set`, the same flow set the message was analysed with: a reload
    /// in between must not mix two versions (the analysis points into its set).
    tl::expected<Reply, EngineError> run(const std::shared_ptr<const FlowSet>& set, const std::string& user,
                                         const Analysis* analysis, std::string_view text, TurnLog& turn_log);
    /// The store's part of a turn (run() and respond_all()): runs the turn on the session
    /// and fills `turn.reply`, `turn.action` and the writes.
    SessionStore::Turn store_turn(const FlowSet& set, const std::string& user, const Analysis* analysis,
                                  std::string_view text, TurnLog& turn_log, PendingTurn& turn);
    /// What follows a committed turn: pacing, and the forget-me and export-my-data replies.
    tl::expected<Reply, EngineError> finish(const FlowSet& set, const std::string& user, PendingTurn& turn);
    std::vector<tl::expected<Reply, EngineError>> respond_all(std::span<const Prepared> messages);
    Prepared prepare(Message message) const;
    /// The checks respond() makes before a turn runs: an error or a declining reply, or
    /// nothing when the message goes on to its turn.
    std::optional<tl::expected<Reply, EngineError>> screen(const FlowSet& set, const std::string& user,
                                                           std::string_view text, const Analysis& analysis);
    tl::expected<Reply, EngineError> respond(const std::string& user, std::string_view text, TurnLog& turn_log);
    tl::expected<Reply, EngineError> greet(const std::string& user, TurnLog& turn_log);
    tl::expected<Reply, EngineError> quiet(const std::string& user, TurnLog& turn_log);
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

tl::expected<void, EngineError> Engine::reload(std::shared_ptr<const FlowSet> flows) {
    if (!flows) throw std::invalid_argument("engine needs a flow set");
    const std::string& locale = impl_->options.locale;
    if (!locale.empty() && !flows->resources.locales.contains(locale)) {
        return tl::unexpected(EngineError{"the new flows give no safety resources for the locale '" + locale + "'"});
    }
    impl_->log.reloaded(*flows);
    std::lock_guard lock(impl_->flows_mutex);
    impl_->flows = std::move(flows);
    return {};
}

std::shared_ptr<const FlowSet> Engine::flows() const { return impl_->snapshot(); }

std::optional<std::string> Engine::resource(std::string_view key) const {
    const auto set = impl_->snapshot();
    const auto text = set->resources.find(impl_->options.locale, key);
    if (!text) return std::nullopt;
    return std::string{*text};
}
SessionStore& Engine::store() { return *impl_->store; }

SessionStore::Turn Engine::Impl::store_turn(const FlowSet& set, const std::string& user, const Analysis* analysis,
                                            std::string_view text, TurnLog& turn_log, PendingTurn& turn) {
    turn.reply.user = user;
    turn.at = now();
    return [this, &set, analysis, text, &turn_log, &turn](SessionState& session, bool is_new, TurnWrites& writes) {
        try {
            turn_log.before(session.at, is_new);
            if (is_new) TurnRunner::start_session(set, session, options.seed);
            // Only a person who agreed before this turn is recorded: the turn that grants
            // consent is not, and the turn that withdraws it erases what there was.
            const bool recording = session.consent == consent_granted;
            static const Analysis nothing;
            TurnRunner runner(set, session, analysis ? *analysis : nothing, options.max_hops);
            runner.set_locale(options.locale);
            runner.set_now(turn.at);
            if (analysis) {
                runner.handle_message(turn.reply);
            } else {
                runner.greet(turn.reply);
            }
            if (runner.moved_from()) turn_log.moved(*runner.moved_from(), set.version);
            turn.action = runner.action();
            writes.forget = turn.action == DataAction::forget_me;
            writes.erase_transcript = turn.action == DataAction::decline_transcripts;
            for (const auto& [name, value] : runner.recorded())
                writes.measures.push_back(Measure{turn.at, name, value});
            if (recording && session.consent == consent_granted && !writes.forget) {
                record(writes, session, turn.at, text, turn.reply);
            }
        } catch (const std::exception& e) {
            turn.thrown = e.what();
            throw;
        }
    };
}

tl::expected<Reply, EngineError> Engine::Impl::finish(const FlowSet& set, const std::string& user, PendingTurn& turn) {
    Reply& reply = turn.reply;
    pace(set, reply);
    if (turn.action == DataAction::forget_me) {
        // Nothing is left: the next message starts where a new person starts.
        SessionState fresh;
        TurnRunner::start_session(set, fresh, 0);
        reply.state = fresh.at.flow + "." + fresh.at.state;
    } else if (turn.action == DataAction::export_my_data) {
        auto data = store->export_data(user);
        if (!data) return tl::unexpected(EngineError{"session store: " + data.error().message});
        reply.messages.push_back(export_json(user, *data, turn.at));
        reply.pauses_ms.push_back(set.pace_min_ms);
    }
    return std::move(reply);
}

tl::expected<Reply, EngineError> Engine::Impl::run(const std::shared_ptr<const FlowSet>& set, const std::string& user,
                                                   const Analysis* analysis, std::string_view text, TurnLog& turn_log) {
    PendingTurn turn;
    auto saved = store->update(user, store_turn(*set, user, analysis, text, turn_log, turn));
    if (!saved) return tl::unexpected(EngineError{"session store: " + saved.error().message});
    return finish(*set, user, turn);
}

tl::expected<std::int64_t, EngineError> Engine::Impl::purge(const FlowSet& set) {
    const std::int64_t at = now();
    last_purge.store(at);
    auto purged = store->purge_transcripts(at - static_cast<std::int64_t>(set.transcript_days) * seconds_per_day);
    if (!purged) return tl::unexpected(EngineError{"session store: " + purged.error().message});
    return *purged;
}

void Engine::Impl::purge_now_and_then(const FlowSet& set) {
    const std::int64_t at = now();
    std::int64_t last = last_purge.load();
    if (last > std::numeric_limits<std::int64_t>::min() && at - last < purge_interval_seconds) return;
    // One thread wins the right to purge; the others go on with their turns.
    if (!last_purge.compare_exchange_strong(last, at)) return;
    // A failed purge is retried at the next interval; the turn itself does not depend on it.
    (void)purge(set);
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
    pace(set, reply);
    return reply;
}

std::vector<tl::expected<Reply, EngineError>> Engine::respond_all(std::span<const Message> messages) {
    std::vector<Prepared> prepared;
    prepared.reserve(messages.size());
    for (const auto& message : messages) prepared.push_back(impl_->prepare(message));
    return impl_->respond_all(prepared);
}

std::vector<tl::expected<Reply, EngineError>> Engine::respond_all(std::span<const Prepared> messages) {
    return impl_->respond_all(messages);
}

Prepared Engine::prepare(Message message) const { return impl_->prepare(std::move(message)); }

tl::expected<Reply, EngineError> Engine::respond(const std::string& user, std::string_view text) {
    TurnLog log(impl_->log, "turn", user);
    return log.done(impl_->respond(user, text, log));
}

tl::expected<Reply, EngineError> Engine::quiet(const std::string& user) {
    TurnLog log(impl_->log, "quiet", user);
    return log.done(impl_->quiet(user, log));
}

tl::expected<Reply, EngineError> Engine::Impl::quiet(const std::string& user, TurnLog& turn_log) {
    if (user.empty()) return tl::unexpected(EngineError{"user id must not be empty"});
    const auto set = snapshot();
    // Someone never seen, or resting at the entry (or at the first-contact notice), is not
    // in the middle of anything: nothing to say, nothing to store.
    auto saved = store->load(user);
    if (!saved) return tl::unexpected(EngineError{"session store: " + saved.error().message});
    Reply reply;
    reply.user = user;
    const Frame entry = TurnRunner::entry_frame(*set);
    const auto resting = [&set](const Frame& at) {
        const Flow* flow = set->find_flow(at.flow);
        const State* state = flow ? flow->find_state(at.state) : nullptr;
        return state != nullptr && std::find(state->tags.begin(), state->tags.end(), "resting") != state->tags.end();
    };
    if (!*saved || ((*saved)->at == entry && (*saved)->stack.empty()) || (*saved)->at == set->first_contact ||
        resting((*saved)->at)) {
        reply.state = *saved ? (*saved)->at.flow + "." + (*saved)->at.state : entry.flow + "." + entry.state;
        return reply;
    }
    auto updated = store->update(user, [&](SessionState& session, bool is_new) {
        turn_log.before(session.at, is_new);
        if (is_new) TurnRunner::start_session(*set, session, options.seed);
        static const Analysis nothing;
        TurnRunner runner(*set, session, nothing, options.max_hops);
        runner.set_locale(options.locale);
        runner.set_now(now());
        runner.quiet(reply);
    });
    if (!updated) return tl::unexpected(EngineError{"session store: " + updated.error().message});
    pace(*set, reply);
    return reply;
}

tl::expected<Reply, EngineError> Engine::greet(const std::string& user) {
    TurnLog log(impl_->log, "greet", user);
    return log.done(impl_->greet(user, log));
}

std::optional<tl::expected<Reply, EngineError>> Engine::Impl::screen(const FlowSet& set, const std::string& user,
                                                                     std::string_view text, const Analysis& analysis) {
    // Every message counts against the rate limit, but a crisis is answered however fast
    // the messages come.
    if (!limiter.allow(user) && !safety_interrupt_fits(set, analysis)) return rate_limited(set, user);
    // Over-long messages are still scanned for safety: a crisis at the end of a long
    // message must not be missed because of its length.
    if (text.size() > options.max_message_bytes && !safety_interrupt_fits(set, analysis)) {
        return too_long(set, user);
    }
    return std::nullopt;
}

tl::expected<Reply, EngineError> Engine::Impl::respond(const std::string& user, std::string_view text,
                                                       TurnLog& turn_log) {
    if (user.empty()) return tl::unexpected(EngineError{"user id must not be empty"});
    if (blank(text)) return tl::unexpected(EngineError{"empty message"});
    const auto set = snapshot();
    const Analysis analysis = analyze(*set, text);
    if (auto screened = screen(*set, user, text, analysis)) return std::move(*screened);
    purge_now_and_then(*set);
    try {
        return run(set, user, &analysis, text, turn_log);
    } catch (const std::exception& e) {
        return tl::unexpected(EngineError{std::string{"turn failed: "} + e.what()});
    }
}

Prepared Engine::Impl::prepare(Message message) const {
    auto prepared = std::make_shared<PreparedMessage>();
    prepared->set = snapshot();
    if (!message.user.empty() && !blank(message.text)) prepared->analysis = analyze(*prepared->set, message.text);
    prepared->message = std::move(message);
    return prepared;
}

std::vector<tl::expected<Reply, EngineError>> Engine::Impl::respond_all(std::span<const Prepared> messages) {
    purge_now_and_then(*snapshot());
    std::vector<std::optional<tl::expected<Reply, EngineError>>> results(messages.size());
    // Kept at fixed addresses while the turns that point into them run.
    std::deque<TurnLog> logs;
    std::deque<PendingTurn> turns;
    std::vector<std::size_t> batched;       // indexes of the messages whose turns wait in `updates`
    std::vector<std::size_t> batched_keys;  // a hash of each one's user: most comparisons end there
    std::vector<SessionStore::Turn> closures;
    std::vector<SessionStore::UserTurn> updates;
    closures.reserve(messages.size());
    updates.reserve(messages.size());

    const auto flush = [&] {
        auto saved = store->update_all(updates);
        for (std::size_t k = 0; k < batched.size(); ++k) {
            const std::size_t i = batched[k];
            PendingTurn& turn = turns[k];
            if (!saved[k]) {
                results[i] = tl::unexpected(EngineError{turn.thrown ? "turn failed: " + *turn.thrown
                                                                    : "session store: " + saved[k].error().message});
            } else {
                results[i] = finish(*messages[i]->set, messages[i]->message.user, turn);
            }
        }
        batched.clear();
        batched_keys.clear();
        updates.clear();
        closures.clear();
        turns.clear();
    };
    const auto waiting = [&](const std::string& user, std::size_t key) {
        for (std::size_t k = 0; k < batched.size(); ++k) {
            if (batched_keys[k] == key && messages[batched[k]]->message.user == user) return true;
        }
        return false;
    };

    for (std::size_t i = 0; i < messages.size(); ++i) {
        const PreparedMessage& prepared = *messages[i];
        const auto& [user, text] = prepared.message;
        const FlowSet& set = *prepared.set;
        TurnLog& turn_log = logs.emplace_back(log, "turn", user);
        if (user.empty()) {
            results[i] = tl::unexpected(EngineError{"user id must not be empty"});
            continue;
        }
        if (!prepared.analysis) {
            results[i] = tl::unexpected(EngineError{"empty message"});
            continue;
        }
        // A declined message's reply names the session's state: a turn of the same person
        // still waiting in the batch is committed first, so that it is the state it left.
        const std::size_t key = std::hash<std::string>{}(user);
        if (waiting(user, key)) flush();
        if (auto screened = screen(set, user, text, *prepared.analysis)) {
            results[i] = std::move(*screened);
            continue;
        }
        batched.push_back(i);
        batched_keys.push_back(key);
        PendingTurn& turn = turns.emplace_back();
        closures.push_back(store_turn(set, user, &*prepared.analysis, text, turn_log, turn));
        updates.push_back(SessionStore::UserTurn{&user, &closures.back()});
    }
    if (!batched.empty()) flush();

    std::vector<tl::expected<Reply, EngineError>> replies;
    replies.reserve(messages.size());
    for (std::size_t i = 0; i < messages.size(); ++i) replies.push_back(logs[i].done(std::move(*results[i])));
    return replies;
}

tl::expected<Reply, EngineError> Engine::Impl::greet(const std::string& user, TurnLog& turn_log) {
    if (user.empty()) return tl::unexpected(EngineError{"user id must not be empty"});
    try {
        return run(snapshot(), user, nullptr, {}, turn_log);
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

tl::expected<Explanation, EngineError> Engine::explain(std::string_view text, const std::string& state) const {
    ExplainOptions options;
    options.state = state;
    options.locale = impl_->options.locale;
    options.seed = impl_->options.seed;
    options.max_hops = impl_->options.max_hops;
    return reframe::explain(impl_->snapshot(), text, options);
}

tl::expected<std::string, EngineError> Engine::export_data(const std::string& user) {
    if (user.empty()) return tl::unexpected(EngineError{"user id must not be empty"});
    auto data = impl_->store->export_data(user);
    if (!data) return tl::unexpected(EngineError{"session store: " + data.error().message});
    return export_json(user, *data, impl_->now());
}

tl::expected<bool, EngineError> Engine::forget(const std::string& user) {
    return forget_all(std::span<const std::string>(&user, 1)).map([](int erased) { return erased > 0; });
}

tl::expected<int, EngineError> Engine::forget_all(std::span<const std::string> users) {
    if (std::any_of(users.begin(), users.end(), [](const std::string& user) { return user.empty(); })) {
        return tl::unexpected(EngineError{"user id must not be empty"});
    }
    auto erased = impl_->store->erase_all(users);
    if (!erased) return tl::unexpected(EngineError{"session store: " + erased.error().message});
    return *erased;
}

tl::expected<std::int64_t, EngineError> Engine::purge_expired() { return impl_->purge(*impl_->snapshot()); }

}  // namespace reframe
